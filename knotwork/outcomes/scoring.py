"""Exact scoring of the outcome questionnaires and the responder rule. Pure Python, no Django.

Rules from docs/clinical-sources.md#outcome-measures (sources there):
- NPRS: one integer 0-10.
- Oswestry Disability Index 2.1a (ODI): 10 sections scored 0-5; % = sum / (5 x answered) x 100; bands
  <=20 minimal, <=40 moderate, <=60 severe, <=80 crippling, else bed-bound, on the unrounded value.
- Neck Disability Index (NDI): 10 items 0-5; a missing item takes the mean of the answered ones (prorating),
  raw = sum x 10 / answered, % = raw x 2; bands on the raw score (Vernon): <5 none, <15 mild, <25 moderate,
  <35 severe, else complete.
- Both: Knotwork's rule (no authoritative one was found) scores with at most 2 items skipped and refuses more.
- Patient-Specific Functional Scale (PSFS): 1 to 5 activities rated 0-10; score = mean (higher is better).
- Percentages keep the exact fraction and are shown to one decimal, rounded half up.
- Responder: pain down by at least 2 points, or by at least 30 % of a non-zero baseline (clinic settings).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MAX_SKIPPED = 2


class ScoringError(ValueError):
    """Answers that cannot be scored; the message says which and why."""


@dataclass(frozen=True)
class Score:
    instrument: str
    raw: Fraction
    maximum: int
    percent: Fraction | None
    band: str
    answered: int
    skipped: int

    @property
    def percent_display(self) -> str:
        return "" if self.percent is None else f"{round_half_up(self.percent)} %"

    def as_dict(self) -> dict:
        return {
            "instrument": self.instrument,
            "raw": float(round_half_up(self.raw, 2)),
            "maximum": self.maximum,
            "percent": None if self.percent is None else float(round_half_up(self.percent)),
            "band": self.band,
            "answered": self.answered,
            "skipped": self.skipped,
        }


def round_half_up(value: Fraction, places: int = 1) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _check(answers: list[int | None], *, items: int, low: int, high: int, name: str) -> list[int]:
    if len(answers) != items:
        raise ScoringError(f"{name} has {items} items; {len(answers)} answers were given.")
    for number, answer in enumerate(answers, 1):
        if answer is not None and not (low <= answer <= high):
            raise ScoringError(f"{name} item {number}: {answer} is not a possible answer ({low} to {high}).")
    given = [a for a in answers if a is not None]
    skipped = items - len(given)
    if skipped > MAX_SKIPPED:
        raise ScoringError(f"{name}: {skipped} items are unanswered; at most {MAX_SKIPPED} may be skipped.")
    return given


def score_nprs(answers: list[int | None]) -> Score:
    if len(answers) != 1 or answers[0] is None:
        raise ScoringError("NPRS is one answer from 0 to 10.")
    value = answers[0]
    if not 0 <= value <= 10:
        raise ScoringError(f"NPRS: {value} is not on the 0 to 10 scale.")
    return Score("nprs", Fraction(value), 10, None, "", 1, 0)


def odi_band(percent: Fraction) -> str:
    for limit, band in (
        (20, "minimal disability"),
        (40, "moderate disability"),
        (60, "severe disability"),
        (80, "crippling back pain"),
    ):
        if percent <= limit:
            return band
    return "bed-bound (or exaggerating)"


def score_odi(answers: list[int | None]) -> Score:
    given = _check(answers, items=10, low=0, high=5, name="ODI")
    percent = Fraction(sum(given) * 100, 5 * len(given))
    return Score("odi", Fraction(sum(given)), 5 * len(given), percent, odi_band(percent), len(given), 10 - len(given))


def ndi_band(raw: Fraction) -> str:
    for limit, band in (
        (5, "no disability"),
        (15, "mild disability"),
        (25, "moderate disability"),
        (35, "severe disability"),
    ):
        if raw < limit:
            return band
    return "complete disability"


def score_ndi(answers: list[int | None]) -> Score:
    given = _check(answers, items=10, low=0, high=5, name="NDI")
    raw = Fraction(sum(given) * 10, len(given))
    return Score("ndi", raw, 50, raw * 2, ndi_band(raw), len(given), 10 - len(given))


def score_psfs(answers: list[int | None]) -> Score:
    given = [a for a in answers if a is not None]
    if not 1 <= len(answers) <= 5 or not given:
        raise ScoringError("PSFS rates 1 to 5 activities, each from 0 to 10.")
    for number, answer in enumerate(answers, 1):
        if answer is not None and not 0 <= answer <= 10:
            raise ScoringError(f"PSFS activity {number}: {answer} is not on the 0 to 10 scale.")
    mean = Fraction(sum(given), len(given))
    return Score("psfs", mean, 10, None, "", len(given), len(answers) - len(given))


INSTRUMENTS = {"nprs": score_nprs, "odi": score_odi, "ndi": score_ndi, "psfs": score_psfs}


def score(instrument: str, answers: list[int | None]) -> Score:
    try:
        scorer = INSTRUMENTS[instrument.lower()]
    except KeyError:
        raise ScoringError(f"Unknown instrument {instrument!r}; choose one of {', '.join(INSTRUMENTS)}.") from None
    return scorer(answers)


@dataclass(frozen=True)
class Response:
    responder: bool | None  # None: not evaluable
    by_points: bool
    by_percent: bool | None  # None when the baseline is 0
    change: int


def responder(baseline: int, followup: int, *, points: int = 2, percent: int = 30) -> Response:
    """Pain responder: down by `points` or by `percent` % of a non-zero baseline (0-10 scale)."""
    for value in (baseline, followup):
        if not 0 <= value <= 10:
            raise ScoringError(f"Pain {value} is not on the 0 to 10 scale.")
    drop = baseline - followup
    by_points = drop >= points
    by_percent = None if baseline == 0 else Fraction(drop, baseline) >= Fraction(percent, 100)
    return Response(by_points or bool(by_percent), by_points, by_percent, -drop)


# --- Change since the baseline -------------------------------------------------------------------------------------

BETTER_WHEN_LOWER = {"nprs", "odi", "ndi"}  # PSFS: higher is better


@dataclass(frozen=True)
class Change:
    """A follow-up against the baseline, in the unit the clinic's important-change setting uses."""

    instrument: str
    change: Fraction  # follow-up minus baseline: ODI percent points, NDI raw points, PSFS mean, pain points
    unit: str
    threshold: int
    matched: int  # PSFS: activities rated at both; otherwise the items compared (always all)

    @property
    def improved(self) -> bool:
        return self.change < 0 if self.instrument in BETTER_WHEN_LOWER else self.change > 0

    @property
    def important(self) -> bool:
        return abs(self.change) >= self.threshold

    @property
    def verdict(self) -> str:
        if self.change == 0:
            return "no change"
        direction = "improvement" if self.improved else "worsening"
        size = "important" if self.important else "below the important change"
        return f"{direction}, {size} ({self.threshold} {self.unit})"

    @property
    def change_display(self) -> str:
        value = round_half_up(self.change)
        return f"{'+' if value > 0 else ''}{value} {self.unit}"


