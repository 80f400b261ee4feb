"""One body-map position: the examination's trigger points and the session's points and needling sites share it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from knotwork.assessment.models import TriggerPointFinding
from knotwork.atlas.models import MapPosition, OptionalMapPosition
from knotwork.treatment import services
from knotwork.treatment.models import NeedleEntry, SessionPoint
from knotwork.treatment.tests.test_session import needle_data, screened

POSITION = ("region", "view", "x", "y")


@pytest.mark.parametrize(
    ("model", "position"),
    [(TriggerPointFinding, MapPosition), (SessionPoint, OptionalMapPosition), (NeedleEntry, OptionalMapPosition)],
)
def test_each_model_stores_the_position_as_the_atlas_defines_it(model, position):
    for name in POSITION:
        theirs, ours = model._meta.get_field(name).deconstruct()[1:], position._meta.get_field(name).deconstruct()[1:]
        assert theirs == ours, f"{model.__name__}.{name} differs from {position.__name__}.{name}"


def test_a_needling_site_on_neither_view_is_refused_and_nothing_saved(clinic_a, practitioner):
    patient = screened(clinic_a, practitioner, consents=("dry_needling",))
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    with pytest.raises(ValidationError) as refused:
        services.record_needling(session=session, **needle_data(view="side"), by=practitioner)
    assert "view" in refused.value.message_dict
    assert not NeedleEntry.objects.filter(session=session).exists()


def test_the_session_page_refuses_a_map_position_off_the_drawings(practitioner_client, clinic_a, practitioner):
    patient = screened(clinic_a, practitioner)
    session = services.start_session(patient=patient, by=practitioner, pain_before=6)
    points = session.points.count()
    page = practitioner_client.post(
        reverse("treatment:session", args=[session.public_id]),
        {
            "action": "point",
            "pt-muscle": "upper-trapezius",
            "pt-side": "right",
            "pt-region": "right-shoulder-top",
            "pt-view": "side",
            "pt-x": 250,
            "pt-y": 180,
        },
    )
    assert page.status_code == 200
    assert "Select a valid choice" in page.text
    assert session.points.count() == points
