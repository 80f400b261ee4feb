from django import forms

from knotwork.core.forms import CleanTextMixin
from knotwork.webhooks.models import Event


class EndpointForm(CleanTextMixin, forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/knotwork-events", "size": 60}),
        help_text="The address of the program that receives the events. It must start with https://.",
    )
    events = forms.MultipleChoiceField(
        choices=[(event.value, f"{event.label} ({event.value})") for event in Event],
        widget=forms.CheckboxSelectMultiple,
        label="Events to send",
        error_messages={
            "required": "Choose at least one event to send.",
            "invalid_choice": "Unknown event: %(value)s. Choose from the list.",
        },
    )
    description = forms.CharField(
        max_length=200, required=False, help_text="Which program this is, so you know what to switch off later."
    )
