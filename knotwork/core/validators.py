"""One rule for typed text, wherever it comes in: forms, API schemas, imports and the models themselves.

Text may hold any printable character of any language. It may not hold control characters: a NUL byte
cannot be stored by PostgreSQL at all (and SQLite keeps it silently), and the others (bell, escape,
backspace...) are never typed by a person, only pasted or sent by a broken or hostile client. Multi-line
text keeps its tabs and line breaks; a single line keeps none. Lone surrogate code points are refused too:
they cannot be encoded as UTF-8, so no database could store them.

The limits below are the ones every free-text field uses, chosen so a clinician never meets them.
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
from pydantic import AfterValidator, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

# Character counts, not bytes.
LINE = 300  # a short answer on one line: a reason, a name of a movement
PARAGRAPH = 2_000  # a few sentences: what makes it better, medications, goals
LONG_TEXT = 10_000  # a page: a referral's result, a consent form's body section
NOTE_SECTION = 20_000  # one section (S, O, A or P) of a clinical note or of an amendment

# C0 controls, DEL, C1 controls and UTF-16 surrogates; multi-line text keeps tab, line feed and carriage return.
_MULTI_LINE_REFUSED = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
_SINGLE_LINE_REFUSED = "\x00-\x1f\x7f-\x9f\ud800-\udfff"
_MULTI_LINE = re.compile(f"[{_MULTI_LINE_REFUSED}]")
_SINGLE_LINE = re.compile(f"[{_SINGLE_LINE_REFUSED}]")

# The same rules as JSON Schema patterns (ECMA-262), so the API document tells clients what is refused.
MULTI_LINE_PATTERN = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF]*$"
SINGLE_LINE_PATTERN = r"^[^\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]*$"


def _describe(char: str) -> str:
    """Name a refused character by its code point (never by the text around it, which may be a patient's)."""
    if char in "\n\r":
        return "a line break"
    if char == "\t":
        return "a tab"
    if char == "\x00":
        return "a NUL byte (U+0000)"
    name = unicodedata.name(char, "")
    return f"an invisible control character (U+{ord(char):04X}{' ' + name if name else ''})"


@deconstructible
class TextValidator:
    """Refuse control characters; `multiline` text keeps tabs and line breaks."""

    code = "control_character"

    def __init__(self, multiline: bool = True) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str):
            return
        match = (_MULTI_LINE if self.multiline else _SINGLE_LINE).search(value)
        if match is None:
            return
        where = "This text" if self.multiline else "This line"
        raise ValidationError(
            "%(where)s contains %(char)s at character %(position)s. Remove it and try again.",
            code=self.code,
            params={"where": where, "char": _describe(match.group()), "position": match.start() + 1},
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((TextValidator, self.multiline))


validate_text = TextValidator(multiline=True)
validate_line = TextValidator(multiline=False)


def text_validators(max_length: int) -> list:
    """Validators of a multi-line model TextField: the model checks its own limit (a TextField does not)."""
    return [validate_text, MaxLengthValidator(max_length)]


def without_control_characters(value: str) -> str:
    """The text less the characters the multi-line rule refuses: to keep what was typed where it is not checked."""
    return _MULTI_LINE.sub("", value)


@deconstructible
class JSONTextValidator:
    """Bound a JSON value kept in a model: how many items, how long each text, and no control characters.

    Intake answers, a pain drawing or a list of activities come from forms and patient links; this keeps a
    hostile client from storing a megabyte or a NUL byte in them through a door a form does not guard.
    """

    code = "json_too_large"

    def __init__(self, max_items: int = 200, max_text: int = PARAGRAPH, max_depth: int = 4) -> None:
        self.max_items = max_items
        self.max_text = max_text
        self.max_depth = max_depth

    def __call__(self, value: Any) -> None:
        self._check(value, depth=0)

    def _check(self, value: Any, *, depth: int) -> None:
        if depth > self.max_depth:
            raise ValidationError("This answer is nested too deeply.", code=self.code)
        if isinstance(value, str):
            if len(value) > self.max_text:
                raise ValidationError(
                    "Keep each answer to %(limit)s characters or fewer.",
                    code=self.code,
                    params={"limit": self.max_text},
                )
            validate_text(value)
        elif isinstance(value, dict | list):
            if len(value) > self.max_items:
                raise ValidationError(
                    "Too many answers (at most %(limit)s).", code=self.code, params={"limit": self.max_items}
                )
            items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
            for key, item in items:
                if key is not None:
                    self._check(str(key), depth=depth + 1)
                self._check(item, depth=depth + 1)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JSONTextValidator) and (other.max_items, other.max_text, other.max_depth) == (
            self.max_items,
            self.max_text,
            self.max_depth,
        )

    def __hash__(self) -> int:
        return hash((JSONTextValidator, self.max_items, self.max_text, self.max_depth))


def _pydantic(validator: TextValidator):
    def check(value: str) -> str:
        try:
            validator(value)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None
        return value

    return check


@dataclass(frozen=True)
class _DocumentedPattern:
    """Show the rule in the API document as a JSON Schema pattern, beside the field's own limits."""

    pattern: str

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = self.pattern
        return json_schema


# For API schemas: `notes: Text = Field("", max_length=PARAGRAPH)`. Pydantic checks the rule itself, so a
# client reads the message above rather than "should match pattern"; the pattern documents it for clients.
Text = Annotated[str, AfterValidator(_pydantic(validate_text)), _DocumentedPattern(MULTI_LINE_PATTERN)]
Line = Annotated[str, AfterValidator(_pydantic(validate_line)), _DocumentedPattern(SINGLE_LINE_PATTERN)]
