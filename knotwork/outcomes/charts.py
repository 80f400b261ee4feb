"""Outcome charts as SVG strings: the pain trajectory and a questionnaire trajectory.

The same SVG goes inline into HTML pages and into WeasyPrint PDFs, so:
- colours are SVG presentation attributes (`fill="#..."`), never CSS: the page's CSP forbids inline styles and
  WeasyPrint ignores CSS fills on inline SVG; matplotlib's `style` attributes are rewritten and its `<style>` dropped;
- text stays text (`svg.fonttype: none`) in the default sans-serif, so no font files are embedded or fetched;
- output is deterministic (fixed `svg.hashsalt`, no date or creator metadata): the same points give the same bytes;
- the root carries `role="img"`, an `aria-label` and a `<title>` that say what the chart shows in words.

Drawing (matplotlib laying out text) costs far more than the page around it, so each chart is kept in Django's
cache under its kind and a sha256 of a canonical JSON of exactly what it draws (points, thresholds, time zone):
a repeat view of unchanged data reads the SVG back and draws nothing. The key holds the hash only, never a value.
"""

import datetime
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from django.core.cache import cache
from matplotlib import dates as mdates
from matplotlib import rc_context
from matplotlib.figure import Figure

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

PRESENTATION = {
    "clip-path",
    "clip-rule",
    "dominant-baseline",
    "fill",
    "fill-opacity",
    "fill-rule",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "opacity",
    "stroke",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-opacity",
    "stroke-width",
    "text-anchor",
    "visibility",
}
INK = "#1d2a30"
MUTED = "#5b6b72"
GRID = "#d8e0e2"
LINE = "#0f5c63"
THRESHOLD = "#1e6b3a"
BAND = "#e5f4ea"
MIN_SPAN = datetime.timedelta(hours=6)
CHART_VERSION = 1  # bump when the drawing code changes, so charts kept in the cache are drawn again
CACHE_SECONDS = 30 * 24 * 3600
PAIN_STYLES = {  # label: (marker, colour)
    "before session": ("o", "#b3261e"),
    "after session": ("s", "#0f5c63"),
    "check-in": ("^", "#8a5a00"),
    "pain rating": ("D", "#2b6cb0"),
    "diary": ("v", "#5b2a86"),
}
QUESTIONNAIRES = {  # instrument: (name, axis label, lowest, highest, lower is better)
    "odi": ("Oswestry Disability Index (%)", "ODI %", 0, 100, True),
    "ndi": ("Neck Disability Index (%)", "NDI %", 0, 100, True),
    "psfs": ("Patient-Specific Functional Scale (mean 0-10)", "PSFS mean", 0, 10, False),
    "nprs": ("Pain rating (0-10)", "Pain 0-10", 0, 10, True),
}


@dataclass(frozen=True)
class Point:
    at: datetime.datetime
    value: float
    label: str = ""


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _day(at: datetime.datetime, tz: datetime.tzinfo | None) -> str:
    local = at.astimezone(tz) if tz is not None and at.tzinfo is not None else at
    return f"{local:%d %b %Y}".lstrip("0")


def chart_rc(salt: str) -> dict:
    """matplotlib settings every Knotwork chart is drawn with (billing and evidence draw with them too)."""
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": f"knotwork-{salt}",
        "font.family": "sans-serif",
        "font.size": 10,
        "axes.edgecolor": MUTED,
        "axes.labelcolor": INK,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "text.color": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _figure() -> tuple[Figure, object]:
    figure = Figure(figsize=(6.4, 2.8), dpi=72)
    axes = figure.add_subplot()
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    return figure, axes


def _time_axis(axes, points: Sequence[Point], tz) -> None:
    first, last = points[0].at, points[-1].at
    span = last - first
    if span < MIN_SPAN:  # one reading, or readings minutes apart (before and after a session): widen around them
        middle = first + span / 2
        first, last, span = middle - MIN_SPAN / 2, middle + MIN_SPAN / 2, MIN_SPAN
    short = span <= datetime.timedelta(days=2)  # hours apart: the ticks need the time, or all read alike
    axes.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=2, maxticks=5 if short else 7, tz=tz))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %H:%M" if short else "%d %b", tz=tz))
    pad = span * 0.04
    axes.set_xlim(first - pad, last + pad)


