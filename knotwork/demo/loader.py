"""The demo installation: two invented clinics with staff and synthetic patients (no real people)."""

import base64
import datetime
import random
from dataclasses import dataclass

from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.assessment import services as assessment
from knotwork.assessment.models import ConsentForm
from knotwork.assessment.screening import get_ruleset
from knotwork.atlas.catalog import get_atlas
from knotwork.booking.services import update_booking_settings
from knotwork.clinics.models import Clinic, Role
from knotwork.clinics.services import add_member, create_clinic
from knotwork.core.policy import SystemActor
from knotwork.demo.course import load_demo_course
from knotwork.demo.schedule import load_demo_schedule
from knotwork.patients.models import PatientStatus, Sex
from knotwork.patients.services import change_patient_status, register_patient, save_referring_clinician
from knotwork.plans.models import TreatmentPlan
from knotwork.plans.proposal import spread_slots
from knotwork.plans.services import book_course
from knotwork.scheduling.models import AppointmentType
from knotwork.scheduling.selectors import list_appointment_types, list_free_slots
from knotwork.treatment import services as treatment

DEMO_LOADER = SystemActor("demo loader")

DEMO_PASSWORD = "knotwork-demo"  # noqa: S105 (published demo credential, documented in the README)


@dataclass(frozen=True)
class DemoStaff:
    email: str
    first_name: str
    last_name: str
    role: str


@dataclass(frozen=True)
class DemoClinic:
    name: str
    phone: str
    email: str
    address: str
    staff: tuple[DemoStaff, ...]
    seed: int


DEMO_TIME_ZONE = "America/Denver"

DEMO_CLINICS = (
    DemoClinic(
        name="Harbourside Myotherapy",
        phone="+1 303 555 0100",
        email="hello@harbourside.example.com",
        address="12 Wharf Street, Denver, CO 80202",
        seed=11,
        staff=(
            DemoStaff("owner@harbourside.example.com", "Maren", "Quist", Role.OWNER),
            DemoStaff("ines@harbourside.example.com", "Ines", "Calloway", Role.PRACTITIONER),
            DemoStaff("tomas@harbourside.example.com", "Tomas", "Brightwater", Role.PRACTITIONER),
            DemoStaff("desk@harbourside.example.com", "Pia", "Lund", Role.FRONT_DESK),
        ),
    ),
    DemoClinic(
        name="Ridgeview Pain Clinic",
        phone="+1 720 555 0150",
        email="hello@ridgeview.example.com",
        address="400 Summit Road, Boulder, CO 80302",
        seed=23,
        staff=(
            DemoStaff("owner@ridgeview.example.com", "Dalia", "Fenwick", Role.OWNER),
            DemoStaff("arjun@ridgeview.example.com", "Arjun", "Meadows", Role.PRACTITIONER),
            DemoStaff("lena@ridgeview.example.com", "Lena", "Okafor-Vine", Role.PRACTITIONER),
            DemoStaff("desk@ridgeview.example.com", "Ruben", "Hale", Role.FRONT_DESK),
        ),
    ),
)

FIRST_NAMES = [
    "Avery",
    "Blake",
    "Camille",
    "Dorian",
    "Elodie",
    "Fintan",
    "Greta",
    "Hollis",
    "Imogen",
    "Jasper",
    "Kaia",
    "Lionel",
    "Marisol",
    "Nikolai",
    "Odile",
    "Percy",
    "Quinn",
    "Rosalind",
    "Soren",
    "Talia",
    "Ulric",
    "Vesna",
    "Wendell",
    "Xenia",
    "Yusuf",
    "Zelda",
    "Anouk",
    "Bram",
    "Cosima",
    "Dashiell",
    "Esme",
    "Florian",
]
LAST_NAMES = [
    "Ashdown",
    "Birchfield",
    "Coldwell",
    "Dunmore",
    "Elsworth",
    "Farrow",
    "Glenholm",
    "Hartwick",
    "Ingleby",
    "Jessop",
    "Kettering",
    "Larkspur",
    "Merriweather",
    "Northcote",
    "Oakridge",
    "Pellham",
    "Quarry",
    "Redfern",
    "Stillwater",
    "Thistlewood",
    "Underhill",
    "Vantongeren",
    "Whitlock",
    "Yarrow",
    "Zennor",
    "Amberley",
    "Brackenbury",
]
STREETS = ["Aspen Lane", "Cedar Court", "Juniper Way", "Willow Row", "Quarry Hill Road", "Linden Terrace"]
REFERRERS = (
    ("Dr. Harriet Vossberg", "General practitioner", "Cherry Creek Family Practice"),
    ("Dr. Emeka Stroud", "Orthopaedic surgeon", "Front Range Orthopaedics"),
    ("Dr. Sunniva Page", "Sports physician", "Mile Creek Sports Medicine"),
)


def owner_totp_secret(email: str) -> str:
    """A fixed, published authenticator secret for a demo owner (demo data, never for real accounts)."""
    raw = f"demo:{email}".encode().ljust(20, b".")[:20]
    return base64.b32encode(raw).decode()


