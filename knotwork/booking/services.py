"""The one way online booking and the waitlist change: settings, a booking from the public page, the front desk's
review, joining and leaving the waitlist, offering a freed time, taking it, and expiring offers nobody took.

The public page has no user: it books as Knotwork itself (`ONLINE`), which the calendar's and the patients' rules
allow; what a visitor may book is decided here, by the clinic's `BookingSettings`.
"""

import datetime
import functools
import logging

from django.db import transaction
from django.utils import timezone

from knotwork.accounts.policy import acting_staff
from knotwork.booking import selectors
from knotwork.booking.models import (
    BookingSettings,
    OfferStatus,
    OnlineBooking,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
    offer_token,
    offer_url,
)
from knotwork.core import tokens
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, PatientLinkActor, SystemActor, require
from knotwork.messaging import selectors as message_texts
from knotwork.messaging import services as messaging
from knotwork.messaging.models import MessageKind, MessagePurpose
from knotwork.patients import services as patients
from knotwork.patients.models import Patient
from knotwork.scheduling import clock
from knotwork.scheduling import services as scheduling
from knotwork.scheduling.models import Appointment, AppointmentSource, AppointmentStatus, AppointmentType
from knotwork.scheduling.selectors import practitioner_name
from knotwork.scheduling.services.rules import check_practitioner, local_when_text

logger = logging.getLogger(__name__)

ONLINE = SystemActor("online booking")
WAITLIST = SystemActor("waitlist")


class TimeTaken(ClinicRuleError):
    """The chosen time is no longer free (someone else booked it, or an offer holds it)."""


# --- settings ----------------------------------------------------------------------------------------------------


@transaction.atomic
def update_booking_settings(
    *,
    clinic,
    by: Actor,
    is_open: bool | None = None,
    bookable_types: list[AppointmentType] | None = None,
    first_visit_types: list[AppointmentType] | None = None,
    first_visit_first: bool | None = None,
    notice_hours: int | None = None,
    horizon_days: int | None = None,
    buffer_minutes: int | None = None,
    offer_hold_minutes: int | None = None,
) -> BookingSettings:
    """Change the clinic's online booking; what is not given keeps its value. Made on first save."""
    require(by, "change_booking_settings", clinic)
    settings = BookingSettings.objects.select_for_update().filter(clinic=clinic).first() or BookingSettings(
        clinic=clinic
    )
    for name, value in (
        ("is_open", is_open),
        ("first_visit_first", first_visit_first),
        ("notice_hours", notice_hours),
        ("horizon_days", horizon_days),
        ("buffer_minutes", buffer_minutes),
        ("offer_hold_minutes", offer_hold_minutes),
    ):
        if value is not None:
            setattr(settings, name, value)
    for types in (bookable_types, first_visit_types):
        if types is not None and any(t.clinic_id != clinic.pk for t in types):
            raise ClinicRuleError("Choose appointment types of this clinic.")
    settings.full_clean()
    settings.save()
    if bookable_types is not None:
        settings.bookable_types.set(bookable_types, through_defaults={"clinic": clinic})
    if first_visit_types is not None:
        settings.first_visit_types.set(first_visit_types, through_defaults={"clinic": clinic})
    if settings.is_open and not selectors.bookable_types(settings).exists():
        raise ClinicRuleError("Choose at least one offered appointment type patients may book online first.")
    logger.info("Online booking settings of clinic %s changed", clinic.public_id)
    return settings


# --- a booking from the public page ----------------------------------------------------------------------------


def _check_rules(settings: BookingSettings, appointment_type: AppointmentType, patient: Patient | None) -> None:
    if not settings.is_open:
        raise ClinicRuleError("This clinic does not take bookings online at the moment. Please call the clinic.")
    if not selectors.bookable_types(settings).filter(pk=appointment_type.pk).exists():
        raise ClinicRuleError("This kind of visit cannot be booked online. Choose another, or call the clinic.")
    first_visits = selectors.first_visit_type_ids(settings)
    follow_up = settings.first_visit_first and first_visits and appointment_type.pk not in first_visits
    if follow_up and (patient is None or not selectors.has_attended_visit(patient)):
        raise ClinicRuleError(
            f"“{appointment_type.name}” is for patients who have had their first visit. "
            "Please book a first visit, or call the clinic."
        )


