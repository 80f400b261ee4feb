"""The arithmetic behind the evidence page: Wilson intervals, censored time to relief, funnel limits. No Django.

Each function takes plain counts, so the same code works on one clinic's summary and on the pooled counts of
several clinics (counts add up; rates and intervals do not).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

Z95 = 1.959963984540054  # two-sided 95 %: the normal quantile at 0.975
Z998 = 3.090232306167813  # two-sided 99.8 %: the outer funnel limit (quantile at 0.999)


@dataclass(frozen=True)
class Proportion:
    """`count` of `n`, with its Wilson score interval (both ends 0-1)."""

    count: int
    n: int
    low: float
    high: float

    @property
    def rate(self) -> float:
        return self.count / self.n if self.n else 0.0


def wilson(count: int, n: int, *, z: float = Z95) -> Proportion:
    """The Wilson score interval for `count` successes in `n` trials.

    Unlike the textbook p ± z·√(p(1-p)/n), it never leaves 0-1 and stays honest at 0 of 10 or 10 of 10, which is
    where small clinics live: centre (p + z²/2n) / (1 + z²/n), half-width z/(1 + z²/n) · √(p(1-p)/n + z²/4n²).
    """
    if n < 0 or count < 0 or count > n:
        raise ValueError(f"{count} of {n} is not a proportion.")
    if n == 0:
        return Proportion(0, 0, 0.0, 1.0)
    p = count / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return Proportion(count, n, max(0.0, centre - half), min(1.0, centre + half))


# --- Time to relief: the Kaplan-Meier product-limit estimate -------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One time at which something happened: who was still followed, who reached relief, who left unrelieved."""

    time: int
    at_risk: int
    events: int
    censored: int
    survival: float  # share not yet relieved just after `time`

    @property
    def reached(self) -> float:
        """Share that reached relief by `time` (1 - survival)."""
        return 1.0 - self.survival


def tabulate(observations: Iterable[tuple[int, bool]]) -> list[tuple[int, int, int]]:
    """(time, event) per course -> (time, events, censored) per distinct time, sorted by time."""
    table: dict[int, list[int]] = {}
    for time, event in observations:
        if time < 0:
            raise ValueError(f"A time of {time} days is before the start.")
        counts = table.setdefault(time, [0, 0])
        counts[0 if event else 1] += 1
    return [(time, events, censored) for time, (events, censored) in sorted(table.items())]


def merge_tables(*tables: Iterable[Iterable[int]]) -> list[tuple[int, int, int]]:
    """Add tables of (time, events, censored) together (the pooled curve of several clinics)."""
    merged: dict[int, list[int]] = {}
    for table in tables:
        for time, events, censored in table:
            counts = merged.setdefault(int(time), [0, 0])
            counts[0] += int(events)
            counts[1] += int(censored)
    return [(time, events, censored) for time, (events, censored) in sorted(merged.items())]


def kaplan_meier(table: Iterable[Iterable[int]]) -> list[Step]:
    """The product-limit curve from (time, events, censored) rows.

    At each time, everyone whose follow-up reaches that time is at risk; a course censored at the same time as an
    event still counts as at risk for it (the usual convention: it was followed up to that day). Survival drops by
    the factor (1 - events / at risk) and censoring alone never moves it.
    """
    rows = sorted((int(t), int(e), int(c)) for t, e, c in table)
    at_risk = sum(e + c for _t, e, c in rows)
    survival = 1.0
    steps = []
    for time, events, censored in rows:
        if at_risk and events:
            survival *= 1 - events / at_risk
        steps.append(Step(time, at_risk, events, censored, survival))
        at_risk -= events + censored
    return steps


def reached_by(steps: list[Step], day: int) -> float:
    """Share relieved by `day` from a curve (0 before the first event)."""
    reached = 0.0
    for step in steps:
        if step.time > day:
            break
        reached = step.reached
    return reached


def at_risk_on(steps: list[Step], day: int) -> int:
    """How many courses were still followed and unrelieved on `day` (the count under the curve's axis)."""
    for step in steps:
        if step.time >= day:
            return step.at_risk
    return 0


# --- Funnel plot ---------------------------------------------------------------------------------------------------


def funnel_limits(target: float, n: int, *, z: float = Z95) -> tuple[float, float]:
    """Control limits around the clinic's rate `target` for a practitioner with `n` courses (normal approximation).

    A practitioner inside the limits differs from the clinic by no more than chance would make them differ; the
    limits narrow as n grows, which is the point: the same rate means less from 8 courses than from 80.
    """
    if n <= 0:
        return 0.0, 1.0
    half = z * math.sqrt(target * (1 - target) / n)
    return max(0.0, target - half), min(1.0, target + half)


def per_thousand(events: int, sessions: int) -> float | None:
    """Events per 1,000 sessions; None without sessions."""
    return None if sessions <= 0 else 1000 * events / sessions
