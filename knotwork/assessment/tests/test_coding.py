"""The ICD-10-CM code set: its data, the search, validity on a date of service, the command and the API."""

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
import time_machine
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from knotwork.assessment import coding
from knotwork.assessment.forms import DiagnosisForm
from knotwork.assessment.models import Diagnosis
from knotwork.assessment.services import start_examination
from knotwork.patients.tests.factories import PatientFactory

FY2026 = datetime.date(2026, 3, 2)
URL = "/api/v1/codes/icd10"


@pytest.fixture(autouse=True)
def installed_file(settings, tmp_path) -> Path:
    """Each test installs into its own folder, never into the installation's var/."""
    settings.KNOTWORK_ICD10_FILE = str(tmp_path / "codes" / "icd10.yaml")
    return tmp_path / "codes" / "icd10.yaml"


def shipped() -> dict:
    return yaml.safe_load(coding.SHIPPED.read_text(encoding="utf-8"))


def codes_of(matches) -> list[str]:
    return [m.code.code for m in matches]


# --- the data ------------------------------------------------------------------------------------------------


def test_the_shipped_set_is_the_fy2026_release_and_states_its_source():
    codes = coding.get_code_set()
    assert (codes.name, codes.fiscal_year, codes.effective) == ("ICD-10-CM FY2026", 2026, datetime.date(2025, 10, 1))
    assert "CMS/NCHS ICD-10-CM FY2026" in codes.sources[codes.source]
    assert len(codes.current()) >= 300


@pytest.mark.parametrize(
    ("code", "description"),
    [
        ("M79.18", "Myalgia, other site"),
        ("M25.511", "Pain in right shoulder"),
        ("M54.50", "Low back pain, unspecified"),
        ("M62.830", "Muscle spasm of back"),
        ("M79.601", "Pain in right arm"),
        ("G44.209", "Tension-type headache, unspecified, not intractable"),
        ("M26.601", "Right temporomandibular joint disorder, unspecified"),
        ("G57.01", "Lesion of sciatic nerve, right lower limb"),
        ("M53.3", "Sacrococcygeal disorders, not elsewhere classified"),
        ("S13.4XXA", "Sprain of ligaments of cervical spine, initial encounter"),
        ("S16.1XXA", "Strain of muscle, fascia and tendon at neck level, initial encounter"),
        ("S39.012A", "Strain of muscle, fascia and tendon of lower back, initial encounter"),
        ("M54.16", "Radiculopathy, lumbar region"),
        ("M60.811", "Other myositis, right shoulder"),
    ],
)
def test_the_clinics_usual_codes_are_billable_in_fy2026(code, description):
    entry = coding.get_code(code)
    assert entry is not None
    assert entry.description == description
    assert coding.refusal(code, on=FY2026) is None


def test_the_myalgia_split_took_effect_in_fy2023():
    header = coding.get_code("M79.1")
    assert (header.billable, header.valid_to, header.use_instead) == (
        False,
        2022,
        ("M79.10", "M79.11", "M79.12", "M79.18"),
    )
    assert coding.get_code("M79.18").valid_from == 2023
    assert coding.refusal("M79.1", on=datetime.date(2022, 9, 30)) is None
    assert coding.refusal("M79.18", on=datetime.date(2022, 10, 1)) is None
    assert "only from 1 October 2022 (FY2023)" in coding.refusal("M79.18", on=datetime.date(2022, 9, 30))


def test_no_billable_code_has_a_billable_code_below_it_and_headings_are_never_offered():
    current = set(coding.get_codes())
    assert "M79.1" not in current
    assert "M54.5" not in current
    for code in current:
        assert not any(other != code and other.replace(".", "").startswith(code.replace(".", "")) for other in current)


# --- search ----------------------------------------------------------------------------------------------------


def test_an_exact_code_ranks_first_then_codes_that_start_with_it():
    assert codes_of(coding.search("M79.1", on=FY2026)) == ["M79.1", "M79.10", "M79.11", "M79.12", "M79.18"]
    assert codes_of(coding.search("m7918", on=FY2026)) == ["M79.18"]
    assert codes_of(coding.search("s134", on=FY2026)) == ["S13.4XXA", "S13.4XXD"]


