"""Read the precomputed summaries and turn their counts into what the page, the PDF and the CSV show.

Nothing here scans the clinical history: a page reads one summary of its clinic (and, for pooled figures, the
same period's summaries of the clinics that opted in), and works out rates, Wilson intervals, suppression and the
time-to-relief curves from the stored counts.
"""

from dataclasses import dataclass, field

from knotwork.evidence import stats
from knotwork.evidence.figures import GRADES, LEFT_OUT, TECHNIQUES
from knotwork.evidence.models import MIN_POOLED_CLINICS, EvidenceSettings, EvidenceSummary

TECHNIQUE_NAMES = dict(TECHNIQUES) | {"other": "Other techniques"}
CURVE_DAYS = (0, 3, 7, 14, 21, 28)  # the days whose counts at risk are printed under the curves
TABLES = (  # key in the summary, heading, what a row is
    ("technique", "By technique", "technique or combination over the course"),
    (
        "region",
        "By referral pattern: regions drawn",
        "region on the intake pain drawing (a course counts once per region)",
    ),
    (
        "muscle",
        "By referral pattern: muscles treated",
        "muscle treated in the course (a course counts once per muscle)",
    ),
    ("practitioner", "By practitioner", "practitioner responsible for the course"),
    ("sessions", "By number of sessions", "sessions in the course"),
)


def evidence_settings(clinic) -> EvidenceSettings:
    """The clinic's evidence settings; the defaults (not saved) until the owner changes them."""
    return EvidenceSettings.objects.filter(clinic=clinic).first() or EvidenceSettings(clinic=clinic)


def list_summaries(clinic) -> list[EvidenceSummary]:
    return list(EvidenceSummary.objects.filter(clinic=clinic).defer("figures"))


def get_summary(clinic, period: str) -> EvidenceSummary | None:
    return EvidenceSummary.objects.filter(clinic=clinic, period=period).first()


def pooled_summaries(clinic, period: str) -> list[EvidenceSummary] | None:
    """The period's summaries of every opted-in clinic, or None when pooled figures may not be shown to `clinic`.

    The rule: a clinic sees pooled figures only when it opted in itself and at least MIN_POOLED_CLINICS clinics
    (itself included) have opted in and have figures for the period; a pooled row also needs that many clinics
    contributing to it (`_pool`). With three or more, taking one's own counts away leaves at least two clinics
    together, never another clinic alone.
    """
    if not evidence_settings(clinic).pooled:
        return None
    summaries = list(
        EvidenceSummary.objects.filter(period=period, clinic__evidence_settings__pooled=True).select_related("clinic")
    )
    if len(summaries) < MIN_POOLED_CLINICS:
        return None
    return summaries


# --- Rows the page shows -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    label: str
    count: int
    n: int
    suppressed: bool
    interval: stats.Proportion | None = None

    @property
    def percent(self) -> float | None:
        return None if self.interval is None else 100 * self.interval.rate

    @property
    def low(self) -> float | None:
        return None if self.interval is None else 100 * self.interval.low

    @property
    def high(self) -> float | None:
        return None if self.interval is None else 100 * self.interval.high


def rate(label: str, count: int, n: int, minimum: int) -> Rate:
    """A rate with its Wilson interval, or suppressed (no rate, no interval) when `n` is under the minimum."""
    if n < minimum:
        return Rate(label, count, n, True)
    return Rate(label, count, n, False, stats.wilson(count, n))


@dataclass(frozen=True)
class RateRow:
    own: Rate
    pooled: Rate | None = None


@dataclass
class RateTable:
    key: str
    heading: str
    row_is: str
    rows: list[RateRow]
    suppressed: int = 0

    @property
    def shown_rows(self) -> list[RateRow]:
        """Long tables (muscles, regions) list only the groups shown; the caption counts the others."""
        if self.key in ("muscle", "region"):
            return [row for row in self.rows if not row.own.suppressed]
        return self.rows


def _pool(summaries: list[EvidenceSummary], pick) -> dict[str, tuple[int, int, int]]:
    """key -> (count, n, clinics contributing) over the summaries; `pick` gives a summary's rows."""
    pooled: dict[str, list[int]] = {}
    for summary in summaries:
        for key, _label, count, n in pick(summary.figures):
            entry = pooled.setdefault(key, [0, 0, 0])
            entry[0] += count
            entry[1] += n
            entry[2] += int(n > 0)
    return {key: (c, n, k) for key, (c, n, k) in pooled.items()}


