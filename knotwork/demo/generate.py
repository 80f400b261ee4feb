"""A synthetic clinic group for the scale benchmark: `manage.py generate_clinic_group` (docs/performance.md).

Every record is invented. The group is deterministic for a seed and a day: the same seed on the same date
writes the same people, courses and numbers (dates are laid out backwards from today so the Today page, the
calendar and the check-ins have something current to show).

It writes through the models' constraints with bulk inserts, a chunk of patients at a time, so memory stays
flat however large the group: nothing but a chunk and the practitioners' calendars is held in Python. Clinics,
staff and their settings go through the services, as a new clinic's would; the clinical history is bulk-loaded
(replaying a hundred thousand sessions through the services would take days), with the same shapes the
services write.
"""

import dataclasses
import datetime
import itertools
import math
import random
import secrets
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.assessment import services as assessment
from knotwork.assessment.models import (
    ComplaintArea,
    Consent,
    ConsentFormVersion,
    Diagnosis,
    Examination,
    Intake,
    IntakeStatus,
    RangeOfMotion,
    SafetyScreen,
    ScreenStatus,
    TriggerPointFinding,
)
from knotwork.atlas.catalog import get_atlas
from knotwork.audit.actors import ActorKind
from knotwork.audit.models import AuditEntry
from knotwork.clinics.models import Clinic, Role
from knotwork.clinics.services import add_member, create_clinic
from knotwork.core.models import ClinicScoped
from knotwork.core.policy import SystemActor
from knotwork.followup.models import CheckIn, CheckInStatus, DiaryEntry, Flag, FlagKind, FlagStatus
from knotwork.outcomes import scoring
from knotwork.outcomes.models import INSTRUMENT_VERSIONS, Instrument, Occasion, QuestionnaireResponse
from knotwork.patients.models import Patient, PatientStatus, Sex
from knotwork.plans.models import Goal, GoalMeasure, PlanStatus, TreatmentPlan
from knotwork.scheduling.models import Appointment, AppointmentBlock, AppointmentStatus, AppointmentType, WorkingHours
from knotwork.treatment.models import (
    ClinicalNote,
    Hold,
    NeedleEntry,
    NoteRevision,
    NoteStatus,
    SessionPoint,
    SessionStatus,
    TechniqueEntry,
    TreatmentSession,
)

GENERATOR = SystemActor("clinic group generator")
TIME_ZONE = "America/Denver"
HISTORY_DAYS = 3 * 365  # the group's records reach back three years
FUTURE_DAYS = 28  # booked visits up to four weeks ahead
CHUNK = 250  # patients written per round of inserts
BATCH = 2000  # rows per INSERT statement
VISIT_HOURS = (8, 9, 10, 11, 13, 14, 15, 16)  # local start times of a practitioner's visits
VISITS_PER_PRACTITIONER = 3000  # sessions a practitioner's calendar takes over the three years (with room left)
SESSION_MINUTES = 45
FIRST_NAMES = [
    "Ada",
    "Aiko",
    "Alba",
    "Amir",
    "Anika",
    "Arlo",
    "Bea",
    "Boris",
    "Cai",
    "Cora",
    "Dani",
    "Dario",
    "Edda",
    "Elio",
    "Enzo",
    "Esme",
    "Fern",
    "Femi",
    "Gil",
    "Greta",
    "Hana",
    "Hugo",
    "Ines",
    "Ivo",
    "Jana",
    "Joel",
    "Kira",
    "Kofi",
    "Lale",
    "Leon",
    "Lina",
    "Luca",
    "Mara",
    "Milo",
    "Nia",
    "Noor",
    "Odin",
    "Olga",
    "Pax",
    "Pia",
    "Quin",
    "Rafa",
    "Rhea",
    "Rune",
    "Sana",
    "Saul",
    "Tara",
    "Teo",
    "Uma",
    "Vera",
    "Vito",
    "Wren",
    "Yara",
    "Yuri",
    "Zara",
    "Zeno",
]
LAST_NAMES = [
    "Abara",
    "Bellweather",
    "Castellan",
    "Dunmore",
    "Eskola",
    "Farrow",
    "Galloway",
    "Haverly",
    "Ibsen",
    "Jandric",
    "Kestrel",
    "Lindqvist",
    "Marlowe",
    "Nakashima",
    "Okonjo",
    "Pellegrin",
    "Quarles",
    "Ravensdale",
    "Sandoval",
    "Thorne",
    "Underhill",
    "Valdivia",
    "Whitcombe",
    "Xu",
    "Yarrow",
    "Zielinski",
    "Ashgrove",
    "Brennan",
    "Calder",
    "Delacroix",
    "Ellery",
    "Fairbanks",
    "Grimaldi",
    "Holloway",
    "Ingram",
    "Jessup",
    "Kowalczyk",
    "Lachance",
]
# Surnames in a clinic follow a long tail: a few are common, most are rare (in the 2010 US census the commonest
# surname was about 0.8% of people and the thousand commonest about 40%). The list above is the head; the rest are
# composed from stems and endings, about 2,400 invented names in all, and drawn with a weight of 1 / (rank + 20),
# which gives the commonest about 1% of patients. Invented figures shaped like those, not a census sample.
SURNAME_STEMS = (
    "Ash", "Bal", "Bram", "Brook", "Cal", "Carr", "Dal", "Dun", "Els", "Fair", "Fen", "Gar", "Glen", "Hal", "Hart",
    "Hol", "Ives", "Jar", "Kel", "Kin", "Lang", "Lin", "Mar", "Mel", "Mor", "Nor", "Oak", "Ol", "Pem", "Pen",
    "Quen", "Rad", "Ros", "Sal", "Sel", "Stan", "Tal", "Tor", "Ul", "Var", "Wal", "Wick", "Yar", "Zel", "Bren",
    "Crom", "Dros", "Fal", "Gil", "Hask", "Kov", "Lom", "Nev", "Orl", "Pav", "Rin", "Sten", "Tam", "Vel", "Wes",
)  # fmt: skip
SURNAME_ENDINGS = (
    "", "er", "ford", "wood", "well", "more", "ton", "by", "son", "ley", "field", "worth", "ski", "ova", "ini",
    "ez", "ard", "ing", "stead", "ridge", "holm", "berg", "ek", "ic", "ani", "oux", "ane", "ow", "ish", "ett",
    "ham", "den", "lund", "strom", "avi", "enko", "oy", "ida", "man", "ler",
)  # fmt: skip


