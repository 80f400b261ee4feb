import datetime
import xml.etree.ElementTree as ET
import zoneinfo

import pytest
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st

from knotwork.outcomes import selectors, services
from knotwork.outcomes.charts import Point, pain_chart, questionnaire_chart
from knotwork.patients.tests.factories import PatientFactory
from knotwork.treatment.models import TreatmentSession

SVG = "{http://www.w3.org/2000/svg}"
START = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


def day(n: int, hours: int = 0) -> datetime.datetime:
    return START + datetime.timedelta(days=n, hours=hours)


PAIN = [
    Point(day(0), 7, "before session"),
    Point(day(0, 1), 4, "after session"),
    Point(day(1), 5, "check-in"),
    Point(day(7), 6, "before session"),
    Point(day(7, 1), 3, "after session"),
    Point(day(14), 3, "pain rating"),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def test_the_pain_chart_is_valid_svg_that_says_what_it_shows():
    svg = pain_chart(PAIN, responder_points=2)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    label = root.get("aria-label")
    assert label == root.find(f"{SVG}title").text
    assert "6 readings from 2 Mar 2026 to 16 Mar 2026" in label
    assert "first 7, latest 3 (pain rating)" in label
    assert "responder threshold 5" in label


def test_the_pain_chart_draws_every_point_and_a_dashed_threshold():
    root = parse(pain_chart(PAIN, responder_points=2))
    markers = list(root.iter(f"{SVG}use"))
    # tick marks are <use> too; points and legend markers are the ones filled with a series colour
    coloured = [u for u in markers if u.get("fill") in {"#b3261e", "#0f5c63", "#8a5a00", "#2b6cb0"}]
    assert len(coloured) == len(PAIN) + 4  # and one in the legend per kind of reading
    dashed = [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray") and p.get("stroke") == "#1e6b3a"]
    assert dashed
    legend = [t.text for t in root.iter(f"{SVG}text")]
    assert "Responder line (5)" in legend


def test_colours_are_attributes_never_css():
    svg = pain_chart(PAIN) + questionnaire_chart(PAIN, instrument="nprs", important_change=2)
    assert "style=" not in svg
    assert "<style" not in svg
    assert "@font-face" not in svg
    assert "<metadata" not in svg


def test_the_same_points_give_the_same_bytes():
    assert pain_chart(PAIN) == pain_chart(list(reversed(PAIN)))
    odi = [Point(day(0), 42.0, "intake"), Point(day(14), 30.0, "discharge")]
    assert questionnaire_chart(odi, instrument="odi", important_change=10) == questionnaire_chart(
        odi, instrument="odi", important_change=10
    )


def test_two_charts_on_one_page_do_not_share_ids():
    def ids(svg):
        return {e.get("id") for e in parse(svg).iter() if e.get("id")}

    odi = [Point(day(0), 42.0), Point(day(14), 30.0)]
    assert not ids(pain_chart(PAIN)) & ids(questionnaire_chart(odi, instrument="odi", important_change=10))


def test_the_questionnaire_chart_shows_the_important_change_band():
    odi = [Point(day(0), 42.0, "intake"), Point(day(14), 30.0, "discharge")]
    root = parse(questionnaire_chart(odi, instrument="odi", important_change=10))
    label = root.get("aria-label")
    assert label.startswith("Oswestry Disability Index (%): 2 scores from 2 Mar 2026 to 16 Mar 2026: 42, 30.")
    assert "an important change reaches 32 (lower is better)" in label
    assert any(p.get("fill") == "#e5f4ea" for p in root.iter(f"{SVG}path"))
    psfs = parse(questionnaire_chart([Point(day(0), 4.0)], instrument="psfs", important_change=2))
    assert "reaches 6 (higher is better)" in psfs.get("aria-label")


def test_dates_are_shown_in_the_clinic_time_zone():
    late = [Point(datetime.datetime(2026, 3, 3, 3, 0, tzinfo=datetime.UTC), 5, "pain rating")]
    label = parse(pain_chart(late, tz=zoneinfo.ZoneInfo("America/Denver"))).get("aria-label")
    assert "from 2 Mar 2026" in label


def test_an_empty_series_says_so():
    root = parse(pain_chart([]))
    assert root.get("aria-label") == "Pain (0-10): nothing recorded yet."


# --- series from the records ------------------------------------------------------------------------------------


@pytest.fixture
def patient(clinic_a):
    return PatientFactory(clinic=clinic_a)


def test_pain_series_gathers_sessions_and_pain_ratings_oldest_first(patient, practitioner, clinic_a):
    now = timezone.now()
    session = TreatmentSession.objects.create(
        clinic=clinic_a,
        patient=patient,
        practitioner=practitioner,
        pain_before=7,
        pain_after=4,
        ended_at=now + datetime.timedelta(hours=1),
    )
    services.record_questionnaire(
        patient=patient,
        instrument="nprs",
        occasion="intake",
        answers=[8],
        by=practitioner,
        taken_at=now - datetime.timedelta(days=3),
    )
    other = PatientFactory(clinic=clinic_a)
    services.record_questionnaire(patient=other, instrument="nprs", occasion="intake", answers=[1], by=practitioner)
    series = selectors.pain_series(patient)
    assert [(p.value, p.label) for p in series] == [(8, "pain rating"), (7, "before session"), (4, "after session")]
    assert series[1].at == session.created_at
    assert selectors.pain_series(patient, since=now.date()) == series[1:]
    assert selectors.pain_series(patient, until=(now - datetime.timedelta(days=1)).date()) == series[:1]


def test_questionnaire_series_plots_percent_or_mean(patient, practitioner):
    now = timezone.now()
    for days, answers in ((14, [2] * 10), (0, [1] * 10)):
        services.record_questionnaire(
            patient=patient,
            instrument="ndi",
            occasion="session",
            answers=answers,
            by=practitioner,
            taken_at=now - datetime.timedelta(days=days),
        )
    assert [p.value for p in selectors.questionnaire_series(patient, "ndi")] == [40.0, 20.0]
    assert selectors.questionnaire_series(patient, "odi") == []
    assert len(selectors.questionnaire_series(patient, "ndi", since=now - datetime.timedelta(days=1))) == 1


def test_pain_series_includes_check_in_answers(patient, practitioner, clinic_a):
    from knotwork.followup.models import CheckIn

    now = timezone.now()
    session = TreatmentSession.objects.create(
        clinic=clinic_a, patient=patient, practitioner=practitioner, pain_before=6
    )
    CheckIn.objects.create(
        clinic=clinic_a,
        patient=patient,
        session=session,
        hours_after=24,
        due_at=now,
        status="answered",
        answered_at=now + datetime.timedelta(hours=24),
        soreness=3,
        pain=4,
    )
    assert [(p.value, p.label) for p in selectors.pain_series(patient)] == [(6, "before session"), (4, "check-in")]


def test_pain_series_includes_the_diary_at_noon_of_each_day_in_the_clinic_time_zone(patient, clinic_a):
    # Check-ins and the diary stand on a higher floor (follow-up), which adds them through outcomes.hooks.
    from knotwork.followup.models import DiaryEntry

    clinic_a.time_zone = "Australia/Sydney"
    clinic_a.save(update_fields=["time_zone"])
    DiaryEntry.objects.create(clinic=clinic_a, patient=patient, recorded_on=datetime.date(2026, 3, 2), pain=5)
    noon = datetime.datetime(2026, 3, 2, 12, tzinfo=zoneinfo.ZoneInfo("Australia/Sydney"))
    assert [(p.at, p.value, p.label) for p in selectors.pain_series(patient)] == [(noon, 5, "diary")]
    assert selectors.pain_series(patient, since=datetime.date(2026, 3, 3)) == []


def test_the_chart_embeds_in_a_weasyprint_pdf():
    import weasyprint

    html = f"<html><body><h1>Progress</h1><figure>{pain_chart(PAIN)}</figure></body></html>"
    pdf = weasyprint.HTML(string=html).write_pdf()
    assert pdf.startswith(b"%PDF-")


@pytest.mark.parametrize(
    "gap", [datetime.timedelta(0), datetime.timedelta(microseconds=5), datetime.timedelta(minutes=3)]
)
def test_readings_moments_apart_still_chart(gap):
    svg = pain_chart([Point(START, 6, "before session"), Point(START + gap, 3, "after session")])
    assert "2 readings" in parse(svg).get("aria-label")


def test_single_reading_questionnaire_and_diary_points_chart():
    assert parse(questionnaire_chart([Point(START, 30.0)], instrument="ndi", important_change=10)) is not None
    legend = [t.text for t in parse(pain_chart([Point(START, 4, "diary")])).iter(f"{SVG}text")]
    assert "Diary" in legend


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=3 * 365 * 24 * 60))
@example(37 * 60)
@example(40 * 60)
def test_any_span_of_readings_charts_without_a_warning(minutes):
    """Warnings are errors: matplotlib's date locator must find ticks for any span (37-40 h once failed)."""
    later = START + datetime.timedelta(minutes=minutes)
    assert "2 readings" in parse(pain_chart([Point(START, 6), Point(later, 3)])).get("aria-label")


