"""An amendment's diff: computed once when it is made, bounded in work, and only read by the note page."""

import difflib

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from knotwork.treatment import notediff, services
from knotwork.treatment.models import NoteRevision
from knotwork.treatment.tests.test_session import screened


def test_a_worked_example_of_an_amendment():
    old = "S: neck pain\n\nO: taut band, right upper trapezius\n\nA: improving\n\nP: review in 3 days"
    new = "S: neck pain\n\nO: taut band, right upper trapezius\nLTR on needling\n\nA: improving\n\nP: review in 4 days"
    assert notediff.line_diff(old, new) == [
        ["same", "S: neck pain"],
        ["same", ""],
        ["same", "O: taut band, right upper trapezius"],
        ["added", "LTR on needling"],
        ["same", ""],
        ["same", "A: improving"],
        ["same", ""],
        ["removed", "P: review in 3 days"],
        ["added", "P: review in 4 days"],
    ]


lines = st.lists(st.sampled_from(["a", "b", "c", "", "d e"]), max_size=30).map("\n".join)


@given(lines, lines)
def test_the_diff_turns_the_old_text_into_the_new(old, new):
    rows = notediff.line_diff(old, new)
    assert [line for kind, line in rows if kind != "added"] == old.splitlines()
    assert [line for kind, line in rows if kind != "removed"] == new.splitlines()


def test_past_the_bound_the_changed_middle_is_replaced_whole_without_searching_it(monkeypatch):
    def no_search(*args, **kwargs):
        raise AssertionError("the middle was searched past the bound")

    monkeypatch.setattr(difflib, "SequenceMatcher", no_search)
    old = "\n".join(["head", *(f"old {n}" for n in range(1_500)), "tail"])
    new = "\n".join(["head", *(f"new {n}" for n in range(1_500)), "tail"])
    rows = notediff.line_diff(old, new)
    assert rows[0] == ["same", "head"]
    assert rows[-1] == ["same", "tail"]
    assert [kind for kind, _ in rows[1:-1]] == ["removed"] * 1_500 + ["added"] * 1_500


@pytest.fixture
def long_amended_note(clinic_a, practitioner):
    """A signed note with two amendments of 10 000 characters each, the case that took half a minute a view."""
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    note = services.finish_session(session=session, by=practitioner, pain_after=3)
    note = services.save_note_draft(note=note, plan="Review", version=note.version, by=practitioner)
    services.sign_note(note=note, by=practitioner, version=note.version)
    services.amend_note(note=note, plan="ab" * 5_000, reason="Dictated plan", by=practitioner)
    services.amend_note(note=note, plan="ba" * 5_000, reason="Corrected plan", by=practitioner)
    return note


def test_each_amendment_stores_what_it_changed(long_amended_note):
    signed, first, second = NoteRevision.objects.filter(note=long_amended_note).order_by("number")
    assert signed.diff == []
    assert ["removed", "P: Review"] in first.diff
    assert ["added", "P: " + "ab" * 5_000] in first.diff
    assert second.diff[-2:] == [["removed", "P: " + "ab" * 5_000], ["added", "P: " + "ba" * 5_000]]


def test_the_note_page_shows_long_amendments_without_comparing_texts(
    practitioner_client, long_amended_note, monkeypatch
):
    calls = []
    monkeypatch.setattr(notediff, "line_diff", lambda *args: calls.append(args) or [])
    monkeypatch.setattr(difflib, "SequenceMatcher", lambda *args, **kwargs: calls.append(args))
    monkeypatch.setattr(difflib, "ndiff", lambda *args, **kwargs: calls.append(args) or iter(()))
    response = practitioner_client.get(reverse("treatment:note", args=[long_amended_note.session.public_id]))
    assert response.status_code == 200
    assert calls == []
    assert response.text.count('<span class="diff-added">+ P: ') == 2