@transaction.atomic
def book_online(
    *,
    clinic,
    appointment_type: AppointmentType,
    practitioner,
    starts_at: datetime.datetime,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    email: str,
    phone: str,
    texts_agreed: bool = False,
    by: Actor,
) -> OnlineBooking:
    """Book a visit for a visitor of the public page, within the clinic's rules.

    The visitor is the patient on record with the same name, date of birth and email or phone; otherwise a new
    patient is registered, and records that look like the same person are kept on the booking for the front desk
    (never merged). Raises TimeTaken when the time is no longer free, ClinicRuleError for any other rule.
    """
    require(by, "book_online", clinic)
    if appointment_type.clinic_id != clinic.pk:
        raise ClinicRuleError("Choose a kind of visit this clinic offers.")
    settings = selectors.get_booking_settings(clinic)
    first_name, last_name, email = first_name.strip(), last_name.strip(), email.strip().lower()
    match, lookalikes = selectors.find_patient(
        clinic=clinic,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        email=email,
        phone=str(phone or ""),
    )
    _check_rules(settings, appointment_type, match)
    if not selectors.is_time_bookable(
        settings=settings, practitioner=practitioner, appointment_type=appointment_type, starts_at=starts_at
    ):
        raise TimeTaken("That time was just taken. Please pick another.")
    patient = match
    if patient is None:
        patient = patients.register_patient(
            clinic=clinic,
            by=by,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
            email=email,
            phone=phone or "",
        )
    room = None
    if appointment_type.needs_room:
        room = selectors.free_room(clinic=clinic, starts_at=starts_at, ends_at=starts_at + appointment_type.duration)
    try:
        with transaction.atomic():
            appointment = scheduling.book_appointment(
                patient=patient,
                practitioner=practitioner,
                appointment_type=appointment_type,
                starts_at=starts_at,
                by=by,
                source=AppointmentSource.ONLINE,
                room=room,
            )
    except ClinicRuleError as refused:
        if not selectors.is_time_bookable(
            settings=settings, practitioner=practitioner, appointment_type=appointment_type, starts_at=starts_at
        ):
            raise TimeTaken("That time was just taken. Please pick another.") from refused
        # Another rule of the calendar (the patient's own visit at that time, a discharged record): the visitor is
        # told to call, never why, so the page says nothing about who is on record.
        raise ClinicRuleError("This time cannot be booked online. Please pick another or call the clinic.") from refused
    booking = OnlineBooking(
        clinic=clinic,
        appointment=appointment,
        patient=patient,
        new_patient=match is None,
        needs_review=bool(lookalikes),
    )
    booking.full_clean()
    booking.save()
    booking.possible_duplicates.set(lookalikes, through_defaults={"clinic": clinic})
    if texts_agreed and patient.phone and match is None:
        # A new patient ticked the box: their own agreement, as from the care page. For a patient on record the
        # page changes nothing (anyone knowing their details could otherwise undo a STOP): they agree on their
        # care page or with the front desk.
        messaging.record_text_consent(
            patient=patient,
            phone=patient.phone.as_e164,
            by=PatientLinkActor(patient_id=patient.pk, clinic_id=clinic.pk),
        )
    logger.info("Online booking %s made (appointment %s)", booking.public_id, appointment.public_id)
    return booking


@transaction.atomic
def mark_booking_reviewed(*, booking: OnlineBooking, by: Actor) -> OnlineBooking:
    """The front desk has looked at an online booking (and its possible duplicates)."""
    require(by, "review_online_booking", booking)
    booking = OnlineBooking.objects.select_for_update().get(pk=booking.pk)
    if booking.reviewed_at is None:
        booking.reviewed_at = timezone.now()
        booking.reviewed_by = acting_staff(by)
        booking.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
    return booking


# --- the waitlist ------------------------------------------------------------------------------------------------


@transaction.atomic
def join_waitlist(
    *,
    patient: Patient,
    by: Actor,
    appointment_type: AppointmentType,
    earliest_on: datetime.date,
    latest_on: datetime.date,
    practitioner=None,
    day_starts: datetime.time = datetime.time(7),
    day_ends: datetime.time = datetime.time(20),
    note: str = "",
) -> WaitlistEntry:
    """Put the patient on the waitlist for an earlier time (the front desk, or the patient from the care page)."""
    require(by, "join_waitlist", patient)
    clinic = patient.clinic
    if appointment_type.clinic_id != clinic.pk or not appointment_type.is_active:
        raise ClinicRuleError("Choose a kind of visit this clinic offers.")
    if acting_staff(by) is None:
        # The patient's own request: the online booking rules hold (a taken offer books without another check).
        _check_rules(selectors.get_booking_settings(clinic), appointment_type, patient)
    if practitioner is not None:
        check_practitioner(practitioner, clinic)
    today = clock.local(timezone.now(), clinic.tzinfo).date()
    if latest_on < today:
        raise ClinicRuleError("The last day has passed: choose a later one.")
    if latest_on > today + datetime.timedelta(days=366):
        raise ClinicRuleError("Wait for a time up to a year ahead.")
    if WaitlistEntry.objects.filter(
        patient=patient,
        appointment_type=appointment_type,
        practitioner=practitioner,
        status__in=[WaitlistStatus.ACTIVE, WaitlistStatus.OFFERED],
    ).exists():
        raise ClinicRuleError("This patient is already waiting for this kind of visit.")
    entry = WaitlistEntry(
        clinic=clinic,
        patient=patient,
        practitioner=practitioner,
        appointment_type=appointment_type,
        earliest_on=max(earliest_on, today),
        latest_on=latest_on,
        day_starts=day_starts,
        day_ends=day_ends,
        note=(note or "").strip(),
        added_by=acting_staff(by),
    )
    entry.full_clean()
    entry.save()
    logger.info("Waitlist entry %s added", entry.public_id)
    return entry


