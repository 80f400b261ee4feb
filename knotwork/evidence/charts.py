"""The evidence charts as SVG strings: rates with intervals, the practitioners' funnel, time to relief. No Django.

Drawn as the outcome charts are (knotwork/outcomes/charts.py): colours as SVG presentation attributes (the page's
CSP forbids inline styles and WeasyPrint ignores CSS fills), text as text, deterministic output, and a `role="img"`
root whose `aria-label` and `<title>` say the figures in words. The same SVG goes into the page and the PDF.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context
from matplotlib.figure import Figure

from knotwork.evidence import stats
from knotwork.outcomes.charts import chart_rc, clean_svg

INK, MUTED, GRID, LINE, CLINIC = "#1d2a30", "#5b6b72", "#d8e0e2", "#0f5c63", "#1e6b3a"
SERIES = ("#0f5c63", "#b3261e", "#8a5a00", "#2b6cb0", "#5b2a86", "#1e6b3a", "#5b6b72")


@dataclass(frozen=True)
class Interval:
    label: str
    rate: float  # 0-1
    low: float
    high: float
    n: int


def _rc(salt: str) -> dict:
    return chart_rc(f"evidence-{salt}")


def _clean(svg: str, label: str) -> str:
    return clean_svg(svg, label, css_class="outcome-chart")


def _render(figure: Figure, salt: str, label: str) -> str:
    buffer = io.StringIO()
    with rc_context(_rc(salt)):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches=None)
    return _clean(buffer.getvalue(), label)


def _empty(label: str, salt: str, text: str) -> str:
    with rc_context(_rc(salt)):
        figure = Figure(figsize=(6.4, 1.4), dpi=72)
        axes = figure.add_subplot()
        axes.set_axis_off()
        axes.text(0.5, 0.5, text, ha="center", va="center", color=MUTED, transform=axes.transAxes)
    return _render(figure, salt, label)


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def rate_chart(rows: Sequence[Interval], *, title: str, overall: float | None, salt: str) -> str:
    """Each group's responder rate as a point with its 95 % interval as a bar; the clinic's rate dashed."""
    if not rows:
        return _empty(f"{title}: no group large enough to show.", salt, "No group large enough to show.")
    with rc_context(_rc(salt)):
        figure = Figure(figsize=(6.4, 0.5 + 0.42 * len(rows)), dpi=72)
        axes = figure.add_subplot()
        ys = list(range(len(rows)))[::-1]
        for y, row in zip(ys, rows, strict=True):
            axes.plot([100 * row.low, 100 * row.high], [y, y], color=LINE, linewidth=2.5, solid_capstyle="butt")
            axes.plot([100 * row.rate], [y], marker="o", markersize=7, color=LINE, linestyle="none")
        if overall is not None:
            axes.axvline(100 * overall, color=CLINIC, linestyle="--", linewidth=1.2)
        axes.set_yticks(ys, [f"{r.label} (n={r.n})" for r in rows])
        axes.set_xlim(0, 100)
        axes.set_xlabel("Responders, % (95 % interval)")
        axes.grid(axis="x", color=GRID, linewidth=0.8)
        axes.set_axisbelow(True)
        figure.subplots_adjust(left=0.5, right=0.97, top=0.97, bottom=0.6 / (0.5 + 0.42 * len(rows)) + 0.08)
    label = f"{title}: " + "; ".join(
        f"{r.label} {_pct(r.rate)} (95 % interval {_pct(r.low)} to {_pct(r.high)}, n={r.n})" for r in rows
    )
    if overall is not None:
        label += f". The clinic's rate, {_pct(overall)}, is the dashed line."
    return _render(figure, salt, label)


def funnel_chart(points: Sequence[Interval], *, target: float, largest: int) -> str:
    """Practitioners' rates against their number of courses, inside the 95 % and 99.8 % limits around the clinic."""
    title = "Practitioners against the clinic's rate (funnel plot)"
    if not points:
        none = "No practitioner with enough courses."
        return _empty(f"{title}: {none.lower()}", "funnel", none)
    top = max(largest, max(p.n for p in points)) * 1.1
    ns = [max(2, int(top * i / 60)) for i in range(1, 61)]
    with rc_context(_rc("funnel")):
        figure = Figure(figsize=(6.4, 3.0), dpi=72)
        axes = figure.add_subplot()
        for z, style in ((stats.Z95, "--"), (stats.Z998, ":")):
            limits = [stats.funnel_limits(target, n, z=z) for n in ns]
            axes.plot(ns, [100 * lo for lo, _hi in limits], color=MUTED, linestyle=style, linewidth=1)
            axes.plot(ns, [100 * hi for _lo, hi in limits], color=MUTED, linestyle=style, linewidth=1)
        axes.axhline(100 * target, color=CLINIC, linewidth=1.2)
        axes.plot([p.n for p in points], [100 * p.rate for p in points], "o", color=LINE, markersize=7)
        for p in points:
            axes.annotate(p.label, (p.n, 100 * p.rate), textcoords="offset points", xytext=(6, 4), fontsize=8)
        axes.set_ylim(0, 100)
        axes.set_xlim(0, top)
        axes.set_xlabel("Courses (evaluable)")
        axes.set_ylabel("Responders, %")
        axes.grid(axis="y", color=GRID, linewidth=0.8)
        axes.set_axisbelow(True)
        figure.subplots_adjust(left=0.11, right=0.97, top=0.95, bottom=0.16)
    outside = []
    for p in points:
        low, high = stats.funnel_limits(target, p.n)
        if not low <= p.rate <= high:
            outside.append(p.label)
    label = (
        f"{title}: the clinic's rate is {_pct(target)}; "
        + "; ".join(f"{p.label} {_pct(p.rate)} of {p.n}" for p in points)
        + (
            f". Outside the 95 % limits: {', '.join(outside)}."
            if outside
            else ". Every practitioner is inside the 95 % limits."
        )
    )
    return _render(figure, "funnel", label)


