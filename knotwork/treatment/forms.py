import json
import math

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from knotwork.atlas.catalog import get_atlas
from knotwork.atlas.forms import MapPositionForm, muscle_choices
from knotwork.core.forms import CleanTextMixin
from knotwork.core.validators import LONG_TEXT, NOTE_SECTION
from knotwork.treatment import needledepth
from knotwork.treatment.models import MAX_ELECTRODES, GlobalImpression, NeedleEntry, TechniqueEntry


class QuickSelect(forms.Select):
    """A select of many options (the atlas's 130 muscles) written in Python, as Django's own select would write it.

    Django renders every option through a template of its own: three muscle lists made half the session page's
    time. The markup is the same (name, attributes, the chosen option selected), so a form shown again after an
    error keeps what was chosen.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) in chosen else "", label) for key, label in self.choices),
        )
        final_attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, final_attrs, options)


def muscle_field(label: str, *, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=required, widget=QuickSelect)


class StartSessionForm(CleanTextMixin, forms.Form):
    pain_before = forms.IntegerField(label="Pain now (0-10)", min_value=0, max_value=10)
    soreness_since_last = forms.IntegerField(
        label="Soreness since the last session (0-10)", min_value=0, max_value=10, required=False
    )
    adverse_event_since = forms.CharField(
        label="Any adverse event since the last session?", max_length=500, required=False
    )
    override_reason = forms.CharField(
        label="Override: clinical reason to treat despite the safety screen",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT,
    )


class OverrideForm(CleanTextMixin, forms.Form):
    technique = forms.CharField(widget=forms.HiddenInput, max_length=30)
    reason = forms.CharField(label="Clinical reason", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class AddPointForm(CleanTextMixin, MapPositionForm):
    muscle = muscle_field("Muscle")
    side = forms.ChoiceField(choices=[("right", "Right"), ("left", "Left")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["muscle"].choices = muscle_choices()


class NeedleForm(CleanTextMixin, MapPositionForm, forms.ModelForm):
    muscle = muscle_field("Muscle")

    class Meta:
        model = NeedleEntry
        fields = [
            "muscle",
            "side",
            "region",
            "view",
            "x",
            "y",
            "diameter_mm",
            "length_mm",
            "technique",
            "depth_mm",
            "twitch_responses",
            "dwell_seconds",
            "guided",
            "clean_technique",
            "needles_in",
            "needles_out",
            "adverse_event",
            "adverse_severity",
            "follow_up",
        ]
        widgets = {"side": forms.Select(choices=[("right", "Right"), ("left", "Left")])}

    # Numbers that cannot be below zero, named as a clinician reads them in the error.
    COUNTS = {
        "twitch_responses": "twitch responses",
        "dwell_seconds": "dwell time",
        "needles_in": "needles in",
        "needles_out": "needles out",
        "length_mm": "needle length",
        "diameter_mm": "needle diameter",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["muscle"].choices = muscle_choices()
        self.fields["depth_mm"].label = "Depth (mm)"
        self.fields["depth_mm"].error_messages["min_value"] = (
            "A needling depth is at least 1 mm: give the depth the needle reached."
        )
        for name, words in self.COUNTS.items():
            self.fields[name].error_messages["min_value"] = f"The {words} cannot be below %(limit_value)s."

    def clean(self):
        cleaned = super().clean()
        depth, length = cleaned.get("depth_mm"), cleaned.get("length_mm")
        if depth is not None and length is not None:
            problem = needledepth.impossible(depth, length)
            if problem:
                self.add_error("depth_mm", problem)
        return cleaned

    def clean_clean_technique(self):
        if not self.cleaned_data.get("clean_technique"):
            raise forms.ValidationError("Confirm the clean technique before recording needling.")
        return True


def _map_coordinate(value, low: float, high: float) -> float | None:
    """A position on the body map (inside its viewBox) as a finite number, or None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and low <= number <= high else None


