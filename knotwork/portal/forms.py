"""The patient's forms on their care page: moving or cancelling a visit, signing the consent forms at once."""

import datetime

from django import forms

from knotwork.core.forms import CleanTextMixin


class MoveVisitForm(forms.Form):
    """One of the free times offered, chosen by tapping it."""

    starts_at = forms.ChoiceField(label="Choose a new time", widget=forms.RadioSelect)

    def __init__(self, *args, slots: list[datetime.datetime], tz, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {slot.isoformat(): slot for slot in slots}
        self.fields["starts_at"].choices = [(key, f"{slot.astimezone(tz):%H:%M}") for key, slot in self.slots.items()]
        self.fields["starts_at"].error_messages["invalid_choice"] = (
            "That time is no longer free: choose another one from the list."
        )

    def clean_starts_at(self) -> datetime.datetime:
        return self.slots[self.cleaned_data["starts_at"]]


class CancelReason:
    CHOICES = [
        ("unwell", "I am unwell"),
        ("cannot_make_it", "I cannot make it at that time"),
        ("better", "I feel better and do not need it"),
        ("elsewhere", "I am being treated elsewhere"),
        ("other", "Another reason"),
    ]


class CancelVisitForm(CleanTextMixin, forms.Form):
    reason = forms.ChoiceField(label="Why are you cancelling?", choices=CancelReason.CHOICES, widget=forms.RadioSelect)
    details = forms.CharField(
        label="Anything the clinic should know (optional)",
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def reason_text(self) -> str:
        label = dict(CancelReason.CHOICES)[self.cleaned_data["reason"]]
        details = " ".join(self.cleaned_data["details"].split())
        return f"Cancelled by the patient on their care page: {label}" + (f" ({details})" if details else "")


class ConsentPacketForm(CleanTextMixin, forms.Form):
    """Each consent form's own "I agree" (with the fingerprint of the text shown), then one name and signature."""

    signed_name = forms.CharField(label="Type your full name", max_length=200)
    signature = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100_000)

    def __init__(self, *args, items: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            technique = item["technique"]
            self.fields[f"agree_{technique}"] = forms.BooleanField(
                label=f"I have read “{item['form'].title}”, had the chance to ask questions, and agree.",
                required=True,
                error_messages={"required": "Tick this box to agree to this form, or call the clinic with questions."},
            )
            self.fields[f"shown_{technique}"] = forms.CharField(
                widget=forms.HiddenInput, max_length=64, initial=item["version"].body_hash
            )
            item["agree_field"] = f"agree_{technique}"
            item["shown_field"] = f"shown_{technique}"

    def shown(self) -> dict[str, str]:
        return {
            item["technique"]: self.cleaned_data[item["shown_field"]]
            for item in self.items
            if self.cleaned_data.get(item["agree_field"])
        }

    def bound_items(self) -> list[dict]:
        return [item | {"agree": self[item["agree_field"]], "shown": self[item["shown_field"]]} for item in self.items]
