"""Online booking's pages: the public booking page (no sign-in, embeddable), the waitlist offer's page, and the
staff pages (the owner's settings, the online bookings to look over, the waitlist)."""

import datetime
import logging

from django.conf import settings as django_settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.audit.services import record_view, record_views
from knotwork.booking import selectors, services
from knotwork.booking.forms import (
    FIRST_AVAILABLE,
    BookingSettingsForm,
    FindTimeForm,
    PatientDetailsForm,
    WaitlistForm,
)
from knotwork.core.access import ClinicRequest, clinic_member, public
from knotwork.core.errors import ClinicRuleError
from knotwork.core.forms import add_service_errors
from knotwork.core.middleware import client_ip_address
from knotwork.core.policy import NotAllowed, PatientLinkActor
from knotwork.scheduling import clock
from knotwork.scheduling.selectors import practitioner_name

logger = logging.getLogger(__name__)

# Booking attempts (each submitted form) allowed per hour: from one client address, and to one clinic in all.
RATE_WINDOW_SECONDS = 3600


def _limit(name: str, default: int) -> int:
    return int(getattr(django_settings, name, default))


def _embeddable_csp() -> dict:
    """The site's policy, but any site (or those in BOOKING_FRAME_ANCESTORS) may show the page in a frame."""
    return {
        **django_settings.SECURE_CSP,
        "frame-ancestors": list(getattr(django_settings, "BOOKING_FRAME_ANCESTORS", ["*"])),
    }


def _client_key(request) -> str:
    address = client_ip_address(request) or "unknown"
    return salted_hmac("knotwork.booking.rate", address, algorithm="sha256").hexdigest()[:32]


def _count(key: str) -> int:
    window = int(timezone.now().timestamp()) // RATE_WINDOW_SECONDS
    key = f"knotwork:booking:{key}:{window}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS + 60)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS + 60)
        return 1


def _rate_limited(request, clinic) -> bool:
    """Count this attempt; True when the client or the clinic is over its hourly allowance."""
    by_client = _count(f"client:{_client_key(request)}")
    by_clinic = _count(f"clinic:{clinic.pk}")
    over = by_client > _limit("BOOKING_RATE_LIMIT", 10) or by_clinic > _limit("BOOKING_CLINIC_RATE_LIMIT", 200)
    if over:
        logger.warning("Online booking attempt refused by the rate limit for clinic %s", clinic.public_id)
    return over


def _too_many(request, clinic):
    minutes = RATE_WINDOW_SECONDS // 60
    response = render(
        request, "booking/public_too_many.html", {"clinic": clinic, "window_minutes": minutes}, status=429
    )
    response["Retry-After"] = str(RATE_WINDOW_SECONDS)
    return response


def _with_retry(service, **kwargs):
    """Call the service, once more after a deadlock PostgreSQL broke (nothing was kept of the failed try).

    Registering a patient locks the clinic's row for the chart number, and every audited write takes the clinic's
    audit-chain lock: a booking and another clinic transaction committing at that moment can each wait for the
    other; PostgreSQL ends one of them, and the visitor should not see an error for it."""
    for attempt in range(3):
        try:
            return service(**kwargs)
        except OperationalError as error:
            if attempt == 2 or "deadlock" not in str(error).lower():
                raise
            logger.warning("Online booking retried after a database deadlock")
    raise AssertionError("unreachable")


# --- the public booking page ---------------------------------------------------------------------------------------


def _time_label(free, clinic, show_who: bool) -> str:
    text = clock.local(free.starts_at, clinic.tzinfo).strftime("%H:%M")
    return f"{text} with {practitioner_name(free.membership.user)}" if show_who else text