def _surnames() -> tuple[list[str], list[float]]:
    names = list(LAST_NAMES)
    seen = set(names)
    for stem in SURNAME_STEMS:
        for ending in SURNAME_ENDINGS:
            name = stem + ending
            if name not in seen:
                seen.add(name)
                names.append(name)
    # The composed names take their ranks in a fixed shuffled order, so the common ones are not all one stem.
    random.Random("surnames").shuffle(tail := names[len(LAST_NAMES) :])  # noqa: S311 (invented names, not security)
    names[len(LAST_NAMES) :] = tail
    return names, list(itertools.accumulate(1 / (rank + 20) for rank in range(1, len(names) + 1)))


SURNAMES, SURNAME_WEIGHTS = _surnames()


def surname(rng: random.Random) -> str:
    """A surname drawn from the long tail above."""
    return rng.choices(SURNAMES, cum_weights=SURNAME_WEIGHTS)[0]


# What a course treats with, and how often (a mix, so every technique has courses of its own; the generator does not
# make one technique work better than another: the synthetic outcomes are the same whatever was used).
COURSE_TECHNIQUES = (
    (("manual_therapy",), 35),
    (("manual_therapy", "dry_needling"), 30),
    (("dry_needling",), 15),
    (("manual_therapy", "tens"), 15),
    (("tens",), 5),
)
DX = (("M79.18", "Myalgia, other site"), ("M54.50", "Low back pain, unspecified"), ("M54.2", "Cervicalgia"))
NOTE_TEXT = {
    "subjective": "Pain {before}/10 on arrival; soreness after the last visit settled within two days.",
    "objective": "Active trigger points palpated in {muscles}; taut bands with recognised referred pain.",
    "assessment": "Myofascial pain, responding to treatment.",
    "plan": "Continue the course; home stretches twice daily.",
}


@dataclasses.dataclass
class GroupSize:
    clinics: int
    patients: int

    def clinic_shares(self) -> list[int]:
        """Patients per clinic: the first clinic is the largest (a flagship and smaller branches)."""
        weights = [1.0 / (i + 1) ** 0.7 for i in range(self.clinics)]
        total = sum(weights)
        shares = [max(1, math.floor(self.patients * w / total)) for w in weights]
        shares[0] += self.patients - sum(shares)
        return shares


@dataclasses.dataclass
class Login:
    email: str
    password: str
    role: str
    clinic: str
    totp_secret: str = ""

    def line(self) -> str:
        return f"login: {self.email}  password: {self.password}  ({self.role}, {self.clinic})"


class GroupRefused(Exception):
    """The generator will not write here (the message says why)."""


def holds_other_data() -> bool:
    return Clinic.objects.exists() or User.objects.exists()


