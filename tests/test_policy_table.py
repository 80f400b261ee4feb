"""Who may do what, service by service: every state-changing service called as every kind of actor.

The table below is the specification; `knotwork/<app>/policy.py` is the implementation. Each row names a service,
the actors allowed, and the smallest valid call. A refused actor must get PermissionDenied and change nothing; an
allowed one must not be refused (it may still meet a clinical rule, a ClinicRuleError or a ValidationError).
`test_every_service_has_a_row` fails for a public function of a services module that is neither in the table nor
listed below as writing nothing, so a new service cannot land without a rule.
"""

import copy
import datetime
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from functools import cached_property

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from knotwork.accounts import services as accounts
from knotwork.accounts.tests.factories import UserFactory
from knotwork.assessment import services as assessment
from knotwork.assessment.models import ConsentForm, MedicalReferral
from knotwork.clinics import services as clinics
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import SystemActor
from knotwork.followup import services as followup
from knotwork.followup.models import CheckIn
from knotwork.outcomes import services as outcomes
from knotwork.patients.tests.factories import PatientFactory, as_patient
from knotwork.plans import services as plans
from knotwork.portal import services as portal
from knotwork.scheduling import services as scheduling
from knotwork.treatment import services as treatment
from knotwork.treatment.models import TreatmentSession
from knotwork.treatment.tests.test_session import needle_data, screened
from tests.policy_actors import (
    ACTORS,
    CLINICAL,
    FRONT_DESK,
    OTHER_CLINIC,
    OTHER_PATIENT,
    OWNER,
    PATIENT,
    PRACTITIONER,
    STAFF,
    SYSTEM,
)

SIGNATURE = "M10 10 L50 40"