def test_the_svg_stays_plain_svg_after_weasyprint_has_written_a_pdf():
    import datetime as dt

    from weasyprint import HTML

    from knotwork.outcomes import charts

    HTML(string="<p>A PDF</p>").write_pdf()  # WeasyPrint takes over ElementTree's empty namespace prefix
    at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    svg = charts.pain_chart([charts.Point(at, 6, "before session"), charts.Point(at + dt.timedelta(days=3), 4, "")])
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "ns0:" not in svg


@pytest.fixture
def drawings(monkeypatch):
    """Counts matplotlib drawings: every chart, empty or not, is drawn through `_render`."""
    from django.core.cache import cache

    from knotwork.outcomes import charts

    cache.clear()
    calls = []
    render = charts._render
    monkeypatch.setattr(charts, "_render", lambda *args: calls.append(args) or render(*args))
    return calls


def test_a_repeat_view_of_the_same_readings_draws_nothing(drawings):
    first = pain_chart(PAIN, responder_points=2, tz=zoneinfo.ZoneInfo("Europe/Berlin"))
    again = pain_chart(list(reversed(PAIN)), responder_points=2, tz=zoneinfo.ZoneInfo("Europe/Berlin"))
    assert len(drawings) == 1
    assert again == first
    scores = [Point(day(0), 40), Point(day(14), 28)]
    questionnaire_chart(scores, instrument="odi", important_change=10)
    questionnaire_chart(scores, instrument="odi", important_change=10)
    assert len(drawings) == 2


