"""Every page, PDF, calendar file, API read and patient-portal page that shows a patient leaves an audit entry.

The walk reads every pattern from the URL resolver and every GET operation from the API's OpenAPI document, so a
page added later is walked without editing this file. It fails until the new view calls `record_view` (or
`record_views`), or until its pattern is added to NO_PATIENT_DATA with the reason it shows no patient's data.
The data comes from the clinic-isolation walk (`clinic_a_records`), plus the patient's private links.
"""

import datetime
import re
from dataclasses import dataclass

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from config.api import api
from knotwork.assessment.models import Technique
from knotwork.audit.actors import ActorKind
from knotwork.audit.models import AuditEntry
from knotwork.core.access import access_rule_of
from knotwork.followup.models import CHECK_IN_ANSWER_WINDOW
from knotwork.followup.selectors import open_check_ins
from knotwork.patients.models import Patient
from knotwork.patients.tests.factories import PatientFactory
from knotwork.portal.services import create_check_in_link, create_patient_link
from knotwork.scheduling.models import Appointment
from tests.test_clinic_isolation import clinic_a_records, ids_by_model, ids_for

# URL patterns (path prefixes, as the resolver spells them) that show no patient's data, each with the reason.
# Anything else that answers a GET must leave an entry naming the patient it shows.
NO_PATIENT_DATA = {
    "accounts/": "the signed-in user's own account: sign-in, password, authenticator, email",
    "join/": "accepting a staff invitation",
    "staff/": "the clinic's staff and invitations",
    "clinic/settings/": "the clinic's settings",
    "billing/fees/": "the fee schedule: prices, no patient",
    "billing/settings/": "the clinic's billing settings and practitioners' identifiers",
    "billing/reports/": "the owner's business figures; the lists that name patients record who saw them",
    "fhir/r4/$export": "Bulk Data kick-off, status and files: each patient is recorded when written, each download "
    "as an export (knotwork/fhir/tests)",
    "fhir/r4/exports/": "the owner's export list; downloads are recorded as exports",
    "fhir/r4/questionnaires/": "loading licensed questionnaire wording",
    "fhir/r4/metadata": "the server's CapabilityStatement",
    "fhir/r4/Organization/": "the clinic",
    "fhir/r4/Practitioner/": "staff",
    "fhir/r4/Procedure/": "ids carry a CPT suffix the walk cannot build; reads audited in "
    "knotwork/fhir/tests/test_fhir_api.py",
    "favicon.ico": "the site's icon",
    "evidence/": "aggregate counts from precomputed summaries; no patient named, small groups suppressed",
    "letters/templates/": "the clinic's letter templates: its own words and merge-field names, no patient",
    "messaging/templates/": "the clinic's messages to patients: its own words, previewed with made-up details",
    "atlas/": "the anatomy atlas: muscles, referral zones, no patient",
    "assessment/consent-forms/": "the clinic's consent form texts, before anyone signs them",
    "outcomes/wording/": "the licensed questionnaire wording the clinic loaded",
    "patients/new/": "an empty registration form",
    "patients/referrers/": "referring clinicians, not patients",
    "schedule/availability/": "practitioners' working hours and time off",
    "schedule/types/": "appointment types",
    "schedule/rooms/": "the clinic's rooms and shared resources",
    "schedule/feed/": "the practitioner's feed settings; the feed itself names chart numbers only and is polled "
    "by calendar apps every 15 minutes (an entry per poll and appointment would drown the trail)",
    # The booking form's patient picker searches by post and records each patient it lists; a booking opened
    # from the chart (`?patient=`) is recorded as a view of that patient.
    "schedule/book/": "an empty booking form",
    "book/settings/": "the clinic's online booking rules, its public address and embed snippet",
    "book/offer/": "a waitlist offer's link; the walk has no offer token: the page records a view of the patient it "
    "names (knotwork/booking/tests/test_views.py::test_the_offer_page_takes_the_time)",
    "audit/": "the trail itself (owners only): it names records, it does not show them; an export is recorded",
    "admin/audit/": "the trail itself, read-only, owners only",
    "admin/accounts/": "staff user accounts",
    "admin/account/": "staff email addresses (installation superusers)",
    "admin/auth/": "permission groups (installation superusers)",
    "admin/axes/": "sign-in attempts (installation superusers)",
    "admin/mfa/": "staff authenticators (installation superusers)",
    "admin/usersessions/": "staff sessions (installation superusers)",
    "admin/django_tasks_database/": "queued tasks: their arguments are ids, never patient data",
    "admin/clinics/": "the clinic, its settings and memberships",
    "admin/patients/referringclinician/": "referring clinicians, not patients",
    "admin/patients/patient/add/": "refused: patients are registered in the app",
    "admin/jsi18n/": "the admin's translations",
    "admin/login/": "sign-in",
    "admin/logout/": "sign-out",
    "admin/password_change/": "the user's own password",
    "admin/autocomplete/": "search widgets of fields no patient admin uses",
    "api/v1/": "the API: walked operation by operation from its OpenAPI document below",
    "healthz": "the health check",
}
# Admin index pages: the list of models the owner may open (exact formats, since every admin URL shares the prefix).
NO_PATIENT_DATA_EXACT = {
    "import/": "the clinic's imports: file names and counts, no patient; the dry run and result pages record the "
    "patients they name",
    "webhooks/": "the clinic's webhook endpoints: addresses and event names, no patient",
    "webhooks/%(public_id)s/": "an endpoint and its delivery log (event names, times, answers); a delivery's own page "
    "names the patient and is recorded",
    "book/%(clinic_id)s/": "the public booking page: the clinic's free times and an empty form, no patient",
    "fhir/r4/%(address)s": "an address under FHIR that names nothing this server has: a 404 OperationOutcome",
    "admin/": "the admin's list of models",
    "admin/%(app_label)s/": "one app's list of models",
    "admin/%(url)s": "the admin's catch-all: a redirect or a 404",
    "admin/patients/patient/%(object_id)s/delete/": "refused: patients are never deleted",
}
# API GET operations (OpenAPI path) that show no patient's data.
API_NO_PATIENT_DATA = {
    "/api/v1/atlas/muscles": "the anatomy atlas",
    "/api/v1/atlas/muscles/{muscle_id}": "the anatomy atlas",
    "/api/v1/atlas/referrals": "ranking muscles for a drawing sent in the query, no patient",
    "/api/v1/practitioners/{practitioner_id}/free-slots": "a practitioner's free times",
    "/api/v1/codes/icd10": "the ICD-10-CM code list, no patient",
}
DOCUMENT_TYPES = ("application/pdf", "text/calendar", "text/csv")