class World:
    """Clinic A's records that calls need, made on first use (by the owner or the system, never by the actor)."""

    def __init__(self, clinic, owner, practitioner, front_desk, practitioner_b):
        self.clinic, self.owner, self.practitioner, self.front_desk = clinic, owner, practitioner, front_desk
        self.practitioner_b = practitioner_b
        self.system = SystemActor("policy table")

    def actor(self, name: str):
        return {
            OWNER: lambda: self.owner,
            PRACTITIONER: lambda: self.practitioner,
            FRONT_DESK: lambda: self.front_desk,
            OTHER_CLINIC: lambda: self.practitioner_b,
            SYSTEM: lambda: self.system,
            PATIENT: lambda: as_patient(self.patient),
            OTHER_PATIENT: lambda: as_patient(self.other_patient),
        }[name]()

    @cached_property
    def now(self):
        return timezone.now()

    @cached_property
    def tomorrow_10(self):
        day = timezone.localdate(timezone=self.clinic.tzinfo) + datetime.timedelta(days=1)
        return datetime.datetime.combine(day, datetime.time(10), tzinfo=self.clinic.tzinfo)

    # --- patients and assessment ---

    @cached_property
    def patient(self):
        """Screened (no findings), with consent to manual therapy, dry needling and heat."""

        return screened(self.clinic, self.owner, consents=("manual_therapy", "dry_needling", "heat_cold"))

    @cached_property
    def other_patient(self):
        return PatientFactory(clinic=self.clinic)

    @cached_property
    def draft_intake(self):

        return assessment.start_intake(patient=self.patient, by=self.owner)

    @cached_property
    def submitted_intake(self):
        return self.patient.intakes.exclude(submitted_at=None).get()

    @cached_property
    def unscreened_intake(self):
        """A submitted intake whose screen has not run yet (the moment inside `submit_intake`)."""
        intake = self.draft_intake
        type(intake).objects.filter(pk=intake.pk).update(status="submitted", submitted_at=self.now)
        intake.refresh_from_db()
        return intake

    @cached_property
    def screen(self):
        return self.submitted_intake.screen

    @cached_property
    def referral(self):

        return MedicalReferral.objects.create(
            clinic=self.clinic, patient=self.patient, screen=self.screen, what="GP review", why="Night pain"
        )

    @cached_property
    def consent_version(self):

        assessment.ensure_consent_forms(clinic=self.clinic, by=self.system)
        return ConsentForm.objects.get(clinic=self.clinic, technique="tens").versions.get()

    @cached_property
    def consent(self):
        return self.patient.consents.first()

    @cached_property
    def examination(self):

        return assessment.start_examination(patient=self.patient, by=self.owner)

    # --- treatment ---

    @cached_property
    def session(self):

        return treatment.start_session(patient=self.patient, by=self.owner, pain_before=5)

    @cached_property
    def point(self):

        return treatment.add_point(session=self.session, muscle="upper-trapezius", side="right", by=self.owner)

    @cached_property
    def finished(self):
        """A session finished a day ago: its draft note, and check-ins due now."""

        session = treatment.start_session(patient=self.patient, by=self.owner, pain_before=6)
        note = treatment.finish_session(session=session, by=self.owner, pain_after=3)
        a_day_ago = self.now - datetime.timedelta(days=1)
        TreatmentSession.objects.filter(pk=session.pk).update(ended_at=a_day_ago)
        CheckIn.objects.filter(session=session).update(due_at=self.now - datetime.timedelta(minutes=5))
        session.refresh_from_db()
        return session, note

    @cached_property
    def note(self):
        return self.finished[1]

    @cached_property
    def signed_note(self):

        session = treatment.start_session(patient=self.patient, by=self.owner, pain_before=6)
        note = treatment.finish_session(session=session, by=self.owner, pain_after=3)
        treatment.sign_note(note=note, by=self.owner, version=note.version)
        note.refresh_from_db()
        return note

    # --- plans, outcomes, follow-up ---

    @cached_property
    def plan(self):

        return plans.create_plan(
            patient=self.patient,
            practitioner=self.practitioner,
            by=self.owner,
            starts_on=timezone.localdate(),
            techniques=["manual_therapy"],
        )

    @cached_property
    def goal(self):

        return plans.add_goal(plan=self.plan, by=self.owner, description="Drive to work", measure="activity")

    @cached_property
    def exercise(self):

        return plans.add_home_exercise(plan=self.plan, by=self.owner, name="Doorway stretch")

    @cached_property
    def check_in(self):
        return self.finished[0].check_ins.order_by("hours_after").first()

    @cached_property
    def flag(self):

        return followup.raise_flag(patient=self.patient, kind="adverse", detail="Bruise", by=self.system)

    @cached_property
    def questionnaire_request(self):

        return followup.request_questionnaire(
            patient=self.patient, instrument="nprs", occasion="session", by=self.owner
        )

    @cached_property
    def questionnaire_response(self):

        return outcomes.record_questionnaire(
            patient=self.patient, instrument="nprs", occasion="session", answers=[3], by=self.owner
        )

    @cached_property
    def link(self):

        return portal.create_patient_link(patient=self.patient, purpose="care", by=self.owner, send_email=False)[0]

    # --- staff and calendar ---

    @cached_property
    def colleague(self):
        """The membership of a second practitioner: the one the owner manages in these calls."""

        return clinics.add_member(clinic=self.clinic, user=UserFactory(), role="practitioner", by=self.system)

    @cached_property
    def invitation(self):

        return accounts.invite_staff(
            clinic=self.clinic, email="invited@a.example.com", role="front_desk", by=self.owner
        )

    @cached_property
    def appointment_type(self):

        return scheduling.create_appointment_type(
            clinic=self.clinic, name="Treatment", duration_minutes=45, by=self.owner
        )

    @cached_property
    def appointment(self):

        return scheduling.book_appointment(
            patient=self.patient,
            practitioner=self.practitioner,
            appointment_type=self.appointment_type,
            starts_at=self.tomorrow_10,
            by=self.owner,
            allow_outside_hours=True,
        )

    @cached_property
    def appointment_next_week(self):
        """Far enough ahead for the patient to move or cancel it themselves (outside the notice period)."""

        return scheduling.book_appointment(
            patient=self.patient,
            practitioner=self.practitioner,
            appointment_type=self.appointment_type,
            starts_at=self.tomorrow_10 + datetime.timedelta(days=7),
            by=self.owner,
            allow_outside_hours=True,
        )

    @cached_property
    def time_off(self):

        starts = self.tomorrow_10 + datetime.timedelta(days=7)
        return scheduling.add_time_off(
            practitioner=self.practitioner,
            clinic=self.clinic,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            reason="Course",
            by=self.owner,
        )