def test_words_match_the_description_in_any_order_and_any_case():
    assert codes_of(coding.search("SHOULDER right", on=FY2026))[0] == "M25.511"
    assert codes_of(coding.search("right shoulder", on=FY2026)) == codes_of(coding.search("Shoulder RIGHT", on=FY2026))
    assert "M25.512" not in codes_of(coding.search("right shoulder", on=FY2026))
    assert codes_of(coding.search("sciatica left", on=FY2026)) == ["M54.32", "M54.42"]
    assert codes_of(coding.search("should pain", on=FY2026))[:3] == ["M25.511", "M25.512", "M25.519"]


def test_the_plain_pain_codes_come_before_the_rarer_ones():
    found = codes_of(coding.search("shoulder", on=FY2026, limit=50))
    assert found[:3] == ["M25.511", "M25.512", "M25.519"]
    assert found.index("M25.511") < found.index("M19.011") < found.index("S43.401A")


def test_common_names_find_codes_whose_description_lacks_them():
    assert codes_of(coding.search("piriformis", on=FY2026)) == ["G57.00", "G57.01", "G57.02", "G57.03"]
    assert codes_of(coding.search("coccygodynia", on=FY2026)) == ["M53.3"]
    assert "M26.621" in codes_of(coding.search("tmj right", on=FY2026))
    # a word of the description ranks before a search term
    assert codes_of(coding.search("neck", on=FY2026))[0] == "M79.12"


def test_search_lists_only_codes_valid_on_the_date_of_service_but_shows_an_exact_heading_with_the_reason():
    before_split = codes_of(coding.search("myalgia", on=datetime.date(2022, 5, 1)))
    assert before_split == ["M79.1"]
    after = coding.search("m54.5", on=FY2026)
    assert [(m.code.code, m.usable) for m in after][:2] == [("M54.5", False), ("M54.50", True)]
    assert "use a more specific code: M54.50 Low back pain, unspecified" in after[0].message
    assert coding.search("   ", on=FY2026) == []
    assert coding.search("zzzz", on=FY2026) == []
    assert len(coding.search("pain", on=FY2026, limit=7)) == 7


# --- validity and the form ---------------------------------------------------------------------------------


def test_fiscal_years_start_on_the_first_of_october():
    assert coding.fiscal_year(datetime.date(2025, 9, 30)) == 2025
    assert coding.fiscal_year(datetime.date(2025, 10, 1)) == 2026
    assert not coding.is_stale(datetime.date(2026, 9, 30))
    assert coding.is_stale(datetime.date(2026, 10, 1))


def test_the_form_takes_a_code_with_or_without_its_dot_or_pasted_with_its_description():
    for typed in ("M25.511", "m25511", " M25.511 Pain in right shoulder"):
        form = DiagnosisForm({"code": typed}, service_date=FY2026)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["code"] == "M25.511"


def test_the_form_refuses_a_heading_naming_the_codes_to_use():
    form = DiagnosisForm({"code": "M79.1"}, service_date=FY2026)
    assert not form.is_valid()
    assert "use a more specific code: M79.10 Myalgia, unspecified site" in form.errors["code"][0]
    form = DiagnosisForm({"code": "M54.5"}, service_date=FY2026)
    assert "use a more specific code: M54.50" in form.errors["code"][0]


def test_the_form_refuses_a_code_not_valid_on_the_date_of_service():
    form = DiagnosisForm({"code": "M79.18"}, service_date=datetime.date(2022, 6, 1))
    assert not form.is_valid()
    assert form.errors["code"] == [
        "M79.18 (Myalgia, other site) is valid only from 1 October 2022 (FY2023); "
        "the date of service 2022-06-01 falls in FY2022."
    ]


def test_words_without_javascript_get_the_closest_codes_back():
    form = DiagnosisForm({"code": "right shoulder"}, service_date=FY2026)
    assert not form.is_valid()
    assert form.errors["code"][0].startswith("Choose one code and type it here: M25.511 Pain in right shoulder;")
    form = DiagnosisForm({"code": "Q99.9"}, service_date=FY2026)
    assert "No code in the clinic's ICD-10-CM list (ICD-10-CM FY2026) matches 'Q99.9'" in form.errors["code"][0]


