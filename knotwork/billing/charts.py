"""The owner's charts as SVG strings (revenue by month, takings by day). No Django.

Drawn as the outcome charts are (knotwork/outcomes/charts.py): colours as SVG presentation attributes (the page's
CSP forbids inline styles and WeasyPrint ignores CSS fills), text as text, deterministic output, and a `role="img"`
root whose `aria-label` and `<title>` say the figures in words.
"""

import datetime
import io
from collections.abc import Sequence
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context
from matplotlib.figure import Figure

from knotwork.outcomes.charts import cached_svg, chart_rc, clean_svg

INK, MUTED, GRID, BAR = "#1d2a30", "#5b6b72", "#d8e0e2", "#0f5c63"


def _rc(salt: str) -> dict:
    return chart_rc(f"billing-{salt}")


def _clean(svg: str, label: str) -> str:
    return clean_svg(svg, label, css_class="billing-chart")


def bar_chart(labels: Sequence[str], values: Sequence[Decimal], *, title: str, currency: str, salt: str) -> str:
    """The chart, drawn once per set of bars (kept in the cache under a hash of exactly what it shows)."""
    shown = [list(labels), [str(v) for v in values], title, currency, salt]
    return cached_svg(
        "billing-bars", shown, lambda: _draw_bar_chart(labels, values, title=title, currency=currency, salt=salt)
    )


def _draw_bar_chart(labels: Sequence[str], values: Sequence[Decimal], *, title: str, currency: str, salt: str) -> str:
    """Bars with their amounts; the label lists every bar's figure, so the chart reads without seeing it."""
    with rc_context(_rc(salt)):
        figure = Figure(figsize=(7.2, 2.8), dpi=72)
        axes = figure.add_subplot()
        axes.grid(axis="y", color=GRID, linewidth=0.8)
        axes.set_axisbelow(True)
        numbers = [float(v) for v in values]
        if not numbers or not any(numbers):
            axes.set_axis_off()
            axes.text(
                0.5, 0.5, "Nothing recorded yet.", ha="center", va="center", color=MUTED, transform=axes.transAxes
            )
        else:
            positions = range(len(numbers))
            axes.bar(positions, numbers, color=BAR, width=0.7)
            step = max(1, len(numbers) // 16)  # a month of days: every other label, so they do not overlap
            axes.set_xticks(list(positions)[::step], list(labels)[::step], fontsize=8)
            axes.set_ylabel(currency)
            top = max(numbers)
            for x, y in zip(positions, numbers, strict=True):
                if y:
                    axes.text(x, y + top * 0.02, f"{y:,.0f}", ha="center", va="bottom", fontsize=8, color=INK)
            axes.set_ylim(min(0, min(numbers)), top * 1.15)
        figure.subplots_adjust(left=0.1, right=0.98, top=0.95, bottom=0.14)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    words = "; ".join(f"{label} {value:,.2f}" for label, value in zip(labels, values, strict=True) if value)
    return _clean(buffer.getvalue(), f"{title} ({currency}): {words or 'nothing recorded yet'}.")


def revenue_chart(months: Sequence[tuple[datetime.date, Decimal]], *, currency: str) -> str:
    return bar_chart(
        [f"{m:%b %y}" for m, _v in months],
        [v for _m, v in months],
        title="Revenue by month",
        currency=currency,
        salt="revenue",
    )


def takings_chart(days: Sequence[tuple[datetime.date, Decimal]], *, currency: str) -> str:
    return bar_chart(
        [f"{d:%d}" for d, _v in days], [v for _d, v in days], title="Takings by day", currency=currency, salt="takings"
    )