def _render(figure: Figure, salt: str, label: str) -> str:
    buffer = io.StringIO()
    with rc_context(chart_rc(salt)):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches=None)
    return clean_svg(buffer.getvalue(), label)


def clean_svg(svg: str, label: str, *, css_class: str = "outcome-chart") -> str:
    """Turn matplotlib's SVG into one that needs no CSS, carries its summary, and drops unused ids."""
    root = ET.fromstring(svg.encode())  # noqa: S314 (our own matplotlib output, never user input)
    referenced = set(re.findall(r"url\(#([^)]+)\)", svg)) | set(re.findall(r'href="#([^"]+)"', svg))
    for parent in root.iter():
        for child in list(parent):
            tag = child.tag.split("}")[-1]
            if tag in {"metadata", "style"}:
                parent.remove(child)
    for element in root.iter():
        style = element.attrib.pop("style", "")
        for declaration in style.split(";"):
            name, _, value = declaration.partition(":")
            name, value = name.strip(), value.strip()
            if name in PRESENTATION and value:
                element.set(name, value)
        if element.get("id") and element.get("id") not in referenced:
            del element.attrib["id"]
    # The stylesheet matplotlib writes sets these for every element; as attributes on the root they are inherited.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("class", css_class)
    title = ET.Element(f"{{{SVG_NS}}}title")
    title.text = label
    root.insert(0, title)
    # ElementTree's prefix registry is global and other libraries change it (importing WeasyPrint takes the
    # empty prefix): register ours again right before writing, or the page gets <ns0:svg>, which browsers do
    # not draw.
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode")


def cached_svg(kind: str, inputs: object, draw: Callable[[], str]) -> str:
    """The chart `draw()` makes of `inputs`, drawn only if the cache does not hold it yet.

    `inputs` is everything the drawing reads; the key is the kind and a sha256 of its canonical JSON (sorted keys,
    no spaces), so the same data gives the same key in every process and any change draws again.
    """
    canonical = json.dumps(
        [CHART_VERSION, kind, inputs], sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=repr
    )
    key = f"outcome-chart:{kind}:{hashlib.sha256(canonical.encode()).hexdigest()}"
    svg = cache.get(key)
    if svg is None:
        svg = draw()
        cache.set(key, svg, timeout=CACHE_SECONDS)
    return svg


def _canonical_points(points: Sequence[Point]) -> list:
    return [[p.at.isoformat(), float(p.value), p.label] for p in points]


def _zone(tz: datetime.tzinfo | None) -> str | None:
    return None if tz is None else str(tz)


def _empty(label: str, salt: str) -> str:
    figure, axes = _figure()
    axes.set_axis_off()
    axes.text(0.5, 0.5, "Nothing recorded yet.", ha="center", va="center", color=MUTED, transform=axes.transAxes)
    return _render(figure, salt, label)


def pain_chart(
    points: Sequence[Point],
    *,
    responder_points: int = 2,
    baseline: float | None = None,
    tz: datetime.tzinfo | None = None,
    title: str = "Pain (0-10)",
) -> str:
    """Pain over time by kind of reading, with the responder threshold (baseline minus points) dashed.

    The baseline is the first reading unless given (e.g. the intake pain). Drawn once per set of inputs (cached).
    """
    points = sorted(points, key=lambda p: p.at)
    inputs = {
        "points": _canonical_points(points),
        "responder_points": responder_points,
        "baseline": None if baseline is None else float(baseline),
        "tz": _zone(tz),
        "title": title,
    }
    return cached_svg(
        "pain",
        inputs,
        lambda: _draw_pain(points, responder_points=responder_points, baseline=baseline, tz=tz, title=title),
    )


