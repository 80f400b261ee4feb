from decimal import Decimal

from django import forms

from knotwork.billing.models import (
    MONEY_IN,
    BillingSettings,
    FeeItem,
    Payer,
    PaymentMethod,
    validate_modifiers,
    validate_pointers,
)
from knotwork.core.forms import CleanTextMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 12, "decimal_places": 2}


class PriceField(forms.DecimalField):
    """A price: two decimals, never negative (a refund or a credit note gives money back)."""

    default_error_messages = {"min_value": "A price cannot be negative: a refund or a credit note gives money back."}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**MONEY, **kwargs)


class BillingSettingsForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = BillingSettings
        fields = ["currency", "default_tax_rate", "npi", "taxonomy", "tax_id", "invoice_footer"]


class PractitionerBillingForm(CleanTextMixin, forms.Form):
    practitioner = forms.ModelChoiceField(queryset=None, to_field_name="public_id", empty_label="Choose")
    npi = forms.CharField(label="NPI (type 1)", max_length=10, required=False)
    taxonomy = forms.CharField(label="Taxonomy code", max_length=10, required=False)
    credentials = forms.CharField(max_length=40, required=False, help_text="e.g. PT, DPT, LMT")

    def __init__(self, *args, memberships=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = memberships
        self.fields["practitioner"].label_from_instance = lambda m: m.user.get_full_name() or m.user.email


class FeeItemForm(CleanTextMixin, forms.ModelForm):
    price = PriceField(help_text="Per unit, before tax.")

    class Meta:
        model = FeeItem
        fields = ["kind", "name", "code", "appointment_type", "price", "tax_rate", "sessions", "is_active"]

    def __init__(self, *args, appointment_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appointment_type"].queryset = appointment_types
        self.fields["tax_rate"].required = False
        self.fields["tax_rate"].help_text = "Leave empty for the clinic's default rate."
        if self.instance.pk:
            for name in ("kind", "appointment_type"):
                self.fields[name].disabled = True


class LineForm(CleanTextMixin, forms.Form):
    fee_item = forms.ModelChoiceField(
        label="From the fee schedule", queryset=None, to_field_name="public_id", required=False, empty_label="Typed in"
    )
    description = forms.CharField(max_length=200, required=False, help_text="Leave empty to use the item's name.")
    code = forms.CharField(label="CPT/HCPCS", max_length=5, required=False)
    quantity = forms.IntegerField(label="Units", min_value=1, max_value=999, initial=1)
    unit_price = PriceField(label="Price per unit", required=False, help_text="Leave empty for the item's price.")
    modifiers = forms.CharField(max_length=11, required=False, validators=[validate_modifiers], help_text="e.g. GP,59")
    pointers = forms.CharField(
        label="Diagnosis pointers", max_length=7, required=False, validators=[validate_pointers], help_text="e.g. A,B"
    )

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fee_item"].queryset = items

    def clean(self):
        data = super().clean()
        if not data.get("fee_item") and (not data.get("description") or data.get("unit_price") is None):
            raise forms.ValidationError("Choose an item of the fee schedule, or type a description and a price.")
        return data


class LineEditForm(CleanTextMixin, forms.Form):
    quantity = forms.IntegerField(label="Units", min_value=1, max_value=999)
    unit_price = PriceField(label="Price per unit")
    modifiers = forms.CharField(max_length=11, required=False, validators=[validate_modifiers])
    pointers = forms.CharField(max_length=7, required=False, validators=[validate_pointers])


class InvoiceDetailsForm(CleanTextMixin, forms.Form):
    payer = forms.ChoiceField(choices=Payer.choices)
    service_date = forms.DateField(label="Date of service", widget=DATE)
    notes = forms.CharField(max_length=300, required=False)


class PaymentForm(CleanTextMixin, forms.Form):
    method = forms.ChoiceField(label="Paid by", choices=[("", "Choose…"), *PaymentMethod.choices])
    amount = forms.DecimalField(
        **MONEY,
        min_value=Decimal("0.01"),
        required=False,
        help_text="Leave empty for everything due. More than is due is kept as the patient's credit.",
    )
    received_on = forms.DateField(label="Received on", widget=DATE, required=False)
    reference = forms.CharField(max_length=80, required=False, help_text="e.g. the card slip number")


class RefundForm(CleanTextMixin, forms.Form):
    amount = forms.DecimalField(**MONEY, min_value=Decimal("0.01"))
    method = forms.ChoiceField(label="Refunded by", choices=[(m.value, m.label) for m in MONEY_IN])
    reason = forms.CharField(max_length=300)


class CreditForm(CleanTextMixin, forms.Form):
    amount = forms.DecimalField(
        **MONEY, min_value=Decimal("0.01"), required=False, help_text="Leave empty to credit the whole invoice."
    )
    reason = forms.CharField(max_length=300)


class VoidForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(max_length=300)


class SellPackageForm(forms.Form):
    item = forms.ModelChoiceField(label="Package", queryset=None, to_field_name="public_id", empty_label="Choose")

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class MonthForm(forms.Form):
    month = forms.DateField(input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