# The public page may be framed by the clinic's own site (the embed snippet); every other page may not. Its form
# is exempt from the CSRF check: it acts for nobody signed in (it books as Knotwork, within the clinic's rules),
# and a framed page on another site gets no cookie to check against. The rate limit and the honeypot stand guard.
@public
@csrf_exempt
@never_cache
@xframe_options_exempt
@csp_override(_embeddable_csp())
@require_http_methods(["GET", "POST"])
def book(request, clinic_id):
    clinic = selectors.get_public_clinic(clinic_id)
    booking_settings = selectors.get_booking_settings(clinic)
    types = selectors.bookable_types(booking_settings)
    memberships = selectors.public_practitioners(clinic)
    context = {"clinic": clinic, "settings": booking_settings}
    if not booking_settings.is_open or not types.exists() or not memberships:
        return render(request, "booking/public_closed.html", context)
    if request.method == "POST" and _rate_limited(request, clinic):
        return _too_many(request, clinic)
    earliest, last_day = selectors.booking_window(booking_settings)
    first_day = clock.local(earliest, clinic.tzinfo).date()
    source = request.POST if request.method == "POST" else request.GET
    find = FindTimeForm(
        source if "type" in source else None,
        types=types,
        memberships=memberships,
        first_day=first_day,
        last_day=last_day,
        initial={"type": types.first(), "who": FIRST_AVAILABLE, "day": first_day},
    )
    context.update(find=find, first_day=first_day, last_day=last_day)
    if not find.is_bound or not find.is_valid():
        return render(request, "booking/public_book.html", context)
    appointment_type, who, day = (find.cleaned_data[k] for k in ("type", "who", "day"))
    chosen = [m for m in memberships if who == FIRST_AVAILABLE or str(m.public_id) == who]
    times = selectors.free_times(
        settings=booking_settings, appointment_type=appointment_type, memberships=chosen, day=day
    )
    choices = [(t.value, _time_label(t, clinic, who == FIRST_AVAILABLE and len(chosen) > 1)) for t in times]
    next_days = (
        []
        if times
        else selectors.next_days_with_times(
            settings=booking_settings, appointment_type=appointment_type, memberships=chosen, after=day
        )
    )
    details = PatientDetailsForm(request.POST if request.method == "POST" else None, times=choices)
    context.update(
        appointment_type=appointment_type,
        day=day,
        who=who,
        times=times,
        next_days=next_days,
        details=details,
        previous_day=day - datetime.timedelta(days=1) if day > first_day else None,
        following_day=day + datetime.timedelta(days=1) if day < last_day else None,
    )
    if request.method != "POST":
        return render(request, "booking/public_book.html", context)
    if details.is_robot:
        # A robot filled the hidden field: it is told what a person is told, and nothing is booked.
        logger.info("Online booking for clinic %s refused: the trap field was filled", clinic.public_id)
        return render(request, "booking/public_done.html", {"clinic": clinic, "booking": None})
    if not details.is_valid():
        return render(request, "booking/public_book.html", context)
    membership_id, _, start_text = details.cleaned_data["time"].partition("|")
    membership = next(m for m in chosen if str(m.public_id) == membership_id)
    data = details.cleaned_data
    try:
        booking = _with_retry(
            services.book_online,
            clinic=clinic,
            appointment_type=appointment_type,
            practitioner=membership.user,
            starts_at=datetime.datetime.fromisoformat(start_text),
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            email=data["email"],
            phone=data["phone"].as_e164 if data["phone"] else "",
            texts_agreed=data["texts"],
            by=services.ONLINE,
        )
    except services.TimeTaken as taken:
        details.add_error("time", str(taken))
        fresh = selectors.free_times(
            settings=booking_settings, appointment_type=appointment_type, memberships=chosen, day=day
        )
        details.fields["time"].choices = [
            (t.value, _time_label(t, clinic, who == FIRST_AVAILABLE and len(chosen) > 1)) for t in fresh
        ]
        context["times"] = fresh
        return render(request, "booking/public_book.html", context)
    except (ClinicRuleError, ValidationError) as refused:
        if isinstance(refused, ValidationError):
            add_service_errors(details, refused)
        else:
            details.add_error(None, str(refused))
        return render(request, "booking/public_book.html", context)
    return render(
        request,
        "booking/public_done.html",
        {
            "clinic": clinic,
            "booking": booking,
            "when": clock.local(booking.appointment.starts_at, clinic.tzinfo),
            "practitioner": practitioner_name(booking.appointment.practitioner),
            "appointment_type": booking.appointment.appointment_type,
        },
    )


# --- the waitlist offer's page -------------------------------------------------------------------------------------

OFFER_GUESSES_ALLOWED = 20