def _draw_pain(
    points: list[Point], *, responder_points: int, baseline: float | None, tz: datetime.tzinfo | None, title: str
) -> str:
    if not points:
        return _empty(f"{title}: nothing recorded yet.", "pain")
    start = points[0].value if baseline is None else baseline
    threshold = max(start - responder_points, 0)
    with rc_context(chart_rc("pain")):
        figure, axes = _figure()
        axes.plot([p.at for p in points], [p.value for p in points], color="#9fb1b5", linewidth=1.5, zorder=1)
        for kind, (marker, colour) in PAIN_STYLES.items():
            mine = [p for p in points if p.label == kind]
            if mine:
                axes.plot(
                    [p.at for p in mine],
                    [p.value for p in mine],
                    linestyle="none",
                    marker=marker,
                    markersize=7,
                    color=colour,
                    label=kind.capitalize(),
                    zorder=3,
                )
        others = [p for p in points if p.label not in PAIN_STYLES]
        if others:
            axes.plot([p.at for p in others], [p.value for p in others], "o", color=MUTED, label="Other", zorder=3)
        axes.axhline(
            threshold,
            color=THRESHOLD,
            linestyle="--",
            linewidth=1.5,
            label=f"Responder line ({_number(threshold)})",
            zorder=2,
        )
        axes.set_ylim(-0.3, 10.3)
        axes.set_yticks(range(0, 11, 2))
        axes.set_ylabel("Pain 0-10")
        _time_axis(axes, points, tz)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9)
        figure.subplots_adjust(left=0.11, right=0.72, top=0.95, bottom=0.12)
    last = points[-1]
    label = (
        f"{title}: {len(points)} readings from {_day(points[0].at, tz)} to {_day(last.at, tz)}; "
        f"first {_number(points[0].value)}, latest {_number(last.value)}"
        f"{f' ({last.label})' if last.label else ''}, lowest {_number(min(p.value for p in points))}, "
        f"highest {_number(max(p.value for p in points))}. Baseline {_number(start)}; "
        f"responder threshold {_number(threshold)} (a drop of {responder_points} points)."
    )
    return _render(figure, "pain", label)


def questionnaire_chart(
    points: Sequence[Point],
    *,
    instrument: str,
    important_change: float,
    tz: datetime.tzinfo | None = None,
) -> str:
    """One questionnaire's scores over time, with the band of change smaller than the important change shaded.

    `important_change` is in the plotted unit (ODI/NDI percent points, PSFS mean points); the band runs from the
    baseline (the first score) toward better by that much: a later score beyond the band is an important improvement.
    Drawn once per set of inputs (cached).
    """
    points = sorted(points, key=lambda p: p.at)
    inputs = {
        "points": _canonical_points(points),
        "instrument": str(instrument),
        "important_change": float(important_change),
        "tz": _zone(tz),
    }
    return cached_svg(
        f"questionnaire-{instrument}",
        inputs,
        lambda: _draw_questionnaire(points, instrument=instrument, important_change=important_change, tz=tz),
    )


def _draw_questionnaire(
    points: list[Point], *, instrument: str, important_change: float, tz: datetime.tzinfo | None
) -> str:
    name, axis_label, lowest, highest, lower_is_better = QUESTIONNAIRES[instrument]
    if not points:
        return _empty(f"{name}: nothing recorded yet.", instrument)
    start = points[0].value
    target = start - important_change if lower_is_better else start + important_change
    target = min(max(target, lowest), highest)
    with rc_context(chart_rc(instrument)):
        figure, axes = _figure()
        axes.axhspan(
            min(start, target),
            max(start, target),
            facecolor=BAND,
            edgecolor="none",
            label=f"Change under {_number(important_change)}",
            zorder=0,
        )
        axes.axhline(target, color=THRESHOLD, linestyle="--", linewidth=1.5, label="Important change", zorder=1)
        axes.plot(
            [p.at for p in points],
            [p.value for p in points],
            color=LINE,
            marker="o",
            markersize=7,
            linewidth=2,
            label="Score",
            zorder=3,
        )
        margin = (highest - lowest) * 0.03
        axes.set_ylim(lowest - margin, highest + margin)
        axes.set_ylabel(axis_label)
        _time_axis(axes, points, tz)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9)
        figure.subplots_adjust(left=0.11, right=0.72, top=0.95, bottom=0.12)
    direction = "lower" if lower_is_better else "higher"
    label = (
        f"{name}: {len(points)} scores from {_day(points[0].at, tz)} to {_day(points[-1].at, tz)}: "
        + ", ".join(_number(p.value) for p in points[:12])
        + ("…" if len(points) > 12 else "")
        + f". Baseline {_number(start)}; an important change reaches {_number(target)} ({direction} is better)."
    )
    return _render(figure, instrument, label)
