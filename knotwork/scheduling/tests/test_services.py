import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from knotwork.core.errors import ClinicRuleError
from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling import services
from knotwork.scheduling.models import Appointment, AppointmentBlock, AppointmentStatus, TimeOff
from knotwork.scheduling.selectors import practitioner_name
from knotwork.scheduling.tests.factories import MONDAY, AppointmentTypeFactory, at, book

pytestmark = pytest.mark.usefixtures("now", "hours")


def test_booking_holds_one_block_per_five_minutes(london, patient, practitioner, treatment):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.ends_at - appointment.starts_at == datetime.timedelta(minutes=45)
    assert appointment.blocks.count() == 9
    assert not appointment.outside_hours


def test_double_booking_a_practitioner_is_refused_with_a_clear_message(
    london, patient, other_patient, practitioner, treatment
):
    book(patient, practitioner, treatment, at(london, MONDAY, 10, 15))
    with pytest.raises(ClinicRuleError) as refused:
        book(other_patient, practitioner, treatment, at(london, MONDAY, 10, 30))
    assert str(refused.value).startswith(f"{practitioner_name(practitioner)} already has an appointment at 10:15")
    assert Appointment.objects.count() == 1


def test_back_to_back_appointments_are_fine(london, patient, other_patient, practitioner, treatment):
    book(patient, practitioner, treatment, at(london, MONDAY, 10))
    book(other_patient, practitioner, treatment, at(london, MONDAY, 10, 45))
    assert AppointmentBlock.objects.count() == 18


def test_a_patient_cannot_be_in_two_places_at_once(london, patient, practitioner, owner, treatment):
    book(patient, practitioner, treatment, at(london, MONDAY, 10))
    with pytest.raises(ClinicRuleError, match="This patient already has an appointment at 10:00"):
        book(patient, owner, treatment, at(london, MONDAY, 10, 30))


def test_the_database_itself_refuses_a_second_block_for_a_practitioner(london, patient, other_patient, practitioner):
    first = book(patient, practitioner, AppointmentTypeFactory(clinic=london), at(london, MONDAY, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentBlock.objects.create(
            clinic=london,
            appointment=first,
            practitioner=practitioner,
            patient=other_patient,
            starts_at=first.starts_at,
        )


def test_outside_working_hours_is_refused_unless_staff_choose_it(london, patient, practitioner, front_desk, treatment):
    evening = at(london, MONDAY, 16, 30)  # 45 minutes would end at 17:15
    with pytest.raises(ClinicRuleError, match=r"outside .* working hours"):
        book(patient, practitioner, treatment, evening, by=front_desk)
    appointment = book(patient, practitioner, treatment, evening, by=front_desk, allow_outside_hours=True)
    assert appointment.outside_hours


def test_time_off_is_always_refused(london, patient, practitioner, treatment):
    TimeOff.objects.create(
        clinic=london,
        practitioner=practitioner,
        starts_at=at(london, MONDAY, 12),
        ends_at=at(london, MONDAY, 14),
        created_by=practitioner,
    )
    with pytest.raises(ClinicRuleError, match="is away"):
        book(patient, practitioner, treatment, at(london, MONDAY, 11, 30), allow_outside_hours=True)


def test_times_off_the_five_minute_grid_and_past_days_are_refused(london, patient, practitioner, treatment):
    with pytest.raises(ClinicRuleError, match="5-minute mark"):
        book(patient, practitioner, treatment, at(london, MONDAY, 10, 7))
    with pytest.raises(ClinicRuleError, match="This date has passed"):
        book(patient, practitioner, treatment, at(london, MONDAY - datetime.timedelta(days=7), 10))


def test_a_withdrawn_type_a_discharged_patient_and_a_front_desk_practitioner_are_refused(
    london, patient, practitioner, front_desk, treatment
):
    retired = AppointmentTypeFactory(clinic=london, is_active=False)
    with pytest.raises(ClinicRuleError, match="no longer offered"):
        book(patient, practitioner, retired, at(london, MONDAY, 10))
    with pytest.raises(ClinicRuleError, match="Choose a practitioner"):
        book(patient, front_desk, treatment, at(london, MONDAY, 10))
    patient.status = "discharged"
    patient.save()
    with pytest.raises(ClinicRuleError, match="discharged"):
        book(patient, practitioner, treatment, at(london, MONDAY, 10))


def test_a_user_of_another_clinic_cannot_book_here(london, patient, practitioner, treatment, practitioner_b):
    with pytest.raises(PermissionDenied, match="Only staff of this clinic"):
        book(patient, practitioner, treatment, at(london, MONDAY, 10), by=practitioner_b)


def test_cancelling_needs_a_reason_and_frees_the_time(london, patient, other_patient, practitioner, treatment):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    with pytest.raises(ClinicRuleError, match="Give a reason"):
        services.cancel_appointment(appointment=appointment, by=practitioner, reason="  ")
    services.cancel_appointment(appointment=appointment, by=practitioner, reason="Unwell, will call back")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancel_reason == "Unwell, will call back"
    assert not appointment.blocks.exists()
    book(other_patient, practitioner, treatment, at(london, MONDAY, 10))
    with pytest.raises(ClinicRuleError, match="cancelled; it cannot be marked"):
        services.mark_attended(appointment=appointment, by=practitioner)


def test_no_show_only_after_the_start_and_it_frees_the_time(time_machine, london, patient, practitioner, treatment):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    with pytest.raises(ClinicRuleError, match="once its start time has passed"):
        services.mark_no_show(appointment=appointment, by=practitioner)
    time_machine.move_to(at(london, MONDAY, 10, 20), tick=False)
    services.mark_no_show(appointment=appointment, by=practitioner)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW
    assert not appointment.blocks.exists()


def test_attended_keeps_the_time_and_is_final(time_machine, london, patient, practitioner, treatment):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    time_machine.move_to(at(london, MONDAY, 9, 55), tick=False)
    services.mark_attended(appointment=appointment, by=practitioner)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED
    assert appointment.blocks.count() == 9
    with pytest.raises(ClinicRuleError, match="attended; it cannot be marked"):
        services.cancel_appointment(appointment=appointment, by=practitioner, reason="mistake")
    with pytest.raises(ClinicRuleError, match="cannot be moved"):
        services.move_appointment(appointment=appointment, starts_at=at(london, MONDAY, 11), by=practitioner)


def test_attended_is_refused_for_a_later_day(london, patient, practitioner, treatment):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY + datetime.timedelta(days=1), 10))
    with pytest.raises(ClinicRuleError, match="later day"):
        services.mark_attended(appointment=appointment, by=practitioner)


