"""Files for the document tests, made here (never downloaded): a small PDF, JPEG and PNG, and files that are not."""

import io

from PIL import Image


def pdf_bytes(text: str = "Referral letter") -> bytes:
    """A tiny, valid one-page PDF with a line of text."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def image_bytes(fmt: str = "PNG", size=(40, 30), color=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program cannot be run"
PDF_WITH_JAVASCRIPT = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n"
    b"2 0 obj << /S /JavaScript /JS (app.alert('hi')) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
HTML_PAGE = b"<!doctype html><html><script>alert(1)</script></html>"


def red_flag_referral(patient, by):
    """A medical referral opened by the safety screen: the intake answers one red-flag question yes."""
    from knotwork.assessment import services as assessment
    from knotwork.assessment.screening import get_ruleset

    ruleset = get_ruleset()
    red_flag = next(
        r for r in ruleset.rules if r.kind == "red_flag" and "any" in r.when and isinstance(r.when["any"][0], str)
    )
    answers = {q.id: False for q in ruleset.questions.values() if q.type == "yes_no"} | {red_flag.when["any"][0]: True}
    area = next(a for a in red_flag.applies_to if a != "any") if "any" not in red_flag.applies_to else "low_back"
    intake = assessment.start_intake(patient=patient, by=by)
    screen = assessment.submit_intake(
        intake=intake, chief_complaint="Low back pain", complaint_area=area, pain_now=6, answers=answers, by=by
    )
    return screen.referrals.get()
