import pytest
from django.urls import reverse

from knotwork.assessment.models import Diagnosis, TriggerPointFinding
from knotwork.assessment.services import record_trigger_point, start_examination, to_kpa
from knotwork.core.errors import ClinicRuleError
from knotwork.patients.tests.factories import PatientFactory


@pytest.fixture
def examination(clinic_a, practitioner):
    return start_examination(patient=PatientFactory(clinic=clinic_a), by=practitioner)


POINT = {
    "muscle": "upper-trapezius",
    "side": "right",
    "region": "right-shoulder-top",
    "view": "back",
    "x": 250.0,
    "y": 180.0,
    "taut_band": True,
    "spot_tenderness": True,
    "pain_recognised": True,
    "palpation_pain": 7,
}


def test_pressure_pain_threshold_is_stored_in_kpa():
    assert str(to_kpa(3, "kg_cm2")) == "294.2"
    assert str(to_kpa(25, "n_cm2")) == "250.0"
    assert str(to_kpa(310, "kpa")) == "310.0"


def test_a_trigger_point_records_each_criterion_and_derives_the_summary(examination, practitioner):
    point = record_trigger_point(examination=examination, **POINT, ppt_value=2.5, ppt_unit="kg_cm2", by=practitioner)
    assert point.is_active
    assert point.delphi_count == 2
    assert str(point.ppt_kpa) == "245.2"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"muscle": "made-up"}, "Choose a muscle"),
        ({"region": "right-elbowish"}, "Mark where"),
        ({"ppt_value": 3}, "together with its unit"),
    ],
)
def test_bad_trigger_point_input_is_refused(examination, practitioner, change, message):
    with pytest.raises(ClinicRuleError, match=message):
        record_trigger_point(examination=examination, **(POINT | change), by=practitioner)
    assert not TriggerPointFinding.objects.exists()


def test_the_page_records_a_point_and_a_diagnosis(practitioner_client, examination):
    url = reverse("assessment:examination", args=[examination.public_id])
    data = {
        "action": "point",
        **{k: v for k, v in POINT.items() if not isinstance(v, bool)},
        "taut_band": "on",
        "pain_recognised": "on",
    }
    assert practitioner_client.post(url, data).status_code == 302
    bad = practitioner_client.post(url, {**data, "palpation_pain": 12})
    assert "less than or equal to 10" in bad.text
    from knotwork.assessment.coding import get_codes

    code = next(iter(get_codes()))
    practitioner_client.post(url, {"action": "diagnosis", "dx-code": code})
    assert Diagnosis.objects.get(examination=examination).is_primary
    page = practitioner_client.get(url)
    assert "Upper trapezius" in page.text
    assert "active" in page.text


def test_the_list_alternative_places_a_point_without_a_click(practitioner_client, examination):
    url = reverse("assessment:examination", args=[examination.public_id])
    practitioner_client.post(url, {"action": "point", "muscle": "soleus", "side": "left", "pick_region": "left-calf"})
    point = TriggerPointFinding.objects.get()
    assert (point.region, point.view) == ("left-calf", "back")


def test_front_desk_cannot_examine(front_desk_client, examination):
    assert front_desk_client.get(reverse("assessment:examination", args=[examination.public_id])).status_code == 403