def test_changed_readings_or_settings_draw_again(drawings):
    pain_chart(PAIN)
    pain_chart([*PAIN, Point(day(21), 2, "pain rating")])  # a new reading
    pain_chart(PAIN, responder_points=3)  # the clinic's responder setting
    pain_chart(PAIN, tz=zoneinfo.ZoneInfo("America/New_York"))  # the clinic's time zone (tick labels)
    scores = [Point(day(0), 40), Point(day(14), 28)]
    questionnaire_chart(scores, instrument="odi", important_change=10)
    questionnaire_chart(scores, instrument="ndi", important_change=10)  # the same scores, another questionnaire
    questionnaire_chart(scores, instrument="odi", important_change=12)
    assert len(drawings) == 7


def test_the_cache_key_holds_a_hash_and_no_reading(drawings, monkeypatch):
    from knotwork.outcomes import charts

    keys = []
    get = charts.cache.get
    monkeypatch.setattr(charts.cache, "get", lambda key, *args: keys.append(key) or get(key, *args))
    pain_chart([Point(day(0), 7.5, "before session")], title="Pain of Ada Lovelace")
    [key] = keys
    kind, digest = key.removeprefix("outcome-chart:").split(":")
    assert kind == "pain"
    assert len(digest) == 64
    assert int(digest, 16) >= 0  # hexadecimal: nothing of the title, the reading or its date
