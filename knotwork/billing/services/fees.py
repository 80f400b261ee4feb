"""The fee schedule: what the clinic charges for, at what price and tax (owner only)."""

from decimal import Decimal
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction

from knotwork.billing.models import FeeItem, FeeKind
from knotwork.billing.selectors import billing_settings
from knotwork.core.arguments import refuse_unknown
from knotwork.core.policy import Actor, require

NEGATIVE_PRICE = "A price cannot be negative: a refund or a credit note gives money back."


def _check(item: FeeItem) -> None:
    if item.price is not None and Decimal(item.price) < 0:
        raise ValidationError({"price": NEGATIVE_PRICE})
    if item.kind == FeeKind.SERVICE and not item.code:
        raise ValidationError({"code": "A coded service needs its CPT or HCPCS code."})
    if item.kind == FeeKind.APPOINTMENT and item.appointment_type_id is None:
        raise ValidationError({"appointment_type": "Choose the appointment type this fee is for."})
    if item.kind == FeeKind.PACKAGE and not item.sessions:
        raise ValidationError({"sessions": "A package needs its number of sessions."})
    if item.appointment_type is not None and item.appointment_type.clinic_id != item.clinic_id:
        raise ValidationError({"appointment_type": "Choose an appointment type of this clinic."})
    if item.kind != FeeKind.PACKAGE:
        item.sessions = None
    if item.kind != FeeKind.APPOINTMENT:
        item.appointment_type = None


@transaction.atomic
def create_fee_item(
    *,
    clinic,
    by: Actor,
    kind: str,
    name: str,
    price: Decimal,
    tax_rate: Decimal | None = None,
    code: str = "",
    appointment_type=None,
    sessions: int | None = None,
) -> FeeItem:
    """Add a line to the fee schedule; the tax rate defaults to the clinic's, the currency is the clinic's."""
    require(by, "change_fee_schedule", clinic)
    settings = billing_settings(clinic)
    item = FeeItem(
        clinic=clinic,
        kind=kind,
        name=name.strip(),
        price=price,
        tax_rate=settings.default_tax_rate if tax_rate is None else tax_rate,
        code=code.strip().upper(),
        appointment_type=appointment_type,
        sessions=sessions,
        currency=settings.currency,
    )
    _check(item)
    item.full_clean()
    item.save()
    return item


class FeeItemChanges(TypedDict, total=False):
    name: str
    price: Decimal
    tax_rate: Decimal
    code: str
    sessions: int
    is_active: bool


@transaction.atomic
def update_fee_item(*, item: FeeItem, by: Actor, **changes: Unpack[FeeItemChanges]) -> FeeItem:
    """Change a fee; invoices already drafted or issued keep the price they were written with."""
    require(by, "change_fee_schedule", item)
    refuse_unknown("update_fee_item", changes, FeeItemChanges)
    item = FeeItem.objects.select_for_update().get(pk=item.pk)
    for field, value in changes.items():
        setattr(item, field, str(value).strip().upper() if field == "code" else value)
    _check(item)
    item.full_clean()
    item.save()
    return item