def _psfs_ratings(activities: list[str], answers: list[int | None]) -> dict[str, int]:
    return {name.strip().casefold(): a for name, a in zip(activities, answers, strict=False) if a is not None}


def compare(
    instrument: str,
    baseline: list[int | None],
    followup: list[int | None],
    *,
    threshold: int,
    baseline_activities: list[str] | None = None,
    followup_activities: list[str] | None = None,
) -> Change | None:
    """Change from the baseline answers to the follow-up's; None when nothing can be compared.

    ODI in percent points, NDI in raw points (Vernon's bands and MCID are raw), PSFS as the mean of the activities
    rated at both times (a newly named activity has no baseline), pain in points.
    """
    instrument = instrument.lower()
    if instrument == "psfs":
        before = _psfs_ratings(baseline_activities or [], baseline)
        after = _psfs_ratings(followup_activities or [], followup)
        matched = [name for name in before if name in after]
        if not matched:
            return None
        change = Fraction(sum(after[n] for n in matched), len(matched)) - Fraction(
            sum(before[n] for n in matched), len(matched)
        )
        return Change("psfs", change, "points", threshold, len(matched))
    first, last = score(instrument, baseline), score(instrument, followup)
    if instrument == "odi":
        if first.percent is None or last.percent is None:  # an ODI score always has its percent
            raise ScoringError("An ODI score without its percent cannot be compared.")
        return Change("odi", last.percent - first.percent, "points", threshold, last.answered)
    if instrument == "ndi":
        return Change("ndi", last.raw - first.raw, "raw points", threshold, last.answered)
    return Change(instrument, last.raw - first.raw, "points", threshold, 1)
