"""The clinic's rules for booking online, matching a visitor to a patient, and the waitlist's offers."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from knotwork.booking import selectors, services
from knotwork.booking.models import (
    OfferStatus,
    OnlineBooking,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
    offer_token,
)
from knotwork.booking.tests.conftest import MONDAY, visitor
from knotwork.core.errors import ClinicRuleError
from knotwork.messaging.models import TextConsent
from knotwork.patients.models import Patient
from knotwork.patients.tests.factories import PatientFactory, as_patient
from knotwork.scheduling import services as scheduling
from knotwork.scheduling.models import Appointment, AppointmentSource, AppointmentStatus
from knotwork.scheduling.tests.factories import at

pytestmark = pytest.mark.usefixtures("now")


def book(clinic, practitioner, appointment_type, starts_at, **details):
    return services.book_online(
        clinic=clinic,
        appointment_type=appointment_type,
        practitioner=practitioner,
        starts_at=starts_at,
        by=services.ONLINE,
        **visitor(**details),
    )


# --- the clinic's rules ------------------------------------------------------------------------------------------


def test_a_new_patient_books_a_first_visit_online(booking_settings, london, practitioner, first_visit):
    booking = book(london, practitioner, first_visit, at(london, MONDAY, 10), texts_agreed=True)
    appointment = booking.appointment
    assert appointment.source == AppointmentSource.ONLINE
    assert appointment.booked_by is None
    assert booking.new_patient
    assert not booking.needs_review
    patient = booking.patient
    assert (patient.first_name, patient.email, patient.phone.as_e164) == ("Ada", "ada@example.com", "+447911123456")
    consent = TextConsent.objects.get(patient=patient)
    assert consent.source == "patient"
    assert consent.withdrawn_at is None


def test_the_page_does_not_change_a_known_patients_agreement_to_texts(
    booking_settings, london, practitioner, first_visit, known_patient
):
    # Anyone who knows a patient's name, birth date and email could tick the box: a STOP must stay in force.
    booking = book(london, practitioner, first_visit, at(london, MONDAY, 10), texts_agreed=True)
    assert booking.patient == known_patient
    assert not booking.new_patient
    assert not TextConsent.objects.filter(patient=known_patient).exists()


def test_online_booking_switched_off_books_nothing(booking_settings, london, owner, practitioner, first_visit):
    services.update_booking_settings(clinic=london, by=owner, is_open=False)
    with pytest.raises(ClinicRuleError, match="does not take bookings online"):
        book(london, practitioner, first_visit, at(london, MONDAY, 10))
    assert not Patient.objects.filter(clinic=london).exists()


def test_a_type_not_bookable_online_is_refused(booking_settings, london, owner, practitioner, first_visit, follow_up):
    services.update_booking_settings(clinic=london, by=owner, bookable_types=[follow_up], first_visit_types=[])
    with pytest.raises(ClinicRuleError, match="cannot be booked online"):
        book(london, practitioner, first_visit, at(london, MONDAY, 10))


def test_the_notice_period_keeps_the_next_hours_off_the_page(
    booking_settings, london, owner, practitioner, first_visit
):
    # Now is Sunday 18:00; 16 hours of notice leave Monday 09:00 and 09:45 out, 10:00 in.
    services.update_booking_settings(clinic=london, by=owner, notice_hours=16)
    memberships = selectors.public_practitioners(london)
    times = selectors.free_times(
        settings=selectors.get_booking_settings(london),
        appointment_type=first_visit,
        memberships=memberships,
        day=MONDAY,
    )
    assert times[0].starts_at == at(london, MONDAY, 10)
    with pytest.raises(services.TimeTaken):
        book(london, practitioner, first_visit, at(london, MONDAY, 9))


def test_the_horizon_ends_the_days_on_offer(booking_settings, london, owner, practitioner, first_visit):
    services.update_booking_settings(clinic=london, by=owner, horizon_days=3)
    settings = selectors.get_booking_settings(london)
    memberships = selectors.public_practitioners(london)
    thursday = MONDAY + datetime.timedelta(days=3)
    assert selectors.free_times(
        settings=settings, appointment_type=first_visit, memberships=memberships, day=MONDAY + datetime.timedelta(2)
    )
    assert not selectors.free_times(
        settings=settings, appointment_type=first_visit, memberships=memberships, day=thursday
    )
    with pytest.raises(services.TimeTaken):
        book(london, practitioner, first_visit, at(london, thursday, 10))


def test_the_buffer_keeps_a_gap_after_a_booked_visit(
    booking_settings, london, owner, practitioner, follow_up, known_patient
):
    services.update_booking_settings(clinic=london, by=owner, buffer_minutes=15, first_visit_first=False)
    scheduling.book_appointment(
        patient=known_patient,
        practitioner=practitioner,
        appointment_type=follow_up,
        starts_at=at(london, MONDAY, 10),
        by=owner,
    )
    times = [
        t.starts_at
        for t in selectors.free_times(
            settings=selectors.get_booking_settings(london),
            appointment_type=follow_up,
            memberships=selectors.public_practitioners(london),
            day=MONDAY,
        )
    ]
    # The visit runs 10:00-10:30: with 15 minutes either side, 09:30 and 10:30 are out, 09:15 and 10:45 in.
    assert at(london, MONDAY, 9, 15) in times
    assert at(london, MONDAY, 10, 45) in times
    assert at(london, MONDAY, 9, 30) not in times
    assert at(london, MONDAY, 10, 30) not in times
    with pytest.raises(services.TimeTaken):
        book(london, practitioner, follow_up, at(london, MONDAY, 10, 30), first_name="Bea")


def test_a_follow_up_needs_a_visit_the_patient_attended(
    booking_settings, london, owner, practitioner, first_visit, follow_up, known_patient
):
    with pytest.raises(ClinicRuleError, match="first visit"):
        book(london, practitioner, follow_up, at(london, MONDAY, 10))
    seen = scheduling.book_appointment(
        patient=known_patient,
        practitioner=practitioner,
        appointment_type=first_visit,
        starts_at=at(london, MONDAY, 9),
        by=owner,
        allow_outside_hours=True,
    )
    # The visit happened (marking it attended on its day is the calendar's own test).
    Appointment.objects.filter(pk=seen.pk).update(status=AppointmentStatus.ATTENDED)
    booking = book(london, practitioner, follow_up, at(london, MONDAY + datetime.timedelta(days=1), 10))
    assert booking.patient == known_patient


# --- who the visitor is --------------------------------------------------------------------------------------------


def test_an_existing_patient_is_matched_by_name_birth_date_and_email(
    booking_settings, london, practitioner, first_visit, known_patient
):
    booking = book(london, practitioner, first_visit, at(london, MONDAY, 10), first_name="ada", phone="+447911999999")
    assert booking.patient == known_patient
    assert not booking.new_patient
    assert not booking.needs_review
    assert Patient.objects.filter(clinic=london).count() == 1


def test_same_name_and_birth_date_with_other_contacts_is_a_new_patient_flagged(
    booking_settings, london, practitioner, first_visit, known_patient
):
    booking = book(london, practitioner, first_visit, at(london, MONDAY, 10), email="other@example.com", phone="")
    assert booking.patient != known_patient
    assert booking.new_patient
    assert booking.needs_review
    assert list(booking.possible_duplicates.all()) == [known_patient]


def test_the_same_email_under_another_name_is_flagged(
    booking_settings, london, practitioner, first_visit, known_patient
):
    booking = book(london, practitioner, first_visit, at(london, MONDAY, 10), first_name="Bea", phone="")
    assert booking.needs_review
    assert list(booking.possible_duplicates.all()) == [known_patient]


def test_a_stranger_is_a_new_patient_not_flagged(booking_settings, london, practitioner, first_visit, known_patient):
    booking = book(
        london, practitioner, first_visit, at(london, MONDAY, 10), first_name="Cy", email="cy@example.com", phone=""
    )
    assert booking.new_patient
    assert not booking.needs_review


def test_the_front_desk_marks_a_booking_looked_over(booking_settings, london, practitioner, front_desk, first_visit):
    booking = book(london, practitioner, first_visit, at(london, MONDAY, 10))
    services.mark_booking_reviewed(booking=booking, by=front_desk)
    booking.refresh_from_db()
    assert booking.reviewed_at is not None
    assert booking.reviewed_by == front_desk


# --- concurrency ------------------------------------------------------------------------------------------------


def test_two_visitors_for_one_time_one_wins(booking_settings, london, practitioner, first_visit):
    book(london, practitioner, first_visit, at(london, MONDAY, 10))
    with pytest.raises(services.TimeTaken, match="just taken"):
        book(london, practitioner, first_visit, at(london, MONDAY, 10), first_name="Bea", email="bea@example.com")
    assert OnlineBooking.objects.count() == 1


def test_staff_may_not_book_as_the_public_page(booking_settings, london, practitioner, first_visit):
    with pytest.raises(PermissionDenied):
        services.book_online(
            clinic=london,
            appointment_type=first_visit,
            practitioner=practitioner,
            starts_at=at(london, MONDAY, 10),
            by=practitioner,
            **visitor(),
        )


# --- the waitlist -------------------------------------------------------------------------------------------------


@pytest.fixture
def waiting(london, front_desk, follow_up, practitioner):
    patient = PatientFactory(clinic=london, first_name="Wren", email="wren@example.com")
    entry = services.join_waitlist(
        patient=patient,
        by=front_desk,
        appointment_type=follow_up,
        practitioner=practitioner,
        earliest_on=MONDAY,
        latest_on=MONDAY + datetime.timedelta(days=7),
        day_starts=datetime.time(8),
        day_ends=datetime.time(18),
    )
    return entry


@pytest.fixture
def booked(london, owner, practitioner, follow_up, known_patient, hours):
    return scheduling.book_appointment(
        patient=known_patient,
        practitioner=practitioner,
        appointment_type=follow_up,
        starts_at=at(london, MONDAY, 11),
        by=owner,
    )


def cancel(appointment, by, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.cancel_appointment(appointment=appointment, by=by, reason="Patient unwell")


def test_a_cancelled_time_is_offered_to_the_first_waiting(
    booking_settings, waiting, booked, front_desk, django_capture_on_commit_callbacks
):
    later = services.join_waitlist(
        patient=PatientFactory(clinic=waiting.clinic),
        by=front_desk,
        appointment_type=waiting.appointment_type,
        earliest_on=MONDAY,
        latest_on=MONDAY,
    )
    mail.outbox.clear()
    cancel(booked, front_desk, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    assert offer.entry == waiting
    assert offer.starts_at == booked.starts_at
    assert offer.expires_at == timezone.now() + datetime.timedelta(minutes=60)
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert (waiting.status, later.status) == (WaitlistStatus.OFFERED, WaitlistStatus.ACTIVE)
    offer_mail = [m for m in mail.outbox if m.to == ["wren@example.com"]]
    assert len(offer_mail) == 1
    assert offer_token(offer) in offer_mail[0].body


def test_the_held_time_is_not_on_the_public_page(
    booking_settings,
    waiting,
    booked,
    owner,
    front_desk,
    london,
    practitioner,
    follow_up,
    django_capture_on_commit_callbacks,
):
    services.update_booking_settings(clinic=london, by=owner, first_visit_first=False)
    cancel(booked, front_desk, django_capture_on_commit_callbacks)
    times = [
        t.starts_at
        for t in selectors.free_times(
            settings=selectors.get_booking_settings(london),
            appointment_type=follow_up,
            memberships=selectors.public_practitioners(london),
            day=MONDAY,
        )
    ]
    assert booked.starts_at not in times
    with pytest.raises(services.TimeTaken):
        book(london, practitioner, follow_up, booked.starts_at, first_name="Bea", email="bea@example.com")


def test_the_patient_takes_the_offered_time(
    booking_settings, waiting, booked, front_desk, django_capture_on_commit_callbacks
):
    cancel(booked, front_desk, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    appointment = services.take_waitlist_offer(offer=offer, by=as_patient(waiting.patient))
    assert appointment.source == AppointmentSource.WAITLIST
    assert appointment.starts_at == booked.starts_at
    assert appointment.patient == waiting.patient
    offer.refresh_from_db()
    waiting.refresh_from_db()
    assert offer.status == OfferStatus.TAKEN
    assert waiting.status == WaitlistStatus.BOOKED
    with pytest.raises(ClinicRuleError, match="already taken"):
        services.take_waitlist_offer(offer=offer, by=as_patient(waiting.patient))


def test_another_patient_cannot_take_the_offer(
    booking_settings, waiting, booked, front_desk, known_patient, django_capture_on_commit_callbacks
):
    cancel(booked, front_desk, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.take_waitlist_offer(offer=WaitlistOffer.objects.get(), by=as_patient(known_patient))


def test_an_expired_offer_goes_to_the_next_in_line(
    booking_settings, waiting, booked, front_desk, time_machine, django_capture_on_commit_callbacks
):
    second = services.join_waitlist(
        patient=PatientFactory(clinic=waiting.clinic, email="next@example.com"),
        by=front_desk,
        appointment_type=waiting.appointment_type,
        earliest_on=MONDAY,
        latest_on=MONDAY,
    )
    cancel(booked, front_desk, django_capture_on_commit_callbacks)
    first_offer = WaitlistOffer.objects.get()
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=61), tick=False)
    with pytest.raises(ClinicRuleError, match="has ended"):
        services.take_waitlist_offer(offer=first_offer, by=as_patient(waiting.patient))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_waitlist_offers(now=timezone.now(), by=services.WAITLIST) == 1
    first_offer.refresh_from_db()
    waiting.refresh_from_db()
    assert first_offer.status == OfferStatus.EXPIRED
    assert waiting.status == WaitlistStatus.ACTIVE
    next_offer = WaitlistOffer.objects.exclude(pk=first_offer.pk).get()
    assert next_offer.entry == second
    assert next_offer.starts_at == booked.starts_at
    assert any(m.to == ["next@example.com"] for m in mail.outbox)


def test_a_time_booked_meanwhile_ends_the_offer_and_keeps_the_patient_waiting(
    booking_settings,
    waiting,
    booked,
    owner,
    front_desk,
    london,
    practitioner,
    follow_up,
    django_capture_on_commit_callbacks,
):
    cancel(booked, front_desk, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    scheduling.book_appointment(
        patient=PatientFactory(clinic=london),
        practitioner=practitioner,
        appointment_type=follow_up,
        starts_at=offer.starts_at,
        by=owner,
    )
    with pytest.raises(services.TimeTaken, match="no longer free"):
        services.take_waitlist_offer(offer=offer, by=as_patient(waiting.patient))
    offer.refresh_from_db()
    waiting.refresh_from_db()
    assert offer.status == OfferStatus.GONE
    assert waiting.status == WaitlistStatus.ACTIVE


def test_a_moved_visit_offers_its_old_time(
    booking_settings, waiting, booked, front_desk, london, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.move_appointment(appointment=booked, starts_at=at(london, MONDAY, 14), by=front_desk)
    assert WaitlistOffer.objects.get().starts_at == at(london, MONDAY, 11)


def test_a_time_outside_the_patients_hours_is_not_offered(
    booking_settings, waiting, booked, front_desk, django_capture_on_commit_callbacks
):
    waiting.day_ends = datetime.time(11)
    waiting.save()
    cancel(booked, front_desk, django_capture_on_commit_callbacks)
    assert not WaitlistOffer.objects.exists()


def test_the_patient_joins_the_waitlist_only_as_the_online_booking_rules_allow(
    london, owner, first_visit, follow_up, known_patient
):
    def join(kind):
        return services.join_waitlist(
            patient=known_patient,
            by=as_patient(known_patient),
            appointment_type=kind,
            earliest_on=MONDAY,
            latest_on=MONDAY,
        )

    with pytest.raises(ClinicRuleError, match="does not take bookings online"):
        join(first_visit)
    services.update_booking_settings(
        clinic=london, by=owner, is_open=True, bookable_types=[first_visit, follow_up], first_visit_types=[first_visit]
    )
    with pytest.raises(ClinicRuleError, match="have had their first visit"):
        join(follow_up)  # no attended visit yet: a first visit before follow-ups
    services.update_booking_settings(clinic=london, by=owner, bookable_types=[follow_up], first_visit_first=False)
    with pytest.raises(ClinicRuleError, match="cannot be booked online"):
        join(first_visit)
    assert not WaitlistEntry.objects.exists()
    # The front desk is not held to the online rules.
    front_desk_entry = services.join_waitlist(
        patient=known_patient, by=owner, appointment_type=first_visit, earliest_on=MONDAY, latest_on=MONDAY
    )
    assert front_desk_entry.added_by == owner


def test_the_patient_joins_and_leaves_the_waitlist_from_the_care_page(booking_settings, first_visit, known_patient):
    follow_up = first_visit  # a new patient waits for a first visit (follow-ups come after one)
    entry = services.join_waitlist(
        patient=known_patient,
        by=as_patient(known_patient),
        appointment_type=follow_up,
        earliest_on=MONDAY,
        latest_on=MONDAY + datetime.timedelta(days=3),
    )
    assert entry.added_by is None
    assert entry.status == WaitlistStatus.ACTIVE
    with pytest.raises(ClinicRuleError, match="already waiting"):
        services.join_waitlist(
            patient=known_patient,
            by=as_patient(known_patient),
            appointment_type=follow_up,
            earliest_on=MONDAY,
            latest_on=MONDAY,
        )
    services.leave_waitlist(entry=entry, by=as_patient(known_patient))
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.REMOVED
    assert AppointmentStatus.BOOKED  # the calendar is untouched


def test_the_sweep_command_ends_expired_offers(
    booking_settings, waiting, booked, front_desk, time_machine, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    cancel(booked, front_desk, django_capture_on_commit_callbacks)
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=61), tick=False)
    out = StringIO()
    call_command("expire_waitlist_offers", stdout=out)
    assert "1 waitlist offer(s) ended" in out.getvalue()
    assert WaitlistOffer.objects.get().status == OfferStatus.EXPIRED