@time_machine.travel(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC), tick=False)
def test_the_examination_page_refuses_a_heading_and_adds_nothing(practitioner_client, clinic_a, practitioner):
    examination = start_examination(patient=PatientFactory(clinic=clinic_a), by=practitioner)
    url = reverse("assessment:examination", args=[examination.public_id])
    page = practitioner_client.post(url, {"action": "diagnosis", "dx-code": "M79.1"})
    assert page.status_code == 200
    assert "use a more specific code: M79.10" in page.text
    assert not Diagnosis.objects.exists()
    assert practitioner_client.post(url, {"action": "diagnosis", "dx-code": "m79.18"}).status_code == 302
    assert Diagnosis.objects.get().code == "M79.18"


# --- the command ---------------------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("icd10", *args, stdout=out)
    return out.getvalue()


def release(year: int = 2027, **changes) -> dict:
    data = shipped()
    data["release"].update(name=f"ICD-10-CM FY{year}", fiscal_year=year, effective=f"{year - 1}-10-01")
    data.update(changes)
    return data


def write(tmp_path: Path, data) -> str:
    path = tmp_path / "new.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def test_search_prints_the_ranked_codes_as_text_and_json():
    assert (
        run("search", "right", "shoulder", "--on", "2026-03-02").splitlines()[0] == "M25.511   Pain in right shoulder"
    )
    data = json.loads(run("search", "m79.1", "--json", "--on", "2026-03-02"))
    assert data["release"] == "ICD-10-CM FY2026"
    assert [(r["code"], r["usable"]) for r in data["results"]][:2] == [("M79.1", False), ("M79.10", True)]


def test_show_prints_a_code_and_refuses_an_unknown_one():
    out = run("show", "m5450", "--on", "2026-03-02")
    assert out.startswith("M54.50  Low back pain, unspecified")
    assert "valid: FY2022 to open" in out
    assert "on 2026-03-02: may be used" in out
    with pytest.raises(CommandError, match=r"'Q99\.9' is not in ICD-10-CM FY2026"):
        run("show", "Q99.9")
    with pytest.raises(CommandError, match="not a date"):
        run("search", "shoulder", "--on", "yesterday")


def test_check_reports_what_a_new_release_changes_and_installs_nothing(tmp_path, installed_file):
    data = release()
    for entry in data["codes"]:
        if entry["code"] == "M62.830":
            entry["description"] = "Muscle spasm of back, reworded"
    data["codes"].append(
        {"code": "M79.19", "description": "Myalgia, a new site", "valid_from": "FY2027", "valid_to": "open"}
    )
    out = run("check", write(tmp_path, data))
    assert "ICD-10-CM FY2027, effective 2026-10-01" in out
    assert "added (1): M79.19" in out
    assert "new description M62.830: 'Muscle spasm of back' -> 'Muscle spasm of back, reworded'" in out
    assert not installed_file.exists()


