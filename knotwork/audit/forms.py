from django import forms

from knotwork.audit.models import AuditEntry

RECORD_TYPES = [
    ("", "Any record"),
    ("patient", "Patient"),
    ("referringclinician", "Referring clinician"),
    ("membership", "Staff membership"),
    ("clinicsettings", "Clinic settings"),
]


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(queryset=None, required=False, empty_label="Anyone", label="Who")
    action = forms.TypedChoiceField(
        choices=[("", "Any action"), *AuditEntry.Action.choices], coerce=int, empty_value=None, required=False
    )
    record_type = forms.ChoiceField(choices=RECORD_TYPES, required=False, label="Record")
    patient = forms.UUIDField(required=False, widget=forms.HiddenInput)
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = staff

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            self.add_error("until", "The end date is before the start date.")
        return cleaned
