import datetime

from django import forms

from knotwork.audit.actors import ActorKind
from knotwork.audit.models import AuditEntry

RECORD_TYPES = [
    ("", "Any record"),
    ("patient", "Patient"),
    ("referringclinician", "Referring clinician"),
    ("membership", "Staff membership"),
    ("clinicsettings", "Clinic settings"),
]
# Dates a trail can hold: before Knotwork existed or beyond what a calendar field accepts is a typing slip.
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)


def _date_field(label: str, *, required: bool) -> forms.DateField:
    return forms.DateField(
        required=required,
        label=label,
        widget=forms.DateInput(attrs={"type": "date", "min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()}),
        error_messages={"invalid": "Enter a date as YYYY-MM-DD.", "required": f"Enter the {label.lower()} date."},
    )


class DateRangeMixin:
    """Both ends inside FIRST_DAY..LAST_DAY, the end not before the start."""

    def clean(self):
        cleaned = super().clean()
        for name in ("since", "until"):
            day = cleaned.get(name)
            if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                self.add_error(name, f"Choose a date between {FIRST_DAY:%Y} and {LAST_DAY:%Y}.")
                cleaned.pop(name, None)
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            self.add_error("until", "The end date is before the start date.")
        return cleaned


class AuditFilterForm(DateRangeMixin, forms.Form):
    actor = forms.ModelChoiceField(queryset=None, required=False, empty_label="Anyone", label="Who")
    actor_kind = forms.ChoiceField(choices=[("", "Any kind"), *ActorKind.choices], required=False, label="Acting as")
    action = forms.TypedChoiceField(
        choices=[("", "Any action"), *AuditEntry.Action.choices], coerce=int, empty_value=None, required=False
    )
    record_type = forms.ChoiceField(choices=RECORD_TYPES, required=False, label="Record")
    patient = forms.UUIDField(required=False, widget=forms.HiddenInput)
    since = _date_field("From", required=False)
    until = _date_field("To", required=False)

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = staff


class AuditExportForm(DateRangeMixin, forms.Form):
    """The days to export as CSV, both included, in the clinic's time zone."""

    prefix = "export"
    since = _date_field("From", required=True)
    until = _date_field("To", required=True)
