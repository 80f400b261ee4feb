"""The content check every upload passes: what a file is comes from its bytes, never its name."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotwork.documents import filetypes
from knotwork.documents.filetypes import RefusedFile, check, safe_filename
from knotwork.documents.tests.factories import HTML_PAGE, PDF_WITH_JAVASCRIPT, WINDOWS_PROGRAM, image_bytes, pdf_bytes

MB = 1024 * 1024


def test_a_pdf_jpeg_and_png_are_recognised_by_their_content():
    assert check(pdf_bytes(), max_bytes=MB).content_type == "application/pdf"
    assert check(image_bytes("JPEG"), max_bytes=MB).content_type == "image/jpeg"
    assert check(image_bytes("PNG"), max_bytes=MB).content_type == "image/png"


def test_the_digest_and_size_are_of_the_content():
    content = pdf_bytes()
    checked = check(content, max_bytes=MB)
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (WINDOWS_PROGRAM, "this file is a Windows program"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "this file is a Linux program"),
        (b"#!/bin/sh\nrm -rf /\n", "this file is a script"),
        (HTML_PAGE, "this file is a web page or SVG drawing"),
        (b"PK\x03\x04" + b"\x00" * 30, "ZIP archive"),
        (b"GIF89a" + b"\x00" * 30, "a GIF image"),
        (b"Dear Dr Smith, please see", "not a PDF, JPEG or PNG file"),
        (b"junk%PDF-1.4\n", "a PDF with something hidden before its start"),
    ],
)
def test_anything_else_is_refused_saying_what_it_is(content, said):
    with pytest.raises(RefusedFile, match="Only PDF, JPEG or PNG files") as refused:
        check(content, max_bytes=MB)
    assert said in str(refused.value)


def test_a_pdf_with_javascript_is_refused():
    with pytest.raises(RefusedFile, match=r"active content \(/JavaScript\)"):
        check(PDF_WITH_JAVASCRIPT, max_bytes=MB)


def test_an_image_that_does_not_verify_is_refused():
    broken = image_bytes("PNG")[:40]  # the header of a PNG, and then nothing
    with pytest.raises(RefusedFile, match="PNG image could not be read"):
        check(broken, max_bytes=MB)


def test_a_png_header_on_a_jpeg_is_refused():
    jpeg = image_bytes("JPEG")
    with pytest.raises(RefusedFile):
        check(b"\x89PNG\r\n\x1a\n" + jpeg, max_bytes=MB)


def test_a_huge_image_is_refused_before_it_is_decoded(monkeypatch):
    monkeypatch.setattr(filetypes, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(RefusedFile, match="make it smaller"):
        check(image_bytes("PNG", size=(20, 20)), max_bytes=MB)


def test_an_empty_file_and_a_file_over_the_limit_are_refused():
    with pytest.raises(RefusedFile, match=r"The file is empty\."):
        check(b"", max_bytes=MB)
    with pytest.raises(RefusedFile, match=r"The file is 2 MB; a document can be at most 1 MB\."):
        check(b"%PDF-" + b"0" * (2 * MB - 5), max_bytes=MB)


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("MRI lumbar spine.pdf", "pdf", "MRI lumbar spine.pdf"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("C:\\Users\\desk\\scan 3.jpeg", "jpg", "scan 3.jpg"),
        ("invoice.pdf.exe", "pdf", "invoice.pdf"),
        ("Zoë's <script>.png", "png", "Zoe_s _script.png"),
        ("...", "pdf", "document.pdf"),
        ("", "png", "document.png"),
    ],
)
def test_file_names_are_sanitised(name, extension, expected):
    assert safe_filename(name, extension=extension) == expected


@given(st.text(max_size=300))
def test_a_sanitised_name_never_has_a_folder_or_a_control_character(name):
    clean = safe_filename(name, extension="pdf")
    assert "/" not in clean
    assert "\\" not in clean
    assert all(c.isalnum() or c in "._ -" for c in clean)
    assert clean.endswith(".pdf")
    assert len(clean) <= 104
    assert not clean.startswith(".")
