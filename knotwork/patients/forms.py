from django import forms
from phonenumber_field.formfields import PhoneNumberField

from knotwork.core.forms import CleanTextMixin
from knotwork.patients.models import (
    PATIENT_FIELDS,
    REFERRER_FIELDS,
    Patient,
    PatientDetails,
    PatientStatus,
    ReferrerDetails,
    ReferringClinician,
    Sex,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PatientForm(CleanTextMixin, forms.ModelForm):
    new_referrer_name = forms.CharField(label="Referrer's name", max_length=200, required=False)
    new_referrer_practice = forms.CharField(label="Referrer's practice", max_length=200, required=False)
    new_referrer_phone = PhoneNumberField(label="Referrer's phone", required=False, max_length=40)
    new_referrer_email = forms.EmailField(label="Referrer's email", required=False)

    class Meta:
        model = Patient
        fields = PATIENT_FIELDS
        widgets = {"date_of_birth": DateInput()}

    def __init__(self, *args, referrers=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A new patient may be numbered automatically; an existing chart number is never blanked.
        self.fields["chart_number"].required = bool(self.instance.pk and self.instance.chart_number)
        self.fields["referring_clinician"].queryset = (
            referrers if referrers is not None else ReferringClinician.objects.none()
        )
        self.fields["referring_clinician"].empty_label = "— none —"
        self.fields["phone"].help_text = "Include the country code for numbers outside the clinic's country."
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        # "Unknown / not stated" is an answer: the field is never marked required, and left out it means unknown.
        self.fields["sex"].required = False
        self.fields["sex"].help_text = "Leave as not stated if the patient prefers not to say."

    def clean_sex(self) -> str:
        return self.cleaned_data.get("sex") or Sex.UNKNOWN

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("referring_clinician") and cleaned.get("new_referrer_name"):
            self.add_error(
                "new_referrer_name",
                "Choose an existing referring clinician or add a new one, not both.",
            )
        new_referrer_extra = any(
            cleaned.get(f) for f in ("new_referrer_practice", "new_referrer_phone", "new_referrer_email")
        )
        if new_referrer_extra and not cleaned.get("new_referrer_name"):
            self.add_error("new_referrer_name", "Give the new referring clinician's name.")
        return cleaned

    def patient_data(self) -> PatientDetails:
        return PatientDetails(**{name: self.cleaned_data[name] for name in PATIENT_FIELDS})

    def new_referrer_data(self) -> ReferrerDetails | None:
        if not self.cleaned_data.get("new_referrer_name"):
            return None
        return ReferrerDetails(
            name=self.cleaned_data["new_referrer_name"],
            practice=self.cleaned_data["new_referrer_practice"],
            phone=self.cleaned_data["new_referrer_phone"] or "",
            email=self.cleaned_data["new_referrer_email"],
        )


class PatientStatusForm(CleanTextMixin, forms.Form):
    status = forms.ChoiceField(choices=PatientStatus.choices, label="Change status to")
    reason = forms.CharField(max_length=300, required=False, help_text="Required when putting treatment on hold.")


class PatientSearchForm(CleanTextMixin, forms.Form):
    q = forms.CharField(
        label="Search patients",
        required=False,
        max_length=100,
        help_text="Name, date of birth, phone or chart number",
    )
    status = forms.ChoiceField(choices=[("", "Any status"), *PatientStatus.choices], required=False)


class ReferringClinicianForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = ReferringClinician
        fields = REFERRER_FIELDS
