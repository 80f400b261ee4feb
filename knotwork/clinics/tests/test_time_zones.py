"""The clinic's time-zone list holds the current zones only; an old name saved earlier still saves."""

import pytest
from django.urls import reverse

from knotwork.clinics import defaults
from knotwork.clinics.models import Clinic, time_zone_choices


def test_the_list_holds_current_zones_and_utc_but_no_old_names():
    names = {name for name, _ in time_zone_choices()}
    assert {"Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Europe/Kyiv", "UTC"} <= names
    for old in ("US/Eastern", "GB", "Asia/Calcutta", "Europe/Kiev", "Etc/GMT+5", "Etc/UTC", "Zulu", "EST5EDT"):
        assert old not in names
    assert len(names) > 300


def settings_data(clinic) -> dict:
    return {name: getattr(clinic.settings, name) for name in defaults.ALL} | {"billing_method": "cms"}


def test_an_old_zone_name_is_refused_as_a_new_choice(owner_client, clinic_a):
    response = owner_client.post(reverse("clinics:settings"), {**settings_data(clinic_a), "time_zone": "US/Eastern"})
    assert "Select a valid choice" in response.text
    clinic_a.refresh_from_db()
    assert clinic_a.time_zone == "UTC"


@pytest.mark.django_db
def test_a_clinic_saved_with_an_old_name_keeps_it_until_the_owner_picks_another(owner_client, clinic_a):
    Clinic.objects.filter(pk=clinic_a.pk).update(time_zone="US/Eastern")
    page = owner_client.get(reverse("clinics:settings"))
    assert '<option value="US/Eastern" selected>US/Eastern (old name)</option>' in page.text
    data = settings_data(clinic_a) | {"time_zone": "US/Eastern", "course_max_sessions": 6}
    assert owner_client.post(reverse("clinics:settings"), data).status_code == 302
    clinic_a.refresh_from_db()
    assert (clinic_a.time_zone, clinic_a.settings.course_max_sessions) == ("US/Eastern", 6)
    owner_client.post(reverse("clinics:settings"), data | {"time_zone": "America/New_York"})
    clinic_a.refresh_from_db()
    assert clinic_a.time_zone == "America/New_York"


def test_the_owner_sets_the_plan_limits_and_the_follow_up_gap(owner_client, clinic_a):
    page = owner_client.get(reverse("clinics:settings"))
    assert 'name="plan_backdate_days_max" value="7"' in page.text
    assert 'name="follow_up_gap_days_min" value="1"' in page.text
    data = settings_data(clinic_a) | {"time_zone": "UTC", "plan_backdate_days_max": 3, "follow_up_gap_days_min": 2}
    assert owner_client.post(reverse("clinics:settings"), data).status_code == 302
    clinic_a.settings.refresh_from_db()
    assert (clinic_a.settings.plan_backdate_days_max, clinic_a.settings.follow_up_gap_days_min) == (3, 2)
