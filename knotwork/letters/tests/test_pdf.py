"""The letter as a PDF: WeasyPrint draws the body map's colours (SVG presentation attributes) and the charts."""

import re
import zlib

import pytest

from knotwork.letters import selectors
from knotwork.letters.tests.factories import patient_with_course
from knotwork.reports.services import render_pdf

pytestmark = pytest.mark.django_db


def _drawing_operators(pdf: bytes) -> str:
    """The PDF's content streams, inflated, as text (where fill colours are set with `r g b rg`)."""
    text = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            text.append(zlib.decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            text.append(match.group(1).decode("latin-1"))
    return "\n".join(text)


def _rg(hex_colour: str) -> re.Pattern:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    numbers = [re.escape(f"{value:.6f}".rstrip("0").rstrip(".") or "0") for value in (r, g, b)]
    return re.compile(r"(?<![\d.])" + r"\s+".join(numbers) + r"\s+rg\b")


def test_the_pdf_fills_the_active_trigger_point_in_the_maps_red(clinic_a, practitioner, tmp_path):
    patient, plan = patient_with_course(clinic_a, practitioner)
    context = selectors.letter_context(patient=patient, kind="progress", author=practitioner, plan=plan)
    pdf = render_pdf("letters/letter_pdf.html", context, base_url="http://testserver/")
    (tmp_path / "letter.pdf").write_bytes(pdf)
    operators = _drawing_operators(pdf)
    assert _rg(selectors.MAP_COLOURS["active"]).search(operators), "the active trigger point is not filled red"
    assert _rg(selectors.MAP_COLOURS["silhouette"]).search(operators), "the body is not drawn"