def relief_chart(curves: Sequence[tuple[str, Sequence[stats.Step], int]]) -> str:
    """The share of courses that reached relief by each day (1 - Kaplan-Meier), one step line per technique."""
    title = "Time to relief by technique"
    if not curves:
        return _empty(f"{title}: no group large enough to show.", "relief", "No group large enough to show.")
    with rc_context(_rc("relief")):
        figure = Figure(figsize=(6.4, 3.0), dpi=72)
        axes = figure.add_subplot()
        last_day = 1
        for (name, steps, n), colour in zip(curves, SERIES, strict=False):
            days = [0] + [s.time for s in steps]
            reached = [0.0] + [100 * s.reached for s in steps]
            axes.step(days, reached, where="post", color=colour, linewidth=2, label=f"{name} (n={n})")
            censored = [s for s in steps if s.censored and not s.events]
            axes.plot([s.time for s in censored], [100 * s.reached for s in censored], "|", color=colour, markersize=8)
            last_day = max(last_day, days[-1])
        axes.set_xlim(0, min(last_day, 42))
        axes.set_ylim(0, 100)
        axes.set_xlabel("Days since the first pain score")
        axes.set_ylabel("Reached relief, %")
        axes.grid(axis="y", color=GRID, linewidth=0.8)
        axes.set_axisbelow(True)
        axes.legend(loc="lower right", frameon=False, fontsize=8)
        figure.subplots_adjust(left=0.11, right=0.97, top=0.95, bottom=0.16)
    label = f"{title}: " + "; ".join(
        f"{name}, {n} courses: {_pct(stats.reached_by(list(steps), 7))} by day 7, "
        f"{_pct(stats.reached_by(list(steps), 14))} by day 14"
        for name, steps, n in curves
    )
    return _render(figure, "relief", label + ". Ticks mark courses censored without relief.")
