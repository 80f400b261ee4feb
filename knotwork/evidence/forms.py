from django import forms

from knotwork.evidence.models import EvidenceSettings


class PeriodForm(forms.Form):
    """Which period's figures to show; the choices are the periods the clinic has summaries for."""

    period = forms.ChoiceField(label="Period")

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = choices


class EvidenceSettingsForm(forms.ModelForm):
    class Meta:
        model = EvidenceSettings
        fields = ["minimum_count", "pooled"]
