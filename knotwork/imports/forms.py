from django import forms

from knotwork.imports.services import DATE_ORDERS
from knotwork.imports.sources import FIELDS, MAX_BYTES, REQUIRED


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Export file",
        help_text="A CSV export of your patients (Cliniko, Jane or a spreadsheet), or a FHIR Patient bundle (JSON). "
        f"At most {MAX_BYTES // (1024 * 1024)} MB.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size // (1024 * 1024)} MB; split it into files of at most "
                f"{MAX_BYTES // (1024 * 1024)} MB."
            )
        return upload


class MappingForm(forms.Form):
    """One choice per Knotwork field: which column of the file fills it (preset from the column names)."""

    date_order = forms.ChoiceField(
        label="Dates with slashes are written",
        choices=list(DATE_ORDERS.items()),
        help_text="Dates like 1984-03-31 are read either way.",
    )

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "(not in the file)")] + [(header, header) for header in headers]
        for field, label in FIELDS.items():
            self.fields[field] = forms.ChoiceField(label=label, choices=choices, required=field in REQUIRED)
        self.order_fields([*FIELDS, "date_order"])

    def mapping(self) -> dict[str, str]:
        return {field: self.cleaned_data[field] for field in FIELDS if self.cleaned_data.get(field)}


class ConfirmForm(forms.Form):
    good_rows_only = forms.BooleanField(
        label="Import the good rows only, and leave the rows with problems out",
        required=False,
    )
