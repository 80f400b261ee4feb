"""One rule for typed text: no control characters, line breaks only where the text has lines, bounded JSON."""

import importlib

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from ninja import Field, Schema
from pydantic import ValidationError as PydanticValidationError

from knotwork.core.forms import CleanTextMixin
from knotwork.core.validators import (
    JSONTextValidator,
    Line,
    Text,
    TextValidator,
    validate_line,
    validate_text,
    without_control_characters,
)

# The apps whose forms take what people type; each of their text fields must be bounded and guarded.
FORM_APPS = ("assessment", "treatment", "followup", "outcomes", "patients", "plans", "scheduling", "clinics")


@pytest.mark.parametrize("text", ["Neck pain since March", "Nacken\u2013Schmerz", "首の痛み", "Café 😀", ""])
def test_printable_text_of_any_language_is_accepted(text):
    validate_line(text)
    validate_text(text)


def test_multi_line_text_keeps_tabs_and_line_breaks_a_single_line_does_not():
    validate_text("S: sore\r\n\tbetter after heat\n")
    with pytest.raises(ValidationError, match="a line break at character 5"):
        validate_line("sore\nbetter")
    with pytest.raises(ValidationError, match="a tab"):
        validate_line("sore\tbetter")


@pytest.mark.parametrize(
    ("char", "named"),
    [
        ("\x00", "a NUL byte \\(U\\+0000\\)"),
        ("\x07", "U\\+0007"),
        ("\x1b", "U\\+001B"),
        ("\x7f", "U\\+007F"),
        ("\x85", "U\\+0085"),
        ("\ud800", "U\\+D800"),
    ],
)
def test_control_characters_are_refused_with_their_code_point_and_position(char, named):
    with pytest.raises(ValidationError, match=f"This text contains .*{named}.* at character 4\\. Remove it"):
        validate_text(f"abc{char}def")


def test_the_message_never_repeats_the_text_it_refuses():
    with pytest.raises(ValidationError) as caught:
        validate_text("Jane Doe, DOB 1970-01-01\x00")
    assert "Jane" not in caught.value.messages[0]


@given(st.text())
def test_without_control_characters_leaves_text_the_rule_accepts(text):
    validate_text(without_control_characters(text))


def test_validators_compare_by_rule_so_migrations_stay_quiet():
    assert TextValidator(multiline=True) == validate_text
    assert TextValidator(multiline=False) != validate_text
    assert JSONTextValidator(max_text=300) == JSONTextValidator(max_text=300)


def test_json_answers_are_bounded_in_size_count_and_characters():
    rule = JSONTextValidator(max_items=3, max_text=10)
    rule({"q1": True, "q2": 4, "q3": "ok"})
    rule([{"region": "neck", "intensity": 5}])
    with pytest.raises(ValidationError, match="10 characters or fewer"):
        rule({"q1": "x" * 11})
    with pytest.raises(ValidationError, match="at most 3"):
        rule(["a", "b", "c", "d"])
    with pytest.raises(ValidationError, match="NUL"):
        rule({"q1": "a\x00"})
    with pytest.raises(ValidationError, match="NUL"):
        rule({"q\x00": "a"})
    with pytest.raises(ValidationError, match="nested too deeply"):
        rule([[[[[["deep"]]]]]])


class _NoteIn(Schema):
    text: Text = Field("", max_length=20)
    line: Line | None = Field(None, max_length=10)


def test_api_schemas_refuse_control_characters_with_the_same_message():
    assert _NoteIn(text="a\nb\tc", line="plain").text == "a\nb\tc"
    with pytest.raises(PydanticValidationError, match="contains a NUL byte"):
        _NoteIn(text="a\x00")
    with pytest.raises(PydanticValidationError, match="contains a line break"):
        _NoteIn(line="a\nb")
    with pytest.raises(PydanticValidationError, match="at most 20 characters"):
        _NoteIn(text="x" * 21)
    with pytest.raises(PydanticValidationError, match="at most 10"):
        _NoteIn(line="x" * 11)


def test_api_schemas_document_the_rule_and_the_limit():
    properties = _NoteIn.model_json_schema()["properties"]
    assert properties["text"]["maxLength"] == 20
    assert properties["text"]["pattern"].startswith("^[^\\u0000-\\u0008")
    line = properties["line"]["anyOf"][0]
    assert (line["maxLength"], line["pattern"]) == (10, "^[^\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]*$")


class _VisitForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(max_length=50)
    notes = forms.CharField(max_length=500, widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["added_later"] = forms.CharField(max_length=50, required=False)


def test_forms_refuse_control_characters_once_per_field_and_keep_line_breaks_in_textareas():
    form = _VisitForm({"reason": "Neck\x00", "notes": "line one\r\nline two\tok", "added_later": "bell\x07"})
    assert not form.is_valid()
    assert form.errors["reason"] == ["This line contains a NUL byte (U+0000) at character 5. Remove it and try again."]
    assert "U+0007" in form.errors["added_later"][0]
    assert "notes" not in form.errors


def _form_classes():
    for app in FORM_APPS:
        module = importlib.import_module(f"knotwork.{app}.forms")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                yield value


def test_every_form_of_the_clinical_apps_guards_its_text():
    unguarded = [cls.__qualname__ for cls in _form_classes() if not issubclass(cls, CleanTextMixin)]
    assert not unguarded, f"Add CleanTextMixin to {unguarded}"


def test_every_free_text_field_of_the_clinical_apps_has_a_length_limit():
    unbounded = [
        f"{cls.__module__}.{cls.__qualname__}.{name}"
        for cls in _form_classes()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.CharField)
        and field.max_length is None
        and not isinstance(field.widget, forms.MultipleHiddenInput)
        and name not in ("region", "view")  # the body map's hidden fields, checked against the atlas
    ]
    assert not unbounded, f"Give these fields a max_length: {unbounded}"
