import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from knotwork.outcomes import selectors, services
from knotwork.outcomes.models import QuestionnaireResponse, QuestionnaireText
from knotwork.outcomes.tests.isolation import wording_file
from knotwork.patients.tests.factories import PatientFactory

_ = None  # a skipped item


@pytest.fixture
def patient(clinic_a):
    return PatientFactory(clinic=clinic_a)


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def record(patient, by, instrument, answers, **kwargs):
    kwargs.setdefault("occasion", "intake")
    return services.record_questionnaire(patient=patient, instrument=instrument, answers=answers, by=by, **kwargs)


def test_an_oswestry_is_stored_with_every_answer_its_version_and_score(patient, practitioner):
    response = record(patient, practitioner, "odi", [1, 2, 3, 0, 1, 2, 3, 4, 5, 0])
    response.refresh_from_db()
    assert response.answers == [1, 2, 3, 0, 1, 2, 3, 4, 5, 0]
    assert response.version == "2.1a"
    assert response.raw == Decimal(21)
    assert response.percent == Decimal("42.000")
    assert response.band == "severe disability"
    assert response.display == "42.0 %"
    assert (response.answered, response.skipped, response.via_link) == (10, 0, False)
    assert response.clinic == patient.clinic


def test_a_skipped_oswestry_section_is_kept_as_null(patient, practitioner):
    response = record(patient, practitioner, "odi", [0, 1, 2, 3, 4, 5, _, 1, 2, 3])
    response.refresh_from_db()
    assert response.answers[6] is None
    assert response.display == "46.7 %"
    assert response.skipped == 1


def test_three_skipped_sections_are_refused_and_nothing_is_saved(patient, practitioner):
    with pytest.raises(ValidationError, match="at most 2 may be skipped"):
        record(patient, practitioner, "ndi", [_, _, _, 1, 1, 1, 1, 1, 1, 1])
    assert not QuestionnaireResponse.objects.exists()


@pytest.mark.parametrize(
    ("instrument", "answers", "message"),
    [
        ("odi", [6, 0, 0, 0, 0, 0, 0, 0, 0, 0], "6 is not a possible answer"),
        ("odi", [-1, 0, 0, 0, 0, 0, 0, 0, 0, 0], "-1 is not a possible answer"),
        ("odi", [0] * 9, "10 items"),
        ("nprs", [11], "not on the 0 to 10 scale"),
        ("nprs", [_], "one answer"),
        ("ndi", ["2"] * 10, "not a whole number"),
        ("ndi", [True] * 10, "not a whole number"),
        ("sf36", [1], "Unknown questionnaire"),
    ],
)
def test_impossible_answers_are_refused(patient, practitioner, instrument, answers, message):
    with pytest.raises(ValidationError, match=message):
        record(patient, practitioner, instrument, answers)
    assert not QuestionnaireResponse.objects.exists()


def test_neck_disability_with_one_item_skipped_is_prorated(patient, practitioner):
    response = record(patient, practitioner, "ndi", [2, 2, 2, 2, 2, 2, 2, 2, 2, _])
    assert response.raw == Decimal(20)
    assert response.percent == Decimal(40)
    assert response.band == "moderate disability"
    assert response.display == "40.0 % (raw 20.0 / 50)"


def test_psfs_needs_a_name_for_each_rating(patient, practitioner):
    with pytest.raises(ValidationError, match="2 activities were named but 3 ratings"):
        record(patient, practitioner, "psfs", [3, 5, 4], activities=["Gardening", "Sitting"])
    with pytest.raises(ValidationError, match="only once"):
        record(patient, practitioner, "psfs", [3, 5], activities=["Gardening", "gardening "])
    with pytest.raises(ValidationError, match="1 to 5"):
        record(patient, practitioner, "psfs", [3] * 6, activities=[f"A{i}" for i in range(6)])
    with pytest.raises(ValidationError, match="Only the Patient-Specific"):
        record(patient, practitioner, "nprs", [3], activities=["Gardening"])


def test_psfs_follow_up_change_counts_matched_activities_only(patient, practitioner, clinic_a):
    names = ["Gardening", "Sitting at work", "Lifting a child"]
    first = record(patient, practitioner, "psfs", [3, 5, 4], activities=names, taken_at=ago(7))
    later = record(patient, practitioner, "psfs", [6, 7, 5, 1], activities=[*names, "Running"], occasion="discharge")
    assert first.display == "4.0 / 10"
    rows = selectors.outcome_rows([first, later], clinic_a.settings)
    change = rows[0].change
    assert rows[0].response == later
    assert change.change_display == "+2.0 points"
    assert change.matched == 3
    assert change.improved
    assert change.important
    assert rows[1].baseline is None


def test_the_baseline_psfs_gives_its_activities_to_follow_ups(patient, practitioner):
    record(patient, practitioner, "psfs", [3, 5], activities=["Gardening", "Sitting"], taken_at=ago(1))
    record(patient, practitioner, "psfs", [4], activities=["Running"])
    assert selectors.baseline_psfs(patient).activities == ["Gardening", "Sitting"]


