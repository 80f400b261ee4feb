"""Loading the licensed ODI and NDI wording from a FHIR Questionnaire: page, command and refusals."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from knotwork.core.policy import NotAllowed
from knotwork.fhir.services import import_questionnaire
from knotwork.fhir.tests.questionnaires import fhir_questionnaire, questionnaire_data
from knotwork.outcomes.models import QuestionnaireText

pytestmark = pytest.mark.django_db


def test_a_questionnaire_becomes_the_clinics_wording(clinic_a, owner):
    text = import_questionnaire(
        clinic=clinic_a, content=fhir_questionnaire(), instrument="odi", by=owner, filename="odi.json"
    )
    assert text.instrument == "odi"
    assert text.version == "2.1a-fhir"
    assert text.licence_note == "Placeholder licence for the tests"
    assert len(text.sections) == 10
    assert text.sections[2] == {
        "name": "Placeholder section 3",
        "statements": [f"Placeholder statement 3.{o}" for o in range(6)],
    }


def test_groups_and_display_items_are_read_through_and_ordinal_values_order_the_statements(clinic_a, owner):
    data = questionnaire_data()
    for question in data["item"]:
        options = question["answerOption"]
        for score, option in enumerate(options):
            option["extension"] = [
                {"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": score}
            ]
        question["answerOption"] = list(reversed(options))
    data["item"] = [
        {"linkId": "intro", "type": "display", "text": "Please read"},
        {"linkId": "all", "type": "group", "text": "Sections", "item": data["item"]},
    ]
    text = import_questionnaire(clinic=clinic_a, content=json.dumps(data).encode(), instrument="ndi", by=owner)
    assert text.sections[0]["statements"][0] == "Placeholder statement 1.0"
    assert text.sections[0]["statements"][5] == "Placeholder statement 1.5"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (fhir_questionnaire(questions=9), "The Questionnaire has 9 questions; the Oswestry Disability Index has 10."),
        (fhir_questionnaire(options=5), "has 5 answer options; each question has 6 (scored 0 to 5)."),
        (b"not json", "The file is not JSON"),
        (json.dumps({"resourceType": "Patient"}).encode(), "The file holds a Patient, not a FHIR Questionnaire."),
        (
            json.dumps({"resourceType": "Questionnaire", "status": "active", "item": "x"}).encode(),
            "The file is not a valid FHIR R4 Questionnaire",
        ),
        (
            fhir_questionnaire(code=[{"system": "http://loinc.org", "code": "82226-2"}]),
            "coded as the Neck Disability Index, not the Oswestry Disability Index",
        ),
    ],
)
def test_a_questionnaire_that_does_not_match_is_refused_whole(clinic_a, owner, content, said):
    with pytest.raises(ValidationError) as refused:
        import_questionnaire(clinic=clinic_a, content=content, instrument="odi", by=owner)
    assert said in " ".join(refused.value.messages)
    assert not QuestionnaireText.objects.exists()


def test_an_option_set_only_as_a_value_set_is_refused_with_what_to_do(clinic_a, owner):
    data = questionnaire_data()
    del data["item"][0]["answerOption"]
    data["item"][0]["answerValueSet"] = "http://loinc.org/vs/LL3898-5"
    with pytest.raises(ValidationError, match="list the statements as answerOption"):
        import_questionnaire(clinic=clinic_a, content=json.dumps(data).encode(), instrument="odi", by=owner)


def test_only_the_owner_loads_wording(clinic_a, practitioner):
    with pytest.raises(NotAllowed, match="Only the clinic owner"):
        import_questionnaire(clinic=clinic_a, content=fhir_questionnaire(), instrument="odi", by=practitioner)


def test_the_owner_uploads_it_on_a_page(owner_client):
    page = owner_client.get("/fhir/r4/questionnaires/")
    assert page.status_code == 200
    upload = SimpleUploadedFile("odi.json", fhir_questionnaire(), content_type="application/fhir+json")
    answer = owner_client.post("/fhir/r4/questionnaires/", {"instrument": "odi", "file": upload}, follow=True)
    assert "Loaded: Oswestry Disability Index wording, version 2.1a-fhir" in answer.content.decode()
    assert QuestionnaireText.objects.get().filename == "odi.json"


def test_the_page_shows_why_a_file_was_refused(owner_client):
    upload = SimpleUploadedFile("ndi.json", fhir_questionnaire(questions=11))
    answer = owner_client.post("/fhir/r4/questionnaires/", {"instrument": "ndi", "file": upload})
    assert answer.status_code == 200
    assert "Nothing was loaded" in answer.content.decode()
    assert "has 11 questions; the Neck Disability Index has 10" in answer.content.decode()
    assert not QuestionnaireText.objects.exists()


def test_the_upload_page_is_the_owners(practitioner_client):
    assert practitioner_client.get("/fhir/r4/questionnaires/").status_code == 403


def test_the_command_loads_a_file(clinic_a, owner, tmp_path, capsys):
    path = tmp_path / "ndi.json"
    path.write_bytes(fhir_questionnaire())
    call_command("import_questionnaire", str(path), "--instrument", "ndi")
    assert "Loaded Neck Disability Index wording" in capsys.readouterr().out
    assert QuestionnaireText.objects.get().instrument == "ndi"


def test_the_command_refuses_bad_input_with_a_message(clinic_a, owner, tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_questionnaire", str(tmp_path / "missing.json"), "--instrument", "odi")
    bad = tmp_path / "short.json"
    bad.write_bytes(fhir_questionnaire(questions=3))
    with pytest.raises(CommandError, match="Nothing was loaded: The Questionnaire has 3 questions"):
        call_command("import_questionnaire", str(bad), "--instrument", "odi")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("import_questionnaire", str(bad), "--instrument", "psfs")
    with pytest.raises(CommandError, match="is not an active owner"):
        call_command("import_questionnaire", str(bad), "--instrument", "odi", "--owner", "nobody@example.com")
    with pytest.raises(CommandError, match="No clinic is called"):
        call_command("import_questionnaire", str(bad), "--instrument", "odi", "--clinic", "Nowhere")
    assert not QuestionnaireText.objects.exists()
