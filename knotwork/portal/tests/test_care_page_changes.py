"""Moving and cancelling a visit from the care page, within the clinic's notice period; inside it, call the clinic."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from knotwork.plans import services as plans
from knotwork.portal.services import create_patient_link
from knotwork.portal.tests.conftest import open_link
from knotwork.scheduling import services as scheduling
from knotwork.scheduling.models import Appointment, AppointmentStatus
from knotwork.treatment.tests.test_session import screened

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(calendar, practitioner):
    """Wednesday 4 March at 10:00 (two days ahead), booked by the practitioner."""
    patient = screened(calendar.clinic, practitioner)
    return calendar.book(patient, 2, 10, by=practitioner)


@pytest.fixture
def on_care_page(patient_client, visit, practitioner):
    _link, token = create_patient_link(patient=visit.patient, purpose="care", by=practitioner, send_email=False)
    open_link(patient_client, token)
    patient_client.token = token  # to open it again after the clock moves (the page closes when idle)
    return patient_client


def move_url(appointment):
    return reverse("portal:visit_move", args=[appointment.public_id])


def cancel_url(appointment):
    return reverse("portal:visit_cancel", args=[appointment.public_id])


def test_the_care_page_offers_move_and_cancel_for_a_visit_far_enough_ahead(on_care_page, visit):
    page = on_care_page.get(reverse("portal:care")).text
    assert move_url(visit) in page
    assert cancel_url(visit) in page


def test_inside_the_notice_period_the_care_page_says_to_call(on_care_page, visit, time_machine):
    time_machine.move_to(visit.starts_at - datetime.timedelta(hours=20), tick=False)
    open_link(on_care_page, on_care_page.token)
    page = on_care_page.get(reverse("portal:care")).text
    assert move_url(visit) not in page
    assert "To move or cancel this visit, call the clinic" in page
    assert "+44 20 7946 0000" in page


def test_the_move_page_offers_the_practitioners_free_times_from_the_notice_period_on(on_care_page, visit, calendar):
    page = on_care_page.get(move_url(visit))
    assert page.status_code == 200
    assert "Tuesday 3 March" in page.text  # Monday 08:00 now: Tuesday after 08:00 is 24 hours ahead
    assert calendar.at(1, 9).isoformat() in page.text
    assert calendar.at(1, 8).isoformat() not in page.text  # before the working day
    assert visit.starts_at.isoformat() not in page.text  # its own time is not another time


def test_the_move_page_leaves_out_a_time_a_waitlist_offer_holds(on_care_page, visit, calendar, practitioner, owner):
    from knotwork.booking import services as booking
    from knotwork.core.policy import SystemActor

    other = screened(calendar.clinic, practitioner)
    tuesday = calendar.at(1, 9).date()
    booking.join_waitlist(
        patient=other, by=owner, appointment_type=calendar.kind, earliest_on=tuesday, latest_on=tuesday
    )
    held = booking.offer_waitlist_time(
        clinic=calendar.clinic,
        practitioner=practitioner,
        starts_at=calendar.at(1, 9),
        ends_at=calendar.at(1, 9) + datetime.timedelta(minutes=45),
        by=SystemActor("test"),
    )
    assert held is not None
    page = on_care_page.get(move_url(visit))
    assert calendar.at(1, 9).isoformat() not in page.text  # held for the patient offered it
    assert calendar.at(1, 10).isoformat() in page.text


def test_a_malformed_week_shows_the_first_week(on_care_page, visit):
    for week in ("\u00b2", "9" * 5000, "-1", "03"):
        page = on_care_page.get(move_url(visit), {"week": week})
        assert page.status_code == 200
        assert "Tuesday 3 March" in page.text


def test_a_patient_moves_their_visit_and_hears_of_it(on_care_page, visit, calendar, django_capture_on_commit_callbacks):
    new_time = calendar.at(3, 14)
    with django_capture_on_commit_callbacks(execute=True):
        response = on_care_page.post(move_url(visit), {"starts_at": new_time.isoformat()}, follow=True)
    assert "Your visit is moved to Thursday 5 March 2026 at 14:00." in response.text
    visit.refresh_from_db()
    assert visit.starts_at == new_time
    assert visit.status == AppointmentStatus.BOOKED
    [email] = mail.outbox
    assert "moved to Thursday 5 March 2026 at 14:00" in email.subject


def test_a_time_taken_meanwhile_is_refused_and_nothing_changes(on_care_page, visit, calendar, practitioner):
    taken = calendar.at(3, 14)
    page = on_care_page.get(move_url(visit))
    assert taken.isoformat() in page.text
    other = screened(calendar.clinic, practitioner)
    calendar.book(other, 3, 14, by=practitioner)  # someone else books it while the patient chooses
    response = on_care_page.post(move_url(visit), {"starts_at": taken.isoformat()})
    assert response.status_code == 400
    assert "That time is no longer free" in response.text
    visit.refresh_from_db()
    assert visit.starts_at == calendar.at(2, 10)


def test_a_made_up_time_is_refused(on_care_page, visit):
    response = on_care_page.post(move_url(visit), {"starts_at": "2026-03-04T03:00:00+00:00"})
    assert response.status_code == 400


def test_inside_the_notice_period_the_policy_refuses_and_the_page_says_to_call(
    on_care_page, visit, calendar, time_machine
):
    page = on_care_page.get(move_url(visit))  # opened while it was still allowed
    assert page.status_code == 200
    time_machine.move_to(visit.starts_at - datetime.timedelta(hours=3), tick=False)
    open_link(on_care_page, on_care_page.token)
    moved = on_care_page.post(move_url(visit), {"starts_at": calendar.at(3, 14).isoformat()})
    cancelled = on_care_page.post(cancel_url(visit), {"reason": "unwell"})
    for response in (moved, cancelled):
        assert "Please call the clinic" in response.text
        assert "+44 20 7946 0000" in response.text
        assert "Your visit is still booked." in response.text
        assert "up to 24 hours before they start" in response.text  # the scheduling service's own refusal
    visit.refresh_from_db()
    assert (visit.starts_at, visit.status) == (calendar.at(2, 10), AppointmentStatus.BOOKED)
    assert mail.outbox == []


def test_a_patient_cancels_with_a_reason_the_clinic_sees(on_care_page, visit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = on_care_page.post(
            cancel_url(visit), {"reason": "cannot_make_it", "details": "Away for work"}, follow=True
        )
    assert "Your visit of Wednesday 4 March 2026 at 10:00 is cancelled." in response.text
    visit.refresh_from_db()
    assert visit.status == AppointmentStatus.CANCELLED
    assert visit.cancel_reason == (
        "Cancelled by the patient on their care page: I cannot make it at that time (Away for work)"
    )
    [email] = mail.outbox
    assert "is cancelled" in email.subject
    assert move_url(visit) not in on_care_page.get(reverse("portal:care")).text


def test_cancelling_needs_a_reason_and_keeps_what_was_typed(on_care_page, visit):
    response = on_care_page.post(cancel_url(visit), {"details": "Kept words"})
    assert response.status_code == 400
    assert "Kept words" in response.text
    visit.refresh_from_db()
    assert visit.status == AppointmentStatus.BOOKED


def test_a_visit_of_a_course_moves_and_stays_in_the_course(on_care_page, visit, calendar, practitioner):
    plan = plans.create_plan(
        patient=visit.patient,
        practitioner=practitioner,
        by=practitioner,
        starts_on=datetime.date(2026, 3, 2),
        techniques=["manual_therapy"],
    )
    visit.refresh_from_db()
    assert visit.plan_id == plan.pk  # the course adopted the visit
    on_care_page.post(move_url(visit), {"starts_at": calendar.at(3, 14).isoformat()})
    visit.refresh_from_db()
    assert (visit.starts_at, visit.plan_id) == (calendar.at(3, 14), plan.pk)
    assert plan.appointments.filter(status=AppointmentStatus.BOOKED).count() == 1


def test_another_patients_visit_is_not_found(on_care_page, calendar, practitioner):
    other = calendar.book(screened(calendar.clinic, practitioner), 2, 14, by=practitioner)
    assert on_care_page.get(move_url(other)).status_code == 404
    assert on_care_page.post(cancel_url(other), {"reason": "unwell"}).status_code == 404
    assert Appointment.objects.get(pk=other.pk).status == AppointmentStatus.BOOKED


def test_without_the_care_link_opened_nothing_is_shown(patient_client, visit):
    assert patient_client.get(move_url(visit)).status_code == 403


def test_a_patient_joins_the_waitlist_from_the_care_page(on_care_page, visit, calendar, owner):
    from knotwork.booking.models import WaitlistEntry
    from knotwork.booking.services import update_booking_settings

    hidden = scheduling.create_appointment_type(
        clinic=calendar.clinic, name="Long assessment", duration_minutes=90, by=owner
    )
    update_booking_settings(clinic=calendar.clinic, by=owner, is_open=True, bookable_types=[calendar.kind])
    assert reverse("portal:waitlist") in on_care_page.get(reverse("portal:care")).text
    form = on_care_page.get(reverse("portal:waitlist"))
    assert form.status_code == 200
    # Only the kinds of visit the clinic lets patients book online are offered, and only those are taken.
    assert calendar.kind.name in form.text
    assert hidden.name not in form.text
    data = {
        "appointment_type": str(calendar.kind.public_id),
        "practitioner": "",
        "earliest_on": "2026-03-03",
        "latest_on": "2026-03-10",
        "day_starts": "08:00",
        "day_ends": "12:00",
        "note": "Mornings please",
    }
    refused = on_care_page.post(reverse("portal:waitlist"), data | {"latest_on": "2026-03-01"})
    assert refused.status_code == 400
    assert "Mornings please" in refused.text
    assert not WaitlistEntry.objects.exists()
    not_offered = on_care_page.post(reverse("portal:waitlist"), data | {"appointment_type": str(hidden.public_id)})
    assert not_offered.status_code == 400
    assert not WaitlistEntry.objects.exists()
    response = on_care_page.post(reverse("portal:waitlist"), data, follow=True)
    assert "You are on the waitlist." in response.text
    entry = WaitlistEntry.objects.get()
    assert (entry.patient_id, entry.note, entry.added_by_id) == (visit.patient_id, "Mornings please", None)