Build = Callable[[World], dict]
SERVICES = "knotwork.{}.services"

# service -> (the actors allowed, the keyword arguments of a minimal call, `by` aside)
TABLE: dict[str, tuple[set[str], Build]] = {
    # clinics: made by Knotwork; run by the owner
    "clinics.create_clinic": ({SYSTEM}, lambda w: {"name": "Clinic C"}),
    "clinics.update_clinic_settings": (
        {OWNER},
        lambda w: {"clinic": w.clinic, "session_timeout_minutes": 30},
    ),
    "clinics.add_member": (
        {OWNER, SYSTEM},
        lambda w: {"clinic": w.clinic, "user": UserFactory(), "role": "practitioner"},
    ),
    "clinics.change_role": ({OWNER}, lambda w: {"membership": w.colleague, "role": "front_desk"}),
    "clinics.deactivate_member": ({OWNER}, lambda w: {"membership": w.colleague}),
    "clinics.reactivate_member": ({OWNER}, lambda w: {"membership": w.colleague}),
    "clinics.set_physician": ({OWNER}, lambda w: {"membership": w.colleague, "is_physician": True}),
    # accounts
    "accounts.invite_staff": (
        {OWNER, SYSTEM},
        lambda w: {"clinic": w.clinic, "email": "new@a.example.com", "role": "practitioner"},
    ),
    "accounts.revoke_invitation": ({OWNER}, lambda w: {"invitation": w.invitation}),
    "accounts.end_sessions": ({OWNER}, lambda w: {"user": w.colleague.user}),
    # patients: all staff
    "patients.register_patient": (
        STAFF | {SYSTEM},
        lambda w: {
            "clinic": w.clinic,
            "first_name": "Noor",
            "last_name": "Table",
            "date_of_birth": datetime.date(1980, 1, 1),
        },
    ),
    "patients.update_patient": (STAFF, lambda w: {"patient": w.other_patient, "preferred_name": "Nono"}),
    "patients.change_patient_status": (
        STAFF | {SYSTEM},
        lambda w: {"patient": w.other_patient, "status": "on_hold", "reason": "Waiting for the GP"},
    ),
    "patients.save_referring_clinician": (STAFF, lambda w: {"clinic": w.clinic, "name": "Dr. Table"}),
    # assessment: paperwork for all staff and the patient; examining is clinical
    "assessment.start_intake": (STAFF | {SYSTEM}, lambda w: {"patient": w.other_patient}),
    "assessment.save_intake_draft": (
        STAFF | {PATIENT},
        lambda w: {"intake": w.draft_intake, "chief_complaint": "Neck pain"},
    ),
    "assessment.submit_intake": (
        STAFF | {PATIENT},
        lambda w: {"intake": w.draft_intake, "chief_complaint": "Neck pain"},
    ),
    "assessment.run_screen": (STAFF | {PATIENT}, lambda w: {"intake": w.unscreened_intake}),
    "assessment.override_finding": (
        CLINICAL,
        lambda w: {"screen": w.screen, "rule_id": "none", "reason": "Cleared by the GP in writing today."},
    ),
    "assessment.update_referral": (STAFF, lambda w: {"referral": w.referral, "status": "sent"}),
    "assessment.ensure_consent_forms": (STAFF | {SYSTEM}, lambda w: {"clinic": w.clinic}),
    "assessment.publish_consent_version": (
        {OWNER},
        lambda w: {"form": w.consent_version.form, "title": "", "body": "A new consent text."},
    ),
    "assessment.sign_consent": (
        STAFF | {PATIENT},
        lambda w: {
            "patient": w.patient,
            "version": w.consent_version,
            "signed_name": "Pat Patient",
            "signature": SIGNATURE,
            "shown_hash": w.consent_version.body_hash,
        },
    ),
    "assessment.withdraw_consent": (STAFF, lambda w: {"consent": w.consent, "reason": "Changed their mind"}),
    "assessment.start_examination": (CLINICAL, lambda w: {"patient": w.patient}),
    "assessment.record_trigger_point": (
        CLINICAL,
        lambda w: {
            "examination": w.examination,
            "muscle": "soleus",
            "side": "right",
            "region": "right-calf",
            "view": "back",
            "x": 240,
            "y": 800,
        },
    ),
    "assessment.record_range_of_motion": (
        CLINICAL,
        lambda w: {"examination": w.examination, "movement": "Neck flexion", "degrees": 40},
    ),
    "assessment.add_diagnosis": (
        CLINICAL,
        lambda w: {"examination": w.examination, "code": "M79.11", "is_primary": True},
    ),
    # treatment: clinical
    "treatment.services.session.start_session": (CLINICAL, lambda w: {"patient": w.patient, "pain_before": 5}),
    "treatment.services.guard.override_technique": (
        CLINICAL,
        lambda w: {"session": w.session, "technique": "tens", "reason": "Consent given on paper this morning."},
    ),
    "treatment.services.session.add_point": (
        CLINICAL,
        lambda w: {"session": w.session, "muscle": "upper-trapezius", "side": "left"},
    ),
    "treatment.services.session.record_hold": (
        CLINICAL,
        lambda w: {
            "point": w.point,
            "started_at": timezone.now() - datetime.timedelta(seconds=20),
            "ended_at": timezone.now(),
            "level": 5,
            "tool": "thumb",
            "answer": "good_pain",
        },
    ),
    "treatment.services.session.release_point": (CLINICAL, lambda w: {"point": w.point, "reason": "softened"}),
    "treatment.services.session.record_needling": (CLINICAL, lambda w: {"session": w.session, **needle_data()}),
    "treatment.services.session.record_technique": (
        CLINICAL,
        lambda w: {"session": w.session, "kind": "heat", "minutes": 10},
    ),
    "treatment.services.session.finish_session": (CLINICAL, lambda w: {"session": w.session, "pain_after": 3}),
    "treatment.services.notes.save_note_draft": (
        CLINICAL,
        lambda w: {"note": w.note, "plan": "Review in a week.", "version": w.note.version},
    ),
    "treatment.services.notes.sign_note": (CLINICAL, lambda w: {"note": w.note, "version": w.note.version}),
    "treatment.services.notes.amend_note": (
        CLINICAL,
        lambda w: {"note": w.signed_note, "plan": "Review in two weeks.", "reason": "Wrong interval"},
    ),
    # plans: writing the plan is clinical; booking it is for all staff
    "plans.create_plan": (
        CLINICAL,
        lambda w: {
            "patient": w.other_patient,
            "practitioner": w.practitioner,
            "starts_on": timezone.localdate(),
            "techniques": ["manual_therapy"],
        },
    ),
    "plans.update_plan": (CLINICAL, lambda w: {"plan": w.plan, "notes": "Add heat."}),
    "plans.add_goal": (CLINICAL, lambda w: {"plan": w.plan, "description": "Sleep through", "measure": "activity"}),
    "plans.mark_goal_met": (CLINICAL, lambda w: {"goal": w.goal}),
    "plans.add_home_exercise": (CLINICAL, lambda w: {"plan": w.plan, "name": "Chin tucks"}),
    "plans.remove_home_exercise": (CLINICAL, lambda w: {"exercise": w.exercise}),
    "plans.book_course": (
        STAFF,
        lambda w: {"plan": w.plan, "appointment_type": w.appointment_type, "slots": [w.tomorrow_10]},
    ),
    "plans.end_plan": (CLINICAL, lambda w: {"plan": w.plan, "status": "completed"}),
    # outcomes
    "outcomes.record_questionnaire": (
        STAFF | {PATIENT},
        lambda w: {"patient": w.patient, "instrument": "nprs", "occasion": "session", "answers": [3]},
    ),
    "outcomes.load_questionnaire_text": (
        {OWNER},
        lambda w: {"clinic": w.clinic, "content": b"x", "filename": "w.yaml"},
    ),
    # follow-up: Knotwork sends and flags, the patient answers, clinicians resolve
    "followup.schedule_check_ins": (CLINICAL | {SYSTEM}, lambda w: {"session": w.finished[0]}),
    "followup.send_check_in": ({SYSTEM}, lambda w: {"check_in_id": w.check_in.pk}),
    "followup.send_due_check_ins": ({SYSTEM}, lambda w: {}),
    "followup.record_check_in": ({PATIENT}, lambda w: {"check_in": w.check_in, "soreness": 2, "pain": 3}),
    "followup.raise_flag": ({SYSTEM}, lambda w: {"patient": w.patient, "kind": "adverse", "detail": "Bruise"}),
    "followup.resolve_flag": (CLINICAL, lambda w: {"flag": w.flag, "resolution": "Phoned: settling with ice."}),
    "followup.cancel_check_ins": (CLINICAL | {SYSTEM}, lambda w: {"session": w.finished[0]}),
    "followup.add_diary_entry": (
        {PATIENT},
        lambda w: {"patient": w.patient, "recorded_on": timezone.localdate(), "pain": 3},
    ),
    "followup.request_questionnaire": (
        STAFF,
        lambda w: {"patient": w.patient, "instrument": "psfs", "occasion": "discharge"},
    ),
    "followup.complete_questionnaire_request": (
        {PATIENT},
        lambda w: {"questionnaire_request": w.questionnaire_request, "response": w.questionnaire_response},
    ),
    "followup.withdraw_questionnaire_request": (STAFF, lambda w: {"questionnaire_request": w.questionnaire_request}),
    "followup.flag_courses_without_response": ({SYSTEM}, lambda w: {}),
    # portal
    "portal.create_patient_link": (STAFF, lambda w: {"patient": w.patient, "purpose": "care", "send_email": False}),
    "portal.create_check_in_link": (
        STAFF | {SYSTEM},
        lambda w: {"check_in": w.check_in, "expires_at": timezone.now() + datetime.timedelta(days=1)},
    ),
    "portal.revoke_link": (STAFF, lambda w: {"link": w.link}),
    # scheduling: all staff book; the owner sets types; each practitioner keeps their own hours and feed
    "scheduling.services.appointments.book_appointment": (
        STAFF | {SYSTEM},
        lambda w: {
            "patient": w.patient,
            "practitioner": w.practitioner,
            "appointment_type": w.appointment_type,
            "starts_at": w.tomorrow_10 + datetime.timedelta(days=1),
            "allow_outside_hours": True,
        },
    ),
    # A patient moves or cancels their own visit from the care page (outside the notice period).
    "scheduling.services.appointments.move_appointment": (
        STAFF | {PATIENT},
        lambda w: {
            "appointment": w.appointment_next_week,
            "starts_at": w.tomorrow_10 + datetime.timedelta(days=7, hours=2),
            "allow_outside_hours": True,
        },
    ),
    "scheduling.services.appointments.cancel_appointment": (
        STAFF | {PATIENT},
        lambda w: {"appointment": w.appointment_next_week, "reason": "Unwell"},
    ),
    "scheduling.services.appointments.mark_no_show": (STAFF, lambda w: {"appointment": w.appointment}),
    "scheduling.services.appointments.mark_attended": (STAFF, lambda w: {"appointment": w.appointment}),
    "scheduling.services.availability.create_appointment_type": (
        {OWNER},
        lambda w: {"clinic": w.clinic, "name": "Review", "duration_minutes": 30},
    ),
    "scheduling.services.availability.update_appointment_type": (
        {OWNER},
        lambda w: {"appointment_type": w.appointment_type, "name": "Longer", "duration_minutes": 60, "is_active": True},
    ),
    "scheduling.services.availability.set_working_hours": (
        {OWNER, PRACTITIONER},
        lambda w: {
            "practitioner": w.practitioner,
            "clinic": w.clinic,
            "hours": [(0, datetime.time(9), datetime.time(17))],
        },
    ),
    "scheduling.services.availability.add_time_off": (
        {OWNER, PRACTITIONER},
        lambda w: {
            "practitioner": w.practitioner,
            "clinic": w.clinic,
            "starts_at": w.tomorrow_10,
            "ends_at": w.tomorrow_10 + datetime.timedelta(hours=1),
            "reason": "Dentist",
        },
    ),
    "scheduling.services.availability.remove_time_off": ({OWNER, PRACTITIONER}, lambda w: {"time_off": w.time_off}),
    "scheduling.services.feeds.create_calendar_feed": ({PRACTITIONER}, lambda w: {"practitioner": w.practitioner}),
    "scheduling.services.feeds.revoke_calendar_feed": ({PRACTITIONER}, lambda w: {"practitioner": w.practitioner}),
    "scheduling.services.reminders.send_reminder": ({SYSTEM}, lambda w: {"appointment_id": w.appointment.pk}),
    "scheduling.services.reminders.send_due_reminders": ({SYSTEM}, lambda w: {"now": timezone.now()}),
}

