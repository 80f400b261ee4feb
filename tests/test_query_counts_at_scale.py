"""Every main page and API list costs the same number of queries when the clinic's data grows tenfold.

The generator of the scale benchmark (knotwork/demo/generate.py) writes a few patients of a clinic, every page is
opened and its queries counted; then another clinic and many more patients of the same clinic are written
(their sessions, holds, appointments, check-ins, questionnaires and audit entries) and every page is counted again.
A page whose queries grow with the rows fails here, long before a clinic group notices it.
"""

import datetime
import urllib.parse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from knotwork.accounts.models import User
from knotwork.core.policy import SystemActor
from knotwork.demo.generate import Generator, GroupSize
from knotwork.evidence.services import refresh_summaries
from knotwork.outcomes.models import QuestionnaireResponse
from knotwork.patients.models import Patient
from knotwork.scheduling import services as scheduling
from knotwork.treatment import services as treatment
from knotwork.treatment.models import TreatmentSession

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("query-count test")


def _pages(patient, session, open_session, response) -> dict[str, tuple[str, str]]:
    # From the start of the clinic's day, so the visits booked today (below) are in both counts.
    tz = patient.clinic.tzinfo
    start = datetime.datetime.combine(timezone.localdate(timezone=tz), datetime.time(0), tzinfo=tz)
    week = urllib.parse.urlencode({"start": start.isoformat(), "end": (start + datetime.timedelta(days=7)).isoformat()})
    return {
        "Today": ("practitioner", reverse("followup:dashboard")),
        "Patient list": ("practitioner", reverse("patients:list")),
        # The patient's own surname: it finds at least them at both sizes (as the scale benchmark searches).
        "Name search": (
            "practitioner",
            reverse("patients:list") + "?" + urllib.parse.urlencode({"q": patient.last_name[:4]}),
        ),
        "Chart": ("practitioner", reverse("chart:patient", args=[patient.public_id])),
        "Hold screen": ("practitioner", reverse("treatment:session", args=[open_session.public_id])),
        "Note": ("practitioner", reverse("treatment:note", args=[session.public_id])),
        "Calendar day": ("practitioner", reverse("scheduling:calendar")),
        "Calendar week": ("practitioner", reverse("scheduling:calendar") + "?view=week"),
        "Course review": ("practitioner", reverse("chart:course", args=[session.plan.public_id])),
        "Questionnaires": ("practitioner", reverse("outcomes:patient_list", args=[patient.public_id])),
        "Questionnaire": ("practitioner", reverse("outcomes:detail", args=[response.public_id])),
        "Audit trail": ("owner", reverse("audit:list")),
        "Audit trail, one patient": ("owner", reverse("audit:list") + f"?patient={patient.public_id}"),
        "API patients": ("practitioner", "/api/v1/patients"),
        "API appointments": ("practitioner", "/api/v1/appointments?" + week),
        "API questionnaires": ("practitioner", f"/api/v1/patients/{patient.public_id}/questionnaires"),
        "Evidence": ("practitioner", reverse("evidence:page")),
    }


def _something_today(patient, practitioner, kind, at=datetime.time(6, 30)) -> None:
    """Every list on the pages has rows before the data grows: a visit today, check-ins due within the day.

    (Otherwise a page that skips a query for an empty list would look as if it grew.)
    """
    finished = treatment.start_session(patient=patient, by=practitioner, pain_before=6)
    treatment.finish_session(session=finished, by=practitioner, pain_after=4)
    tz = patient.clinic.tzinfo
    today = timezone.localdate(timezone=tz)
    scheduling.book_appointment(
        patient=patient,
        practitioner=practitioner,
        appointment_type=kind,
        starts_at=datetime.datetime.combine(today, at, tzinfo=tz),
        by=practitioner,
        allow_outside_hours=True,
    )


def _count(clients, pages) -> dict[str, list[str]]:
    counts = {}
    for name, (who, url) in pages.items():
        clients[who].get(url)  # warm: the session, content types, the atlas
        with CaptureQueriesContext(connection) as captured:
            response = clients[who].get(url)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        counts[name] = [query["sql"] for query in captured.captured_queries]
    return counts


def test_every_main_page_is_flat_as_the_clinic_grows(client):
    generator = Generator(
        size=GroupSize(clinics=2, patients=30), seed=5, today=timezone.localdate(), write=lambda line: None
    )
    clinic = generator.start_clinic(0, 200)
    generator.fill(clinic, 0, 12)
    practitioner = clinic["staff"]["practitioners"][0]
    owner = User.objects.get(email__startswith="owner@clinic1.")
    session = (
        TreatmentSession.objects.filter(practitioner=practitioner, plan__isnull=False, questionnaires__isnull=True)
        .order_by("pk")
        .first()
    )
    assert session is not None, "the first patients have no session of this practitioner: choose another seed"
    patient = session.patient
    response = QuestionnaireResponse.objects.filter(patient=patient).order_by("pk").first()
    open_session = treatment.start_session(patient=patient, by=practitioner, pain_before=5)
    point = session.points.first()
    treatment.add_point(session=open_session, muscle=point.muscle, side=point.side, by=practitioner)
    _something_today(patient, practitioner, clinic["types"]["Treatment"])
    clients = {"practitioner": client, "owner": client.__class__()}
    sign_in(clients["practitioner"], practitioner)
    sign_in(clients["owner"], owner)
    pages = _pages(patient, session, open_session, response)
    refresh_summaries(clinic=patient.clinic, by=SYSTEM)  # the evidence page reads these (the nightly task's work)
    small = _count(clients, pages)

    other = generator.start_clinic(1, 30)
    generator.fill(other, 0, 30)
    generator.fill(clinic, 12, 40)
    refresh_summaries(clinic=patient.clinic, by=SYSTEM)
    others = Patient.objects.filter(clinic=patient.clinic, sessions__practitioner=practitioner).exclude(pk=patient.pk)
    for hour, other in enumerate(others.distinct().order_by("pk")[:3]):
        _something_today(other, practitioner, clinic["types"]["Treatment"], at=datetime.time(2 + hour, 30))
    large = _count(clients, pages)

    grown = {
        name: [sql[:300] for sql in large[name] if sql not in small[name]]
        for name in pages
        if len(large[name]) != len(small[name])
    }
    assert not grown, f"Pages whose queries grow with the data, and their new queries: {grown}"
