from django.forms.renderers import TemplatesSetting


class KnotworkFormRenderer(TemplatesSetting):
    """Render every form through one field template, so every error reads the same."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