@transaction.atomic
def leave_waitlist(*, entry: WaitlistEntry, by: Actor) -> WaitlistEntry:
    """Take the entry off the waitlist; an offer it holds is withdrawn (its time goes to the next in line)."""
    require(by, "leave_waitlist", entry)
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status in (WaitlistStatus.BOOKED, WaitlistStatus.REMOVED):
        raise ClinicRuleError(f"This entry is already {entry.get_status_display().lower()}.")
    entry.status = WaitlistStatus.REMOVED
    entry.save(update_fields=["status", "updated_at"])
    withdrawn = list(entry.offers.select_for_update().filter(status=OfferStatus.OPEN))
    for offer in withdrawn:
        offer.status = OfferStatus.WITHDRAWN
        offer.save(update_fields=["status", "updated_at"])
    for offer in withdrawn:
        transaction.on_commit(functools.partial(_offer_again, offer))
    return entry


def _offer_again(offer: WaitlistOffer) -> None:
    try:
        offer_waitlist_time(
            clinic=offer.clinic,
            practitioner=offer.practitioner,
            starts_at=offer.starts_at,
            ends_at=offer.ends_at,
            by=WAITLIST,
        )
    except Exception:  # the entry is off the list already; a failed next offer is logged, the sweep tries again
        logger.exception("Offering the time of withdrawn offer %s again failed", offer.public_id)


def _fits_entry(entry: WaitlistEntry, starts_at: datetime.datetime) -> bool:
    tz = entry.clinic.tzinfo
    local_start = clock.local(starts_at, tz)
    local_end = clock.local(starts_at + entry.appointment_type.duration, tz)
    return (
        local_start.date() == local_end.date()
        and entry.day_starts <= local_start.time()
        and local_end.time() <= entry.day_ends
    )


