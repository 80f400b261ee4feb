from django import forms

from knotwork.fhir.questionnaire import MAX_BYTES
from knotwork.fhir.resources import EXPORT_TYPES
from knotwork.outcomes.models import LICENSED, Instrument


class ExportForm(forms.Form):
    types = forms.MultipleChoiceField(
        label="Resource types",
        choices=[(t, t) for t in EXPORT_TYPES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to export every type.",
    )


class QuestionnaireUploadForm(forms.Form):
    instrument = forms.ChoiceField(choices=[(i.value, Instrument(i).label) for i in LICENSED])
    file = forms.FileField(
        label="FHIR Questionnaire (JSON)",
        help_text="The Questionnaire resource your licence holder gave you, as FHIR JSON (a Bundle holding one works).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size // 1024} KB; a Questionnaire is at most {MAX_BYTES // 1024} KB."
            )
        return upload
