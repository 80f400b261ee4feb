import contextlib
import datetime

import pytest

from knotwork.core.errors import ClinicRuleError
from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling import selectors, services
from knotwork.scheduling.models import TimeOff, WorkingHours
from knotwork.scheduling.tests.factories import (
    MONDAY,
    NEW_YORK,
    AppointmentTypeFactory,
    at,
    book,
    in_zone,
)

pytestmark = pytest.mark.usefixtures("now")
UTC = datetime.UTC


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def test_free_slots_lie_inside_working_hours_on_the_grid_and_never_clash(
    hours, london, patient, other_patient, practitioner, treatment
):
    book(patient, practitioner, treatment, at(london, MONDAY, 10))
    book(other_patient, practitioner, treatment, at(london, MONDAY, 13, 5))
    TimeOff.objects.create(
        clinic=london,
        practitioner=practitioner,
        starts_at=at(london, MONDAY, 15),
        ends_at=at(london, MONDAY, 16),
        created_by=practitioner,
    )
    slots = selectors.list_free_slots(
        practitioner=practitioner, appointment_type=treatment, starts_on=MONDAY, ends_on=MONDAY
    )
    busy = [
        (at(london, MONDAY, 10), at(london, MONDAY, 10, 45)),
        (at(london, MONDAY, 13, 5), at(london, MONDAY, 13, 50)),
        (at(london, MONDAY, 15), at(london, MONDAY, 16)),
    ]
    assert slots[0] == at(london, MONDAY, 9)
    assert slots[-1] == at(london, MONDAY, 16, 15)  # 16:15 + 45 min ends exactly at 17:00
    for slot in slots:
        end = slot + treatment.duration
        assert at(london, MONDAY, 9) <= slot
        assert end <= at(london, MONDAY, 17)
        assert slot.minute % 5 == 0
        assert slot.second == 0
        assert not any(s < end and slot < e for s, e in busy), slot
    assert at(london, MONDAY, 9, 15) in slots  # ends 10:00, back to back with the booking
    assert at(london, MONDAY, 9, 30) not in slots
    # Each offered slot can really be booked.
    third = PatientFactory(clinic=london)
    book(third, practitioner, treatment, slots[len(slots) // 2])


def test_free_slots_skip_the_past_weekends_and_days_without_hours(hours, london, practitioner, treatment, time_machine):
    time_machine.move_to(at(london, MONDAY, 12, 10), tick=False)
    slots = selectors.list_free_slots(
        practitioner=practitioner,
        appointment_type=treatment,
        starts_on=MONDAY - datetime.timedelta(days=1),
        ends_on=MONDAY + datetime.timedelta(days=6),
    )
    assert min(slots) == at(london, MONDAY, 12, 15)
    local_days = {s.astimezone(london.tzinfo).date() for s in slots}
    assert local_days == {MONDAY + datetime.timedelta(days=d) for d in range(5)}
    assert (
        selectors.list_free_slots(
            practitioner=practitioner,
            appointment_type=treatment,
            starts_on=MONDAY,
            ends_on=MONDAY - datetime.timedelta(1),
        )
        == []
    )


def test_list_appointments_is_scoped_to_the_users_clinic(
    hours, london, patient, practitioner, treatment, practitioner_b, owner_b, clinic_b
):
    mine = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    theirs_type = AppointmentTypeFactory(clinic=clinic_b)
    WorkingHours.objects.create(
        clinic=clinic_b, practitioner=practitioner_b, weekday=0, starts=datetime.time(0), ends=datetime.time(23)
    )
    theirs = book(PatientFactory(clinic=clinic_b), practitioner_b, theirs_type, mine.starts_at)
    window = {"start": mine.starts_at - datetime.timedelta(hours=1), "end": mine.ends_at}
    assert list(selectors.list_appointments(practitioner, **window)) == [mine]
    assert list(selectors.list_appointments(owner_b, **window)) == [theirs]
    assert list(selectors.list_appointments(practitioner, **window, patient=patient)) == [mine]
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.get_appointment(practitioner_b, mine.public_id)
    assert selectors.get_appointment(practitioner, mine.public_id) == mine


def test_upcoming_for_patient_lists_only_booked_future_visits(hours, london, patient, practitioner, treatment):
    first = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    second = book(patient, practitioner, treatment, at(london, MONDAY, 14))
    services.cancel_appointment(appointment=second, by=practitioner, reason="Patient asked")
    assert list(selectors.list_upcoming_for_patient(patient, now=at(london, MONDAY, 9))) == [first]
    assert list(selectors.list_upcoming_for_patient(patient, now=at(london, MONDAY, 10, 1))) == []


# --- daylight saving -----------------------------------------------------------------------------

FRIDAY_BEFORE_SPRING = datetime.date(2026, 3, 27)  # London: clocks go forward on Sunday 29 March 2026
MONDAY_AFTER_SPRING = datetime.date(2026, 3, 30)


def test_a_nine_oclock_appointment_stays_nine_oclock_across_the_change(hours, london, patient, practitioner, treatment):
    before = book(patient, practitioner, treatment, at(london, FRIDAY_BEFORE_SPRING, 9))
    after = book(patient, practitioner, treatment, at(london, MONDAY_AFTER_SPRING, 9))
    assert before.starts_at == utc(2026, 3, 27, 9)  # GMT
    assert after.starts_at == utc(2026, 3, 30, 8)  # BST
    assert after.starts_at.astimezone(london.tzinfo).hour == 9
    slots = selectors.list_free_slots(
        practitioner=practitioner,
        appointment_type=treatment,
        starts_on=FRIDAY_BEFORE_SPRING,
        ends_on=MONDAY_AFTER_SPRING,
    )
    assert utc(2026, 3, 27, 9, 45) in slots
    assert utc(2026, 3, 30, 8, 45) in slots
    assert max(s for s in slots if s.date() == MONDAY_AFTER_SPRING) == utc(2026, 3, 30, 15, 15)  # 16:15 BST


def test_a_time_the_clocks_skip_is_refused_with_a_clear_message(london):
    with pytest.raises(ClinicRuleError, match="01:30 on 29 March 2026 does not exist in Europe/London"):
        services.local_start(day=datetime.date(2026, 3, 29), at=datetime.time(1, 30), clinic=london)


def test_a_time_that_happens_twice_means_the_first_one(london):
    repeated = services.local_start(day=datetime.date(2026, 10, 25), at=datetime.time(1, 30), clinic=london)
    assert repeated == utc(2026, 10, 25, 0, 30)  # still BST (UTC+1); the second 01:30 would be 01:30 UTC


def test_working_hours_on_change_days_are_as_long_as_the_clock_says(clinic_a, practitioner, patient):
    clinic = in_zone(clinic_a, NEW_YORK)
    hour = AppointmentTypeFactory(clinic=clinic, duration_minutes=60)
    # Sundays 01:00-05:00 local: 3 real hours when the clocks go forward, 5 when they go back.
    WorkingHours.objects.create(
        clinic=clinic, practitioner=practitioner, weekday=6, starts=datetime.time(1), ends=datetime.time(5)
    )
    spring, autumn = datetime.date(2026, 3, 8), datetime.date(2026, 11, 1)
    stretch = selectors.working_stretches(practitioner=practitioner, clinic=clinic, day=spring)
    assert stretch == [(utc(2026, 3, 8, 6), utc(2026, 3, 8, 9))]
    stretch = selectors.working_stretches(practitioner=practitioner, clinic=clinic, day=autumn)
    assert stretch == [(utc(2026, 11, 1, 5), utc(2026, 11, 1, 10))]
    spring_slots = selectors.list_free_slots(
        practitioner=practitioner, appointment_type=hour, starts_on=spring, ends_on=spring
    )
    assert spring_slots[0] == utc(2026, 3, 8, 6)
    assert spring_slots[-1] == utc(2026, 3, 8, 8)
    assert len(spring_slots) == 9
    # A booking at 03:00 EDT is inside the stretch; 02:30 does not exist at all.
    appointment = book(
        patient, practitioner, hour, services.local_start(day=spring, at=datetime.time(3), clinic=clinic)
    )
    assert appointment.starts_at == utc(2026, 3, 8, 7)
    with pytest.raises(ClinicRuleError, match="does not exist"):
        services.local_start(day=spring, at=datetime.time(2, 30), clinic=clinic)


class _Undo(Exception):
    pass


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_slot_is_offered_exactly_when_booking_it_would_succeed(hours, london, practitioner, treatment, seed):
    import random

    from django.db import transaction

    rng = random.Random(seed)
    for _ in range(5):
        with contextlib.suppress(ClinicRuleError):
            book(
                PatientFactory(clinic=london),
                practitioner,
                treatment,
                at(london, MONDAY, rng.randint(9, 16), 5 * rng.randint(0, 11)),
            )
    start = rng.randint(9, 15)
    TimeOff.objects.create(
        clinic=london,
        practitioner=practitioner,
        starts_at=at(london, MONDAY, start),
        ends_at=at(london, MONDAY, start + 1),
        created_by=practitioner,
    )
    free = set(
        selectors.list_free_slots(
            practitioner=practitioner, appointment_type=treatment, starts_on=MONDAY, ends_on=MONDAY
        )
    )
    newcomer = PatientFactory(clinic=london)
    for minutes in range(9 * 60, 17 * 60, 15):
        candidate = at(london, MONDAY, minutes // 60, minutes % 60)
        try:
            with transaction.atomic():
                book(newcomer, practitioner, treatment, candidate)
                raise _Undo
        except _Undo:
            bookable = True
        except ClinicRuleError:
            bookable = False
        assert (candidate in free) == bookable, candidate
