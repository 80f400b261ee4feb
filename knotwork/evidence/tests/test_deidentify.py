"""Pseudonyms, date offsets, age bands and the k-anonymity ladder (pure: no database)."""

import random
from collections import defaultdict

import pytest

from knotwork.evidence import deidentify

SECRET = b"test secret"


def test_a_person_keeps_one_pseudonym_and_one_date_offset_which_is_never_zero():
    assert deidentify.pseudonym(SECRET, "a") == deidentify.pseudonym(SECRET, "a")
    assert deidentify.pseudonym(SECRET, "a") != deidentify.pseudonym(b"other secret", "a")
    offsets = {deidentify.date_offset(SECRET, str(n)) for n in range(500)}
    assert 0 not in offsets
    assert min(offsets) >= -deidentify.MAX_SHIFT_DAYS
    assert max(offsets) <= deidentify.MAX_SHIFT_DAYS
    assert len(offsets) > 100  # spread, not a constant shift anyone could undo


@pytest.mark.parametrize(
    ("age", "width", "band"),
    [(5, 10, "0-17"), (18, 10, "18-19"), (34, 10, "30-39"), (34, 20, "20-39"), (89, 10, "80-89"), (95, 10, "90+")],
)
def test_ages_are_banded(age, width, band):
    assert deidentify.age_band(age, width=width) == band


def _rows(n: int, seed: int = 1) -> list[deidentify.RawQuasi]:
    rng = random.Random(seed)
    return [
        deidentify.RawQuasi(
            person=f"p{rng.randrange(n)}",
            age=rng.randrange(18, 95),
            sex=rng.choice(["female", "male", "other", "unknown"]),
            city=rng.choice(["Denver", "Aurora", "Lakewood", "Boulder", "Golden"]),
            region="CO",
            year=rng.choice([2023, 2024, 2025, 2026]),
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize(("n", "k"), [(40, 5), (400, 5), (3000, 5), (400, 10)])
def test_no_group_of_the_quasi_identifiers_holds_fewer_than_k_people(n, k):
    rows = _rows(n)
    result = deidentify.k_anonymise(rows, k=k)
    people = defaultdict(set)
    for row, key in zip(rows, result.keys, strict=True):
        if key is not None:
            people[key].add(row.person)
    assert all(len(group) >= k for group in people.values())
    assert result.suppressed == sum(1 for key in result.keys if key is None)


def test_a_small_export_is_generalised_further_than_a_large_one():
    small = deidentify.k_anonymise(_rows(60), k=5)
    large = deidentify.k_anonymise(_rows(6000), k=5)
    levels = [level.name for level in deidentify.LADDER]
    assert levels.index(small.level.name) > levels.index(large.level.name)


def test_k_must_be_positive():
    with pytest.raises(ValueError, match="k must be"):
        deidentify.k_anonymise(_rows(10), k=0)
