"""Where a payment provider plugs in: the one interface between Knotwork's payments and whoever moves the money.

Knotwork records payments; it does not take cards. Today the only provider is `ManualProvider`: the money was
taken at the desk (cash, a card terminal, a transfer, an insurer's remittance) and a member of staff records it.

To take payments through a provider (a card terminal's API, an online checkout), write a class with the two methods
of `PaymentProvider`, give it a `name`, and put its dotted path in the setting `KNOTWORK_PAYMENT_PROVIDERS`, e.g.
`{"card": "myclinic.payments.TerminalProvider"}`: the methods listed there use it, every other method stays manual.
`knotwork.billing.services.payments.record_payment` and `refund_payment` call the provider *before* they write,
inside their transaction, so a provider that raises `PaymentDeclined` leaves nothing recorded; the reference it
returns is kept on the payment and printed on the receipt. A provider never sees the patient's name or any clinical
data: only the amount, the currency and Knotwork's own payment id.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from knotwork.core.errors import ClinicRuleError


class PaymentDeclined(ClinicRuleError):
    """The provider refused to move the money; the message is the provider's reason, for the person at the desk."""


@dataclass(frozen=True)
class Taken:
    """What the provider did: its name (kept on the payment) and its reference for the money moved."""

    provider: str
    reference: str


class PaymentProvider(Protocol):
    name: str

    def take(self, *, amount: Decimal, currency: str, payment_id: str, reference: str) -> Taken:
        """Move `amount` from the patient to the clinic (or confirm it moved); raise PaymentDeclined if not."""
        ...

    def give_back(self, *, amount: Decimal, currency: str, payment_id: str, reference: str) -> Taken:
        """Move `amount` back to the patient (a refund); raise PaymentDeclined if it cannot."""
        ...


class ManualProvider:
    """The money was handled outside Knotwork; the reference typed at the desk (a slip number) is kept as given."""

    name = "manual"

    def take(self, *, amount: Decimal, currency: str, payment_id: str, reference: str) -> Taken:
        return Taken(provider=self.name, reference=reference)

    def give_back(self, *, amount: Decimal, currency: str, payment_id: str, reference: str) -> Taken:
        return Taken(provider=self.name, reference=reference)


def provider_for(method: str) -> PaymentProvider:
    """The provider configured for a payment method (`KNOTWORK_PAYMENT_PROVIDERS`), else the manual one."""
    configured = getattr(settings, "KNOTWORK_PAYMENT_PROVIDERS", {}) or {}
    path = configured.get(method)
    return import_string(path)() if path else ManualProvider()
