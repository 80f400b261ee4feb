from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

from knotwork.core.validators import TextValidator, validate_line, validate_text

# A single-line field this long or longer is free text, and its form shows the limit; shorter ones (a name, a
# postal code) only stop typing at their limit.
LENGTH_HINT_FROM = 200


class KnotworkBoundField(BoundField):
    """A field as the one field template shows it: with its length limit when it is free text."""

    @property
    def length_limit(self) -> int | None:
        max_length = getattr(self.field, "max_length", None)
        if max_length is None or self.is_hidden:
            return None
        if isinstance(self.field.widget, forms.Textarea) or max_length >= LENGTH_HINT_FROM:
            return max_length
        return None

    @property
    def length_hint(self) -> str:
        return f"Up to {self.length_limit:,} characters." if self.length_limit else ""

    @property
    def aria_describedby(self) -> str | None:
        # The hint lives in the help element, so a screen reader reads it even when the field has no help text.
        described = super().aria_describedby
        if described is None or self.help_text or not self.length_limit or not self.auto_id or self.use_fieldset:
            return described
        return f"{self.auto_id}_helptext {described}".strip()


class KnotworkFormRenderer(TemplatesSetting):
    """Render every form through one field template, so every error reads the same."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = KnotworkBoundField


class CleanTextMixin:
    """Refuse control characters in every text field of the form, with the one message of core.validators.

    Multi-line fields (a textarea) keep tabs and line breaks; every other text field, hidden ones included,
    is a single line. Fields added in a form's own __init__ are covered too: the rule is attached on cleaning.
    """

    def full_clean(self) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                rule = validate_text if isinstance(field.widget, forms.Textarea) else validate_line
                # Django's own NUL check would say the same thing a second time.
                others = [
                    v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator | TextValidator)
                ]
                field.validators = [rule, *others]
        super().full_clean()


def add_service_errors(form, error) -> None:
    """Show a service's ValidationError on the form: field errors by field, anything else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)
