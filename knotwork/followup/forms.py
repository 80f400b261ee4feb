from django import forms

from knotwork.core.forms import CleanTextMixin
from knotwork.followup.models import DiaryEntry, NeuroSymptom
from knotwork.outcomes.models import Instrument, Occasion

SCALE = [(value, str(value)) for value in range(11)]


class ScaleWidget(forms.RadioSelect):
    """0-10 as a row of large buttons (radio inputs): quick to tap on a phone, readable by a screen reader."""

    template_name = "followup/widgets/scale.html"

    def __init__(self, *, low: str, high: str, attrs=None):
        super().__init__(attrs=attrs, choices=SCALE)
        self.low, self.high = low, high

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(low=self.low, high=self.high)
        return context


def scale_field(label: str, *, low: str, high: str, required: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCALE,
        coerce=int,
        required=required,
        widget=ScaleWidget(low=low, high=high),
        error_messages={"required": "Choose a number from 0 to 10.", "invalid_choice": "Choose a number from 0 to 10."},
    )


class CheckInForm(CleanTextMixin, forms.Form):
    soreness = scale_field(
        "How sore are the treated muscles now?", low="0 = not sore at all", high="10 = as sore as can be"
    )
    pain = scale_field("How bad is the pain you came in with, right now?", low="0 = no pain", high="10 = worst pain")
    neuro_symptoms = forms.MultipleChoiceField(
        label="Since the session, have you noticed any of these? Tick all that apply.",
        choices=NeuroSymptom.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    adverse_event = forms.CharField(
        label="Did anything unexpected happen after the treatment? (for example fainting, a large bruise, bleeding "
        "that took long to stop, feeling unwell)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Leave empty if not.",
    )
    new_symptom = forms.CharField(
        label="Any other new or worrying symptom?",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Leave empty if not.",
    )


class DiaryForm(CleanTextMixin, forms.ModelForm):
    pain = scale_field("Your pain today", low="0 = no pain", high="10 = worst pain")

    class Meta:
        model = DiaryEntry
        fields = ["recorded_on", "pain", "note"]
        widgets = {
            "recorded_on": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"note": "Anything to note (what helped, what made it worse)"}


class ResolveFlagForm(CleanTextMixin, forms.Form):
    resolution = forms.CharField(
        label="What did you do?", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), min_length=5
    )


class QuestionnaireRequestForm(CleanTextMixin, forms.Form):
    instrument = forms.ChoiceField(label="Questionnaire")
    occasion = forms.ChoiceField(label="For")
    send_link = forms.BooleanField(
        label="Email the patient a new care page link",
        required=False,
        initial=True,
        help_text="The patient fills it on their care page; a new link replaces the old one.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = Instrument.choices
        self.fields["occasion"].choices = [(o.value, o.label) for o in Occasion if o != Occasion.SESSION]