def test_oswestry_change_uses_the_clinic_setting(patient, practitioner, clinic_a):
    first = record(patient, practitioner, "odi", [1, 2, 3, 0, 1, 2, 3, 4, 5, 0], taken_at=ago(14))  # 42 %
    later = record(patient, practitioner, "odi", [1] * 10)
    change = selectors.outcome_rows([first, later], clinic_a.settings)[0].change
    assert change.change_display == "-22.0 points"
    assert change.verdict == "improvement, important (10 points)"
    clinic_a.settings.odi_important_change = 25
    change = selectors.outcome_rows([first, later], clinic_a.settings)[0].change
    assert change.verdict == "improvement, below the important change (25 points)"


def test_neck_disability_change_is_in_raw_points(patient, practitioner, clinic_a):
    first = record(patient, practitioner, "ndi", [2] * 10, taken_at=ago(7))
    later = record(patient, practitioner, "ndi", [3] * 10)
    change = selectors.outcome_rows([first, later], clinic_a.settings)[0].change
    assert change.change_display == "+10.0 raw points"
    assert change.verdict == "worsening, important (5 raw points)"


def test_pain_ratings_use_the_responder_rule(patient, practitioner, clinic_a):
    first = record(patient, practitioner, "nprs", [9], taken_at=ago(7))
    later = record(patient, practitioner, "nprs", [7])
    responder = selectors.outcome_rows([first, later], clinic_a.settings)[0].responder
    assert responder.responder
    assert responder.by_points
    assert not responder.by_percent


def test_a_session_of_another_patient_cannot_be_linked(patient, practitioner, clinic_a):
    from knotwork.treatment.models import TreatmentSession

    other = PatientFactory(clinic=clinic_a)
    session = TreatmentSession.objects.create(clinic=clinic_a, patient=other, practitioner=practitioner, pain_before=5)
    with pytest.raises(ValidationError, match="another patient"):
        record(patient, practitioner, "nprs", [5], session=session)


def test_a_questionnaire_cannot_be_taken_in_the_future(patient, practitioner):
    with pytest.raises(ValidationError, match="future"):
        record(patient, practitioner, "nprs", [5], taken_at=timezone.now() + datetime.timedelta(days=1))


# --- licensed wording -----------------------------------------------------------------------------------------------


def test_an_owner_loads_the_oswestry_wording(clinic_a, owner):
    text = services.load_questionnaire_text(clinic=clinic_a, content=wording_file(), filename="odi.json", by=owner)
    assert text.instrument == "odi"
    assert text.version == "2.1a"
    assert len(text.sections) == 10
    assert text.sections[0]["statements"][5] == "Placeholder statement 1.5"
    assert selectors.current_wording(clinic_a, "odi") == text
    assert selectors.current_wording(clinic_a, "ndi") is None


def test_a_yaml_wording_file_is_read(clinic_a, owner):
    sections = "\n".join(
        f"  - name: Section {s}\n    statements:\n" + "\n".join(f"      - Placeholder {s}.{i}" for i in range(6))
        for s in range(1, 11)
    )
    content = f"instrument: ndi\nversion: clinic copy 2024\nsections:\n{sections}\n".encode()
    text = services.load_questionnaire_text(clinic=clinic_a, content=content, filename="ndi.yaml", by=owner)
    assert text.instrument == "ndi"
    assert text.sections[9] == {"name": "Section 10", "statements": [f"Placeholder 10.{i}" for i in range(6)]}


def _bad(**changes) -> bytes:
    return wording_file(**changes)


def _sections(count=10, statements=6, text="Placeholder"):
    return [{"name": f"S{s}", "statements": [text] * statements} for s in range(count)]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (_bad(instrument="psfs"), "x.json", "instrument must be odi or ndi"),
        (_bad(sections=_sections(count=9)), "x.json", "There are 9 sections"),
        (_bad(sections=_sections(statements=5)), "x.json", "Section 1 has 5 statements"),
        (_bad(sections=_sections(text="x" * 301)), "x.json", "at most 300"),
        (_bad(sections=_sections(text="")), "x.json", "is empty"),
        (_bad(version=""), "x.json", "version is missing"),
        (_bad(colour="blue"), "x.json", "Unknown keys: colour"),
        ("instrument: odi\nversion: 1\n".encode("utf-16"), "x.yaml", "not UTF-8"),
        (b"instrument: [odi\n", "x.yaml", "not valid YAML or JSON"),
        (b"{", "x.json", "not valid YAML or JSON"),
        (b"- just\n- a list\n", "x.yaml", "must hold a mapping"),
        (b"x" * 70_000, "x.yaml", "at most 64 KB"),
        (
            b"a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            b"instrument: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
            "bomb.yaml",
            "the file says something else",
        ),
    ],
)
def test_a_bad_wording_file_is_refused_and_changes_nothing(clinic_a, owner, content, filename, message):
    services.load_questionnaire_text(clinic=clinic_a, content=wording_file(), filename="first.json", by=owner)
    with pytest.raises(ValidationError) as error:
        services.load_questionnaire_text(clinic=clinic_a, content=content, filename=filename, by=owner)
    assert any(message in m for m in error.value.messages), error.value.messages
    assert QuestionnaireText.objects.count() == 1


def test_the_placeholder_file_in_the_guide_loads(clinic_a, owner):
    """docs/questionnaires.md carries an example file; it must stay loadable."""
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[3] / "docs" / "questionnaires.md").read_text()
    example = guide.split("```yaml\n", 1)[1].split("```", 1)[0]
    text = services.load_questionnaire_text(clinic=clinic_a, content=example.encode(), filename="odi.yaml", by=owner)
    assert text.instrument == "odi"
    json.dumps(text.sections)
