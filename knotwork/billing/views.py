"""The front office's pages: invoices (draft, issue, correct), payments and receipts, superbills, the patient's
account, packages, the fee schedule, the billing settings and the owner's business reports."""

import csv
import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from knotwork.audit.services import record_patients_shown, record_view
from knotwork.billing import business, charts, selectors, services
from knotwork.billing.forms import (
    BillingSettingsForm,
    CreditForm,
    FeeItemForm,
    InvoiceDetailsForm,
    LineEditForm,
    LineForm,
    MonthForm,
    PaymentForm,
    PractitionerBillingForm,
    RefundForm,
    SellPackageForm,
    VoidForm,
)
from knotwork.billing.models import MONEY_IN, FeeKind, InvoiceKind, InvoiceLine, InvoiceStatus
from knotwork.clinics.models import CLINICAL_ROLES, Membership
from knotwork.core import policy
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.patients.selectors import get_patient
from knotwork.reports.services import PdfUnavailable, render_pdf
from knotwork.scheduling.selectors import get_appointment, list_appointment_types
from knotwork.treatment.selectors import get_session

PLACE_OF_SERVICE = "11"  # CMS place-of-service code: office


def _problem(request, error: Exception) -> None:
    """Say what a service refused, in its words (a form error, a clinic rule)."""
    if isinstance(error, ValidationError):
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.error(request, str(error))


def _attempt(request, action: Callable[[], object], success: str = "") -> object | None:
    try:
        result = action()
    except (ClinicRuleError, ValidationError) as error:
        _problem(request, error)
        return None
    if success:
        messages.success(request, success)
    return result


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(
                request, f"{label or str(field).replace('_', ' ').capitalize()}: {error}" if label else error
            )


