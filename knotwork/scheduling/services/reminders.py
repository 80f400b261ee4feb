"""Appointment reminders: queued for their due time when the task backend can defer, and a sweep for cron."""

import datetime
import logging

from django.db import transaction
from django.tasks import default_task_backend
from django.utils import timezone

from knotwork.clinics.models import ClinicSettings
from knotwork.core.policy import Actor, require
from knotwork.messaging.models import MessageKind, MessagePurpose, MessageStatus
from knotwork.messaging.selectors import render_message
from knotwork.messaging.services import send_to_patient
from knotwork.scheduling import tasks
from knotwork.scheduling.models import (
    Appointment,
    AppointmentStatus,
)
from knotwork.scheduling.selectors import practitioner_name
from knotwork.scheduling.services.rules import local_when_text

logger = logging.getLogger(__name__)


def reminder_due_at(appointment: Appointment) -> datetime.datetime:
    return appointment.starts_at - datetime.timedelta(hours=appointment.clinic.settings.reminder_hours_before)


def schedule_reminder(appointment: Appointment) -> None:
    """Queue the reminder for its due time when the task backend can defer; otherwise the sweep sends it."""
    if not default_task_backend.supports_defer:
        return
    due = reminder_due_at(appointment)
    appointment_id = appointment.pk
    transaction.on_commit(
        lambda: tasks.send_appointment_reminder.using(run_after=due).enqueue(appointment_id=appointment_id)
    )


def message_values(appointment: Appointment, *, previous_starts_at: datetime.datetime | None = None) -> dict[str, str]:
    """The merge fields of a message about this visit (knotwork.messaging.merge), in the clinic's time zone.

    The clinic's own fields are added by `messaging.selectors.render_message`; links are the caller's to add.
    """
    clinic = appointment.clinic
    patient = appointment.patient

    def when(instant: datetime.datetime) -> str:
        return f"{local_when_text(instant, clinic)} ({clinic.time_zone} time)"

    return {
        "patient_first_name": patient.preferred_name or patient.first_name,
        "appointment_type": appointment.appointment_type.name,
        "practitioner": practitioner_name(appointment.practitioner),
        "when": when(appointment.starts_at),
        "previous_when": when(previous_starts_at) if previous_starts_at else "",
        "cancel_policy_hours": str(clinic.settings.patient_change_notice_hours),
    }


def reminder_text(appointment: Appointment) -> tuple[str, str]:
    """Subject and body of a reminder, in the clinic's words (Settings → Messages to patients)."""
    return render_message(clinic=appointment.clinic, kind=MessageKind.REMINDER, values=message_values(appointment))


@transaction.atomic
def send_reminder(*, appointment_id: int, by: Actor, now: datetime.datetime | None = None) -> bool:
    """Send one appointment's reminder if it is still due; safe to call twice or for a moved appointment."""
    require(by, "send_reminder")
    now = now or timezone.now()
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("clinic__settings", "patient", "practitioner", "appointment_type")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or appointment.status != AppointmentStatus.BOOKED or appointment.reminder_sent_at:
        return False
    if not reminder_due_at(appointment) <= now < appointment.starts_at:
        return False
    subject, body = reminder_text(appointment)
    message = send_to_patient(
        patient=appointment.patient,
        subject=subject,
        body=body,
        purpose=MessagePurpose.REMINDER,
        reference=str(appointment.public_id),
    )
    if message.status == MessageStatus.FAILED:
        logger.warning("Reminder for appointment %s failed (%s); will retry", appointment.public_id, message.error)
        return False
    appointment.reminder_sent_at = now
    appointment.save(update_fields=["reminder_sent_at", "updated_at"])
    return True


def send_due_reminders(*, now: datetime.datetime, by: Actor) -> int:
    """Send every due, unsent reminder of every clinic (for cron); return how many were sent."""
    require(by, "send_due_reminders")
    sent = 0
    for clinic_settings in ClinicSettings.objects.all():
        window_end = now + datetime.timedelta(hours=clinic_settings.reminder_hours_before)
        ids = Appointment.objects.filter(
            clinic_id=clinic_settings.clinic_id,
            status=AppointmentStatus.BOOKED,
            reminder_sent_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=window_end,
        ).values_list("pk", flat=True)
        for appointment_id in list(ids):
            sent += send_reminder(appointment_id=appointment_id, by=by, now=now)
    return sent