def database_is_empty() -> bool:
    return not Clinic.objects.exists()


@transaction.atomic
def load_demo() -> list[Clinic]:
    clinics = []
    for spec in DEMO_CLINICS:
        rng = random.Random(spec.seed)  # noqa: S311 (deterministic synthetic data, not security)
        clinic = create_clinic(name=spec.name, phone=spec.phone, email=spec.email, address=spec.address, by=DEMO_LOADER)
        clinic.time_zone = DEMO_TIME_ZONE  # both demo clinics are in Colorado
        clinic.save(update_fields=["time_zone"])
        owner = None
        practitioners = []
        for person in spec.staff:
            user = User.objects.create_user(
                person.email, DEMO_PASSWORD, first_name=person.first_name, last_name=person.last_name
            )
            add_member(clinic=clinic, user=user, role=person.role, by=DEMO_LOADER)
            if person.role == Role.PRACTITIONER:
                practitioners.append(user)
            if person.role == Role.OWNER:
                owner = user
                TOTP.activate(user, owner_totp_secret(person.email))
        referrers = [
            save_referring_clinician(
                clinic=clinic,
                by=owner,
                name=name,
                profession=profession,
                practice=practice,
                phone=f"+1303555{170 + i:04d}",
                email=f"referrals{i + 1}@{spec.email.split('@')[1]}",
            )
            for i, (name, profession, practice) in enumerate(REFERRERS)
        ]
        first_names = rng.sample(FIRST_NAMES, len(FIRST_NAMES))
        patients = []
        for n in range(36):
            first = first_names[n % len(first_names)]
            last = LAST_NAMES[rng.randrange(len(LAST_NAMES))]
            born = datetime.date(1948, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 55))
            patient = register_patient(
                clinic=clinic,
                by=owner,
                first_name=first,
                last_name=last,
                date_of_birth=born,
                sex=rng.choice([Sex.FEMALE, Sex.MALE, Sex.FEMALE, Sex.MALE, Sex.OTHER]),
                phone=f"+1{rng.choice(['303', '720'])}555{rng.randrange(100, 200):04d}",
                email=f"{first.lower()}.{last.lower()}@example.org",
                address_line1=f"{rng.randrange(1, 999)} {rng.choice(STREETS)}",
                city=rng.choice(["Denver", "Aurora", "Lakewood", "Boulder"]),
                region="CO",
                postal_code=f"80{rng.randrange(100, 300)}",
                emergency_contact_name=f"{rng.choice(FIRST_NAMES)} {last}",
                emergency_contact_relationship=rng.choice(["Partner", "Parent", "Sibling", "Friend"]),
                emergency_contact_phone=f"+1303555{rng.randrange(100, 200):04d}",
                referring_clinician=rng.choice([*referrers, None]),
            )
            patients.append(patient)
            if n < 3:
                _demo_first_visit(patient, owner, practitioners, scenario=n)
            elif n % 9 == 4:
                change_patient_status(
                    patient=patient,
                    status=PatientStatus.ON_HOLD,
                    reason="Red-flag screen positive: referred to the GP for a medical work-up before treatment.",
                    by=owner,
                )
            elif n % 7 == 6:
                change_patient_status(
                    patient=patient, status=PatientStatus.DISCHARGED, reason="Course completed.", by=owner
                )

        bookable = [p for p in patients[3:] if p.status == PatientStatus.ACTIVE]
        load_demo_schedule(
            clinic=clinic,
            practitioners=practitioners,
            patients=bookable,
            today=timezone.localdate(timezone=clinic.tzinfo),
        )
        _demo_course_appointment(patients[0])
        _demo_online_booking(clinic, owner)
        clinics.append(clinic)
    return clinics


def _demo_online_booking(clinic, owner) -> None:
    """Online booking switched on with the demo's types: new patients book a first visit, others a treatment."""
    types = {t.name: t for t in AppointmentType.objects.filter(clinic=clinic)}
    update_booking_settings(
        clinic=clinic,
        by=owner,
        is_open=True,
        bookable_types=[types["First visit"], types["Treatment"]],
        first_visit_types=[types["First visit"]],
    )


def _demo_course_appointment(patient) -> None:
    """Book the demo course's next session at the first free time proposed inside its window."""
    plan = TreatmentPlan.objects.filter(patient=patient, status="active").first()
    if plan is None:
        return
    kind = list_appointment_types(plan.practitioner, active_only=True).filter(name="Treatment").first()
    if kind is None:
        return
    first_day = timezone.localdate(timezone=patient.clinic.tzinfo) + datetime.timedelta(days=1)
    free = list_free_slots(
        practitioner=plan.practitioner, appointment_type=kind, starts_on=first_day, ends_on=plan.ends_on
    )
    slots = spread_slots(free, starts_on=first_day, ends_on=plan.ends_on, count=1, tz=patient.clinic.tzinfo)
    if slots:
        book_course(plan=plan, appointment_type=kind, slots=slots, by=plan.practitioner)