def test_moving_replaces_the_blocks_and_keeps_the_length(london, patient, practitioner, owner, treatment):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    moved = services.move_appointment(appointment=appointment, starts_at=at(london, MONDAY, 14), by=owner)
    assert moved.starts_at == at(london, MONDAY, 14)
    assert moved.ends_at == at(london, MONDAY, 14, 45)
    assert sorted(moved.blocks.values_list("starts_at", flat=True))[0] == at(london, MONDAY, 14)
    assert moved.blocks.count() == 9
    moved = services.move_appointment(appointment=moved, starts_at=at(london, MONDAY, 9), by=owner, practitioner=owner)
    assert moved.practitioner == owner
    assert set(moved.blocks.values_list("practitioner", flat=True)) == {owner.pk}


def test_moving_onto_a_booked_time_is_refused_and_changes_nothing(
    london, patient, other_patient, practitioner, treatment
):
    book(patient, practitioner, treatment, at(london, MONDAY, 10))
    second = book(other_patient, practitioner, treatment, at(london, MONDAY, 11))
    with pytest.raises(ClinicRuleError, match="already has an appointment at 10:00"):
        services.move_appointment(appointment=second, starts_at=at(london, MONDAY, 10, 30), by=practitioner)
    second.refresh_from_db()
    assert second.starts_at == at(london, MONDAY, 11)
    assert second.blocks.count() == 9


def test_working_hours_are_replaced_and_checked(london, practitioner, front_desk, owner):
    rows = services.set_working_hours(
        practitioner=practitioner,
        clinic=london,
        hours=[(0, datetime.time(8), datetime.time(12)), (0, datetime.time(13), datetime.time(18))],
        by=practitioner,
    )
    assert len(rows) == 2
    with pytest.raises(ClinicRuleError, match="overlap"):
        services.set_working_hours(
            practitioner=practitioner,
            clinic=london,
            hours=[(0, datetime.time(8), datetime.time(12)), (0, datetime.time(11), datetime.time(18))],
            by=owner,
        )
    with pytest.raises(PermissionDenied, match="own working hours"):
        services.set_working_hours(practitioner=practitioner, clinic=london, hours=[], by=front_desk)


def test_appointment_types_are_the_owners(london, owner, practitioner):
    first = services.create_appointment_type(clinic=london, name="First visit", duration_minutes=60, by=owner)
    with pytest.raises(PermissionDenied, match="owner"):
        services.create_appointment_type(clinic=london, name="Quick", duration_minutes=15, by=practitioner)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.create_appointment_type(clinic=london, name="Odd", duration_minutes=17, by=owner)
    updated = services.update_appointment_type(
        appointment_type=first, by=owner, name="First visit", duration_minutes=50, is_active=False
    )
    assert not updated.is_active


def test_a_new_feed_revokes_the_old_one(practitioner):
    old, old_token = services.create_calendar_feed(practitioner=practitioner, by=practitioner)
    new, new_token = services.create_calendar_feed(practitioner=practitioner, by=practitioner)
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert new.revoked_at is None
    assert old_token != new_token
    assert len(new.token_hash) == 64
    assert new_token not in new.token_hash
    assert services.revoke_calendar_feed(practitioner=practitioner, by=practitioner) == 1


def test_clinic_b_staff_cannot_book_clinic_a_patients_with_their_own_practitioner(
    london, patient, treatment, practitioner_b
):
    with pytest.raises(PermissionDenied):
        book(patient, practitioner_b, treatment, at(london, MONDAY, 10), by=practitioner_b)
    assert not PatientFactory._meta.model.objects.filter(appointments__isnull=False).exists()
