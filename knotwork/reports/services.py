"""Render a template to PDF with WeasyPrint, using the same stylesheet as the pages."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs (Pango) are missing."""


def render_pdf(template: str, context: dict, *, base_url: str) -> bytes:
    try:
        from weasyprint import CSS, HTML  # noqa: PLC0415 (optional at run time: without Pango, PDFs say so)
    except (ImportError, OSError) as error:  # OSError: Pango and friends are not installed
        raise PdfUnavailable(
            "PDF export needs WeasyPrint's system libraries "
            "(on Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0)."
        ) from error
    html = render_to_string(template, context)
    stylesheets = [CSS(filename=finders.find("css/knotwork.css")), CSS(filename=finders.find("css/print.css"))]
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=stylesheets)
