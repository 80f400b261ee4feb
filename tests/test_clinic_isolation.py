"""A user of clinic B must get nothing of clinic A, through any URL the project has now or adds later.

The walk reads every pattern from the URL resolver, so a new page or endpoint is covered without editing
this file. What it cannot invent is data: `clinic_a_records` must create at least one row of every
clinic-scoped model, and `test_every_clinic_scoped_model_has_a_record_in_the_walk` fails until it does.

Each id parameter is filled with the ids of the records it names (`{plan_id}`, `invoices/%(public_id)s/`, an
admin page's model), and with every id of clinic A where the URL names no model (`ids_for`).
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


ADMIN_OBJECT = re.compile(r"^admin/(\w+)/(\w+)/%\(object_id\)s/")


def _candidate_urls(values_for):
    """Every routed URL with each parameter filled by `values_for(name, path_format)`, all combinations."""
    urls = set()
    for path_format, params, _view in _url_templates():
        choices = [values_for(name, path_format) for name in params]
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
    # The admin names its model in the URL, so an admin object URL is tried with that model's rows only.
    rows = [*records, *memberships, clinic_a, clinic_a.settings, *AuditEntry.objects.filter(clinic=clinic_a)[:3]]
    admin_pks: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        admin_pks.setdefault((row._meta.app_label, row._meta.model_name), []).append(str(row.pk))
    ids_of = ids_by_model([*records, *memberships, clinic_a])
    return {
        "records": records,
        "public_ids": public_ids,
        "pks": pks,
        "tokens": tokens,
        "admin_pks": admin_pks,
        "ids_of": ids_of,
    }


def ids_by_model(rows) -> dict[str, list[str]]:
    """The public ids of `rows`, under each word a URL may name their model by."""
    ids_of: dict[str, list[str]] = {}
    for row in rows:
        for name in _model_names(type(row)):
            ids_of.setdefault(name, []).append(str(row.public_id))
    return ids_of


def _model_names(model) -> set[str]:
    """How a URL may name the model: `referring-clinicians/`, `invoices/`, `Patient/` all come down to these."""
    return {_squash(model._meta.model_name), _squash(str(model._meta.verbose_name_plural))}


def _squash(word: str) -> str:
    return re.sub(r"[^a-z]", "", word.lower())


# URL words that name a model by another word than its own (`sessions/`, `{plan_id}`).
MODEL_OF_WORD = {
    "session": "treatmentsession",
    "plan": "treatmentplan",
    "note": "clinicalnote",
    "point": "sessionpoint",
    "finding": "triggerpointfinding",
    "triggerpoint": "triggerpointfinding",
    "response": "questionnaireresponse",
    "exercise": "homeexercise",
    "screen": "safetyscreen",
    "line": "invoiceline",
    "member": "membership",
    "practitioner": "membership",
    "type": "appointmenttype",
    "fee": "feeitem",
    "rangesofmotion": "rangeofmotion",
    "referrer": "referringclinician",
    "webhook": "endpoint",
    "booking": "onlinebooking",
    "entry": "waitlistentry",
    "request": "questionnairerequest",
    "import": "importrun",
}


def ids_for(path_format: str, name: str, ids_of: dict[str, list[str]], every: list[str]) -> list[str]:
    """The ids to try for the parameter `name` of a URL (`%(name)s`, or `{name}` in the API's document). A
    parameter named for its record (`{plan_id}`), or a generic one after a segment that names it
    (`billing/invoices/%(public_id)s/`), gets that model's ids of clinic A: any other model's id there is a 404
    before a row is read, so trying it tells nothing. Otherwise `every` id of clinic A."""
    if name in {"public_id", "id"}:
        head = re.split(rf"%\({name}\)s|{{{name}}}", path_format)[0]
        word = head.rstrip("/").rsplit("/", 1)[-1]
    else:
        word = name.removesuffix("_public_id").removesuffix("_id")
    word = _squash(word)
    for candidate in (word, word.removesuffix("s"), word.removesuffix("es"), word.removesuffix("ies") + "y"):
        candidate = MODEL_OF_WORD.get(candidate, candidate)
        if candidate in ids_of:
            return ids_of[candidate]
    return every


def test_every_clinic_scoped_model_has_a_record_in_the_walk(clinic_a_world, clinic_a):
    missing = [
        model.__name__
        for model in apps.get_models()
        if issubclass(model, ClinicScoped) and not model.objects.filter(clinic=clinic_a).exists()
    ]
    assert not missing, f"Add a clinic-A row of {missing} to clinic_a_records() so the walk covers them"


def _admin_pks(app_label, model_name, clinic, world) -> list[str]:
    """The admin names its model in the URL: its object pages are tried with that model's rows of clinic A (any
    other model's pk there is a 404 before clinic A's rows are read)."""
    model = apps.get_model(app_label, model_name)
    pks = list(world["admin_pks"].get((app_label, model_name), []))
    if any(field.name == "clinic" for field in model._meta.get_fields()):
        pks += [str(pk) for pk in model.objects.filter(clinic=clinic).values_list("pk", flat=True)[:5]]
    return sorted(set(pks)) or ["1", "2"]


def _values_for(world, clinic_a):
    def values_for(name, path_format):
        if admin := ADMIN_OBJECT.match(path_format):
            return _admin_pks(admin[1], admin[2], clinic_a, world)
        if name in {"object_id", "pk"}:
            return world["pks"]
        if name == "public_id" or (name.endswith("_id") and name != "content_type_id"):
            return ids_for(path_format, name, world["ids_of"], world["public_ids"])
        if name == "token":
            return world["tokens"]
        if name == "app_label":
            return ["patients", "clinics", "audit", "accounts"]
        if name == "content_type_id":
            return ["1"]
        return ["x"]

    return values_for


@pytest.mark.parametrize("persona", ["practitioner_b", "owner_b"])
def test_a_user_of_another_clinic_gets_nothing_of_clinic_a_from_any_url(
    request, client, clinic_a, clinic_a_world, persona
):
    user_b = request.getfixturevalue(persona)
    sign_in(client, user_b)
    world = clinic_a_world

    values_for = _values_for(world, clinic_a)
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


def test_walk_fills_each_id_with_the_record_it_names(clinic_a_world, clinic_a):
    """A nested URL gets the ids of the records it names, so it reaches the endpoint's own lookups."""
    world = clinic_a_world
    urls = set(_candidate_urls(_values_for(world, clinic_a)))
    (plan,) = world["ids_of"]["treatmentplan"]
    (goal,) = world["ids_of"]["goal"]
    (session,) = world["ids_of"]["treatmentsession"]
    (patient,) = world["ids_of"]["patient"]
    assert f"/api/v1/plans/{plan}/goals/{goal}/actions/mark-met" in urls
    assert f"/treatment/sessions/{session}/note/" in urls
    assert f"/api/v1/patients/{patient}/sessions" in urls
    # A URL whose words name no model is tried with every id of clinic A.
    assert all(f"/fhir/r4/Encounter/{public_id}" in urls for public_id in world["public_ids"])


def test_walk_really_reaches_object_pages(clinic_a_world):
    urls = _candidate_urls(lambda name, _path: [str(uuid.UUID(int=1))] if "id" in name else ["x"])
    assert any(url.startswith("/patients/") and url.endswith("/edit/") for url in urls)
    assert any(url.startswith("/api/v1/patients/") for url in urls)
    assert any(url.startswith("/admin/patients/patient/") for url in urls)
