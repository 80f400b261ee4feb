from django.forms.renderers import TemplatesSetting


class KnotworkFormRenderer(TemplatesSetting):
    """Render every form through one field template, so every error reads the same."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def add_service_errors(form, error) -> None:
    """Show a service's ValidationError on the form: field errors by field, anything else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)