@transaction.atomic
def offer_waitlist_time(
    *, clinic, practitioner, starts_at: datetime.datetime, ends_at: datetime.datetime, by: Actor
) -> WaitlistOffer | None:
    """Offer a freed time of a practitioner to the first matching patient on the waitlist; None when nobody fits.

    The offer holds the time for the clinic's hold minutes; a patient already offered this very time is skipped.
    """
    require(by, "offer_waitlist_time", clinic)
    now = timezone.now()
    settings = selectors.get_booking_settings(clinic)
    if starts_at <= now + datetime.timedelta(minutes=settings.offer_hold_minutes // 4):
        return None  # too soon to be taken
    if selectors.open_offers_overlapping(practitioner=practitioner, starts_at=starts_at, ends_at=ends_at).exists():
        return None  # already held for someone
    already = set(
        WaitlistOffer.objects.filter(practitioner=practitioner, starts_at=starts_at).values_list("entry_id", flat=True)
    )
    for entry in selectors.matching_entries(
        clinic=clinic, practitioner=practitioner, starts_at=starts_at, ends_at=ends_at
    ).select_for_update(of=("self",)):
        if entry.pk in already or not _fits_entry(entry, starts_at):
            continue
        if not selectors.is_free_for(
            clinic=clinic, practitioner=practitioner, appointment_type=entry.appointment_type, starts_at=starts_at
        ):
            continue
        offer = WaitlistOffer(
            clinic=clinic,
            entry=entry,
            practitioner=practitioner,
            appointment_type=entry.appointment_type,
            starts_at=starts_at,
            ends_at=starts_at + entry.appointment_type.duration,
            expires_at=min(now + datetime.timedelta(minutes=settings.offer_hold_minutes), starts_at),
        )
        offer.token_hash = tokens.hash_token(offer_token(offer))
        offer.full_clean()
        offer.save()
        entry.status = WaitlistStatus.OFFERED
        entry.save(update_fields=["status", "updated_at"])
        transaction.on_commit(functools.partial(_send_offer, offer))
        logger.info("Waitlist offer %s made to entry %s", offer.public_id, entry.public_id)
        return offer
    return None


def _send_offer(offer: WaitlistOffer) -> None:
    """Email (and text, where the patient agreed) the offer's link; the token is made again from the id."""
    clinic = offer.clinic
    patient = offer.entry.patient
    values = {
        **message_texts.clinic_values(clinic),
        "patient_first_name": patient.preferred_name or patient.first_name,
        "appointment_type": str(offer.appointment_type),
        "practitioner": practitioner_name(offer.practitioner),
        "when": local_when_text(offer.starts_at, clinic),
        "offer_link": offer_url(offer_token(offer)),
        "offer_expires": local_when_text(offer.expires_at, clinic),
    }
    subject, body = message_texts.merge_message(message_texts.template_for(clinic, MessageKind.WAITLIST_OFFER), values)
    messaging.send_to_patient(
        patient=patient, subject=subject, body=body, purpose=MessagePurpose.BOOKING, reference=str(offer.public_id)
    )


class _Gone(Exception):
    """The offered time was booked otherwise before the patient took it."""


def take_waitlist_offer(*, offer: WaitlistOffer, by: Actor) -> Appointment:
    """The patient takes the offered time through the offer's link: it is booked (source: the waitlist).

    When the time was booked otherwise meanwhile, the offer ends (the patient stays on the waitlist) and
    TimeTaken says so; that ending is kept, so it runs in its own transaction (do not call this inside one)."""
    require(by, "take_waitlist_offer", offer)
    try:
        with transaction.atomic():
            offer = WaitlistOffer.objects.select_for_update().select_related("entry", "clinic").get(pk=offer.pk)
            if offer.status == OfferStatus.TAKEN:
                raise ClinicRuleError("You have already taken this time: it is booked.")
            if offer.status != OfferStatus.OPEN or offer.expires_at <= timezone.now():
                raise ClinicRuleError("This offer has ended and the time has gone to the next person waiting.")
            try:
                with transaction.atomic():
                    appointment = scheduling.book_appointment(
                        patient=offer.entry.patient,
                        practitioner=offer.practitioner,
                        appointment_type=offer.appointment_type,
                        starts_at=offer.starts_at,
                        by=WAITLIST,
                        source=AppointmentSource.WAITLIST,
                        room=selectors.free_room(clinic=offer.clinic, starts_at=offer.starts_at, ends_at=offer.ends_at)
                        if offer.appointment_type.needs_room
                        else None,
                    )
            except ClinicRuleError as refused:
                raise _Gone from refused
            offer.status = OfferStatus.TAKEN
            offer.appointment = appointment
            offer.save(update_fields=["status", "appointment", "updated_at"])
            WaitlistEntry.objects.filter(pk=offer.entry_id).update(
                status=WaitlistStatus.BOOKED, updated_at=timezone.now()
            )
    except _Gone as gone:
        with transaction.atomic():
            WaitlistOffer.objects.filter(pk=offer.pk, status=OfferStatus.OPEN).update(
                status=OfferStatus.GONE, updated_at=timezone.now()
            )
            WaitlistEntry.objects.filter(pk=offer.entry_id, status=WaitlistStatus.OFFERED).update(
                status=WaitlistStatus.ACTIVE, updated_at=timezone.now()
            )
        raise TimeTaken("Sorry, this time is no longer free. You stay on the waitlist for the next one.") from gone
    logger.info("Waitlist offer %s taken", offer.public_id)
    return appointment


def expire_waitlist_offers(*, now: datetime.datetime, by: Actor) -> int:
    """End the offers whose hold has passed and offer each time to the next in line; return how many ended."""
    require(by, "expire_waitlist_offers")
    ended = 0
    due = WaitlistOffer.objects.filter(status=OfferStatus.OPEN, expires_at__lte=now).order_by("expires_at")
    for offer_id in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            offer = WaitlistOffer.objects.select_for_update().filter(pk=offer_id, status=OfferStatus.OPEN).first()
            if offer is None:
                continue
            offer.status = OfferStatus.EXPIRED
            offer.save(update_fields=["status", "updated_at"])
            WaitlistEntry.objects.filter(pk=offer.entry_id, status=WaitlistStatus.OFFERED).update(
                status=WaitlistStatus.ACTIVE, updated_at=now
            )
            ended += 1
        _offer_again(offer)
    return ended


def on_appointment_changed(*, appointment: Appointment, change: str, by: Actor, previous_starts_at=None) -> None:
    """The scheduling hook's callback: a cancelled visit, or the old time of a moved one, goes to the waitlist.

    Whoever changed the appointment (`by`), the offer is Knotwork's own (`WAITLIST`)."""
    if change not in ("cancelled", "moved") or previous_starts_at is None:
        return
    if change == "cancelled" and appointment.status != AppointmentStatus.CANCELLED:
        return
    length = appointment.ends_at - appointment.starts_at
    offer_waitlist_time(
        clinic=appointment.clinic,
        practitioner=appointment.practitioner,
        starts_at=previous_starts_at,
        ends_at=previous_starts_at + length,
        by=WAITLIST,
    )
