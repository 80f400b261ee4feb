"""De-identification for the research export: pseudonyms, shifted dates, age bands, k-anonymity. No Django.

The quasi-identifiers are the fields someone could link to another source to find a person: age band, sex, area
and period. Every row of the export falls in a group of rows sharing all four; k-anonymity means every such group
holds at least k different people. We get there by generalising the four fields one step at a time (a ladder,
lowest level first) and suppressing the rows that are still in a group under k at the level chosen.
"""

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

QUASI_IDENTIFIERS = ("age_band", "sex", "area", "period")
MAX_SHIFT_DAYS = 182  # every date of one person moves by the same number of days, up to half a year either way
TOP_AGE = 90  # ages from here are one band ("90+"), as HIPAA's safe harbour asks
SUPPRESSION_BUDGET = 0.05  # the lowest level whose suppressed rows stay under this share is chosen


def pseudonym(secret: bytes, key: str) -> str:
    """A stable, secret-keyed stand-in for a person or record id (HMAC-SHA256, 16 hex characters)."""
    return hmac.new(secret, f"id:{key}".encode(), hashlib.sha256).hexdigest()[:16]


def date_offset(secret: bytes, key: str, *, span: int = MAX_SHIFT_DAYS) -> int:
    """The person's date offset in days, -span..span and never 0, the same for every date of the person."""
    digest = hmac.new(secret, f"shift:{key}".encode(), hashlib.sha256).digest()
    offset = int.from_bytes(digest[:4], "big") % (2 * span) - span  # -span..span-1
    return offset or span  # an unshifted date would be an exact date


def age_band(age: int, *, width: int = 10) -> str:
    """'30-39' for 34 with width 10; '90+' from TOP_AGE; '0-17' for children whatever the width."""
    if age < 0:
        raise ValueError(f"An age of {age} is impossible.")
    if age >= TOP_AGE:
        return f"{TOP_AGE}+"
    if age < 18:
        return "0-17"
    low = max(age - age % width, 18)  # adults only: 18-19 is its own short band
    high = min(age - age % width + width - 1, TOP_AGE - 1)
    return f"{low}-{high}"


@dataclass(frozen=True)
class Level:
    """One rung of the ladder: how each quasi-identifier is written from the row's raw values."""

    name: str
    age_band: Callable[[int], str]
    sex: Callable[[str], str]
    area: Callable[[str, str], str]  # (city, region)
    period: Callable[[int], str]  # the year


def _sex(value: str) -> str:
    return value if value in ("female", "male") else "other or not stated"


def _two_years(year: int) -> str:
    first = year - year % 2
    return f"{first}-{first + 1}"


LADDER: tuple[Level, ...] = (
    Level("age 10 y, sex, city, year", age_band, str, lambda city, region: city or region or "*", str),
    Level("age 10 y, sex, region, year", age_band, str, lambda city, region: region or "*", str),
    Level(
        "age 20 y, sex, region, year",
        lambda age: age_band(age, width=20),
        str,
        lambda city, region: region or "*",
        str,
    ),
    Level(
        "age 20 y, sex, region, two years",
        lambda age: age_band(age, width=20),
        _sex,
        lambda city, region: region or "*",
        _two_years,
    ),
    Level(
        "age 20 y, region, two years",
        lambda age: age_band(age, width=20),
        lambda sex: "*",
        lambda city, region: region or "*",
        _two_years,
    ),
    Level("region only", lambda age: "*", lambda s: "*", lambda city, region: region or "*", lambda year: "*"),
    Level("nothing", lambda age: "*", lambda s: "*", lambda city, region: "*", lambda year: "*"),
)


@dataclass(frozen=True)
class RawQuasi:
    """A row's quasi-identifiers before generalisation (never written out as they are)."""

    person: str  # the pseudonym: k counts different people, not rows
    age: int
    sex: str
    city: str
    region: str
    year: int


def generalise(row: RawQuasi, level: Level) -> tuple[str, str, str, str]:
    return (level.age_band(row.age), level.sex(row.sex), level.area(row.city, row.region), level.period(row.year))


def _groups(rows: Sequence[RawQuasi], level: Level) -> dict[tuple, set[str]]:
    people: dict[tuple, set[str]] = defaultdict(set)
    for row in rows:
        people[generalise(row, level)].add(row.person)
    return people


@dataclass(frozen=True)
class Anonymised:
    level: Level
    keys: list[tuple[str, str, str, str] | None]  # per input row: its generalised quasi-identifiers, None: suppressed
    suppressed: int


def k_anonymise(rows: Sequence[RawQuasi], *, k: int, budget: float = SUPPRESSION_BUDGET) -> Anonymised:
    """Choose the lowest rung whose groups under k hold no more than `budget` of the rows, and suppress those rows.

    Whatever the rung, no row that is kept sits in a group of fewer than k different people.
    """
    if k < 1:
        raise ValueError("k must be 1 or more.")
    chosen = LADDER[-1]
    for level in LADDER:
        people = _groups(rows, level)
        small = sum(1 for row in rows if len(people[generalise(row, level)]) < k)
        if not rows or small <= budget * len(rows):
            chosen = level
            break
    people = _groups(rows, chosen)
    keys: list[tuple[str, str, str, str] | None] = []
    for row in rows:
        key = generalise(row, chosen)
        keys.append(key if len(people[key]) >= k else None)
    return Anonymised(chosen, keys, sum(1 for key in keys if key is None))
