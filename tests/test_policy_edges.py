"""The edges keep only sign-in and 404 scoping: pages, the API and templates get their answer from the policy."""

import datetime
import re
from pathlib import Path

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import get_resolver, reverse
from django.utils import timezone

from knotwork.core import policy
from knotwork.core.access import access_rule_of
from knotwork.core.context_processors import clinic as clinic_context
from knotwork.core.policy import UnknownAction
from knotwork.treatment import services as treatment
from knotwork.treatment.models import Hold, TreatmentSession
from knotwork.treatment.tests.test_session import screened


def _views():
    views = []

    def walk(resolver):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern)
            else:
                views.append(pattern.callback)

    walk(get_resolver())
    return views


def test_no_page_decides_by_a_list_of_roles():
    """A page asks for a member of the clinic, and for a role only through an action the policy knows."""
    by_roles = []
    for view in _views():
        rule = access_rule_of(view) or ""
        if not rule.startswith("clinic:"):
            continue
        what = rule.removeprefix("clinic:")
        if what.split(" ")[0] == "any":  # "any (open to all when DEBUG is on)": the API docs
            continue
        if what.startswith("may="):
            policy.rule_for(what.removeprefix("may="))  # raises for an action without a rule
            continue
        by_roles.append(f"{view.__module__}.{view.__qualname__}: {rule}")
    assert not by_roles, "Name the action instead of roles, @clinic_member(may=...): " + ", ".join(sorted(by_roles))


def test_front_desk_cannot_record_a_hold_through_the_api(front_desk_client, clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = treatment.start_session(patient=patient, by=practitioner, pain_before=6)
    point = treatment.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    now = timezone.now()
    body = {
        "started_at": (now - datetime.timedelta(seconds=20)).isoformat(),
        "ended_at": now.isoformat(),
        "level": 5,
        "tool": "thumb",
        "answer": "too_little",
    }
    response = front_desk_client.post(
        f"/api/v1/treatment/points/{point.public_id}/holds", body, content_type="application/json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Only a practitioner or the owner can record treatment."
    assert not Hold.objects.exists()


def test_a_page_for_an_action_is_refused_to_a_role_the_policy_refuses(front_desk_client, clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    start = reverse("treatment:start", args=[patient.public_id])
    assert front_desk_client.get(start).status_code == 403
    assert front_desk_client.post(start, {"pain_before": 5}).status_code == 403
    assert not TreatmentSession.objects.exists()


@pytest.mark.parametrize(("persona", "shown"), [("practitioner_client", True), ("front_desk_client", False)])
def test_the_chart_offers_treatment_only_to_those_the_policy_lets_treat(persona, shown, request, clinic_a, owner):
    client = request.getfixturevalue(persona)
    patient = screened(clinic_a, owner)
    page = client.get(patient.get_absolute_url()).text
    assert ("Start a session" in page) is shown
    assert ("New examination" in page) is shown


def test_a_misspelt_action_in_a_template_fails_loudly(practitioner):
    request = RequestFactory().get("/")
    request.user = practitioner
    template = engines["django"].from_string("{% if may.sgin_note %}sign{% endif %}")
    with pytest.raises(UnknownAction, match="sgin_note"):
        template.render(clinic_context(request))


def test_templates_ask_the_policy_and_never_the_role_name():
    """`current_role` is for showing the role's name; what a role may do comes from `may.<action>`."""
    root = Path(__file__).resolve().parents[1] / "templates"
    asking = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if re.search(r"current_role\s*(==|!=)", path.read_text(encoding="utf-8"))
    ]
    assert not asking, f"Ask {{% if may.<action> %}} instead of the role: {asking}"
