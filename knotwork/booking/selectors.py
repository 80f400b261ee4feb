"""Reads for online booking: the clinic's rules, the free times the public page offers, and the staff lists."""

import dataclasses
import datetime

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from knotwork.booking.models import (
    BookingSettings,
    OfferStatus,
    OnlineBooking,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from knotwork.clinics.models import CLINICAL_ROLES, Clinic, Membership
from knotwork.core import tokens
from knotwork.patients.models import Patient
from knotwork.scheduling import clock
from knotwork.scheduling import selectors as calendar
from knotwork.scheduling.models import (
    HOLDING_TIME,
    LONGEST_APPOINTMENT,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    Room,
    WorkingHours,
)

# --- the clinic's rules ----------------------------------------------------------------------------------------


def get_booking_settings(clinic: Clinic) -> BookingSettings:
    """The clinic's online booking settings; the defaults (closed) when the owner has not saved any yet."""
    found = BookingSettings.objects.filter(clinic=clinic).first()
    return found if found is not None else BookingSettings(clinic=clinic)


def get_public_clinic(clinic_id) -> Clinic:
    """The clinic behind a public booking address, or 404 (a malformed id is a 404 too)."""
    return get_object_or_404(Clinic, public_id=clinic_id)


def bookable_types(settings: BookingSettings) -> QuerySet[AppointmentType]:
    """The offered types the clinic lets patients book online, shortest first."""
    if settings.pk is None:
        return AppointmentType.objects.none()
    return settings.bookable_types.filter(is_active=True, clinic_id=settings.clinic_id).order_by(
        "duration_minutes", "name"
    )


def first_visit_type_ids(settings: BookingSettings) -> set[int]:
    if settings.pk is None:
        return set()
    return set(settings.first_visit_types.values_list("pk", flat=True))


def public_practitioners(clinic: Clinic) -> list[Membership]:
    """Active practitioners (and practising owners) of the clinic who keep working hours, by name."""
    return list(
        Membership.objects.filter(clinic=clinic, is_active=True, user__is_active=True, role__in=CLINICAL_ROLES)
        .filter(user__in=WorkingHours.objects.filter(clinic=clinic).values("practitioner"))
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__email")
    )


def has_attended_visit(patient: Patient) -> bool:
    return Appointment.objects.filter(patient=patient, status=AppointmentStatus.ATTENDED).exists()


# --- free times --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FreeTime:
    starts_at: datetime.datetime
    membership: Membership

    @property
    def value(self) -> str:
        """How the time travels in a form: the practitioner's membership id and the start (UTC, ISO)."""
        return f"{self.membership.public_id}|{self.starts_at.astimezone(datetime.UTC).isoformat()}"


def booking_window(settings: BookingSettings, *, now: datetime.datetime | None = None):
    """(earliest start, last local date) the public page offers: notice from now, horizon from today."""
    now = now or timezone.now()
    tz = settings.clinic.tzinfo
    earliest = now + datetime.timedelta(hours=settings.notice_hours)
    last_day = clock.local(now, tz).date() + datetime.timedelta(days=settings.horizon_days)
    return earliest, last_day


def open_offers_overlapping(*, practitioner, starts_at, ends_at, exclude=None) -> QuerySet[WaitlistOffer]:
    """Open, unexpired waitlist offers that hold part of [starts_at, ends_at) of this practitioner's time."""
    found = WaitlistOffer.objects.filter(
        practitioner=practitioner,
        status=OfferStatus.OPEN,
        expires_at__gt=timezone.now(),
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    return found.exclude(pk=exclude.pk) if exclude is not None else found


def free_room(*, clinic, starts_at, ends_at) -> Room | None:
    """An active room of the clinic that no appointment holds in [starts_at, ends_at), or None."""
    taken = Appointment.objects.filter(
        clinic=clinic,
        status__in=HOLDING_TIME,
        room__isnull=False,
        starts_at__lt=ends_at,
        starts_at__gt=starts_at - LONGEST_APPOINTMENT,
        ends_at__gt=starts_at,
    ).values("room")
    return Room.objects.filter(clinic=clinic, is_active=True).exclude(pk__in=taken).order_by("name").first()


def is_time_bookable(
    *,
    settings: BookingSettings,
    practitioner,
    appointment_type: AppointmentType,
    starts_at: datetime.datetime,
    ignore_offer=None,
    now: datetime.datetime | None = None,
) -> bool:
    """Whether the public page may book this time: inside the rules, free with its buffer, not held by an offer."""
    earliest, last_day = booking_window(settings, now=now)
    tz = settings.clinic.tzinfo
    local_day = clock.local(starts_at, tz).date()
    if starts_at < earliest or local_day > last_day:
        return False
    slots = calendar.list_free_slots(
        practitioner=practitioner, appointment_type=appointment_type, starts_on=local_day, ends_on=local_day, now=now
    )
    if starts_at not in slots:
        return False
    return bool(_keep(settings, practitioner, appointment_type, [starts_at], ignore_offer=ignore_offer))


def is_free_for(*, clinic, practitioner, appointment_type: AppointmentType, starts_at: datetime.datetime) -> bool:
    """A freed time the practitioner could still see this type at: on the grid, in working hours, not away, no clash.

    (A freed time need not sit on the public page's 15-minute steps.)"""
    ends_at = starts_at + appointment_type.duration
    return (
        clock.on_grid(starts_at, 5)
        and calendar.is_within_working_hours(
            practitioner=practitioner, clinic=clinic, starts_at=starts_at, ends_at=ends_at
        )
        and not calendar.time_off_during(
            practitioner=practitioner, clinic=clinic, starts_at=starts_at, ends_at=ends_at
        ).exists()
        and not calendar.clashes(practitioner=practitioner, starts_at=starts_at, ends_at=ends_at).exists()
    )


def _keep(settings, practitioner, appointment_type, starts: list, *, ignore_offer=None) -> list:
    """The starts whose visit, widened by the buffer, clashes with nothing and no open offer holds."""
    if not starts:
        return []
    length = appointment_type.duration
    buffer = datetime.timedelta(minutes=settings.buffer_minutes)
    low, high = min(starts) - buffer, max(starts) + length + buffer
    busy = [(a.starts_at, a.ends_at) for a in calendar.clashes(practitioner=practitioner, starts_at=low, ends_at=high)]
    held = [
        (o.starts_at, o.ends_at)
        for o in open_offers_overlapping(practitioner=practitioner, starts_at=low, ends_at=high, exclude=ignore_offer)
    ]
    kept = []
    for start in starts:
        end = start + length
        if any(b_start < end + buffer and start - buffer < b_end for b_start, b_end in busy):
            continue
        if any(h_start < end and start < h_end for h_start, h_end in held):
            continue
        if appointment_type.needs_room and free_room(clinic=settings.clinic, starts_at=start, ends_at=end) is None:
            continue
        kept.append(start)
    return kept


def free_times(
    *,
    settings: BookingSettings,
    appointment_type: AppointmentType,
    memberships: list[Membership],
    day: datetime.date,
    now: datetime.datetime | None = None,
) -> list[FreeTime]:
    """The times the public page offers on one local day, earliest first (the first practitioner free for
    "first available"); nothing outside the notice period and the horizon."""
    earliest, last_day = booking_window(settings, now=now)
    if day > last_day or day < clock.local(earliest, settings.clinic.tzinfo).date():
        return []
    found: dict[datetime.datetime, FreeTime] = {}
    for membership in memberships:
        slots = calendar.list_free_slots(
            practitioner=membership.user, appointment_type=appointment_type, starts_on=day, ends_on=day, now=earliest
        )
        for start in _keep(settings, membership.user, appointment_type, slots):
            found.setdefault(start, FreeTime(starts_at=start, membership=membership))
    return [found[start] for start in sorted(found)]


def next_days_with_times(
    *,
    settings: BookingSettings,
    appointment_type: AppointmentType,
    memberships: list[Membership],
    after: datetime.date,
    count: int = 5,
    now: datetime.datetime | None = None,
) -> list[datetime.date]:
    """The next few local days after `after` with at least one free time (to jump to), within the horizon."""
    earliest, last_day = booking_window(settings, now=now)
    days: set[datetime.date] = set()
    start_day = max(after + datetime.timedelta(days=1), clock.local(earliest, settings.clinic.tzinfo).date())
    end_day = min(last_day, start_day + datetime.timedelta(days=27))
    if end_day < start_day:
        return []
    tz = settings.clinic.tzinfo
    for membership in memberships:
        slots = calendar.list_free_slots(
            practitioner=membership.user,
            appointment_type=appointment_type,
            starts_on=start_day,
            ends_on=end_day,
            now=earliest,
        )
        by_day: dict[datetime.date, list] = {}
        for start in slots:
            by_day.setdefault(clock.local(start, tz).date(), []).append(start)
        for local_day, starts in by_day.items():
            if local_day not in days and _keep(settings, membership.user, appointment_type, starts[:8] or starts):
                days.add(local_day)
    return sorted(days)[:count]


# --- matching a visitor to a patient (never shown to the visitor) ----------------------------------------------


def find_patient(*, clinic: Clinic, first_name: str, last_name: str, date_of_birth, email: str, phone: str):
    """(the patient these details are, possible duplicates): the oldest record with the same name and date of
    birth and the same email or phone; the duplicates are records that look like the same person otherwise."""
    same_person = Q(first_name__iexact=first_name, last_name__iexact=last_name, date_of_birth=date_of_birth)
    contact = Q(pk__in=[])
    if email:
        contact |= Q(email__iexact=email)
    if phone:
        contact |= Q(phone=phone)
    patients = Patient.objects.filter(clinic=clinic)
    match = patients.filter(same_person & contact).order_by("created_at", "pk").first()
    lookalikes = patients.filter(same_person | (Q(email__iexact=email) if email else Q(pk__in=[])))
    if match is not None:
        lookalikes = lookalikes.exclude(pk=match.pk).filter(same_person & contact)
    return match, list(lookalikes.order_by("created_at", "pk")[:10])


# --- offers (by token, no user) ---------------------------------------------------------------------------------


def get_offer_by_token(token: str) -> WaitlistOffer | None:
    if not tokens.is_presentable(token):
        return None
    return (
        WaitlistOffer.objects.filter(token_hash=tokens.hash_token(token))
        .select_related("entry__patient", "clinic", "practitioner", "appointment_type")
        .first()
    )


def matching_entries(*, clinic, practitioner, starts_at, ends_at) -> QuerySet[WaitlistEntry]:
    """Active entries, first come first served, that a freed time [starts_at, ends_at) could serve: for this
    practitioner or any, on a day in their range. (Their hours and the visit's length are checked by the caller.)"""
    day = clock.local(starts_at, clinic.tzinfo).date()
    return (
        WaitlistEntry.objects.filter(
            clinic=clinic,
            status=WaitlistStatus.ACTIVE,
            earliest_on__lte=day,
            latest_on__gte=day,
            appointment_type__is_active=True,
            appointment_type__duration_minutes__lte=int((ends_at - starts_at).total_seconds() // 60),
        )
        .filter(Q(practitioner__isnull=True) | Q(practitioner=practitioner))
        .select_related("patient", "appointment_type", "clinic")
        .order_by("created_at", "pk")
    )


# --- staff reads (acting user first) ------------------------------------------------------------------------------


def list_online_bookings(user, *, to_review_only: bool = False) -> QuerySet[OnlineBooking]:
    found = (
        OnlineBooking.objects.for_user(user)
        .select_related("patient", "appointment__practitioner", "appointment__appointment_type", "reviewed_by")
        .prefetch_related("possible_duplicates")
    )
    return found.filter(needs_review=True, reviewed_at__isnull=True) if to_review_only else found


def get_online_booking(user, booking_id) -> OnlineBooking:
    return get_object_or_404(OnlineBooking.objects.for_user(user), public_id=booking_id)


def list_waitlist(user, *, include_closed: bool = False) -> QuerySet[WaitlistEntry]:
    found = WaitlistEntry.objects.for_user(user).select_related("patient", "practitioner", "appointment_type")
    if not include_closed:
        found = found.filter(status__in=[WaitlistStatus.ACTIVE, WaitlistStatus.OFFERED])
    return found.prefetch_related("offers")


def get_waitlist_entry(user, entry_id) -> WaitlistEntry:
    return get_object_or_404(WaitlistEntry.objects.for_user(user), public_id=entry_id)


def list_patient_waitlist(patient) -> QuerySet[WaitlistEntry]:
    """The patient's own open entries (the care page shows them)."""
    return WaitlistEntry.objects.filter(
        clinic_id=patient.clinic_id, patient=patient, status__in=[WaitlistStatus.ACTIVE, WaitlistStatus.OFFERED]
    ).select_related("practitioner", "appointment_type")


def get_patient_waitlist_entry(patient, entry_id) -> WaitlistEntry:
    """One of the patient's own open entries by its public id (the care page's "Leave the waitlist"), or 404."""
    return get_object_or_404(list_patient_waitlist(patient), public_id=entry_id)