def _allowed(path_format: str) -> bool:
    return path_format in NO_PATIENT_DATA_EXACT or any(path_format.startswith(p) for p in NO_PATIENT_DATA)


def _patterns():
    """Every (path format, parameter names, view) the project routes, namespaced includes included."""
    found = {}

    def walk(resolver, prefix):
        for key, entries in resolver.reverse_dict.lists():
            if isinstance(key, str):
                continue
            for possibilities, _pattern, _defaults, _converters in entries:
                for path_format, params in possibilities:
                    found.setdefault(prefix + path_format, (params, key))
        for _namespace, (ns_prefix, sub) in resolver.namespace_dict.items():
            walk(sub, prefix + re.sub(r"\\(.)", r"\1", ns_prefix))

    walk(get_resolver(), "")
    return sorted((fmt, params, view) for fmt, (params, view) in found.items())


@dataclass
class World:
    patient: Patient
    public_ids: list[str]
    pks: list[str]
    tokens: list[str]
    appointment_day: datetime.date
    ids_of: dict[str, list[str]]

    def query_for(self, path_format: str) -> dict:
        """The query string a page needs to show the patient (the calendar opens on today, the visit is later)."""
        return {"view": "week", "date": self.appointment_day.isoformat()} if path_format == "schedule/" else {}

    def values_for(self, name: str, path_format: str) -> list[str]:
        if name == "token":
            return self.tokens
        if name in {"object_id", "pk", "id"}:
            return self.pks
        if name == "technique":
            return list(Technique.values)
        if name == "app_label":
            return ["patients"]
        if name == "content_type_id":
            return [str(ContentType.objects.get_for_model(Patient).pk)]
        if name.endswith("id"):
            return ids_for(path_format, name, self.ids_of, self.public_ids)
        return ["x"]

    def shows_patient(self, response) -> bool:
        """A 200 whose body names the patient, or a document (PDF, calendar file, CSV) made for them."""
        if response.status_code != 200:
            return False
        if response.get("Content-Type", "").split(";")[0] in DOCUMENT_TYPES:
            return True
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode(errors="replace")
        return any(mark in text for mark in ("Zyxwarda", str(self.patient.public_id), self.patient.chart_number))


