"""The one way to change the clinic's letter templates and to send a letter to the referring clinician.

A letter is rendered from `selectors.letter_context` to a PDF (WeasyPrint, `reports.services.render_pdf`), kept
as a document on the chart (`documents.services.upload_document`, kind "letter"), then emailed to the referring
clinician with the PDF attached, or filed for printing. A failed email keeps the letter and its PDF, marked
"Email failed", so it can be printed instead; the mail server's error is recorded by its type, never its text.
"""

import logging
from typing import TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.policy import staff_user
from knotwork.clinics.models import Clinic
from knotwork.core.arguments import refuse_unknown
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require
from knotwork.core.validators import without_control_characters
from knotwork.documents.models import DocumentKind
from knotwork.documents.services import upload_document
from knotwork.letters import merge, selectors
from knotwork.letters.models import Delivery, Letter, LetterKind, LetterStatus, LetterTemplate
from knotwork.messaging.models import MessageStatus
from knotwork.messaging.services import send_letter_email
from knotwork.patients.models import Patient
from knotwork.plans.models import TreatmentPlan
from knotwork.reports.services import PdfUnavailable, render_pdf

logger = logging.getLogger(__name__)


class TemplateChanges(TypedDict, total=False):
    """The clinic's words for one kind of letter; merge fields such as {{patient.first_name}} are checked."""

    subject: str
    opening: str
    closing: str


@transaction.atomic
def save_letter_template(*, clinic: Clinic, kind: str, by: Actor, **changes: Unpack[TemplateChanges]) -> LetterTemplate:
    """Save the clinic's template for `kind` (the parts left out keep their current or default words)."""
    require(by, "change_letter_templates", clinic)
    refuse_unknown("save_letter_template", changes, TemplateChanges)
    if kind not in LetterKind.values:
        raise ValidationError({"kind": f"There is no kind of letter called {kind!r}."})
    current = selectors.template_for(clinic, kind)
    text = {
        part: without_control_characters(str(changes.get(part, getattr(current, part)))).strip()
        for part in TemplateChanges.__annotations__
    }
    text["subject"] = " ".join(text["subject"].split())
    errors = {part: merge.problems(value) for part, value in text.items() if merge.problems(value)}
    if errors:
        raise ValidationError(errors)
    template = LetterTemplate.objects.select_for_update().filter(clinic=clinic, kind=kind).first()
    if template is None:
        template = LetterTemplate(clinic=clinic, kind=kind)
    for part, value in text.items():
        setattr(template, part, value)
    template.updated_by = staff_user(by)
    template.full_clean()
    template.save()
    return template


def _email(letter: Letter, *, pdf: bytes, body: str) -> None:
    """Email the letter to the referring clinician with its PDF (through messaging); record the outcome on it."""
    sent = send_letter_email(
        patient=letter.patient,
        to=letter.recipient_email,
        subject=letter.subject,
        body=body,
        attachment=(letter.document.filename, pdf, "application/pdf"),
        reference=str(letter.public_id),
    )
    if sent.status == MessageStatus.SENT:
        letter.status = LetterStatus.SENT
    else:
        logger.warning("Letter %s could not be emailed: %s", letter.public_id, sent.error)
        letter.status = LetterStatus.FAILED
        letter.error = f"The mail server did not take the letter ({sent.error})."
    letter.save(update_fields=["status", "error", "updated_at"])


def send_letter(
    *,
    patient: Patient,
    kind: str,
    delivery: str,
    by: Actor,
    plan: TreatmentPlan | None = None,
    next_steps: str = "",
    base_url: str = "",
) -> Letter:
    """Render the letter to PDF, keep it on the chart, and email it to the referring clinician or file it to print."""
    require(by, "send_letter", patient)
    if kind not in LetterKind.values:
        raise ValidationError({"kind": f"There is no kind of letter called {kind!r}."})
    if delivery not in Delivery.values:
        raise ValidationError({"delivery": "Choose to email the letter or to print it."})
    if plan is not None and plan.patient_id != patient.pk:
        raise ClinicRuleError("That course of treatment is not this patient's.")
    recipient = patient.referring_clinician
    if delivery == Delivery.EMAIL and recipient is None:
        raise ClinicRuleError(
            "The patient has no referring clinician: choose one on the patient's details, or print the letter."
        )
    if delivery == Delivery.EMAIL and recipient is not None and not recipient.email:
        raise ClinicRuleError(
            f"{recipient.name} has no email address on file: add it on the referrer's page, or print the letter."
        )
    next_steps = without_control_characters(next_steps).strip()
    author = staff_user(by)
    context = selectors.letter_context(patient=patient, kind=kind, author=author, plan=plan, next_steps=next_steps)
    try:
        pdf = render_pdf("letters/letter_pdf.html", context, base_url=base_url or settings.BASE_DIR.as_uri() + "/")
    except PdfUnavailable as error:
        raise ClinicRuleError(str(error)) from None
    today = context["today"]
    label = LetterKind(kind).label
    with transaction.atomic():
        document = upload_document(
            patient=patient,
            content=pdf,
            filename=f"{kind}-{patient.chart_number}-{today:%Y%m%d}.pdf",
            kind=DocumentKind.LETTER,
            title=f"{label} to {recipient.name if recipient else 'the treating clinician'}, {today:%d %b %Y}",
            by=by,
        )
        letter = Letter(
            clinic_id=patient.clinic_id,
            patient=patient,
            plan=plan,
            kind=kind,
            recipient=recipient,
            recipient_email=recipient.email if recipient and delivery == Delivery.EMAIL else "",
            delivery=delivery,
            status=LetterStatus.PRINTED if delivery == Delivery.PRINT else LetterStatus.FAILED,
            subject=context["subject"][:200],
            next_steps=next_steps,
            document=document,
            sent_by=author,
            error="" if delivery == Delivery.PRINT else "Not sent yet.",
        )
        letter.full_clean()
        letter.save()
    if delivery == Delivery.EMAIL:
        body = (
            f"{context['opening']}\n\nThe full {label.lower()} is attached as a PDF.\n\n{context['closing']}\n"
            f"\n--\nSent from {patient.clinic.name} on {timezone.localdate(timezone=patient.clinic.tzinfo):%d %b %Y}."
        )
        _email(letter, pdf=pdf, body=body)
    return letter
