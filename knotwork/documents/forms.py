from django import forms

from knotwork.core.forms import CleanTextMixin
from knotwork.core.validators import LINE, LONG_TEXT
from knotwork.documents.filetypes import human_size
from knotwork.documents.models import UPLOAD_KINDS

# The upload form's field ids on the chart's card (apart from those of the documents page's own form).
CHART_FORM_IDS = "chart_doc_%s"


class UploadForm(CleanTextMixin, forms.Form):
    """A document for the chart. The file's type is checked by the service from its content, not here."""

    file = forms.FileField(
        label="File",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )
    kind = forms.ChoiceField(label="What is it", choices=[("", "Choose…"), *UPLOAD_KINDS])
    title = forms.CharField(
        label="Title", max_length=200, required=False, help_text="For example: MRI lumbar spine, 3 March."
    )
    referral = forms.ChoiceField(
        label="Answers the medical referral",
        required=False,
        help_text="Choose the referral this document answers: the referral is closed with it.",
    )
    result = forms.CharField(
        label="What the result says",
        max_length=LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded on the referral; without it the referral points to this document.",
    )

    def __init__(self, *args, referrals=(), max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.referrals = {str(r.public_id): r for r in referrals}
        self.fields["file"].help_text = f"PDF, JPEG or PNG, at most {human_size(max_bytes)}."
        if self.referrals:
            self.fields["referral"].choices = [("", "None")] + [
                (key, f"{r.get_kind_display()}: {r.what} ({r.get_status_display().lower()})")
                for key, r in self.referrals.items()
            ]
        else:
            del self.fields["referral"]
            del self.fields["result"]

    def clean_referral(self):
        value = self.cleaned_data.get("referral") or ""
        return self.referrals.get(value)


class WithdrawForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label="Why withdraw it", max_length=LINE, help_text="For example: filed on the wrong chart; a duplicate."
    )
