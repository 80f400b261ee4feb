"""The clinic's billing settings and the practitioners' identifiers (owner only)."""

from decimal import Decimal
from typing import TypedDict, Unpack

from django.db import transaction

from knotwork.billing.models import BillingSettings, PractitionerBilling
from knotwork.billing.selectors import billing_settings
from knotwork.core.arguments import refuse_unknown
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require


class BillingSettingsChanges(TypedDict, total=False):
    currency: str
    default_tax_rate: Decimal
    npi: str
    taxonomy: str
    tax_id: str
    invoice_footer: str


@transaction.atomic
def update_billing_settings(*, clinic, by: Actor, **changes: Unpack[BillingSettingsChanges]) -> BillingSettings:
    """Save the clinic's currency, default tax rate and identifiers; those left out keep their value."""
    require(by, "change_billing_settings", clinic)
    refuse_unknown("update_billing_settings", changes, BillingSettingsChanges)
    found = billing_settings(clinic)
    if found.pk is not None:
        found = BillingSettings.objects.select_for_update().get(pk=found.pk)
    for field, value in changes.items():
        setattr(found, field, str(value).strip().upper() if field in {"currency", "taxonomy"} else value)
    found.clinic = clinic
    found.full_clean()
    found.save()
    return found


@transaction.atomic
def set_practitioner_billing(
    *, practitioner, by: Actor, npi: str = "", taxonomy: str = "", credentials: str = ""
) -> PractitionerBilling:
    """Record a practitioner's NPI and taxonomy code, printed on the superbills of their visits."""
    require(by, "change_billing_settings", practitioner)
    membership = getattr(practitioner, "membership", None)
    if membership is None:
        raise ClinicRuleError("Only a member of staff has billing identifiers.")
    found, _ = PractitionerBilling.objects.get_or_create(
        practitioner=practitioner, defaults={"clinic_id": membership.clinic_id}
    )
    found.npi, found.taxonomy, found.credentials = npi.strip(), taxonomy.strip().upper(), credentials.strip()
    found.full_clean()
    found.save()
    return found
