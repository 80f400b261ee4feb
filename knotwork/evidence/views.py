"""The evidence page (practitioners and the owner), its CSV and PDF, and the owner's refresh and settings.

Not a patient read, so nothing is written to the audit trail when it is opened: every figure is a count over
courses or sessions read from a precomputed summary (`EvidenceSummary`), no patient is named, and groups under the
clinic's minimum count are suppressed. The only people named are the clinic's practitioners (the funnel plot), who
are staff, not patients. The research export, which does carry rows per course, is recorded as an export.
"""

import csv
import hashlib
from collections.abc import Iterable

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.policy import can
from knotwork.evidence import charts, selectors, services, stats
from knotwork.evidence.export import cell
from knotwork.evidence.forms import EvidenceSettingsForm, PeriodForm
from knotwork.evidence.models import MIN_POOLED_CLINICS
from knotwork.outcomes.charts import cached_svg
from knotwork.reports.services import PdfUnavailable, render_pdf


def _chosen(request: ClinicRequest):
    """The summary asked for (?period=), the clinic's summaries, and the form; all time by default."""
    summaries = selectors.list_summaries(request.clinic)
    choices = [(s.period, s.label) for s in summaries]
    choices.sort(key=lambda c: (c[0] != "all", c[0] != "last-12-months", [-ord(ch) for ch in c[0]]))
    form = PeriodForm(request.GET or None, choices=choices)
    period = "all"
    if request.GET and form.is_valid():
        period = form.cleaned_data["period"]
    elif request.GET:
        messages.error(request, "There are no figures for that period; showing all courses.")
        form = PeriodForm(choices=choices)
    return selectors.get_summary(request.clinic, period), form


CHART_VERSION = 1  # bump when the drawing code changes, so cached charts are drawn again


def _context(request: ClinicRequest) -> dict:
    summary, form = _chosen(request)
    settings = selectors.evidence_settings(request.clinic)
    context = {
        "form": form,
        "settings": settings,
        "settings_form": EvidenceSettingsForm(instance=settings),
        "summary": summary,
        "may_refresh": can(request.user, "refresh_evidence"),
        "may_change": can(request.user, "change_evidence_settings"),
        "min_pooled": MIN_POOLED_CLINICS,
    }
    if summary is None:
        return context
    pooled = selectors.pooled_summaries(request.clinic, summary.period)
    # The figures' fragment is the same for everyone of the clinic until a summary (its own or a pooled one) or
    # the minimum count changes: the page keeps it rendered under a hash of exactly those (no figure in the key).
    versions = [(summary.pk, summary.updated_at.isoformat(), settings.minimum_count)]
    versions += [(other.pk, other.updated_at.isoformat()) for other in pooled or []]
    context["figures_key"] = hashlib.sha256(repr((CHART_VERSION, versions)).encode()).hexdigest()
    page = selectors.build_page(summary, minimum=settings.minimum_count, pooled=pooled)
    technique = next(t for t in page.tables if t.key == "technique")
    overall = page.overall.interval.rate if page.overall.interval else None
    rates = [_interval(row.own) for row in technique.rows if not row.own.suppressed]
    funnel = [_interval(r) for r in page.funnel]
    curves = [(c.name, c.steps, c.n) for c in page.curves]
    largest = max([r.n for r in page.funnel], default=10)
    context |= {
        "page": page,
        "technique_chart": _drawn(
            "technique",
            (rates, overall),
            lambda: charts.rate_chart(rates, title="Responders by technique", overall=overall, salt="technique"),
        ),
        "funnel_chart": _drawn(
            "funnel",
            (funnel, overall, largest),
            lambda: charts.funnel_chart(funnel, target=overall or 0.0, largest=largest),
        ),
        "relief_chart": _drawn("relief", curves, lambda: charts.relief_chart(curves)),
    }
    return context


def _drawn(kind: str, data, draw) -> str:
    """A chart drawn once per set of figures (knotwork.outcomes.charts.cached_svg): drawing is most of the time."""
    return cached_svg(f"evidence-{kind}", data, draw)


def _interval(r: selectors.Rate) -> charts.Interval:
    """A shown rate for a chart (suppressed rates are filtered out before drawing)."""
    interval = r.interval or stats.wilson(r.count, r.n)
    return charts.Interval(r.label, interval.rate, interval.low, interval.high, r.n)


@clinic_member(may="see_evidence")
@require_GET
def page(request: ClinicRequest):
    return render(request, "evidence/evidence_page.html", _context(request))


@clinic_member(may="see_evidence")
@require_GET
def figures_pdf(request: ClinicRequest):
    context = _context(request)
    if context["summary"] is None:
        messages.error(request, "There are no figures yet: the owner refreshes them first.")
        return redirect("evidence:page")
    try:
        pdf = render_pdf(
            "evidence/evidence_pdf.html",
            context | {"pdf": True, "clinic": request.clinic},
            base_url=request.build_absolute_uri("/"),
        )
    except PdfUnavailable as error:
        messages.error(request, str(error))
        return redirect("evidence:page")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evidence-{context["summary"].period}.pdf"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([cell(v) for v in row]) for row in rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@clinic_member(may="see_evidence")
@require_GET
def figures_csv(request: ClinicRequest):
    summary, _form = _chosen(request)
    if summary is None:
        messages.error(request, "There are no figures yet: the owner refreshes them first.")
        return redirect("evidence:page")
    settings = selectors.evidence_settings(request.clinic)
    pooled = selectors.pooled_summaries(request.clinic, summary.period)
    page = selectors.build_page(summary, minimum=settings.minimum_count, pooled=pooled)
    return _csv(selectors.csv_rows(page), f"evidence-{summary.period}.csv")


@clinic_member(may="refresh_evidence")
@require_POST
def refresh(request: ClinicRequest):
    services.request_refresh(clinic=request.clinic, by=request.user)
    messages.success(request, "The figures are being worked out again; this page shows the new ones when done.")
    return redirect("evidence:page")


@clinic_member(may="change_evidence_settings")
@require_POST
def change_settings(request: ClinicRequest):
    form = EvidenceSettingsForm(request.POST, instance=selectors.evidence_settings(request.clinic))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{str(label).capitalize()}: {error}" if label else error)
        return redirect("evidence:page")
    services.change_evidence_settings(
        clinic=request.clinic,
        by=request.user,
        minimum_count=form.cleaned_data["minimum_count"],
        pooled=form.cleaned_data["pooled"],
    )
    messages.success(request, "Evidence settings saved.")
    return redirect("evidence:page")
