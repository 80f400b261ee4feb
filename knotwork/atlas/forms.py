from django import forms

from knotwork.atlas.catalog import GROUPS, QUALITIES, get_atlas
from knotwork.atlas.models import REGION_MAX_LENGTH, BodyView


def region_choices() -> list[tuple[str, str]]:
    regions = sorted(get_atlas().regions.values(), key=lambda r: (r.name, r.side or ""))
    return [(r.id, r.label.capitalize()) for r in regions]


def muscle_choices() -> list[tuple[str, str]]:
    muscles = sorted(get_atlas().muscles.values(), key=lambda m: m.name)
    return [("", "Choose a muscle"), *((m.id, m.name) for m in muscles)]


class MapPositionForm(forms.Form):
    """Where a click on the body map landed (static/js/site-picker.js fills these hidden fields): the form side of
    the `MapPosition` models, with the same limits."""

    region = forms.CharField(widget=forms.HiddenInput, required=False, max_length=REGION_MAX_LENGTH)
    view = forms.ChoiceField(widget=forms.HiddenInput, required=False, choices=[("", ""), *BodyView.choices])
    x = forms.FloatField(widget=forms.HiddenInput, required=False)
    y = forms.FloatField(widget=forms.HiddenInput, required=False)


class MuscleSearchForm(forms.Form):
    q = forms.CharField(label="Muscle name", required=False, max_length=100)
    region = forms.ChoiceField(label="Body region", required=False)
    group = forms.ChoiceField(label="Part of the body", required=False, choices=[("", "Any"), *GROUPS.items()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Any region"), *region_choices()]


class AddRegionForm(forms.Form):
    """The list alternative to painting: add one region to the drawing by keyboard or screen reader."""

    add = forms.ChoiceField(label="Region", widget=forms.Select(attrs={"form": "drawing-form"}))
    add_intensity = forms.IntegerField(
        label="Intensity (0 to 10)",
        min_value=0,
        max_value=10,
        initial=5,
        widget=forms.NumberInput(attrs={"form": "drawing-form"}),
    )
    add_quality = forms.ChoiceField(
        label="Quality",
        choices=[(q, q.capitalize()) for q in QUALITIES],
        widget=forms.Select(attrs={"form": "drawing-form"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["add"].choices = region_choices()