@public
@never_cache
@require_http_methods(["GET", "POST"])
def offer(request, token: str):
    client = f"offer:{_client_key(request)}"
    window = int(timezone.now().timestamp()) // RATE_WINDOW_SECONDS
    if (cache.get(f"knotwork:booking:{client}:{window}") or 0) >= _limit(
        "BOOKING_OFFER_GUESSES", OFFER_GUESSES_ALLOWED
    ):
        return render(request, "booking/offer_closed.html", {"state": "too_many"}, status=429)
    found = selectors.get_offer_by_token(token)
    if found is None:
        _count(client)
        return render(request, "booking/offer_closed.html", {"state": "unknown"}, status=404)
    patient = found.entry.patient
    actor = PatientLinkActor(patient_id=patient.pk, clinic_id=found.clinic_id)
    clinic = found.clinic
    context = {
        "offer": found,
        "clinic": clinic,
        "patient": patient,
        "when": clock.local(found.starts_at, clinic.tzinfo),
        "expires": clock.local(found.expires_at, clinic.tzinfo),
        "practitioner": practitioner_name(found.practitioner),
    }
    if request.method == "POST":
        try:
            appointment = services.take_waitlist_offer(offer=found, by=actor)
        except (ClinicRuleError, NotAllowed) as refused:
            found.refresh_from_db()
            context["problem"] = str(refused)
        else:
            context["appointment"] = appointment
            found.refresh_from_db()
    record_view(instance=patient, by=actor, shown_in="waitlist offer")
    return render(request, "booking/offer.html", context)


# --- staff pages --------------------------------------------------------------------------------------------------


def public_address(clinic) -> str:
    return django_settings.KNOTWORK_BASE_URL + reverse("booking:book", args=[clinic.public_id])


@clinic_member(may="change_booking_settings")
@require_http_methods(["GET", "POST"])
def settings_page(request: ClinicRequest):
    clinic = request.clinic
    current = selectors.get_booking_settings(clinic)
    form = BookingSettingsForm(request.POST or None, instance=current if current.pk else None, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.update_booking_settings(
                    clinic=clinic,
                    by=request.user,
                    **{name: form.cleaned_data[name] for name in form.Meta.fields},
                )
        except ValidationError as error:
            add_service_errors(form, error)
        except ClinicRuleError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Online booking saved.")
            return redirect("booking:settings")
    address = public_address(clinic)
    context = {
        "form": form,
        "address": address,
        "snippet": f'<iframe src="{address}" title="Book a visit at {clinic.name}" '
        'style="width:100%;max-width:40rem;height:56rem;border:0" loading="lazy"></iframe>',
    }
    return render(request, "booking/settings_form.html", context)


@clinic_member()
@require_http_methods(["GET"])
def online_list(request: ClinicRequest):
    bookings = list(selectors.list_online_bookings(request.user)[:200])
    to_review = [b for b in bookings if b.needs_review and b.reviewed_at is None]
    shown = {b.patient for b in bookings} | {p for b in to_review for p in b.possible_duplicates.all()}
    record_views(instances=shown, by=request.user, shown_in="online bookings")
    return render(
        request,
        "booking/online_list.html",
        {"bookings": bookings, "to_review": to_review, "address": public_address(request.clinic)},
    )


@clinic_member(may="review_online_booking")
@require_POST
def mark_reviewed(request: ClinicRequest, booking_id):
    booking = selectors.get_online_booking(request.user, booking_id)
    services.mark_booking_reviewed(booking=booking, by=request.user)
    messages.success(request, "Marked as looked over.")
    return redirect("booking:online")


@clinic_member()
@require_http_methods(["GET", "POST"])
def waitlist(request: ClinicRequest):
    initial = {}
    wanted = request.GET.get("patient", "")
    if wanted:
        initial["patient"] = wanted
    form = WaitlistForm(request.POST or None, clinic=request.clinic, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_waitlist(patient=form.cleaned_data["patient"], by=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        except (ClinicRuleError, NotAllowed) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Added to the waitlist.")
            return redirect("booking:waitlist")
    entries = list(selectors.list_waitlist(request.user)[:300])
    record_views(instances={e.patient for e in entries}, by=request.user, shown_in="waitlist")
    return render(request, "booking/waitlist.html", {"form": form, "entries": entries})


@clinic_member(may="leave_waitlist")
@require_POST
def waitlist_remove(request: ClinicRequest, entry_id):
    entry = selectors.get_waitlist_entry(request.user, entry_id)
    try:
        services.leave_waitlist(entry=entry, by=request.user)
    except ClinicRuleError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Taken off the waitlist.")
    return redirect("booking:waitlist")