# Public functions of services modules that are not state-changing services, by name, with the reason.
NOT_SERVICES = {
    # Pure helpers: they compute or read, and write nothing.
    "accounts.invitation_url",
    "assessment.complaint_areas",
    "assessment.to_kpa",
    "followup.check_in_hours",
    "outcomes.parse_questionnaire_text",
    "patients.next_chart_number",  # locks the clinic row for the registration that calls it; writes nothing
    "plans.sessions_left_to_book",
    "portal.find_link",  # may lock the link for the request that opened it; writes nothing
    "reports.render_pdf",
    "scheduling.services.appointments.local_start",
    "scheduling.services.reminders.reminder_due_at",
    "scheduling.services.reminders.reminder_text",
    "scheduling.services.rules.check_practitioner",
    "scheduling.services.rules.local_time_text",
    "scheduling.services.rules.local_when_text",
    "scheduling.services.rules.time_off_text",
    "treatment.services.codes.billing_lines",
    "treatment.services.notes.draft_soap",
    "treatment.services.guard.guard",
    "treatment.services.session.is_high_risk",
    # A step of services that asked the policy already: queues the reminder of the appointment just booked or moved.
    "scheduling.services.reminders.schedule_reminder",
    # A step of services that asked the policy already: sends a reminder, a check-in or a link, records the attempt.
    "messaging.send_to_patient",
    # Bookkeeping of the credential presented (when a link or feed was last used, a wrong guess counted, a lockout
    # told to the account's owner): the token is the authority, and no clinical or clinic record changes.
    "accounts.notify_sign_in_locked",
    "accounts.record_code_failure",
    "accounts.clear_code_failures",
    "portal.mark_link_used",
    "portal.note_visit",
    "portal.record_failed_lookup",
    "scheduling.services.feeds.touch_feed",
    # Authorised by a token the owner issued: an open invitation; accepting it adds the membership as the system.
    "accounts.accept_invitation",
    # The audit trail itself: every actor shown a record (staff, a patient's link, the system) leaves its entry.
    "audit.record_export",
    "audit.record_patients_shown",
    "audit.record_view",
    "audit.record_views",
}