def _pooled_rate(label: str, entry: tuple[int, int, int] | None, minimum: int) -> Rate | None:
    if entry is None:
        return None
    count, n, clinics = entry
    if clinics < MIN_POOLED_CLINICS:
        return Rate(label, 0, 0, True)  # too few clinics behind it: suppressed, counts not shown
    return rate(label, count, n, minimum)


def _table(key, heading, row_is, rows, minimum, pooled) -> RateTable:
    table = RateTable(key, heading, row_is, [])
    for row_key, label, count, n in rows:
        own = rate(label, count, n, minimum)
        table.suppressed += int(own.suppressed)
        table.rows.append(RateRow(own, None if pooled is None else _pooled_rate(label, pooled.get(row_key), minimum)))
    return table


@dataclass(frozen=True)
class Curve:
    name: str
    n: int
    steps: list[stats.Step]
    at_risk: list[tuple[int, int]]  # (day, courses still followed and unrelieved)
    reached_7: float
    reached_14: float


@dataclass(frozen=True)
class Soreness:
    label: str
    n: int
    mean: float | None
    high: Rate  # share at or over the flag threshold


@dataclass(frozen=True)
class SorenessRow:
    label: str
    first: Soreness
    last: Soreness

    @property
    def parts(self) -> tuple[Soreness, Soreness]:
        return self.first, self.last


@dataclass(frozen=True)
class SafetyRow:
    technique: str
    sessions: int
    grades: dict[str, int]
    kinds: dict[str, int]
    total: int
    per_thousand: float | None  # None: suppressed (too few sessions)
    interval: tuple[float, float] | None  # the 95 % Wilson interval of events per session, per 1,000


@dataclass
class Page:
    summary: EvidenceSummary
    minimum: int
    rule: dict
    courses: dict
    left_out: list[tuple[str, int]]
    overall: Rate
    pooled_overall: Rate | None
    pooled_clinics: int
    tables: list[RateTable]
    relief_groups: RateTable
    curves: list[Curve]
    funnel: list[Rate]
    funnel_left_out: int
    soreness_threshold: int
    check_in_hours: list[int]
    soreness_technique: list[SorenessRow]
    soreness_twitches: list[SorenessRow]
    flag: Rate
    safety: list[SafetyRow]
    sessions: int
    notes: list[str] = field(default_factory=list)

    @property
    def soreness_tables(self) -> list[tuple[str, list[SorenessRow]]]:
        return [
            ("Soreness by technique used in the session", self.soreness_technique),
            ("Soreness by local twitch responses during needling (needled sessions only)", self.soreness_twitches),
        ]


def _soreness_row(label: str, row: dict, minimum: int) -> SorenessRow:
    parts = []
    for name in ("first", "last"):
        n, total, high = row[name]
        shown = n >= minimum
        parts.append(Soreness(label, n, total / n if shown and n else None, rate(label, high, n, minimum)))
    return SorenessRow(label, parts[0], parts[1])