@pytest.fixture
def world(clinic_a, owner):
    # The clinic's history happened yesterday and the day before: today, the second check-in is open.
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=37)):
        records = clinic_a_records(clinic_a, owner)
    patient = next(r for r in records if isinstance(r, Patient))
    _care, care = create_patient_link(patient=patient, purpose="care", by=owner, send_email=False)
    _intake, intake = create_patient_link(patient=patient, purpose="intake", by=owner, send_email=False)
    _consent, consent = create_patient_link(
        patient=patient, purpose="consent", technique=Technique.DRY_NEEDLING, by=owner, send_email=False
    )
    _consents, consents = create_patient_link(patient=patient, purpose="consents", by=owner, send_email=False)
    check_in = open_check_ins(patient).first()
    assert check_in is not None, "the walk needs an open check-in"
    _link, check_in_token = create_check_in_link(
        check_in=check_in, expires_at=timezone.now() + CHECK_IN_ANSWER_WINDOW, by=owner
    )
    rows = [*records, check_in]
    appointment = next(r for r in records if isinstance(r, Appointment))
    return World(
        appointment_day=appointment.starts_at.astimezone(clinic_a.tzinfo).date(),
        patient=patient,
        public_ids=sorted({str(r.public_id) for r in rows if hasattr(r, "public_id")}),
        pks=sorted({str(patient.pk)}),
        tokens=[care, intake, consent, consents, check_in_token],
        ids_of=ids_by_model([r for r in rows if hasattr(r, "public_id")]),
    )


def _urls(path_format: str, params: list[str], world: World) -> list[str]:
    combos = [{}]
    for name in params:
        combos = [{**c, name: value} for c in combos for value in world.values_for(name, path_format)]
    return ["/" + path_format % combo for combo in combos]


def _masked(url: str, world: World) -> str:
    """The URL for a failure message, without a link's token."""
    for token in world.tokens:
        url = url.replace(token, "<token>")
    return url


def _new_entries(since_pk: int):
    return list(AuditEntry.objects.filter(pk__gt=since_pk).order_by("pk"))


def _last_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def patient_clients(world):
    """A browser per private link, each having opened its link (the token is in the first address only)."""
    clients = []
    for token in world.tokens:
        client = Client()
        assert client.get(f"/p/{token}/", follow=True).status_code == 200
        clients.append(client)
    return clients


def _audited(entries, world: World, *, staff) -> bool:
    """An entry names the patient, with the actor who saw them: the staff user, or the patient's link."""
    for entry in entries:
        if entry.patient_id != world.patient.pk:
            continue
        if staff is not None and entry.actor_kind == ActorKind.STAFF and entry.actor_id == staff.pk:
            return True
        if staff is None and entry.actor_kind == ActorKind.PATIENT_LINK and entry.actor_id is None:
            return True
    return False


