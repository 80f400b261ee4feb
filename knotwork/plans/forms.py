import datetime

from django import forms

from knotwork.assessment.models import Technique
from knotwork.atlas.forms import muscle_choices
from knotwork.clinics.models import CLINICAL_ROLES
from knotwork.clinics.selectors import list_members
from knotwork.core.forms import CleanTextMixin
from knotwork.plans.models import Goal, GoalMeasure, HomeExercise, TreatmentPlan


def clinician_choices(user) -> list[tuple[str, str]]:
    members = list_members(user).filter(is_active=True, role__in=CLINICAL_ROLES)
    return [(str(m.public_id), str(m.user)) for m in members]


class PlanForm(CleanTextMixin, forms.ModelForm):
    practitioner = forms.ChoiceField(label="Treating practitioner")
    diagnosis = forms.ChoiceField(label="Working diagnosis", required=False)
    techniques = forms.MultipleChoiceField(
        choices=Technique.choices, widget=forms.CheckboxSelectMultiple, label="Techniques planned"
    )
    override_limits = forms.BooleanField(label="Override the clinic's limits for this course", required=False)
    override_reason = forms.CharField(
        label="Why",
        required=False,
        max_length=300,
        help_text="Kept with the plan, e.g. course begun on paper before the clinic used Knotwork.",
    )

    class Meta:
        model = TreatmentPlan
        fields = ["starts_on", "window_days_min", "window_days_max", "max_sessions", "notes"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}), "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "window_days_min": "From the clinic's settings; change it for this patient if needed.",
            "max_sessions": "From the clinic's settings.",
        }

    def __init__(self, *args, user, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].choices = clinician_choices(user)
        diagnoses = patient.diagnoses.order_by("-created_at")
        self.fields["diagnosis"].choices = [("", "None recorded")] + [
            (str(d.public_id), f"{d.code} {d.description}") for d in diagnoses
        ]
        self._diagnoses = {str(d.public_id): d for d in diagnoses}
        members = list_members(user)
        self._members = {str(m.public_id): m.user for m in members}

    def clean_practitioner(self):
        return self._members[self.cleaned_data["practitioner"]]

    def clean_diagnosis(self):
        value = self.cleaned_data.get("diagnosis")
        return self._diagnoses.get(value) if value else None

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("window_days_min"), cleaned.get("window_days_max")
        if low and high and low > high:
            self.add_error("window_days_max", "The end of the relief window must not be before its start.")
        if cleaned.get("override_limits") and len(cleaned.get("override_reason", "").strip()) < 5:
            self.add_error("override_reason", "Say why this course goes beyond the clinic's limits.")
        return cleaned

    @property
    def override(self) -> str:
        """The reason to pass on, only when the override is ticked."""
        return self.cleaned_data.get("override_reason", "") if self.cleaned_data.get("override_limits") else ""


class GoalForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["description", "measure", "baseline", "target"]
        labels = {"description": "Goal", "baseline": "Now", "target": "Target"}
        help_texts = {"description": "Something the patient wants to do again, e.g. sit through a one-hour meeting."}

    def clean(self):
        cleaned = super().clean()
        measure, target = cleaned.get("measure"), cleaned.get("target")
        if cleaned.get("description") and not measure and "measure" not in self.errors:
            self.add_error("measure", "Choose how the goal is measured.")
        if measure and measure != GoalMeasure.ACTIVITY and target is None:
            self.add_error("target", "A measurable goal needs a target value.")
        limits = {GoalMeasure.PAIN: 10, GoalMeasure.PSFS: 10, GoalMeasure.ODI: 100, GoalMeasure.NDI: 100}
        for name in ("baseline", "target"):
            value = cleaned.get(name)
            if value is not None and measure in limits and not 0 <= value <= limits[measure]:
                self.add_error(name, f"On this measure the value runs from 0 to {limits[measure]}.")
        return cleaned


class HomeExerciseForm(CleanTextMixin, forms.ModelForm):
    muscle = forms.ChoiceField(label="Muscle (optional)", required=False)

    class Meta:
        model = HomeExercise
        fields = ["name", "muscle", "instructions", "hold_seconds", "repetitions", "times_per_day"]
        labels = {"name": "Stretch or exercise", "hold_seconds": "Hold (seconds)"}
        widgets = {"instructions": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["muscle"].choices = [("", "—"), *muscle_choices()[1:]]


class ProposeForm(CleanTextMixin, forms.Form):
    practitioner = forms.ChoiceField()
    appointment_type = forms.ChoiceField(label="Appointment type")
    preferred_time = forms.TimeField(
        label="Preferred time of day", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def __init__(self, *args, user, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].choices = clinician_choices(user)
        self._members = {str(m.public_id): m.user for m in list_members(user)}
        self._types = {str(t.public_id): t for t in types}
        self.fields["appointment_type"].choices = [(str(t.public_id), str(t)) for t in types]

    def clean_practitioner(self):
        return self._members[self.cleaned_data["practitioner"]]

    def clean_appointment_type(self):
        return self._types[self.cleaned_data["appointment_type"]]


class BookCourseForm(ProposeForm):
    slots = forms.MultipleChoiceField(label="Appointments to book", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, proposals: list[datetime.datetime] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slots"].choices = [(slot.isoformat(), slot.isoformat()) for slot in proposals or []]
        self.fields["slots"].error_messages["invalid_choice"] = (
            "One of the proposed times was taken meanwhile; look at the new proposals."
        )

    def clean_slots(self):
        return [datetime.datetime.fromisoformat(value) for value in self.cleaned_data["slots"]]


class EndPlanForm(CleanTextMixin, forms.Form):
    status = forms.ChoiceField(choices=[("completed", "Completed (reviewed)"), ("stopped", "Stopped early")])
    reason = forms.CharField(label="Reason or outcome", required=False, max_length=300)
    cancel_appointments = forms.BooleanField(
        label="Cancel the course's remaining appointments", required=False, initial=True
    )