def build_page(summary: EvidenceSummary, *, minimum: int, pooled: list[EvidenceSummary] | None) -> Page:
    """Everything the evidence page shows for one summary: one context for the page, the PDF and the CSV."""
    f = summary.figures
    tables = []
    for key, heading, row_is in TABLES:
        pool = None
        if pooled is not None and key != "practitioner":  # a practitioner is one clinic's: never pooled
            pool = _pool(pooled, lambda figures, key=key: figures["tables"][key])
        tables.append(_table(key, heading, row_is, f["tables"][key], minimum, pool))
    relief_pool = _pool(pooled, lambda figures: figures["relief_groups"]) if pooled is not None else None
    relief = _table(
        "relief",
        "By days to first relief",
        "days from the first pain score to the first that met the rule; rate = still a responder at the end",
        f["relief_groups"],
        minimum,
        relief_pool,
    )
    curves = []
    for name, table in sorted(f["curves"].items(), key=lambda item: (item[0] != "All courses", item[0])):
        n = sum(e + c for _t, e, c in table)
        if n < minimum:
            continue
        steps = stats.kaplan_meier(table)
        curves.append(
            Curve(
                name,
                n,
                steps,
                [(day, stats.at_risk_on(steps, day)) for day in CURVE_DAYS],
                stats.reached_by(steps, 7),
                stats.reached_by(steps, 14),
            )
        )
    practitioners = [rate(label, count, n, minimum) for _key, label, count, n in f["tables"]["practitioner"]]
    funnel = sorted((r for r in practitioners if not r.suppressed), key=lambda r: r.label)
    count, n = f["overall"]
    pooled_overall = None
    if pooled is not None:
        pooled_overall = rate(
            "Pooled",
            sum(s.figures["overall"][0] for s in pooled),
            sum(s.figures["overall"][1] for s in pooled),
            minimum,
        )
    safety = []
    for kind, entry in f["safety"].items():
        total = sum(entry["grades"].values())
        shown = entry["sessions"] >= minimum
        interval = stats.wilson(min(total, entry["sessions"]), entry["sessions"]) if shown else None
        safety.append(
            SafetyRow(
                TECHNIQUE_NAMES.get(kind, kind),
                entry["sessions"],
                {grade: entry["grades"].get(grade, 0) for grade in GRADES},
                entry["kinds"],
                total,
                stats.per_thousand(total, entry["sessions"]) if shown else None,
                (1000 * interval.low, 1000 * interval.high) if interval else None,
            )
        )
    flagged, answered = f["soreness"]["flag"]
    return Page(
        summary=summary,
        minimum=minimum,
        rule=f["rule"],
        courses=f["courses"],
        left_out=[(LEFT_OUT[key], number) for key, number in f["courses"]["left_out"].items()],
        overall=rate("All evaluable courses", count, n, minimum),
        pooled_overall=pooled_overall,
        pooled_clinics=len(pooled or []),
        tables=tables,
        relief_groups=relief,
        curves=curves,
        funnel=funnel,
        funnel_left_out=len(practitioners) - len(funnel),
        soreness_threshold=f["soreness_threshold"],
        check_in_hours=f["check_in_hours"],
        soreness_technique=[_soreness_row(r["key"], r, minimum) for r in f["soreness"]["technique"]],
        soreness_twitches=[_soreness_row(r["key"], r, minimum) for r in f["soreness"]["twitches"]],
        flag=rate("Soreness flag", flagged, answered, minimum),
        safety=safety,
        sessions=f["sessions"],
    )


def csv_rows(page: Page):
    """The page's figures as rows: one per group, with the count, the denominator and the interval (or why not)."""
    yield ["figure", "group", "count", "denominator", "rate %", "95% low %", "95% high %", "shown", "period"]
    period = page.summary.label

    def line(figure: str, r: Rate):
        if r.suppressed:
            return [figure, r.label, "", r.n, "", "", "", f"suppressed: fewer than {page.minimum}", period]
        return [figure, r.label, r.count, r.n, f"{r.percent:.1f}", f"{r.low:.1f}", f"{r.high:.1f}", "yes", period]

    yield line("responders: all courses", page.overall)
    for table in [*page.tables, page.relief_groups]:
        for row in table.rows:
            yield line(f"responders: {table.heading.lower()}", row.own)
            if row.pooled is not None:
                yield line(f"pooled responders: {table.heading.lower()}", row.pooled)
    for reason, number in page.left_out:
        yield ["left out", reason, number, page.courses["total"], "", "", "", "", period]
    for curve in page.curves:
        for step in curve.steps:
            yield [
                f"time to relief: {curve.name}",
                f"day {step.time}",
                step.events,
                step.at_risk,
                f"{100 * step.reached:.1f}",
                "",
                "",
                f"censored {step.censored}",
                period,
            ]
    for name, rows in (("technique", page.soreness_technique), ("twitch responses", page.soreness_twitches)):
        for sore in rows:
            for when, part in (("first check-in", sore.first), ("last check-in", sore.last)):
                yield line(f"soreness at or over {page.soreness_threshold}, {when}, by {name}", part.high)
    yield line("soreness flag at the last check-in", page.flag)
    for safety in page.safety:
        yield [
            "adverse events per 1,000 sessions",
            safety.technique,
            safety.total,
            safety.sessions,
            "" if safety.per_thousand is None else f"{safety.per_thousand:.1f}",
            "" if safety.interval is None else f"{safety.interval[0]:.1f}",
            "" if safety.interval is None else f"{safety.interval[1]:.1f}",
            "; ".join(f"{grade} {count}" for grade, count in safety.grades.items()),
            period,
        ]
