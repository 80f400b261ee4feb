import pytest
from django.urls import reverse

from knotwork.clinics import defaults
from knotwork.clinics.models import ClinicSettings


def test_a_new_clinic_starts_with_the_seed_defaults(clinic_a):
    s = clinic_a.settings
    assert (s.hold_seconds_min, s.hold_seconds_max) == (10, 30)
    assert (s.course_window_days_min, s.course_window_days_max, s.course_max_sessions) == (4, 14, 4)
    assert (s.soreness_fade_hours_min, s.soreness_fade_hours_max) == (24, 36)
    assert s.session_timeout_minutes == 30


def test_every_default_names_its_source():
    for name, default in defaults.ALL.items():
        assert default.source, name
        assert getattr(ClinicSettings(), name) == default.value


def test_owner_changes_a_clinical_default(owner_client, clinic_a):
    page = owner_client.get(reverse("clinics:settings"))
    assert "seed 000" in page.text
    data = {name: getattr(clinic_a.settings, name) for name in defaults.ALL} | {
        "billing_method": "cms",
        "time_zone": "UTC",
    }
    owner_client.post(reverse("clinics:settings"), {**data, "hold_seconds_max": 45})
    clinic_a.settings.refresh_from_db()
    assert clinic_a.settings.hold_seconds_max == 45


def test_owner_sets_the_clinic_time_zone_and_pages_show_local_time(owner_client, clinic_a):
    data = {name: getattr(clinic_a.settings, name) for name in defaults.ALL} | {"billing_method": "cms"}
    owner_client.post(reverse("clinics:settings"), {**data, "time_zone": "Australia/Sydney"})
    clinic_a.refresh_from_db()
    assert clinic_a.time_zone == "Australia/Sydney"
    page = owner_client.get(reverse("clinics:settings"))
    assert '<option value="Australia/Sydney" selected>' in page.text


def test_an_unknown_time_zone_is_refused(owner_client, clinic_a):
    data = {name: getattr(clinic_a.settings, name) for name in defaults.ALL} | {"billing_method": "cms"}
    response = owner_client.post(reverse("clinics:settings"), {**data, "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    clinic_a.refresh_from_db()
    assert clinic_a.time_zone == "UTC"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hold_seconds_min": 40, "hold_seconds_max": 20}, "shortest hold must not be longer"),
        ({"course_max_sessions": 0}, "greater than or equal to 1"),
        ({"session_timeout_minutes": "ten"}, "Enter a whole number"),
    ],
)
def test_bad_settings_are_refused_with_a_message_and_the_typed_values_kept(owner_client, clinic_a, changes, message):
    data = {name: getattr(clinic_a.settings, name) for name in defaults.ALL} | {
        "billing_method": "cms",
        "time_zone": "UTC",
    }
    response = owner_client.post(reverse("clinics:settings"), {**data, **changes})
    assert response.status_code == 200
    assert message in response.text
    for value in changes.values():
        assert f'value="{value}"' in response.text
    clinic_a.settings.refresh_from_db()
    assert clinic_a.settings.hold_seconds_max == 30


def test_changing_the_time_zone_warns_about_booked_appointments(owner_client, clinic_a, owner, practitioner):
    import datetime

    from django.utils import timezone

    from knotwork.patients.tests.factories import PatientFactory
    from knotwork.scheduling import services as scheduling

    kind = scheduling.create_appointment_type(clinic=clinic_a, name="Treatment", duration_minutes=45, by=owner)
    start = (timezone.now() + datetime.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    scheduling.book_appointment(
        patient=PatientFactory(clinic=clinic_a),
        practitioner=practitioner,
        appointment_type=kind,
        starts_at=start,
        by=owner,
        allow_outside_hours=True,
    )
    data = {name: getattr(clinic_a.settings, name) for name in defaults.ALL} | {"billing_method": "cms"}
    page = owner_client.post(reverse("clinics:settings"), {**data, "time_zone": "America/Denver"}, follow=True)
    assert "changed from UTC to America/Denver. 1 booked appointment keeps its moment" in page.text
    same = owner_client.post(reverse("clinics:settings"), {**data, "time_zone": "America/Denver"}, follow=True)
    assert "changed from" not in same.text
