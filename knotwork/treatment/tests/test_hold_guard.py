"""The hold's safety guard, read in the same query as the locked point: each way the verdict can go."""

import pytest

from knotwork.assessment import services as assessment
from knotwork.assessment.screening import get_ruleset
from knotwork.assessment.selectors import latest_screen
from knotwork.treatment import services
from knotwork.treatment.models import Hold
from knotwork.treatment.tests.test_session import hold, screened

pytestmark = pytest.mark.django_db


def _pressure_contraindication():
    return next(
        r
        for r in get_ruleset().rules
        if r.kind == "contraindication"
        and r.technique in ("manual_therapy", "deep_pressure")
        and "any" in r.applies_to
        and isinstance(r.when, dict)
        and "any" in r.when
    )


def test_a_contraindication_to_pressure_refuses_the_hold_until_the_finding_is_overridden(clinic_a, practitioner):
    rule = _pressure_contraindication()
    patient = screened(clinic_a, practitioner, yes=[rule.when["any"][0]])
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    point = services.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    with pytest.raises(services.GuardError, match="Contraindication: "):
        hold(point, practitioner, 5, "good_pain")
    assert not Hold.objects.exists()
    assessment.override_finding(
        screen=latest_screen(patient),
        rule_id=rule.id,
        reason="Reviewed with the GP: light pressure away from the area is safe.",
        by=practitioner,
    )
    assert hold(point, practitioner, 5, "good_pain").number == 1


def test_a_withdrawn_consent_refuses_the_next_hold(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    point = services.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    first = hold(point, practitioner, 5, "too_little")
    consent = patient.consents.get(technique="manual_therapy")
    assessment.withdraw_consent(consent=consent, reason="Patient asked to stop.", by=practitioner)
    with pytest.raises(services.GuardError, match="no signed consent to manual therapy"):
        hold(point, practitioner, 5, "good_pain")
    assert list(Hold.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_next_hold_is_numbered_after_the_last_and_knows_whether_it_followed_the_suggestion(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    point = services.add_point(session=session, muscle="upper-trapezius", side="right", by=practitioner)
    other = services.add_point(session=session, muscle="levator-scapulae", side="left", by=practitioner)
    hold(other, practitioner, 3, "too_little")  # another point's holds count for nothing here
    first = hold(point, practitioner, 5, "too_little")
    second = hold(point, practitioner, first.suggested_level, "good_pain")
    third = hold(point, practitioner, 2, "good_pain")
    assert (first.number, second.number, third.number) == (1, 2, 3)
    assert (first.followed_suggestion, second.followed_suggestion, third.followed_suggestion) == (None, True, False)
