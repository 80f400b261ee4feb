"""The owner's business figures: takings by day, revenue by practitioner, service and month, what is outstanding,
packages sold and used. Plain reads of one clinic; every figure is net of tax.

Revenue is what was invoiced (issued invoices, less credit notes) on the date it was issued. A visit settled by a
package session is not counted again: the package was revenue when it was sold. Takings are money in (cash, card,
transfer, insurer) less refunds, on the day received.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Sum

from knotwork.billing.models import (
    MONEY_IN,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Package,
    Payment,
    PaymentKind,
    PaymentMethod,
    money,
)
from knotwork.billing.selectors import with_figures

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Period:
    first: datetime.date
    last: datetime.date

    @classmethod
    def month(cls, day: datetime.date) -> "Period":
        first = day.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        return cls(first, following - datetime.timedelta(days=1))

    @property
    def label(self) -> str:
        return f"{self.first:%B %Y}"


def _name(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else "No practitioner"


def takings_by_day(clinic, period: Period) -> list[dict]:
    rows: dict[datetime.date, dict] = {}
    payments = Payment.objects.filter(clinic=clinic, received_on__range=(period.first, period.last))
    for day, kind, method, amount in payments.values_list("received_on", "kind", "method", "amount"):
        row = rows.setdefault(day, {"day": day, **{m.value: ZERO for m in MONEY_IN}, "refunds": ZERO})
        if kind == PaymentKind.REFUND:
            row["refunds"] += amount
        elif method in MONEY_IN:
            row[method] += amount
    for row in rows.values():
        row["net"] = sum((row[m.value] for m in MONEY_IN), ZERO) - row["refunds"]
    return [rows[day] for day in sorted(rows)]


def _revenue_lines(clinic, period: Period):
    """(invoice, line, signed net amount) of every issued invoice and credit note in the period."""
    invoices = (
        Invoice.objects.filter(
            clinic=clinic, status=InvoiceStatus.ISSUED, issue_date__range=(period.first, period.last)
        )
        .select_related("practitioner", "credit_for__practitioner")
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")))
    )
    package_paid = dict(
        Payment.objects.filter(invoice__in=invoices, method=PaymentMethod.PACKAGE, kind=PaymentKind.PAYMENT)
        .values("invoice")
        .annotate(s=Sum("applied"))
        .values_list("invoice", "s")
    )
    for invoice in invoices:
        sign = -1 if invoice.kind == InvoiceKind.CREDIT_NOTE else 1
        share = Decimal(1)
        if invoice.total > 0 and invoice.pk in package_paid:
            share = max(Decimal(1) - package_paid[invoice.pk] / invoice.total, Decimal(0))
        for line in invoice.lines.all():
            yield invoice, line, sign * line.amount * share


def revenue_by_practitioner(clinic, period: Period) -> list[dict]:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for invoice, _line, amount in _revenue_lines(clinic, period):
        who = invoice.practitioner or (invoice.credit_for.practitioner if invoice.credit_for_id else None)
        totals[_name(who)] += amount
    return [{"practitioner": k, "revenue": money(v)} for k, v in sorted(totals.items(), key=lambda kv: -kv[1])]


def revenue_by_service(clinic, period: Period) -> list[dict]:
    totals: dict[tuple[str, str], list] = defaultdict(lambda: [0, ZERO])
    for invoice, line, amount in _revenue_lines(clinic, period):
        key = (line.code, line.description if not line.code else line.description.split(";")[0])
        if invoice.kind == InvoiceKind.CREDIT_NOTE and not line.fee_item_id and not line.code:
            key = ("", "Credit notes")
        totals[key][0] += line.quantity if invoice.kind == InvoiceKind.INVOICE else 0
        totals[key][1] += amount
    return [
        {"code": code, "service": name, "units": units, "revenue": money(value)}
        for (code, name), (units, value) in sorted(totals.items(), key=lambda kv: -kv[1][1])
    ]


def revenue_by_month(clinic, last_month: datetime.date, months: int = 12) -> list[dict]:
    rows = []
    month = last_month.replace(day=1)
    for _ in range(months):
        period = Period.month(month)
        revenue = sum((amount for _i, _l, amount in _revenue_lines(clinic, period)), ZERO)
        rows.append({"month": period.first, "revenue": money(revenue)})
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return list(reversed(rows))


def outstanding_invoices(clinic) -> list[Invoice]:
    issued = Invoice.objects.filter(clinic=clinic, kind=InvoiceKind.INVOICE, status=InvoiceStatus.ISSUED)
    found = list(with_figures(issued).filter(due__gt=0).select_related("patient").order_by("issue_date", "sequence"))
    for invoice in found:  # SQLite returns computed sums unrounded
        invoice.credited, invoice.paid, invoice.due = money(invoice.credited), money(invoice.paid), money(invoice.due)
    return found


def balances(clinic) -> list[dict]:
    """Every patient who owes or is owed, from the outstanding invoices and unused credit."""
    owed: dict[int, dict] = {}
    for invoice in outstanding_invoices(clinic):
        row = owed.setdefault(invoice.patient_id, {"patient": invoice.patient, "due": ZERO, "credit": ZERO})
        row["due"] += invoice.due
    payments = Payment.objects.filter(clinic=clinic).select_related("patient")
    for payment in payments:
        row = owed.setdefault(payment.patient_id, {"patient": payment.patient, "due": ZERO, "credit": ZERO})
        if (
            payment.kind == PaymentKind.REFUND and payment.invoice_id is None
        ) or payment.method == PaymentMethod.CREDIT:
            row["credit"] -= payment.amount
        elif payment.kind == PaymentKind.PAYMENT:
            row["credit"] += payment.amount - payment.applied
    rows = [r | {"balance": r["due"] - r["credit"]} for r in owed.values() if r["due"] or r["credit"]]
    return sorted(rows, key=lambda r: -r["balance"])


def packages_sold_and_used(clinic, period: Period) -> list[dict]:
    sold = Package.objects.filter(clinic=clinic, created_at__date__range=(period.first, period.last))
    used = Payment.objects.filter(
        clinic=clinic,
        method=PaymentMethod.PACKAGE,
        kind=PaymentKind.PAYMENT,
        received_on__range=(period.first, period.last),
    )
    rows: dict[str, dict] = {}
    for package in sold:
        row = rows.setdefault(package.name, {"package": package.name, "sold": 0, "value": ZERO, "used": 0, "left": 0})
        row["sold"] += 1
        row["value"] += package.price
    for payment in used.select_related("package"):
        name = payment.package.name
        row = rows.setdefault(name, {"package": name, "sold": 0, "value": ZERO, "used": 0, "left": 0})
        row["used"] += 1
    for package in Package.objects.filter(clinic=clinic):
        if package.name in rows:
            rows[package.name]["left"] += package.sessions_left
    return sorted(rows.values(), key=lambda r: r["package"])
