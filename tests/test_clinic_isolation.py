"""A user of clinic B must get nothing of clinic A, through any URL the project has now or adds later.

The walk reads every pattern from the URL resolver, so a new page or endpoint is covered without editing
this file. What it cannot invent is data: `clinic_a_records` must create at least one row of every
clinic-scoped model, and `test_every_clinic_scoped_model_has_a_record_in_the_walk` fails until it does.
"""

import datetime
import re
import uuid

import pytest
from django.apps import apps
from django.urls import get_resolver

from conftest import sign_in
from knotwork.accounts.models import Invitation, invitation_token
from knotwork.accounts.services import invite_staff
from knotwork.audit.models import AuditEntry
from knotwork.clinics.models import ClinicSettings, Membership, Role
from knotwork.core.access import access_rule_of
from knotwork.core.middleware import is_exempt, view_module, view_name
from knotwork.core.models import ClinicScoped
from knotwork.patients.tests.factories import PatientFactory, ReferringClinicianFactory

MARKER = "Qqclinicamarker"


def clinic_a_records(clinic, owner) -> list:
    """One row of every clinic-scoped model for clinic A, each carrying MARKER where it has text."""
    referrer = ReferringClinicianFactory(clinic=clinic, name=f"Dr. {MARKER}")
    patient = PatientFactory(
        clinic=clinic,
        first_name="Zyxwarda",
        last_name=MARKER,
        date_of_birth=datetime.date(1961, 4, 2),
        referring_clinician=referrer,
    )
    invitation = invite_staff(clinic=clinic, email=f"{MARKER.lower()}@a.example.com", role=Role.PRACTITIONER, by=owner)
    return [
        referrer,
        patient,
        invitation,
        *assessment_records(patient, owner),
        *treatment_records(patient, owner),
        *app_isolation_records(patient, owner),
    ]


def app_isolation_records(patient, owner) -> list:
    """Rows from each app's `tests/isolation.py` (`records(patient, owner, marker)`), for apps that keep one."""
    import importlib
    import importlib.util

    from django.apps import apps

    rows = []
    for config in apps.get_app_configs():
        app = config.name
        if (
            app.startswith("knotwork.")
            and importlib.util.find_spec(f"{app}.tests") is not None
            and importlib.util.find_spec(f"{app}.tests.isolation") is not None
        ):
            rows += importlib.import_module(f"{app}.tests.isolation").records(patient, owner, MARKER)
    return rows


def treatment_records(patient, owner) -> list:
    import datetime

    from django.utils import timezone

    from knotwork.treatment import services as treatment
    from knotwork.treatment.tests.test_session import needle_data

    session = treatment.start_session(
        patient=patient, by=owner, pain_before=6, override_reason=f"{MARKER} reviewed by GP"
    )
    for technique in ("manual_therapy", "dry_needling", "tens", "heat_cold"):
        treatment.override_technique(
            session=session, technique=technique, reason=f"{MARKER} consented verbally", by=owner
        )
    point = session.points.first() or treatment.add_point(session=session, muscle="soleus", side="right", by=owner)
    now = timezone.now()
    hold = treatment.record_hold(
        point=point,
        by=owner,
        started_at=now - datetime.timedelta(seconds=20),
        ended_at=now,
        level=5,
        tool="thumb",
        answer="good_pain",
    )
    needle = treatment.record_needling(
        session=session,
        **needle_data(follow_up=MARKER),
        by=owner,
    )
    technique = treatment.record_technique(session=session, kind="heat", minutes=10, notes=MARKER, by=owner)
    note = treatment.finish_session(session=session, by=owner, pain_after=3)
    revision = treatment.sign_note(note=note, by=owner, version=note.version)
    return [session, *session.overrides.all(), point, hold, needle, technique, note, revision]


def assessment_records(patient, owner) -> list:
    from knotwork.assessment import services as assessment
    from knotwork.assessment.models import ConsentForm, Technique
    from knotwork.assessment.screening import get_ruleset
    from knotwork.portal.services import create_patient_link

    ruleset = get_ruleset()
    red_flag = next(
        r for r in ruleset.rules if r.kind == "red_flag" and "any" in r.when and isinstance(r.when["any"][0], str)
    )
    answers = {q.id: False for q in ruleset.questions.values() if q.type == "yes_no"} | {red_flag.when["any"][0]: True}
    intake = assessment.start_intake(patient=patient, by=owner)
    data = {"chief_complaint": f"{MARKER} pain", "complaint_area": "any", "pain_now": 5, "answers": answers}
    data["complaint_area"] = (
        next(a for a in red_flag.applies_to if a != "any") if "any" not in red_flag.applies_to else "low_back"
    )
    screen = assessment.submit_intake(intake=intake, **data, by=owner)
    override = assessment.override_finding(
        screen=screen, rule_id=red_flag.id, reason=f"{MARKER} cleared by GP", by=owner
    )
    assessment.ensure_consent_forms(clinic=patient.clinic, by=owner)
    form = ConsentForm.objects.get(clinic=patient.clinic, technique=Technique.TENS)
    version = form.versions.get()
    consent = assessment.sign_consent(
        patient=patient,
        version=version,
        signed_name=f"Zyxwarda {MARKER}",
        signature="M1 1 L2 2",
        shown_hash=version.body_hash,
        by=owner,
    )
    examination = assessment.start_examination(patient=patient, by=owner)
    point = assessment.record_trigger_point(
        examination=examination,
        muscle="soleus",
        side="right",
        region="right-calf",
        view="back",
        x=240,
        y=800,
        notes=MARKER,
        by=owner,
    )
    rom = assessment.record_range_of_motion(examination=examination, movement=f"{MARKER} flexion", degrees=40, by=owner)
    from knotwork.assessment.coding import get_codes

    diagnosis = assessment.add_diagnosis(
        examination=examination, code=next(iter(get_codes())), is_primary=True, by=owner
    )
    link, _token = create_patient_link(patient=patient, purpose="intake", by=owner, send_email=False)
    return [
        intake,
        screen,
        override,
        *screen.referrals.all(),
        form,
        version,
        consent,
        examination,
        point,
        rom,
        diagnosis,
        link,
    ]


