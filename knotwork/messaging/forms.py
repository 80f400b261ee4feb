from django import forms

from knotwork.core.forms import CleanTextMixin
from knotwork.messaging import merge
from knotwork.messaging.models import MESSAGE_BODY


class MessageTemplateForm(CleanTextMixin, forms.Form):
    """The owner's words for one kind of message; the merge fields are checked against those the kind offers."""

    subject = forms.CharField(label="Subject", max_length=200, help_text="Also the first line of a text message.")
    body = forms.CharField(label="Message", max_length=MESSAGE_BODY, widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = merge.KIND_FIELDS[kind]

    def _merge_text(self, value: str) -> str:
        problems = merge.problems(value, self.allowed)
        if problems:
            raise forms.ValidationError(problems)
        return value

    def clean_subject(self):
        return self._merge_text(self.cleaned_data["subject"])

    def clean_body(self):
        return self._merge_text(self.cleaned_data["body"])