def test_update_installs_a_new_release_for_every_clinic(tmp_path, installed_file):
    data = release()
    data["codes"] = [e for e in data["codes"] if e["code"] != "M79.7"]
    out = run("update", write(tmp_path, data))
    assert "no longer billable (1): M79.7" in out
    assert installed_file.exists()
    assert coding.get_code_set().name == "ICD-10-CM FY2027"
    assert coding.get_code("M79.7") is None
    assert not coding.is_stale(datetime.date(2026, 11, 1))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("codes: [unclosed", "not valid YAML"),
        ({"schema_version": 1}, "schema_version must be 2"),
        (
            release(effective="x") | {"release": {**release()["release"], "effective": "2026-01-01"}},
            "takes effect on 2026-10-01",
        ),
        (
            release(codes=[{"code": "M7918", "description": "Myalgia", "valid_from": "FY2023", "valid_to": "open"}]),
            "not an ICD-10-CM code",
        ),
        (
            release(codes=[{"code": "M79.18", "description": "", "valid_from": "FY2023", "valid_to": "open"}]),
            "description must be text",
        ),
        (
            release(codes=[{"code": "M79.18", "description": "x", "valid_from": "2023-10-01", "valid_to": "open"}]),
            "write a fiscal year as FY2026",
        ),
        (
            release(
                codes=[
                    {"code": "M79.18", "description": "x", "valid_from": "FY2023", "valid_to": "open", "colour": "red"}
                ]
            ),
            "unknown field(s) colour",
        ),
        (
            release(
                codes=[
                    {
                        "code": "M79.1",
                        "description": "Myalgia",
                        "billable": False,
                        "valid_from": "FY2016",
                        "valid_to": "FY2022",
                    }
                ]
            ),
            "names the codes to use instead",
        ),
        (
            release(
                codes=[
                    {"code": "M79.1", "description": "Myalgia", "valid_from": "FY2016", "valid_to": "open"},
                    {
                        "code": "M79.18",
                        "description": "Myalgia, other site",
                        "valid_from": "FY2023",
                        "valid_to": "open",
                    },
                ]
            ),
            "M79.1: billable in FY2027 but M79.18 is below it",
        ),
        (
            release(
                codes=[
                    {
                        "code": "M79.18",
                        "description": "x",
                        "valid_from": "FY2023",
                        "valid_to": "open",
                        "source": ["NOPE"],
                    }
                ]
            ),
            "NOPE are not in sources",
        ),
    ],
    ids=[
        "yaml",
        "schema",
        "effective",
        "code-shape",
        "description",
        "fiscal-year",
        "unknown-field",
        "heading",
        "leaf",
        "source",
    ],
)
def test_a_bad_release_exits_non_zero_with_a_clear_message_and_changes_nothing(tmp_path, installed_file, data, message):
    path = write(tmp_path, data)
    for action in ("check", "update"):
        with pytest.raises(CommandError, match="nothing was changed") as refused:
            run(action, path)
        assert message in str(refused.value)
    assert not installed_file.exists()
    assert coding.get_code_set().path == coding.SHIPPED


def test_update_refuses_an_older_release_unless_asked_and_a_missing_file(tmp_path, installed_file):
    run("update", write(tmp_path, release(2027)))
    with pytest.raises(
        CommandError, match=r"older than the code set in use .*--allow-older to go back to it\. Nothing was changed"
    ):
        run("update", write(tmp_path, release(2026)))
    assert coding.get_code_set().fiscal_year == 2027
    run("update", write(tmp_path, release(2026)), "--allow-older")
    assert coding.get_code_set().fiscal_year == 2026
    with pytest.raises(CommandError, match="Cannot read"):
        run("check", str(tmp_path / "missing.yaml"))


# --- the API -------------------------------------------------------------------------------------------------------


def test_the_api_searches_for_clinic_members(practitioner_client, front_desk_client):
    answer = practitioner_client.get(URL, {"q": "shoulder right", "on": "2026-03-02", "limit": 3})
    assert answer.status_code == 200
    body = answer.json()
    assert (body["release"], body["fiscal_year"], body["stale"]) == ("ICD-10-CM FY2026", 2026, False)
    assert [r["code"] for r in body["results"]] == ["M25.511", "M75.51", "M19.011"]
    assert body["results"][0] == {
        "code": "M25.511",
        "description": "Pain in right shoulder",
        "group": "joint_pain",
        "billable": True,
        "valid_from": 2016,
        "valid_to": None,
        "usable": True,
        "message": "",
        "note": "",
    }
    assert front_desk_client.get(URL, {"q": "m79.1"}).json()["results"][0]["usable"] is False


def test_the_api_refuses_strangers_and_bad_queries(practitioner_client):
    assert Client().get(URL, {"q": "shoulder"}).status_code == 401
    for params in (
        {},
        {"q": ""},
        {"q": "x" * 81},
        {"q": "---"},
        {"q": "shoulder", "limit": 500},
        {"q": "a", "on": "soon"},
    ):
        answer = practitioner_client.get(URL, params)
        assert answer.status_code == 422, params
        assert answer["Content-Type"] == "application/problem+json"
