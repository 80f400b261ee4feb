"""What a file really is, from its content: the one check every upload passes before it is stored.

A document is a PDF, a JPEG or a PNG, recognised by its first bytes (a PDF must start with `%PDF-`), never by its
name or the type the browser claims; an image must also open and verify with Pillow. Programs and scripts are
named in the refusal, whatever the file is called, and a PDF that carries active content (JavaScript, a launch
action, embedded files) is refused too. Django-free, so the same check serves the page, the API and the tests.
"""

import dataclasses
import hashlib
import io
import re
import unicodedata
import warnings

from PIL import Image, UnidentifiedImageError

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
LABELS = {PDF: "PDF", JPEG: "JPEG image", PNG: "PNG image"}
ACCEPTED = "PDF, JPEG or PNG"

# Images larger than this many pixels are refused before Pillow decodes them (a "decompression bomb").
MAX_IMAGE_PIXELS = 60_000_000

# Known kinds of file that are not documents, by their first bytes: named in the refusal so the person knows why.
_NOT_DOCUMENTS: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
    (b"\xfe\xed\xfa\xce", "a macOS program"),
    (b"\xfe\xed\xfa\xcf", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"#!", "a script"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a WebP image or a media file"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)
# PDF names that run something or carry files: a clinical document never needs them.
_ACTIVE_PDF = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|AA)\b")
_DOCUMENT_SUFFIX = re.compile(r"(\.(pdf|jpe?g|png))+$", re.IGNORECASE)
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


class RefusedFile(ValueError):
    """The file is not a document Knotwork keeps; the message says why, in words for the person uploading it."""


@dataclasses.dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def human_size(size: int) -> str:
    """Bytes as a person says them: 812 KB, 12.4 MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def sniff(content: bytes) -> str | None:
    """The accepted type the first bytes show, or None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def _what_it_is(content: bytes) -> str:
    head = content[:512].lstrip()
    for magic, name in _NOT_DOCUMENTS:
        if content.startswith(magic):
            return name
    if head[:1] == b"<":
        return "a web page or SVG drawing"
    if b"%PDF-" in content[:1024]:
        return "a PDF with something hidden before its start"
    return "not a PDF, JPEG or PNG file"


def _check_image(content: bytes, content_type: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content)) as image:
                found = {"JPEG": JPEG, "PNG": PNG}.get(image.format or "")
                width, height = image.size
                if found != content_type:
                    raise RefusedFile("The image is damaged or not what its first bytes say; save it again and retry.")
                if width * height > MAX_IMAGE_PIXELS:
                    raise RefusedFile(
                        f"The image is {width} by {height} pixels; make it smaller than "
                        f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels."
                    )
                image.verify()
        except RefusedFile:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
            raise RefusedFile(
                f"The {LABELS[content_type]} could not be read ({type(error).__name__}); it may be damaged."
            ) from None


def check(content: bytes, *, max_bytes: int) -> CheckedFile:
    """Recognise a document by its content, or raise RefusedFile saying why it is not one."""
    size = len(content)
    if size == 0:
        raise RefusedFile("The file is empty.")
    if size > max_bytes:
        raise RefusedFile(f"The file is {human_size(size)}; a document can be at most {human_size(max_bytes)}.")
    content_type = sniff(content)
    if content_type is None:
        raise RefusedFile(f"Only {ACCEPTED} files can be added to the chart: this file is {_what_it_is(content)}.")
    if content_type == PDF:
        found = _ACTIVE_PDF.search(content)
        if found is not None:
            raise RefusedFile(
                f"This PDF contains active content (/{found.group(1).decode()}), "
                "which a clinical document never needs; print it to a new PDF (or scan it) and upload that."
            )
    else:
        _check_image(content, content_type)
    return CheckedFile(content_type=content_type, size=size, sha256=hashlib.sha256(content).hexdigest())


def safe_filename(name: str, *, extension: str, fallback: str = "document") -> str:
    """The name a download offers: no folders, no control or odd characters, at most 100 characters, and the
    extension of the type found in the content (a `.exe` that is really a PDF downloads as `.pdf`)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _DOCUMENT_SUFFIX.sub("", stem)  # "invoice.pdf.exe" is offered as "invoice.pdf", not "invoice.pdf.pdf"
    stem = _UNSAFE_NAME.sub("_", stem).strip(" ._-")[:100] or fallback
    return f"{stem}.{extension}"