def test_every_page_that_shows_a_patient_records_who_saw_them(world, owner, owner_client, patient_clients):
    problems, reached = [], []
    for path_format, params, view in _patterns():
        if _allowed(path_format):
            continue
        # Staff open every page; a public page (the patient's) is opened by each private link's browser too.
        browsers = [(owner_client, owner)]
        if access_rule_of(view) == "public":
            # A link's own address opens it in a new browser; its pages are opened in the browsers that did.
            browsers += [(Client(), None)] if "token" in params else [(client, None) for client in patient_clients]
        shown = False
        for url in _urls(path_format, params, world):
            for client, staff in browsers:
                before = _last_pk()
                response = client.get(url, world.query_for(path_format), follow=True)
                if response.status_code == 405:
                    shown = None  # an action's URL (POST only): a GET shows nothing, whatever its arguments
                    break
                if world.shows_patient(response):
                    shown = True
                    if not _audited(_new_entries(before), world, staff=staff):
                        who = "staff" if staff else "a patient link"
                        shown_url = _masked(url, world)
                        problems.append(f"GET {shown_url} by {who} shows the patient but leaves no entry naming them")
            if shown is None:
                break
        if shown is False:
            problems.append(
                f"{path_format}: no GET of it showed the patient; give the walk data for it, "
                "or add it to NO_PATIENT_DATA with the reason it shows none"
            )
        elif shown:
            reached.append(path_format)
    assert not problems, "\n".join(problems)
    # The walk really opens the clinical pages (a typo in its data would skip them all).
    for page in ("patients/%(public_id)s/", "treatment/sessions/%(public_id)s/note/", "p/care/"):
        assert page in reached


def _api_operations():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if "get" in operations:
            yield path, operations["get"]


def _api_query(operation) -> dict:
    """Values for the operation's required query parameters (a new one fails here until it gets one)."""
    now = timezone.now()
    known = {
        "start": (now - datetime.timedelta(days=1)).isoformat(),
        "end": (now + datetime.timedelta(days=30)).isoformat(),
    }
    query = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter.get("required"):
            assert parameter["name"] in known, f"give the API walk a value for the query parameter {parameter['name']}"
            query[parameter["name"]] = known[parameter["name"]]
    return query


def test_every_api_read_that_shows_a_patient_records_who_saw_them(world, owner, owner_client):
    problems = []
    for path, operation in _api_operations():
        if path in API_NO_PATIENT_DATA:
            continue
        names = re.findall(r"{(\w+)}", path)
        urls = [path]
        for name in names:
            urls = [u.replace("{" + name + "}", value) for u in urls for value in world.values_for(name, path)]
        shown = False
        for url in urls:
            before = _last_pk()
            response = owner_client.get(url, _api_query(operation))
            if not world.shows_patient(response):
                continue
            shown = True
            if not any(e.patient_id == world.patient.pk and e.actor_id == owner.pk for e in _new_entries(before)):
                problems.append(f"GET {url} shows the patient but leaves no audit entry naming them")
        if not shown:
            problems.append(
                f"GET {path}: no call showed the patient; give the walk data or list it in API_NO_PATIENT_DATA"
            )
    assert not problems, "\n".join(problems)


def test_the_walk_knows_the_pages_it_skips():
    """Every allow-listed prefix still matches a pattern: a renamed page must not hide behind a stale entry."""
    formats = [fmt for fmt, _params, _view in _patterns()]
    stale = [p for p in [*NO_PATIENT_DATA, *NO_PATIENT_DATA_EXACT] if not any(f.startswith(p) for f in formats)]
    assert not stale, f"allow-list entries that match no URL pattern: {stale}"


def test_the_patients_own_care_page_is_audited_as_their_link_without_the_token(clinic_a, owner, client):
    patient = PatientFactory(clinic=clinic_a)
    link, token = create_patient_link(patient=patient, purpose="care", by=owner, send_email=False)
    assert client.get(f"/p/{token}/", follow=True).status_code == 200
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS, patient=patient).get()
    assert (entry.actor_kind, entry.actor, entry.actor_ref) == (ActorKind.PATIENT_LINK, None, f"link {link.pk}")
    stored = " ".join(str(v) for v in AuditEntry.objects.filter(pk=entry.pk).values().get().values())
    assert token not in stored