def _pdf(request, template: str, context: dict, filename: str, back) -> HttpResponse:
    try:
        pdf = render_pdf(template, context | {"pdf": True}, base_url=request.build_absolute_uri("/"))
    except PdfUnavailable as error:
        messages.error(request, str(error))
        return redirect(back)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def cell(value) -> str:
    """A CSV cell; one a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([cell(v) for v in row]) for row in rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- invoices ----------------------------------------------------------------------------------


@clinic_member()
@require_GET
def home(request: ClinicRequest):
    """Drafts, what is outstanding, and the latest invoices and payments (a practitioner: their own visits)."""
    invoices = selectors.list_invoices(request.user).order_by("-created_at")
    drafts = list(invoices.filter(status=InvoiceStatus.DRAFT)[:50])
    outstanding = list(
        invoices.filter(status=InvoiceStatus.ISSUED, kind=InvoiceKind.INVOICE, due__gt=0).order_by("issue_date")[:100]
    )
    recent = list(invoices.exclude(status=InvoiceStatus.DRAFT)[:30])
    payments = list(selectors.list_payments(request.user)[:30])
    record_patients_shown(records=[*drafts, *outstanding, *recent, *payments], by=request.user, shown_in="billing")
    return render(
        request,
        "billing/home.html",
        {
            "drafts": drafts,
            "outstanding": outstanding,
            "recent": recent,
            "payments": payments,
            "settings": selectors.billing_settings(request.clinic),
        },
    )


def _invoice_context(request: ClinicRequest, invoice) -> dict:
    items = selectors.list_fee_items(request.user, active_only=True).exclude(kind=FeeKind.PACKAGE)
    account = selectors.patient_account(invoice.patient)
    lines = list(invoice.lines.all())
    if invoice.is_draft:  # what it would come to; issuing writes the totals once
        invoice.subtotal = sum((line.amount for line in lines), Decimal("0"))
        invoice.tax = sum((line.tax_amount for line in lines), Decimal("0"))
        invoice.total = invoice.subtotal + invoice.tax
    return {
        "invoice": invoice,
        "patient": invoice.patient,
        "lines": lines,
        "overpaid": -invoice.due if invoice.due < 0 else Decimal("0"),
        "diagnoses": list(invoice.diagnoses.all()),
        "payments": list(invoice.payments.select_related("package").order_by("created_at")),
        "credit_notes": list(invoice.credit_notes.order_by("created_at")),
        "account": account,
        "packages": list(selectors.open_packages(invoice.patient)),
        "line_form": LineForm(items=items, prefix="line"),
        "details_form": InvoiceDetailsForm(
            initial={"payer": invoice.payer, "service_date": invoice.service_date, "notes": invoice.notes},
            prefix="details",
        ),
        "payment_form": PaymentForm(prefix="pay", initial={"received_on": timezone.localdate()}),
        "credit_form": CreditForm(prefix="credit"),
        "void_form": VoidForm(prefix="void"),
        "refund_form": RefundForm(prefix="refund", initial={"amount": -invoice.due if invoice.due < 0 else None}),
        "settings": selectors.billing_settings(invoice.clinic),
        "may_handle_money": policy.can(request.user, "record_payment", invoice),
    }


@clinic_member()
@require_GET
def invoice(request: ClinicRequest, public_id):
    found = selectors.get_invoice(request.user, public_id)
    record_view(instance=found, by=request.user)
    return render(request, "billing/invoice.html", _invoice_context(request, found))


@clinic_member()
@require_GET
def invoice_pdf(request: ClinicRequest, public_id):
    found = selectors.get_invoice(request.user, public_id)
    response = _pdf(
        request,
        "billing/invoice_pdf.html",
        _invoice_context(request, found),
        f"{found.number or 'draft'}-{found.patient.chart_number}.pdf",
        found,
    )
    if response.status_code == 200:
        record_view(instance=found, by=request.user, shown_in="invoice PDF")
    return response


@clinic_member(may="draft_invoice")
@require_POST
def draft_from_visit(request: ClinicRequest):
    """Draft the invoice of a visit chosen on the chart: its appointment, or its signed session."""
    appointment = session = None
    try:
        if request.POST.get("appointment"):
            appointment = get_appointment(request.user, request.POST["appointment"])
        if request.POST.get("session"):
            session = get_session(request.user, request.POST["session"])
    except ValidationError:
        raise Http404("No such visit.") from None
    if appointment is None and session is None:
        messages.error(request, "Choose the visit to invoice.")
        return redirect("billing:home")
    payer = request.POST.get("payer") or "patient"
    made = _attempt(
        request,
        lambda: services.draft_invoice_from_visit(
            appointment=appointment, session=session, payer=payer, by=request.user
        ),
        "Drafted the visit's invoice: check the lines, then issue it.",
    )
    if made is None:
        return redirect("chart:patient", public_id=(appointment or session).patient.public_id)
    return redirect(made)


@clinic_member(may="draft_invoice")
@require_POST
def draft_blank(request: ClinicRequest, patient_id):
    patient = get_patient(request.user, patient_id)
    made = _attempt(request, lambda: services.draft_invoice(patient=patient, by=request.user))
    return redirect(made) if made else redirect("billing:account", patient_id=patient.public_id)


@clinic_member(may="edit_invoice")
@require_POST
def line_add(request: ClinicRequest, public_id):
    found = selectors.get_invoice(request.user, public_id)
    items = selectors.list_fee_items(request.user, active_only=True).exclude(kind=FeeKind.PACKAGE)
    form = LineForm(request.POST, items=items, prefix="line")
    if form.is_valid():
        data = form.cleaned_data
        _attempt(
            request,
            lambda: services.add_invoice_line(
                invoice=found,
                by=request.user,
                fee_item=data["fee_item"],
                description=data["description"],
                code=data["code"],
                quantity=data["quantity"],
                unit_price=data["unit_price"],
                modifiers=data["modifiers"],
                pointers=data["pointers"],
            ),
            "Line added.",
        )
    else:
        _form_errors(request, form)
    return redirect(found)


def _line(request: ClinicRequest, line_id) -> InvoiceLine:
    line = get_object_or_404(InvoiceLine.objects.for_user(request.user).select_related("invoice"), public_id=line_id)
    selectors.get_invoice(request.user, line.invoice.public_id)  # a practitioner's 404 for another's invoice
    return line


@clinic_member(may="edit_invoice")
@require_POST
def line_update(request: ClinicRequest, line_id):
    line = _line(request, line_id)
    form = LineEditForm(request.POST, prefix=f"l{line.public_id}")
    if form.is_valid():
        _attempt(
            request, lambda: services.update_invoice_line(line=line, by=request.user, **form.cleaned_data), "Saved."
        )
    else:
        _form_errors(request, form)
    return redirect(line.invoice)


@clinic_member(may="edit_invoice")
@require_POST
def line_remove(request: ClinicRequest, line_id):
    line = _line(request, line_id)
    _attempt(request, lambda: services.remove_invoice_line(line=line, by=request.user), "Line removed.")
    return redirect(line.invoice)


@clinic_member(may="edit_invoice")
@require_POST
def invoice_update(request: ClinicRequest, public_id):
    found = selectors.get_invoice(request.user, public_id)
    form = InvoiceDetailsForm(request.POST, prefix="details")
    if form.is_valid():
        _attempt(
            request, lambda: services.update_invoice(invoice=found, by=request.user, **form.cleaned_data), "Saved."
        )
    else:
        _form_errors(request, form)
    return redirect(found)


@clinic_member(may="edit_invoice")
@require_POST
def invoice_delete(request: ClinicRequest, public_id):
    found = selectors.get_invoice(request.user, public_id)
    patient = found.patient
    if _attempt(request, lambda: services.delete_draft(invoice=found, by=request.user) or True, "Draft deleted."):
        return redirect("billing:account", patient_id=patient.public_id)
    return redirect(found)


@clinic_member(may="issue_invoice")
@require_POST
def invoice_issue(request: ClinicRequest, public_id):
    found = selectors.get_invoice(request.user, public_id)
    issued = _attempt(request, lambda: services.issue_invoice(invoice=found, by=request.user))
    if issued is not None:
        messages.success(request, f"Issued {issued.number} for {issued.total} {issued.currency}.")
    return redirect(found)


@clinic_member(may="void_invoice")
@require_POST
def invoice_void(request: ClinicRequest, public_id):
    found = selectors.get_invoice(request.user, public_id)
    form = VoidForm(request.POST, prefix="void")
    if form.is_valid():
        _attempt(
            request,
            lambda: services.void_invoice(invoice=found, reason=form.cleaned_data["reason"], by=request.user),
            f"{found.number} is void; it is kept with its number.",
        )
    else:
        _form_errors(request, form)
    return redirect(found)


@clinic_member(may="credit_invoice")
@require_POST
def invoice_credit(request: ClinicRequest, public_id):
    found = selectors.get_invoice(request.user, public_id)
    form = CreditForm(request.POST, prefix="credit")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(found)
    note = _attempt(
        request,
        lambda: services.credit_invoice(
            invoice=found, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"], by=request.user
        ),
    )
    if note is not None:
        messages.success(request, f"Issued credit note {note.number} for {note.total} {note.currency}.")
    return redirect(found)


# --- payments and receipts ----------------------------------------------------------------------


@clinic_member(may="record_payment")
@require_POST
def payment_record(request: ClinicRequest, public_id):
    found = selectors.get_invoice(request.user, public_id)
    form = PaymentForm(request.POST, prefix="pay")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(found)
    data = form.cleaned_data
    payment = _attempt(
        request,
        lambda: services.record_payment(
            invoice=found,
            method=data["method"],
            amount=data["amount"],
            received_on=data["received_on"],
            reference=data["reference"],
            by=request.user,
        ),
    )
    if payment is None:
        return redirect(found)
    left = selectors.figures(found).due
    how = payment.get_method_display().lower()
    text = f"Recorded {payment.amount} {payment.currency} ({how}), receipt R{payment.receipt_number}."
    if payment.credit:
        text += f" {payment.credit} {payment.currency} more than was due is kept as the patient's credit."
    elif left > 0:
        text += f" Still due: {left} {payment.currency}."
    messages.success(request, text)
    return redirect(found)


@clinic_member(may="refund_payment")
@require_POST
def refund(request: ClinicRequest, patient_id):
    patient = get_patient(request.user, patient_id)
    form = RefundForm(request.POST, prefix="refund")
    invoice = None
    if request.POST.get("invoice"):
        try:
            invoice = selectors.get_invoice(request.user, request.POST["invoice"])
        except ValidationError:
            raise Http404("No such invoice.") from None
    if form.is_valid():
        _attempt(
            request,
            lambda: services.refund_payment(patient=patient, invoice=invoice, by=request.user, **form.cleaned_data),
            "Refund recorded.",
        )
    else:
        _form_errors(request, form)
    return redirect(invoice) if invoice else redirect("billing:account", patient_id=patient.public_id)


def _receipt_context(payment) -> dict:
    invoice = payment.invoice
    return {
        "payment": payment,
        "patient": payment.patient,
        "invoice": selectors.figures(invoice) if invoice else None,
        "settings": selectors.billing_settings(payment.patient.clinic),
        "clinic": payment.patient.clinic,
    }


@clinic_member()
@require_GET
def receipt(request: ClinicRequest, public_id):
    payment = selectors.get_payment(request.user, public_id)
    record_view(instance=payment, by=request.user)
    return render(request, "billing/receipt.html", _receipt_context(payment))


@clinic_member()
@require_GET
def receipt_pdf(request: ClinicRequest, public_id):
    payment = selectors.get_payment(request.user, public_id)
    response = _pdf(
        request,
        "billing/receipt_pdf.html",
        _receipt_context(payment),
        f"receipt-R{payment.receipt_number}.pdf",
        payment,
    )
    if response.status_code == 200:
        record_view(instance=payment, by=request.user, shown_in="receipt PDF")
    return response


# --- superbill ----------------------------------------------------------------------------------


def _superbill_context(invoice) -> dict:
    practitioner = invoice.practitioner
    return {
        "invoice": selectors.figures(invoice),
        "patient": invoice.patient,
        "clinic": invoice.clinic,
        "settings": selectors.billing_settings(invoice.clinic),
        "provider": selectors.practitioner_billing(practitioner) if practitioner else None,
        "practitioner": practitioner,
        "lines": list(invoice.lines.all()),
        "diagnoses": list(invoice.diagnoses.all()),
        "place_of_service": PLACE_OF_SERVICE,
    }


def _superbill_invoice(request: ClinicRequest, public_id):
    found = selectors.get_invoice(request.user, public_id)
    if found.kind != InvoiceKind.INVOICE or found.status != InvoiceStatus.ISSUED:
        messages.error(request, "A superbill is printed from an issued invoice.")
        return None
    return found


@clinic_member()
@require_GET
def superbill(request: ClinicRequest, public_id):
    found = _superbill_invoice(request, public_id)
    if found is None:
        return redirect("billing:invoice", public_id=public_id)
    record_view(instance=found, by=request.user, shown_in="superbill")
    return render(request, "billing/superbill.html", _superbill_context(found))


@clinic_member()
@require_GET
def superbill_pdf(request: ClinicRequest, public_id):
    found = _superbill_invoice(request, public_id)
    if found is None:
        return redirect("billing:invoice", public_id=public_id)
    response = _pdf(
        request, "billing/superbill_pdf.html", _superbill_context(found), f"superbill-{found.number}.pdf", found
    )
    if response.status_code == 200:
        record_view(instance=found, by=request.user, shown_in="superbill PDF")
    return response


SUPERBILL_COLUMNS = [
    "invoice_number", "date_of_service", "place_of_service", "billing_provider", "billing_npi", "billing_taxonomy",
    "tax_id", "rendering_provider", "rendering_npi", "rendering_taxonomy", "patient_name", "patient_date_of_birth",
    "patient_sex", "chart_number", "icd10_codes", "line", "cpt", "modifiers", "units", "diagnosis_pointers",
    "charge", "invoice_total", "amount_paid", "balance_due", "currency",
]  # fmt: skip


@clinic_member()
@require_GET
def superbill_csv(request: ClinicRequest, public_id):
    """One row per service line, with the claim's header on every row, for a biller's import."""
    found = _superbill_invoice(request, public_id)
    if found is None:
        return redirect("billing:invoice", public_id=public_id)
    context = _superbill_context(found)
    invoice, patient, settings = context["invoice"], context["patient"], context["settings"]
    provider, practitioner = context["provider"], context["practitioner"]
    icd = " ".join(f"{d.pointer}:{d.code}" for d in context["diagnoses"])
    header = [
        invoice.number,
        invoice.service_date.isoformat(),
        PLACE_OF_SERVICE,
        invoice.clinic.name,
        settings.npi,
        settings.taxonomy,
        settings.tax_id,
        (practitioner.get_full_name() or practitioner.email) if practitioner else "",
        provider.npi if provider else "",
        provider.taxonomy if provider else "",
        f"{patient.last_name}, {patient.first_name}",
        patient.date_of_birth.isoformat() if patient.date_of_birth else "",
        patient.sex,
        patient.chart_number,
        icd,
    ]
    rows = [SUPERBILL_COLUMNS] + [
        [
            *header,
            n,
            line.code,
            line.modifiers.replace(",", " "),
            line.quantity,
            line.pointers.replace(",", ""),
            line.amount,
            invoice.total,
            invoice.paid,
            invoice.due,
            invoice.currency,
        ]
        for n, line in enumerate(context["lines"], start=1)
    ]
    record_view(instance=found, by=request.user, shown_in="superbill CSV")
    return _csv(rows, f"superbill-{invoice.number}.csv")


# --- the patient's account and packages ---------------------------------------------------------


@clinic_member()
@require_GET
def account(request: ClinicRequest, patient_id):
    patient = get_patient(request.user, patient_id)
    record_view(instance=patient, by=request.user, shown_in="billing account")
    packages_for_sale = selectors.list_fee_items(request.user, active_only=True, kind=FeeKind.PACKAGE)
    return render(
        request,
        "billing/account.html",
        {
            "patient": patient,
            "account": selectors.patient_account(patient),
            "invoices": list(selectors.list_invoices(request.user, patient=patient).order_by("-created_at")),
            "payments": list(selectors.list_payments(request.user, patient=patient)),
            "packages": list(selectors.list_packages(request.user, patient=patient)),
            "sell_form": SellPackageForm(items=packages_for_sale, prefix="sell"),
            "refund_form": RefundForm(prefix="refund"),
            "may_handle_money": policy.can(request.user, "record_payment", patient),
        },
    )


@clinic_member(may="sell_package")
@require_POST
def package_sell(request: ClinicRequest, patient_id):
    patient = get_patient(request.user, patient_id)
    items = selectors.list_fee_items(request.user, active_only=True, kind=FeeKind.PACKAGE)
    form = SellPackageForm(request.POST, items=items, prefix="sell")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("billing:account", patient_id=patient.public_id)
    sale = _attempt(
        request, lambda: services.sell_package(patient=patient, item=form.cleaned_data["item"], by=request.user)
    )
    if sale is None:
        return redirect("billing:account", patient_id=patient.public_id)
    messages.success(request, f"Sold {form.cleaned_data['item'].name} on {sale.number}: take the payment below.")
    return redirect(sale)


# --- fee schedule and settings (owner) ------------------------------------------------------------


@clinic_member(may="change_fee_schedule")
def fees(request: ClinicRequest):
    types = list_appointment_types(request.user)
    form = FeeItemForm(request.POST or None, appointment_types=types)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = _attempt(
            request,
            lambda: services.create_fee_item(
                clinic=request.clinic,
                by=request.user,
                kind=data["kind"],
                name=data["name"],
                price=data["price"],
                tax_rate=data["tax_rate"],
                code=data["code"],
                appointment_type=data["appointment_type"],
                sessions=data["sessions"],
            ),
        )
        if made is not None:
            messages.success(request, f"Added {made.name} to the fee schedule.")
            return redirect("billing:fees")
    elif request.method == "POST":
        messages.error(request, "Please correct the fee below.")
    return render(
        request,
        "billing/fees.html",
        {
            "items": selectors.list_fee_items(request.user),
            "form": form,
            "settings": selectors.billing_settings(request.clinic),
        },
    )


@clinic_member(may="change_fee_schedule")
def fee_edit(request: ClinicRequest, public_id):
    item = selectors.get_fee_item(request.user, public_id)
    form = FeeItemForm(request.POST or None, instance=item, appointment_types=list_appointment_types(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in ("name", "price", "code", "sessions", "is_active")}
        if data["tax_rate"] is not None:
            changes["tax_rate"] = data["tax_rate"]
        if item.kind != FeeKind.PACKAGE:
            changes.pop("sessions")
        saved = _attempt(request, lambda: services.update_fee_item(item=item, by=request.user, **changes))
        if saved is not None:
            messages.success(request, f"Saved {saved.name}.")
            return redirect("billing:fees")
    item.refresh_from_db()
    return render(request, "billing/fee_edit.html", {"item": item, "form": form})


@clinic_member(may="change_billing_settings")
def billing_settings(request: ClinicRequest):
    current = selectors.billing_settings(request.clinic)
    memberships = Membership.objects.filter(
        clinic=request.clinic, is_active=True, role__in=CLINICAL_ROLES
    ).select_related("user")
    form = BillingSettingsForm(request.POST or None, instance=current, prefix="clinic")
    provider_form = PractitionerBillingForm(request.POST or None, memberships=memberships, prefix="provider")
    if request.method == "POST" and "provider-practitioner" in request.POST:
        if provider_form.is_valid():
            data = provider_form.cleaned_data
            if _attempt(
                request,
                lambda: services.set_practitioner_billing(
                    practitioner=data["practitioner"].user,
                    npi=data["npi"],
                    taxonomy=data["taxonomy"],
                    credentials=data["credentials"],
                    by=request.user,
                ),
                "Saved the practitioner's identifiers.",
            ):
                return redirect("billing:settings")
        else:
            _form_errors(request, provider_form)
    elif request.method == "POST" and form.is_valid():
        changes = {k: form.cleaned_data[k] for k in BillingSettingsForm.Meta.fields}
        if _attempt(
            request,
            lambda: services.update_billing_settings(clinic=request.clinic, by=request.user, **changes),
            "Saved the billing settings.",
        ):
            return redirect("billing:settings")
    identifiers = selectors.practitioner_identifiers(request.clinic)
    return render(
        request,
        "billing/settings.html",
        {
            "form": form,
            "provider_form": PractitionerBillingForm(memberships=memberships, prefix="provider")
            if request.method == "GET"
            else provider_form,
            "providers": [(m, identifiers.get(m.user_id)) for m in memberships],
        },
    )


# --- business reports (owner) -----------------------------------------------------------------------


def _period(request) -> business.Period:
    form = MonthForm(request.GET or None)
    today = timezone.localdate(timezone=request.clinic.tzinfo)
    if form.is_bound and form.is_valid():
        return business.Period.month(form.cleaned_data["month"])
    return business.Period.month(today)


REPORTS = {
    "takings": "Takings by day",
    "practitioners": "Revenue by practitioner",
    "services": "Revenue by service",
    "months": "Revenue by month",
    "outstanding": "Outstanding invoices",
    "balances": "Patient balances",
    "packages": "Packages sold and used",
}


def _report_rows(clinic, period: business.Period, report: str) -> list[list]:
    if report == "takings":
        rows = business.takings_by_day(clinic, period)
        methods = [m.value for m in MONEY_IN]
        return [["day", *methods, "refunds", "net"]] + [
            [r["day"].isoformat(), *[r[m] for m in methods], r["refunds"], r["net"]] for r in rows
        ]
    if report == "practitioners":
        return [["practitioner", "revenue"]] + [
            [r["practitioner"], r["revenue"]] for r in business.revenue_by_practitioner(clinic, period)
        ]
    if report == "services":
        return [["code", "service", "units", "revenue"]] + [
            [r["code"], r["service"], r["units"], r["revenue"]] for r in business.revenue_by_service(clinic, period)
        ]
    if report == "months":
        return [["month", "revenue"]] + [
            [f"{r['month']:%Y-%m}", r["revenue"]] for r in business.revenue_by_month(clinic, period.first)
        ]
    if report == "outstanding":
        return [["invoice", "issued", "chart_number", "patient", "total", "paid", "due"]] + [
            [i.number, i.issue_date.isoformat(), i.patient.chart_number, i.patient.display_name, i.total, i.paid, i.due]
            for i in business.outstanding_invoices(clinic)
        ]
    if report == "balances":
        return [["chart_number", "patient", "due", "credit", "balance"]] + [
            [r["patient"].chart_number, r["patient"].display_name, r["due"], r["credit"], r["balance"]]
            for r in business.balances(clinic)
        ]
    return [["package", "sold", "value", "sessions_used", "sessions_left"]] + [
        [r["package"], r["sold"], r["value"], r["used"], r["left"]]
        for r in business.packages_sold_and_used(clinic, period)
    ]


def _every_day(period: business.Period, takings: list[dict]) -> list[tuple]:
    """Each day of the month, a day without takings as 0, so the bars keep their place on the calendar."""
    net = {r["day"]: r["net"] for r in takings}
    days = (period.last - period.first).days + 1
    return [
        (day, net.get(day, Decimal("0"))) for day in (period.first + datetime.timedelta(days=n) for n in range(days))
    ]


@clinic_member(may="see_business_reports")
@require_GET
def reports(request: ClinicRequest):
    clinic = request.clinic
    period = _period(request)
    settings = selectors.billing_settings(clinic)
    takings = business.takings_by_day(clinic, period)
    months = business.revenue_by_month(clinic, period.first)
    outstanding = business.outstanding_invoices(clinic)
    balances = business.balances(clinic)
    record_patients_shown(
        records=[*outstanding, *[b["patient"] for b in balances]], by=request.user, shown_in="business reports"
    )
    month_revenue = months[-1]["revenue"] if months else Decimal("0")
    return render(
        request,
        "billing/reports.html",
        {
            "period": period,
            "month_value": f"{period.first:%Y-%m}",
            "settings": settings,
            "month_revenue": month_revenue,
            "month_takings": sum((r["net"] for r in takings), Decimal("0")),
            "takings": takings,
            "by_practitioner": business.revenue_by_practitioner(clinic, period),
            "by_service": business.revenue_by_service(clinic, period),
            "months": months,
            "outstanding": outstanding,
            "balances": balances,
            "packages": business.packages_sold_and_used(clinic, period),
            "revenue_chart": charts.revenue_chart(
                [(r["month"], r["revenue"]) for r in months], currency=settings.currency
            ),
            "takings_chart": charts.takings_chart(_every_day(period, takings), currency=settings.currency),
            "reports": REPORTS,
        },
    )


@clinic_member(may="see_business_reports")
@require_GET
def report_csv(request: ClinicRequest, report: str):
    if report not in REPORTS:
        raise Http404("No such report.")
    period = _period(request)
    rows = _report_rows(request.clinic, period, report)
    if report in {"outstanding", "balances"}:
        named = (
            business.outstanding_invoices(request.clinic)
            if report == "outstanding"
            else [b["patient"] for b in business.balances(request.clinic)]
        )
        record_patients_shown(records=named, by=request.user, shown_in=f"{report} CSV")
    return _csv(rows, f"{report}-{period.first:%Y-%m}.csv")