DEMO_VISITS = (
    # (complaint, area, pain now, drawing, yes-answers, trigger points (muscle, region, view))
    (
        "Pain down the outside of the right leg when driving",
        "hip_leg",
        6,
        [("right-buttock", 7, "ache"), ("right-thigh-outer", 6, "ache"), ("right-leg-outer", 4, "ache")],
        [],
        [("gluteus-minimus", "right-buttock", "back"), ("piriformis", "right-buttock", "back")],
    ),
    (
        "Headache over the left temple and a stiff neck after long days at the desk",
        "neck",
        5,
        [("left-temple", 6, "ache"), ("left-back-neck", 5, "stiffness"), ("left-side-neck", 4, "ache")],
        ["anticoagulant"],
        [("upper-trapezius", "left-shoulder-top", "back")],
    ),
    (
        "Low back pain with numbness between the legs since last week",
        "low_back",
        8,
        [("right-low-back", 8, "ache"), ("left-low-back", 7, "ache")],
        ["saddle_anaesthesia"],
        [],
    ),
)


DEMO_DIAGNOSES = ("M79.18", "M79.12")  # myalgia of other site; myalgia of auxiliary muscles, head and neck


def _demo_first_visit(patient, owner, practitioners, *, scenario: int) -> None:
    """An intake, safety screen, consent and examination, so the demo chart is not empty."""
    complaint, area, pain, drawing, yes, points = DEMO_VISITS[scenario]
    questions = get_ruleset().questions
    answers = {q.id: False for q in questions.values() if q.type == "yes_no"}
    answers.update({q: True for q in yes if q in questions})
    practitioner = practitioners[scenario % len(practitioners)]
    intake = assessment.start_intake(patient=patient, by=practitioner)
    data = {
        "chief_complaint": complaint,
        "complaint_area": area,
        "pain_now": pain,
        "pain_best": max(pain - 3, 0),
        "pain_worst": min(pain + 2, 10),
        "drawing": [{"region": r, "intensity": i, "quality": q} for r, i, q in drawing],
        "activating_factors": ["posture", "stress"],
        "answers": answers,
    }
    assessment.submit_intake(intake=intake, **data, by=practitioner)
    if not points:
        return
    assessment.ensure_consent_forms(clinic=patient.clinic, by=practitioner)

    form = ConsentForm.objects.get(clinic=patient.clinic, technique="manual_therapy")
    version = form.versions.order_by("-number").first()
    assessment.sign_consent(
        patient=patient,
        version=version,
        signed_name=patient.display_name,
        signature="M20 120 C60 40 90 160 140 90 S220 60 260 110",
        shown_hash=version.body_hash,
        by=practitioner,
    )
    examination = assessment.start_examination(patient=patient, by=practitioner)
    first_visit_done = scenario == 0

    atlas = get_atlas()
    for muscle, region, view in points:
        min_x, min_y, max_x, max_y = atlas.shapes[view][region].bbox  # the point at the region's centre
        assessment.record_trigger_point(
            examination=examination,
            muscle=muscle,
            side=region.split("-")[0],
            region=region,
            view=view,
            x=round((min_x + max_x) / 2, 1),
            y=round((min_y + max_y) / 2, 1),
            taut_band=True,
            spot_tenderness=True,
            referred_pain=True,
            pain_recognised=True,
            palpation_pain=7,
            by=practitioner,
        )
    assessment.add_diagnosis(examination=examination, code=DEMO_DIAGNOSES[scenario], is_primary=True, by=practitioner)
    if first_visit_done:
        today = timezone.localdate(timezone=patient.clinic.tzinfo)
        load_demo_course(patient=patient, practitioner=practitioner, today=today)
        _demo_session(patient, practitioner)


def demo_login_lines() -> list[str]:
    lines = []
    for spec in DEMO_CLINICS:
        for person in spec.staff:
            role = Role(person.role).label.lower()
            lines.append(f"login: {person.email}  password: {DEMO_PASSWORD}  ({role}, {spec.name})")
    return lines


def _demo_session(patient, practitioner) -> None:
    """A finished session with holds and a signed note, so the demo shows the whole loop."""
    session = treatment.start_session(patient=patient, by=practitioner, pain_before=6, soreness_since_last=None)
    # Demo only: the session began twenty minutes ago, so its holds can lie in the past.
    start = timezone.now() - datetime.timedelta(minutes=20)
    type(session).objects.filter(pk=session.pk).update(created_at=start)
    session.refresh_from_db()
    for point in session.points.all():
        level = 4
        for step, answer in enumerate(("too_little", "good_pain", "better")):
            began = start + datetime.timedelta(seconds=40 * step)
            hold = treatment.record_hold(
                point=point,
                by=practitioner,
                started_at=began,
                ended_at=began + datetime.timedelta(seconds=25),
                level=level,
                tool="thumb",
                answer=answer,
            )
            level = int(hold.suggested_level) if hold.suggested_level is not None else level
        start += datetime.timedelta(minutes=3)
    treatment.record_technique(session=session, kind="pressure", minutes=15, by=practitioner)
    note = treatment.finish_session(session=session, by=practitioner, pain_after=3, global_impression="better")
    treatment.sign_note(note=note, by=practitioner, version=note.version)
