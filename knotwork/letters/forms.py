from django import forms

from knotwork.core.forms import CleanTextMixin
from knotwork.core.validators import PARAGRAPH
from knotwork.letters import merge
from knotwork.letters.models import Delivery


class ComposeForm(CleanTextMixin, forms.Form):
    """The practitioner's part of a letter: which course it reports on, the plan, and how it goes out."""

    plan = forms.ChoiceField(label="Course of treatment", required=False)
    next_steps = forms.CharField(
        label="Plan and recommendations",
        required=False,
        max_length=PARAGRAPH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happens next, in your words; left empty, the letter quotes the plan's notes.",
    )
    delivery = forms.ChoiceField(label="Send it", choices=Delivery.choices, widget=forms.RadioSelect)

    def __init__(self, *args, plans=(), referrer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = {str(p.public_id): p for p in plans}
        self.fields["plan"].choices = [
            (key, f"Course from {p.starts_on:%d %b %Y} ({p.get_status_display().lower()})")
            for key, p in self.plans.items()
        ] or [("", "No course yet")]
        if referrer is not None and referrer.email:
            self.fields["delivery"].choices = [
                (Delivery.EMAIL, f"Email it to {referrer.name} ({referrer.email})"),
                (Delivery.PRINT, Delivery.PRINT.label),
            ]
            self.initial.setdefault("delivery", Delivery.EMAIL)
        else:
            self.fields["delivery"].choices = [(Delivery.PRINT, Delivery.PRINT.label)]
            self.initial.setdefault("delivery", Delivery.PRINT)
            self.fields["delivery"].help_text = (
                "No email address on file for the referring clinician: add one on the referrer's page to email it."
                if referrer is not None
                else "No referring clinician on file: the letter is addressed to the treating clinician."
            )

    def clean_plan(self):
        return self.plans.get(self.cleaned_data.get("plan") or "")


def _merge_text(value: str) -> str:
    problems = merge.problems(value)
    if problems:
        raise forms.ValidationError(problems)
    return value


class TemplateForm(CleanTextMixin, forms.Form):
    subject = forms.CharField(label="Subject", max_length=200)
    opening = forms.CharField(label="Opening", max_length=PARAGRAPH, widget=forms.Textarea(attrs={"rows": 6}))
    closing = forms.CharField(label="Closing", max_length=PARAGRAPH, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_subject(self):
        return _merge_text(self.cleaned_data["subject"])

    def clean_opening(self):
        return _merge_text(self.cleaned_data["opening"])

    def clean_closing(self):
        return _merge_text(self.cleaned_data["closing"])
