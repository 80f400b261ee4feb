"""Demo calendar: three appointment types, Monday-to-Friday hours, a few appointments today and this week."""

import datetime

from knotwork.core.errors import ClinicRuleError
from knotwork.scheduling import services
from knotwork.scheduling.models import AppointmentType

DEMO_TYPES = (("First visit", 60), ("Treatment", 45), ("Review", 30))
DEMO_HOURS = (datetime.time(9), datetime.time(17))
# (weekday offset from the first working day, local start) for each successive patient of a practitioner.
DEMO_TIMES = ((0, datetime.time(9)), (0, datetime.time(10, 30)), (0, datetime.time(14)), (1, datetime.time(11)))


def _working_days(today: datetime.date) -> list[datetime.date]:
    """Today (or the next Monday at a weekend) and the following working days of that week."""
    start = today if today.weekday() < 5 else today + datetime.timedelta(days=7 - today.weekday())
    return [start + datetime.timedelta(days=i) for i in range(5 - start.weekday())] or [start]


def load_demo_schedule(*, clinic, practitioners: list, patients: list, today: datetime.date) -> None:
    """Fill the calendar for a demo clinic; practitioners are users (or memberships) who see patients."""
    users = [getattr(p, "user", p) for p in practitioners]
    if not users:
        return
    types = {}
    for name, minutes in DEMO_TYPES:
        types[name], _created = AppointmentType.objects.get_or_create(
            clinic=clinic, name=name, defaults={"duration_minutes": minutes}
        )
    for user in users:
        services.set_working_hours(
            practitioner=user, clinic=clinic, hours=[(d, *DEMO_HOURS) for d in range(5)], by=user
        )
    days = _working_days(today)
    for index, patient in enumerate(patients):
        practitioner = users[index % len(users)]
        offset, at = DEMO_TIMES[(index // len(users)) % len(DEMO_TIMES)]
        day = days[min(offset, len(days) - 1)]
        kind = types["First visit"] if index % 3 == 0 else types["Treatment"]
        try:
            services.book_appointment(
                patient=patient,
                practitioner=practitioner,
                appointment_type=kind,
                starts_at=services.local_start(day=day, at=at, clinic=clinic),
                by=practitioner,
            )
            if len(days) > 2:  # a review later in the week
                services.book_appointment(
                    patient=patient,
                    practitioner=practitioner,
                    appointment_type=types["Review"],
                    starts_at=services.local_start(day=days[-1], at=at, clinic=clinic),
                    by=practitioner,
                )
        except ClinicRuleError:
            continue  # already booked by an earlier run, or the patient cannot be booked: leave it