def _url_templates():
    """Every (path format, parameter names, view) the project routes, including namespaced includes."""
    found = []

    def walk(resolver, prefix):
        for key, entries in resolver.reverse_dict.lists():
            if isinstance(key, str):
                continue
            for possibilities, _pattern, _defaults, _converters in entries:
                for path_format, params in possibilities:
                    found.append((prefix + path_format, params, key))
        for _namespace, (ns_prefix, sub) in resolver.namespace_dict.items():
            walk(sub, prefix + re.sub(r"\\(.)", r"\1", ns_prefix))

    walk(get_resolver(), "")
    return found


def _candidate_urls(values_for):
    urls = set()
    for path_format, params, _view in _url_templates():
        choices = [values_for(name) for name in params]
        combos = [{}]
        for name, options in zip(params, choices, strict=True):
            combos = [{**c, name: option} for c in combos for option in options]
        for combo in combos:
            urls.add("/" + path_format % combo)
    return sorted(urls)


def _snapshot(clinic):
    rows = {}
    for model in apps.get_models():
        if issubclass(model, ClinicScoped):
            rows[model.__name__] = sorted(map(repr, model.objects.filter(clinic=clinic).values()))
    rows["Membership"] = sorted(map(repr, Membership.objects.filter(clinic=clinic).values()))
    rows["ClinicSettings"] = sorted(map(repr, ClinicSettings.objects.filter(clinic=clinic).values()))
    return rows


@pytest.fixture
def clinic_a_world(clinic_a, owner, practitioner, front_desk):
    records = clinic_a_records(clinic_a, owner)
    memberships = list(Membership.objects.filter(clinic=clinic_a))
    public_ids = [str(r.public_id) for r in records] + [str(m.public_id) for m in memberships]
    public_ids.append(str(clinic_a.public_id))
    pks = [str(r.pk) for r in records] + [str(m.pk) for m in memberships] + [str(clinic_a.pk)]
    pks += [str(clinic_a.settings.pk)]
    pks += [str(e.pk) for e in AuditEntry.objects.filter(clinic=clinic_a)[:3]]
    tokens = [invitation_token(r) for r in records if isinstance(r, Invitation)]
    return {"records": records, "public_ids": public_ids, "pks": pks, "tokens": tokens}


def test_every_clinic_scoped_model_has_a_record_in_the_walk(clinic_a_world, clinic_a):
    missing = [
        model.__name__
        for model in apps.get_models()
        if issubclass(model, ClinicScoped) and not model.objects.filter(clinic=clinic_a).exists()
    ]
    assert not missing, f"Add a clinic-A row of {missing} to clinic_a_records() so the walk covers them"


@pytest.mark.parametrize("persona", ["practitioner_b", "owner_b"])
def test_a_user_of_another_clinic_gets_nothing_of_clinic_a_from_any_url(
    request, client, clinic_a, clinic_a_world, persona
):
    user_b = request.getfixturevalue(persona)
    sign_in(client, user_b)
    world = clinic_a_world

    def values_for(name):
        if name in {"public_id", "patient_id"} or name.endswith("_public_id"):
            return world["public_ids"]
        if name in {"object_id", "pk", "id"}:
            return world["pks"]
        if name == "token":
            return world["tokens"]
        if name == "app_label":
            return ["patients", "clinics", "audit", "accounts"]
        if name == "content_type_id":
            return ["1"]
        return ["x"]

    before = _snapshot(clinic_a)
    urls = _candidate_urls(values_for)
    assert len(urls) > 40
    leaks = []
    secrets = [MARKER, "Zyxwarda", *world["public_ids"][:3]]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code >= 500:
                leaks.append(f"{method.upper()} {url} -> {response.status_code}")
                continue
            body = response.content.decode(errors="replace") if hasattr(response, "content") else ""
            if any(secret in body for secret in secrets):
                leaks.append(f"{method.upper()} {url} -> {response.status_code} shows clinic A data")
        sign_in(client, user_b)  # a logout URL may have signed us out
    assert not leaks, "\n".join(leaks)
    assert _snapshot(clinic_a) == before, "a request from clinic B changed clinic A's records"


def test_every_project_view_declares_an_access_rule():
    undeclared = sorted(
        {
            f"{view_module(view)}.{view_name(view)}"
            for _fmt, _params, view in _url_templates()
            if access_rule_of(view) is None and not is_exempt(view)
        }
    )
    assert not undeclared, f"Views without an access rule: {undeclared}"


def test_walk_really_reaches_object_pages(clinic_a_world):
    urls = _candidate_urls(lambda name: [str(uuid.UUID(int=1))] if "id" in name else ["x"])
    assert any(url.startswith("/patients/") and url.endswith("/edit/") for url in urls)
    assert any(url.startswith("/api/v1/patients/") for url in urls)
    assert any(url.startswith("/admin/patients/patient/") for url in urls)