def _rows_of_each_app() -> None:
    """Add the rows an app keeps beside its own tests: `knotwork/<app>/tests/policy_rows.py`.

    Such a module defines `ROWS` (the same shape as TABLE; its builders get the World and may make their own records
    from `w.clinic`, `w.owner`, `w.patient` ...) and may define `NOT_SERVICES` (a set of keys, each with its reason in
    a comment). A new app adds its rows there instead of editing this file.
    """
    for config in apps.get_app_configs():
        if not config.name.startswith("knotwork."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.policy_rows")
        except ModuleNotFoundError as missing:
            if missing.name not in (f"{config.name}.tests", f"{config.name}.tests.policy_rows"):
                raise
            continue
        clash = set(module.ROWS) & set(TABLE)
        assert not clash, f"{module.__name__} repeats rows of the main table: {sorted(clash)}"
        TABLE.update(module.ROWS)
        NOT_SERVICES.update(getattr(module, "NOT_SERVICES", set()))


_rows_of_each_app()


def _module_and_name(key: str) -> tuple[str, str]:
    path, name = key.rsplit(".", 1)
    app, _, rest = path.partition(".")
    return (f"knotwork.{app}.{rest}" if rest else SERVICES.format(app)), name


def _service(key: str):
    module, name = _module_and_name(key)
    return getattr(importlib.import_module(module), name)


def _services_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("knotwork."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        yield module
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            yield importlib.import_module(f"{module.__name__}.{info.name}")


def _key(module, name: str) -> str:
    short = module.__name__.removeprefix("knotwork.")
    return f"{short.removesuffix('.services')}.{name}" if short.endswith(".services") else f"{short}.{name}"


def _public_functions():
    for module in _services_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and function.__module__ == module.__name__:
                yield _key(module, name), function


def test_every_service_has_a_row():
    """A new public function in a services module needs a row in TABLE (who may call it) or a reason above."""
    found = dict(_public_functions())
    missing = sorted(set(found) - set(TABLE) - NOT_SERVICES)
    assert not missing, (
        f"Add these services to TABLE with the actors allowed (and a rule in the app's policy.py): {missing}"
    )
    stale = sorted((set(TABLE) | NOT_SERVICES) - set(found))
    assert not stale, f"No longer in a services module; remove from the table: {stale}"
    without_by = [
        key
        for key in TABLE
        if inspect.signature(found[key]).parameters.get("by", None) is None
        or inspect.signature(found[key]).parameters["by"].kind != inspect.Parameter.KEYWORD_ONLY
    ]
    assert not without_by, f"A service takes the actor as the keyword-only `by`: {without_by}"


def _snapshot() -> dict[str, list]:
    """Every row of every table, to show that a refused call changed nothing."""
    rows = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            rows[model._meta.label] = list(model._default_manager.order_by("pk").values())
    return rows


def _outcome(service, kwargs: dict, by, *, allowed: bool) -> str | None:
    """Call the service as `by` inside a savepoint that is rolled back; return what went wrong, or None."""
    with transaction.atomic():
        before = None if allowed else _snapshot()
        try:
            # A copy: an allowed call may change the instances it is given (a deleted row loses its id).
            service(**copy.deepcopy(kwargs), by=by)
        except PermissionDenied as refused:
            if allowed:
                return f"allowed by the table, refused: {refused}"
            message = str(refused)
            if not (message.endswith(".") and message[:1].isupper()):
                return f"refused without a sentence: {message!r}"
            if _snapshot() != before:
                return "refused, but the database changed"
        except (ClinicRuleError, ValidationError):
            if not allowed:
                return "refused by a clinical rule instead of the policy (ask the policy first)"
        else:
            if not allowed:
                return "refused by the table, allowed"
        finally:
            transaction.set_rollback(True)
    return None


@pytest.mark.parametrize("key", list(TABLE))
def test_who_may_call_each_service(key, clinic_a, owner, practitioner, front_desk, practitioner_b):
    """Each actor in turn on the same records: the refused first (they must change nothing), then the allowed."""
    allowed, build = TABLE[key]
    world = World(clinic_a, owner, practitioner, front_desk, practitioner_b)
    service = _service(key)
    kwargs = build(world)
    actors = {name: world.actor(name) for name in ACTORS}
    order = sorted(ACTORS, key=lambda name: name in allowed)
    wrong = {
        name: problem
        for name in order
        if (problem := _outcome(service, kwargs, actors[name], allowed=name in allowed)) is not None
    }
    assert not wrong, f"{key}: " + "; ".join(f"{name}: {problem}" for name, problem in wrong.items())