class TechniqueForm(CleanTextMixin, forms.ModelForm):
    muscle = muscle_field("Muscle (injections)", required=False)
    electrodes = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4_000)

    def clean_electrodes(self):
        raw = self.cleaned_data.get("electrodes") or "[]"
        try:
            marks = json.loads(raw)
        except ValueError as error:
            raise forms.ValidationError("The electrode positions could not be read; place them again.") from error
        atlas = get_atlas()
        regions = atlas.regions
        left, top, width, height = atlas.viewbox
        marks = marks if isinstance(marks, list) else []
        if len(marks) > MAX_ELECTRODES:
            raise forms.ValidationError(f"Place at most {MAX_ELECTRODES} electrodes.")
        clean = []
        for mark in marks:
            if not isinstance(mark, dict):
                raise forms.ValidationError("An electrode is off the body map; place them again.")
            x, y = _map_coordinate(mark.get("x"), left, left + width), _map_coordinate(mark.get("y"), top, top + height)
            if (
                x is None
                or y is None
                or not isinstance(mark.get("region"), str)
                or mark["region"] not in regions
                or mark.get("view") not in ("front", "back")
            ):
                raise forms.ValidationError("An electrode is off the body map; place them again.")
            clean.append({"region": mark["region"], "view": mark["view"], "x": x, "y": y})
        return clean

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["muscle"].choices = muscle_choices()

    class Meta:
        model = TechniqueEntry
        fields = [
            "kind",
            "minutes",
            "region",
            "attended",
            "tens_frequency_hz",
            "tens_pulse_us",
            "tens_intensity_ma",
            "notes",
        ]


class FinishForm(CleanTextMixin, forms.Form):
    pain_after = forms.IntegerField(label="Pain now, after treatment (0-10)", min_value=0, max_value=10)
    global_impression = forms.ChoiceField(
        label="Patient's impression", choices=[("", "—"), *GlobalImpression.choices], required=False
    )
    rom_movement = forms.CharField(label="Range of motion measured (movement)", max_length=120, required=False)
    rom_side = forms.ChoiceField(
        label="Side", choices=[("", "Not sided"), ("right", "Right"), ("left", "Left")], required=False
    )
    rom_degrees = forms.IntegerField(label="Degrees", min_value=0, max_value=360, required=False)
    rom_painful = forms.BooleanField(label="Pain on movement", required=False)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("rom_movement")) != (cleaned.get("rom_degrees") is not None):
            self.add_error("rom_degrees", "Give the movement and its degrees together.")
        return cleaned

    def finish_data(self) -> dict:
        data = {
            "pain_after": self.cleaned_data["pain_after"],
            "global_impression": self.cleaned_data["global_impression"],
        }
        if self.cleaned_data.get("rom_movement"):
            data["range_of_motion"] = [
                {
                    "movement": self.cleaned_data["rom_movement"],
                    "side": self.cleaned_data["rom_side"],
                    "degrees": self.cleaned_data["rom_degrees"],
                    "painful": self.cleaned_data["rom_painful"],
                }
            ]
        return data


class NoteForm(CleanTextMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    subjective = forms.CharField(
        label="S — Subjective", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE_SECTION
    )
    objective = forms.CharField(
        label="O — Objective", widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=NOTE_SECTION
    )
    assessment = forms.CharField(
        label="A — Assessment", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE_SECTION
    )
    plan = forms.CharField(
        label="P — Plan", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE_SECTION
    )


class AmendForm(CleanTextMixin, forms.Form):
    subjective = forms.CharField(
        label="S — Subjective", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE_SECTION
    )
    objective = forms.CharField(
        label="O — Objective", widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=NOTE_SECTION
    )
    assessment = forms.CharField(
        label="A — Assessment", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE_SECTION
    )
    plan = forms.CharField(
        label="P — Plan", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE_SECTION
    )
    reason = forms.CharField(label="Reason for the amendment", max_length=300)