@contextmanager
def own_timestamps() -> Iterator[None]:
    """Let the generator set created_at/updated_at itself (the history lies in the past), then restore."""
    switched = []
    for model in apps.get_models():
        if not issubclass(model, ClinicScoped):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
                switched.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Calendar:
    """A practitioner's visits, so no two appointments of one practitioner overlap (days from the first day)."""

    def __init__(self) -> None:
        self.used: dict[int, int] = {}

    def take(self, day: int, last_day: int) -> int | None:
        """The first free visit on `day` or a following working day; None past `last_day`."""
        while day <= last_day:
            taken = self.used.get(day, 0)
            if taken < len(VISIT_HOURS):
                self.used[day] = taken + 1
                return day * 100 + taken
            day += 1
        return None


@dataclasses.dataclass
class Rows:
    """One chunk's rows, in insert order."""

    tables: dict[type, list] = dataclasses.field(default_factory=dict)

    def add(self, row):
        self.tables.setdefault(type(row), []).append(row)
        return row


class Generator:
    def __init__(self, *, size: GroupSize, seed: int, today: datetime.date, write: Callable[[str], None]):
        self.size, self.seed, self.today, self.write = size, seed, today, write
        self.atlas = get_atlas()
        self.muscles = sorted((m for m in self.atlas.muscles.values() if any(m.sites.values())), key=lambda m: m.id)
        self.logins: list[Login] = []
        self.counts: dict[str, int] = {}
        self.tz: datetime.tzinfo = datetime.UTC
        # Content type ids of this database, read once per run (never across runs: a test database may be rebuilt).
        self._content_types: dict[type, int] = {}
        self.first_day = today - datetime.timedelta(days=HISTORY_DAYS)

    # --- small helpers ---

    def uuid(self, rng: random.Random) -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def stamp(self, row: models.Model, at: datetime.datetime, rng: random.Random) -> models.Model:
        row.public_id = self.uuid(rng)
        row.created_at = row.updated_at = at
        return row

    def moment(self, day: int, hour: int, minute: int = 0) -> datetime.datetime:
        date = self.first_day + datetime.timedelta(days=day)
        return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=self.tz)

    # --- the group ---

    def refuse_other_data(self) -> None:
        if holds_other_data():
            raise GroupRefused(
                "This database already holds clinics or users. The generator fills an empty database only "
                "(create a new one, migrate it, and run the generator there)."
            )

    def run(self) -> list[Login]:
        self.refuse_other_data()
        shares = self.size.clinic_shares()
        for index, patients in enumerate(shares):
            self.clinic(index, patients)
        return self.logins

    def clinic(self, index: int, patients: int) -> None:
        self.fill(self.start_clinic(index, patients), 0, patients)

    def start_clinic(self, index: int, patients: int) -> dict:
        """The clinic, its staff (enough practitioners' time for `patients`), types, hours and consent forms."""
        rng = random.Random(f"{self.seed}:clinic:{index}")  # noqa: S311 (synthetic data, not security)
        with transaction.atomic():
            clinic = create_clinic(
                name=f"Clinic {index + 1} of the group",
                phone=f"+1 303 555 {1000 + index:04d}"[:20],
                email=f"clinic{index + 1}@group.example.com",
                address=f"{10 + index} Example Street, Denver, CO",
                by=GENERATOR,
            )
            clinic.time_zone = TIME_ZONE
            clinic.save(update_fields=["time_zone"])
            self.tz = clinic.tzinfo
            practitioners = max(2, math.ceil(patients * 10 / VISITS_PER_PRACTITIONER))
            staff = self.staff(clinic, index, practitioners, rng)
            assessment.ensure_consent_forms(clinic=clinic, by=GENERATOR)
            types = {
                name: AppointmentType.objects.create(clinic=clinic, name=name, duration_minutes=minutes)
                for name, minutes in (("First visit", 60), ("Treatment", SESSION_MINUTES), ("Review", 30))
            }
            for user in staff["practitioners"]:
                WorkingHours.objects.bulk_create(
                    WorkingHours(
                        clinic=clinic,
                        practitioner=user,
                        weekday=day,
                        starts=datetime.time(VISIT_HOURS[0]),
                        ends=datetime.time(VISIT_HOURS[-1] + 1),
                    )
                    for day in range(5)
                )
        versions = {
            v.form.technique: v for v in ConsentFormVersion.objects.filter(clinic=clinic).select_related("form")
        }
        calendars = {user.pk: Calendar() for user in staff["practitioners"]}
        context = {
            "index": index,
            "clinic": clinic,
            "staff": staff,
            "types": types,
            "versions": versions,
            "calendars": calendars,
        }
        self.write(f"{clinic.name}: {patients} patients, {practitioners} practitioners")
        return context

    def fill(self, context: dict, start: int, stop: int) -> None:
        """Patients number `start` to `stop - 1` of the clinic, with their histories, a chunk at a time."""
        self.tz = context["clinic"].tzinfo
        for first in range(start, stop, CHUNK):
            chunk_rng = random.Random(f"{self.seed}:clinic:{context['index']}:chunk:{first}")  # noqa: S311
            rows = Rows()
            for number in range(first, min(stop, first + CHUNK)):
                self.patient(context, number, chunk_rng, rows)
            self.save(rows)

    def staff(self, clinic: Clinic, index: int, practitioners: int, rng: random.Random) -> dict:
        password = secrets.token_urlsafe(12)
        domain = f"clinic{index + 1}.group.example.com"
        people: dict = {"practitioners": []}
        roles = [(Role.OWNER, "owner"), (Role.FRONT_DESK, "desk")] + [
            (Role.PRACTITIONER, f"practitioner{n + 1}") for n in range(practitioners)
        ]
        for role, local in roles:
            user = User.objects.create_user(
                f"{local}@{domain}", password, first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(LAST_NAMES)
            )
            add_member(clinic=clinic, user=user, role=role, by=GENERATOR)
            if role == Role.PRACTITIONER:
                people["practitioners"].append(user)
            else:
                people[local] = user
            if index == 0 and local in ("owner", "practitioner1"):
                login = Login(user.email, password, Role(role).label.lower(), clinic.name)
                if role == Role.OWNER:
                    login.totp_secret = _totp_secret()
                    TOTP.activate(user, login.totp_secret)
                self.logins.append(login)
        return people

    # --- one patient's history ---

    def patient(self, context: dict, number: int, rng: random.Random, rows: Rows) -> None:
        clinic, staff = context["clinic"], context["staff"]
        practitioner = staff["practitioners"][number % len(staff["practitioners"])]
        calendar = context["calendars"][practitioner.pk]
        first = rng.randrange(0, HISTORY_DAYS + FUTURE_DAYS // 2)
        registered = self.moment(first, 7, rng.randrange(60))
        last = surname(rng)
        patient = self.stamp(
            Patient(
                clinic=clinic,
                chart_number=f"G{number + 1:06d}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=last,
                date_of_birth=datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 65)),
                sex=rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE, Sex.MALE, Sex.OTHER, Sex.UNKNOWN]),
                phone=f"+1303555{rng.randrange(0, 10000):04d}",
                email=f"patient{number + 1}.{last.lower()}@example.org",
                city=rng.choice(["Denver", "Aurora", "Lakewood", "Boulder"]),
                region="CO",
                status=PatientStatus.ACTIVE,
            ),
            registered,
            rng,
        )
        rows.add(patient)
        self.audit(rows, clinic, patient, patient, registered, staff["desk"], AuditEntry.Action.CREATE)
        muscle = self.muscles[rng.randrange(len(self.muscles))]
        side = rng.choice([s for s, sites in muscle.sites.items() if sites])
        pattern = muscle.patterns.get(side)
        drawing = [
            {"region": region, "intensity": rng.randint(3, 8), "quality": "aching"}
            for region in sorted(pattern.essential if pattern else ())[:6]
        ]
        intake = rows.add(
            self.stamp(
                Intake(
                    clinic=clinic,
                    patient=patient,
                    status=IntakeStatus.SUBMITTED,
                    chief_complaint=f"Pain around the {muscle.name.lower()}",
                    complaint_area=rng.choice(list(ComplaintArea.values)),
                    pain_now=rng.randint(3, 8),
                    pain_best=rng.randint(1, 3),
                    pain_worst=rng.randint(6, 10),
                    drawing=drawing,
                    activating_factors=rng.sample(["overload", "stress", "posture", "work_posture"], 2),
                    submitted_at=registered,
                ),
                registered,
                rng,
            )
        )
        rows.add(
            self.stamp(
                SafetyScreen(clinic=clinic, patient=patient, intake=intake, status=ScreenStatus.CLEAR, areas=[]),
                registered,
                rng,
            )
        )
        for technique in ("manual_therapy", "dry_needling"):
            version = context["versions"].get(technique)
            if version is not None:
                rows.add(
                    self.stamp(
                        Consent(
                            clinic=clinic,
                            patient=patient,
                            version=version,
                            technique=technique,
                            signed_name=f"{patient.first_name} {patient.last_name}",
                            signature="M10 10 L60 30",
                            body_hash=version.body_hash,
                        ),
                        registered,
                        rng,
                    )
                )
        examined = self.moment(first, 8)
        examination = rows.add(
            self.stamp(
                Examination(clinic=clinic, patient=patient, intake=intake, examined_by=practitioner), examined, rng
            )
        )
        findings = []
        for site in muscle.sites[side][:3]:
            findings.append(
                rows.add(
                    self.stamp(
                        TriggerPointFinding(
                            clinic=clinic,
                            examination=examination,
                            patient=patient,
                            muscle=muscle.id,
                            side=site.side,
                            region=site.region,
                            view=site.view,
                            x=site.x,
                            y=site.y,
                            taut_band=True,
                            spot_tenderness=True,
                            referred_pain=rng.random() < 0.7,
                            pain_recognised=rng.random() < 0.8,
                            twitch_response=rng.random() < 0.3,
                            palpation_pain=rng.randint(4, 9),
                        ),
                        examined,
                        rng,
                    )
                )
            )
        rows.add(
            self.stamp(
                RangeOfMotion(
                    clinic=clinic,
                    examination=examination,
                    patient=patient,
                    movement="Flexion",
                    degrees=rng.randint(40, 90),
                    painful=rng.random() < 0.5,
                ),
                examined,
                rng,
            )
        )
        code, description = DX[rng.randrange(len(DX))]
        diagnosis = rows.add(
            self.stamp(
                Diagnosis(
                    clinic=clinic,
                    patient=patient,
                    examination=examination,
                    code=code,
                    description=description,
                    is_primary=True,
                ),
                examined,
                rng,
            )
        )
        day = first
        courses = rng.choices([1, 2, 3, 4, 5], weights=[20, 25, 25, 18, 12])[0]
        for course in range(courses):
            if day > HISTORY_DAYS + FUTURE_DAYS:
                break
            day = self.course(context, patient, practitioner, calendar, findings, diagnosis, day, course, rng, rows)
            day += rng.randrange(45, 150)

    def course(self, context, patient, practitioner, calendar, findings, diagnosis, day, number, rng, rows) -> int:
        clinic = context["clinic"]
        last_day = HISTORY_DAYS + FUTURE_DAYS
        visits = []
        for index in range(rng.randint(2, 4)):
            slot = calendar.take(day + index * rng.randint(3, 5), last_day)
            if slot is None:
                break
            visits.append(slot)
        if not visits:
            return last_day + 1
        start_day = visits[0] // 100
        ended = visits[-1] // 100 < HISTORY_DAYS
        options, weights = zip(*COURSE_TECHNIQUES, strict=True)
        techniques = rng.choices(options, weights=weights)[0]
        plan = rows.add(
            self.stamp(
                TreatmentPlan(
                    clinic=clinic,
                    patient=patient,
                    practitioner=practitioner,
                    diagnosis=diagnosis,
                    status=PlanStatus.COMPLETED if ended else PlanStatus.ACTIVE,
                    starts_on=self.first_day + datetime.timedelta(days=start_day),
                    window_days_min=4,
                    window_days_max=14,
                    max_sessions=4,
                    techniques=list(techniques),
                    created_by=practitioner,
                    ended_at=self.moment(visits[-1] // 100, 18) if ended else None,
                ),
                self.moment(start_day, 7),
                rng,
            )
        )
        rows.add(
            self.stamp(
                Goal(
                    clinic=clinic,
                    plan=plan,
                    description="Pain at its worst",
                    measure=GoalMeasure.PAIN,
                    baseline=7,
                    target=3,
                ),
                plan.created_at,
                rng,
            )
        )
        instrument = rng.choice([Instrument.ODI, Instrument.NDI])
        self.questionnaire(
            clinic, patient, plan, instrument, Occasion.INTAKE, plan.created_at, 0.45, rng, rows, by=practitioner
        )
        pain = rng.randint(5, 8)
        for index, slot in enumerate(visits):
            visit_day, visit = divmod(slot, 100)
            starts = self.moment(visit_day, VISIT_HOURS[visit])
            kind = context["types"]["First visit" if index == 0 and number == 0 else "Treatment"]
            ends = starts + datetime.timedelta(minutes=kind.duration_minutes)
            past = visit_day < HISTORY_DAYS
            session = None
            if past:
                pain_after = max(0, pain - rng.randint(0, 3))
                session = self.session(
                    context, patient, practitioner, plan, findings, starts, pain, pain_after, rng, rows, techniques
                )
                pain = max(1, pain - rng.randint(0, 2))
            appointment = rows.add(
                self.stamp(
                    Appointment(
                        clinic=clinic,
                        patient=patient,
                        practitioner=practitioner,
                        appointment_type=kind,
                        starts_at=starts,
                        ends_at=ends,
                        status=AppointmentStatus.ATTENDED if past else AppointmentStatus.BOOKED,
                        plan=plan,
                        session=session,
                        booked_by=context["staff"]["desk"],
                    ),
                    starts - datetime.timedelta(days=3),
                    rng,
                )
            )
            moment = starts
            while moment < ends:
                rows.add(
                    AppointmentBlock(
                        clinic=clinic,
                        appointment=appointment,
                        practitioner=practitioner,
                        patient=patient,
                        starts_at=moment,
                    )
                )
                moment += datetime.timedelta(minutes=5)
        if ended:
            self.questionnaire(
                clinic, patient, plan, instrument, Occasion.DISCHARGE, plan.ended_at, 0.3, rng, rows, by=practitioner
            )
        return visits[-1] // 100

    def session(self, context, patient, practitioner, plan, findings, starts, pain, pain_after, rng, rows, techniques):
        clinic = context["clinic"]
        ended_at = starts + datetime.timedelta(minutes=SESSION_MINUTES - 5)
        session = rows.add(
            self.stamp(
                TreatmentSession(
                    clinic=clinic,
                    patient=patient,
                    practitioner=practitioner,
                    examination=findings[0].examination if findings else None,
                    plan=plan,
                    status=SessionStatus.SIGNED,
                    pain_before=pain,
                    pain_after=pain_after,
                    ended_at=ended_at,
                ),
                starts,
                rng,
            )
        )
        holds = rng.randint(10, 30) if "manual_therapy" in techniques else 0
        points = [
            rows.add(
                self.stamp(
                    SessionPoint(
                        clinic=clinic,
                        session=session,
                        finding=finding,
                        muscle=finding.muscle,
                        side=finding.side,
                        region=finding.region,
                        view=finding.view,
                        x=finding.x,
                        y=finding.y,
                        released="softened",
                    ),
                    starts,
                    rng,
                )
            )
            for finding in findings
        ]
        clock = starts + datetime.timedelta(minutes=5)
        per_point = [holds // len(points) + (1 if i < holds % len(points) else 0) for i in range(len(points))]
        for point, count in zip(points, per_point, strict=True):
            if not count:
                continue
            level = rng.randint(3, 6)
            for number in range(1, count + 1):
                length = datetime.timedelta(seconds=rng.randint(10, 30))
                last = number == count
                answer = "better" if last else rng.choice(["good_pain", "good_pain", "too_little", "too_much"])
                rows.add(
                    self.stamp(
                        Hold(
                            clinic=clinic,
                            point=point,
                            number=number,
                            started_at=clock,
                            ended_at=clock + length,
                            level=Decimal(level),
                            tool=rng.choice(["thumb", "thumb", "knuckle", "elbow"]),
                            answer=answer,
                            suggested_level=None if number == 1 else Decimal(level),
                            followed_suggestion=None if number == 1 else True,
                        ),
                        clock + length,
                        rng,
                    )
                )
                level = min(10, max(1, level + {"too_little": 1, "too_much": -2}.get(answer, 0)))
                clock += length + datetime.timedelta(seconds=20)
        if "dry_needling" in techniques and findings:
            finding = findings[0]
            # Now and then an adverse event, mostly minor (synthetic proportions, taken from no study).
            event = rng.choices(["", "bruising", "bleeding", "fainting"], weights=[955, 25, 15, 5])[0]
            severity = {"": "", "bruising": "mild", "bleeding": "mild", "fainting": "moderate"}[event]
            rows.add(
                self.stamp(
                    NeedleEntry(
                        clinic=clinic,
                        session=session,
                        muscle=finding.muscle,
                        side=finding.side,
                        region=finding.region,
                        view=finding.view,
                        x=finding.x,
                        y=finding.y,
                        diameter_mm=Decimal("0.25"),
                        length_mm=40,
                        technique="fast_in_out",
                        depth_mm=Decimal(rng.randint(10, 25)),
                        twitch_responses=rng.randint(0, 4),
                        dwell_seconds=rng.randint(10, 60),
                        clean_technique=True,
                        needles_in=1,
                        needles_out=1,
                        adverse_event=event,
                        adverse_severity=severity,
                    ),
                    clock,
                    rng,
                )
            )
        if holds:
            rows.add(
                self.stamp(
                    TechniqueEntry(clinic=clinic, session=session, kind="pressure", minutes=rng.randint(10, 25)),
                    clock,
                    rng,
                )
            )
        if "tens" in techniques:
            rows.add(
                self.stamp(
                    TechniqueEntry(
                        clinic=clinic,
                        session=session,
                        kind="tens",
                        minutes=rng.choice([15, 20, 30]),
                        tens_frequency_hz=rng.choice([2, 80, 100]),
                        tens_pulse_us=rng.choice([150, 200, 250]),
                        tens_intensity_ma=rng.randint(10, 30),
                        attended=False,
                    ),
                    clock,
                    rng,
                )
            )
        text = {k: v.format(before=pain, muscles=findings[0].muscle if findings else "") for k, v in NOTE_TEXT.items()}
        note = rows.add(
            self.stamp(
                ClinicalNote(
                    clinic=clinic,
                    session=session,
                    patient=patient,
                    status=NoteStatus.SIGNED,
                    signed_at=ended_at,
                    signed_by=practitioner,
                    **text,
                ),
                ended_at,
                rng,
            )
        )
        rows.add(
            self.stamp(
                NoteRevision(
                    clinic=clinic, note=note, patient=patient, number=1, kind="signed", by=practitioner, **text
                ),
                ended_at,
                rng,
            )
        )
        if rng.random() < 0.05:
            amended = {**text, "plan": text["plan"] + " Amended: add a review of sleep posture."}
            rows.add(
                self.stamp(
                    NoteRevision(
                        clinic=clinic,
                        note=note,
                        patient=patient,
                        number=2,
                        kind="amendment",
                        reason="Plan detail added after the visit",
                        by=practitioner,
                        diff=[["+", amended["plan"]], ["-", text["plan"]]],
                        **amended,
                    ),
                    ended_at + datetime.timedelta(hours=2),
                    rng,
                )
            )
        self.audit(rows, clinic, patient, session, starts, practitioner, AuditEntry.Action.CREATE)
        self.audit(
            rows,
            clinic,
            patient,
            patient,
            starts - datetime.timedelta(minutes=2),
            practitioner,
            AuditEntry.Action.ACCESS,
        )
        self.audit(rows, clinic, patient, note, ended_at, practitioner, AuditEntry.Action.UPDATE)
        now = timezone.now()
        for hours in (24, 36):
            due = ended_at + datetime.timedelta(hours=hours)
            answered = due < now and rng.random() < 0.85
            soreness = rng.randint(0, 6) if answered else None
            check_in = rows.add(
                self.stamp(
                    CheckIn(
                        clinic=clinic,
                        patient=patient,
                        session=session,
                        plan=plan,
                        hours_after=hours,
                        is_last=hours == 36,
                        due_at=due,
                        status=CheckInStatus.ANSWERED
                        if answered
                        else (CheckInStatus.SENT if due < now else CheckInStatus.SCHEDULED),
                        sent_at=due if due < now else None,
                        answered_at=due + datetime.timedelta(hours=1) if answered else None,
                        soreness=soreness,
                        pain=max(0, pain_after + rng.randint(-1, 1)) if answered else None,
                    ),
                    ended_at,
                    rng,
                )
            )
            if answered and hours == 36 and soreness is not None and soreness >= 4:
                settled = due < now - datetime.timedelta(days=3)
                rows.add(
                    self.stamp(
                        Flag(
                            clinic=clinic,
                            patient=patient,
                            kind=FlagKind.LASTING_SORENESS,
                            detail=f"Soreness {soreness}/10 at 36 h",
                            check_in=check_in,
                            plan=plan,
                            practitioner=practitioner,
                            status=FlagStatus.RESOLVED if settled else FlagStatus.OPEN,
                            resolved_at=due + datetime.timedelta(days=1) if settled else None,
                            resolved_by=practitioner if settled else None,
                            resolution="Called the patient; soreness settling." if settled else "",
                        ),
                        due + datetime.timedelta(hours=2),
                        rng,
                    )
                )
        if rng.random() < 0.3:
            day = timezone.localdate(ended_at, timezone=self.tz) + datetime.timedelta(days=1)
            rows.add(
                self.stamp(
                    DiaryEntry(clinic=clinic, patient=patient, recorded_on=day, pain=max(0, pain_after)),
                    ended_at + datetime.timedelta(days=1),
                    rng,
                )
            )
        return session

    def questionnaire(self, clinic, patient, plan, instrument, occasion, at, level, rng, rows, *, by) -> None:
        items, top = (10, 5)
        answers = [min(top, max(0, round(rng.gauss(level * top, 1)))) for _ in range(items)]
        score = (scoring.score_odi if instrument == Instrument.ODI else scoring.score_ndi)(answers)
        rows.add(
            self.stamp(
                QuestionnaireResponse(
                    clinic=clinic,
                    patient=patient,
                    plan=plan,
                    instrument=instrument,
                    version=INSTRUMENT_VERSIONS[instrument],
                    occasion=occasion,
                    answers=answers,
                    raw=Decimal(str(scoring.round_half_up(score.raw, 2))),
                    maximum=score.maximum,
                    percent=None if score.percent is None else Decimal(str(scoring.round_half_up(score.percent))),
                    band=score.band,
                    answered=score.answered,
                    skipped=score.skipped,
                    taken_at=at,
                    recorded_by=by,
                ),
                at,
                rng,
            )
        )

    def audit(self, rows, clinic, patient, instance, at, user, action) -> None:
        rows.add(_AuditLater(instance, clinic, patient, user, action, at))

    def content_type_id(self, model: type) -> int:
        if model not in self._content_types:
            self._content_types[model] = ContentType.objects.get_for_model(model).pk
        return self._content_types[model]

    def save(self, rows: Rows) -> None:
        """Insert the chunk table by table (parents first, so the keys are set), in one transaction."""
        with transaction.atomic(), own_timestamps():
            later = rows.tables.pop(_AuditLater, [])
            for model in parents_first(list(rows.tables)):
                objects = rows.tables[model]
                # bulk_create takes each parent's new key from the instance it was given (parents go first)
                model.objects.bulk_create(objects, batch_size=BATCH)
                self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(objects)
            entries = [item.entry(self) for item in sorted(later, key=lambda item: item.at)]
            AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
            self.counts["audit.AuditEntry"] = self.counts.get("audit.AuditEntry", 0) + len(entries)


@dataclasses.dataclass
class _AuditLater:
    """An audit entry waiting for its record's primary key (known once the chunk is inserted)."""

    instance: models.Model
    clinic: Clinic
    patient: Patient
    user: User
    action: int
    at: datetime.datetime

    def entry(self, generator: Generator) -> AuditEntry:
        return AuditEntry(
            content_type_id=generator.content_type_id(type(self.instance)),
            object_pk=str(self.instance.pk),
            object_id=self.instance.pk,
            object_repr=str(self.instance.public_id),
            action=self.action,
            clinic=self.clinic,
            patient=self.patient,
            actor=self.user,
            actor_kind=ActorKind.STAFF,
            actor_label=self.user.email,
            timestamp=self.at,
        )


def parents_first(tables: list[type[models.Model]]) -> list[type[models.Model]]:
    """`tables` ordered so that every model comes after the models it has a foreign key to. The order rows were
    made in is not enough: a chunk whose first patient has only a booked visit meets the appointments table
    before the sessions table, though an attended visit later in the chunk points at its session."""
    among = set(tables)
    ordered: list[type[models.Model]] = []

    def visit(model: type[models.Model], path: tuple) -> None:
        if model in ordered or model in path:
            return
        for field in model._meta.concrete_fields:
            parent = field.related_model if field.is_relation else None
            if parent in among and parent is not model:
                visit(parent, (*path, model))
        ordered.append(model)

    for model in tables:
        visit(model, ())
    return ordered


def _totp_secret() -> str:
    return generate_totp_secret()


def generate(*, clinics: int, patients: int, seed: int, write: Callable[[str], None]) -> tuple[list[Login], dict]:
    generator = Generator(
        size=GroupSize(clinics=clinics, patients=patients),
        seed=seed,
        today=timezone.localdate(timezone=datetime.UTC),
        write=write,
    )
    generator.refuse_other_data()  # before any key is taken off
    with foreign_keys_checked_at_the_end(write):
        logins = generator.run()
        write(f"Planner statistics gathered for the loaded rows ({analyze()}).")
    return logins, generator.counts


@contextmanager
def foreign_keys_checked_at_the_end(write: Callable[[str], None]) -> Iterator[None]:
    """On PostgreSQL, check the foreign keys once, after the load, instead of once per inserted row.

    A foreign key checks each new row with a trigger at its transaction's end: at 50,000 patients that was most
    of the generator's time (a 250-patient chunk's commit took 13 s). Taken off before the load and added back
    after it, each key checks every row in one pass, as PostgreSQL's bulk-loading advice has it: the database
    refuses the group if any row points at nothing, exactly as it would have row by row. The generator only
    fills an empty database, so no other writer meets the tables without their keys. SQLite checks its keys
    row by row as before.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT con.conrelid::regclass::text, con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con "
            "JOIN pg_namespace ns ON ns.oid = con.connamespace "
            "WHERE con.contype = 'f' AND ns.nspname = current_schema() ORDER BY 1, 2"
        )
        keys = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    try:
        yield
    finally:  # put back whatever happened: a failed run leaves the schema as it found it
        with connection.cursor() as cursor:
            for table, name, definition in keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
    write(f"Foreign keys checked for every loaded row ({len(keys)} keys).")


def analyze() -> str:
    """Gather the planner's statistics, as after any bulk load: until autovacuum (when it is on at all) gets to
    the new rows, PostgreSQL plans as if the tables were near empty (a bitmap scan and a sort of a clinic's whole
    audit trail where its index reads 51 rows). SQLite keeps its statistics in sqlite_stat1 the same way.

    On PostgreSQL it vacuums too, as autovacuum would before long in a clinic's database: the visibility map lets
    an index answer alone, and GIN indexes made before patients migration 0006 file the entries the load left
    pending, which every search reads through until then (9.8 ms a name search at 50,000 patients, 0.4 ms after). VACUUM
    cannot run in a transaction: inside one (the test suite's) the statistics are gathered alone."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    statement = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(statement)
    return statement
