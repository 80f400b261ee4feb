"""An amendment's diff: computed once when it is made, bounded in work, and only read by the note page."""

import difflib
import time

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
    assert [kind for kind, _ in rows[1:-1]] == ["removed"] * 201 + ["added"] * 201
    assert rows[1:3] == [["removed", "old 0"], ["removed", "old 1"]]
    assert rows[201] == ["removed", "… 1,300 more removed lines not shown"]
    assert rows[-2] == ["added", "… 1,300 more added lines not shown"]


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


def test_a_short_change_in_a_long_note_keeps_its_context_and_skips_the_rest():
    old = [f"line {n}" for n in range(3_000)]
    new = [*old[:1_500], "line 1500 corrected", *old[1_501:]]
    rows = notediff.line_diff("\n".join(old), "\n".join(new))
    assert rows == [
        ["same", "… 1,497 unchanged lines not shown"],
        ["same", "line 1497"],
        ["same", "line 1498"],
        ["same", "line 1499"],
        ["removed", "line 1500"],
        ["added", "line 1500 corrected"],
        ["same", "line 1501"],
        ["same", "line 1502"],
        ["same", "line 1503"],
        ["same", "… 1,496 unchanged lines not shown"],
    ]


def test_a_very_long_amendment_is_made_quickly_and_stores_a_bounded_diff(clinic_a, practitioner):
    """Every section at its limit, each of thousands of short lines, all of them changed: well under a second."""
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    note = services.finish_session(session=session, by=practitioner, pain_after=3)
    long = {f: "\n".join(f"{f[0]}{n:04}" for n in range(2_800)) for f in services.SOAP}  # 16 800 characters
    note = services.save_note_draft(note=note, version=note.version, by=practitioner, **long)
    services.sign_note(note=note, by=practitioner, version=note.version)
    changed = {f: "\n".join(f"{f[0]}{n:04}x" for n in range(2_800)) for f in services.SOAP}  # every line
    started = time.perf_counter()
    revision = services.amend_note(note=note, reason="Dictation corrected", by=practitioner, **changed)
    assert time.perf_counter() - started < 2  # the quadratic diff took 24-31 s
    revision.refresh_from_db()
    assert len(revision.diff) < 2 * (notediff.MAX_BLOCK_LINES + 1) + notediff.MAX_STORED_ROWS
    assert ["removed", "S: s0000"] in revision.diff
    assert ["added", "S: s0000x"] in revision.diff
    assert any(line.endswith("more removed lines not shown") for kind, line in revision.diff if kind == "removed")
    assert revision.plan == changed["plan"]  # the version itself keeps the whole text


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
