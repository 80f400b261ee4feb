"""A clinic's new time zone moves booked appointments' clock times: the settings page (clinics) says so, through
the hook scheduling registers (knotwork.clinics.hooks.time_zone_changed)."""

import pytest
from django.urls import reverse

from knotwork.clinics import defaults
from knotwork.clinics.hooks import time_zone_changed
from knotwork.scheduling.selectors import time_zone_change_warning
from knotwork.scheduling.tests.factories import MONDAY, at, book

pytestmark = pytest.mark.usefixtures("now")


def settings_form(clinic, time_zone: str) -> dict:
    values = {name: getattr(clinic.settings, name) for name in defaults.ALL}
    return values | {"billing_method": clinic.settings.billing_method, "time_zone": time_zone}


def test_a_new_time_zone_warns_the_owner_how_many_booked_appointments_show_other_clock_times(
    owner_client, london, practitioner, patient, treatment, hours
):
    for hour in (9, 11):
        book(patient, practitioner, treatment, at(london, MONDAY, hour))
    response = owner_client.post(reverse("clinics:settings"), settings_form(london, "America/New_York"), follow=True)
    page = response.content.decode()
    assert "changed from Europe/London to America/New_York. 2 booked appointments keep their moment" in page
    london.refresh_from_db()
    assert london.time_zone == "America/New_York"


def test_no_warning_without_booked_appointments_or_when_the_zone_stays(owner_client, london):
    response = owner_client.post(reverse("clinics:settings"), settings_form(london, "America/New_York"), follow=True)
    assert "moment in time" not in response.content.decode()
    response = owner_client.post(reverse("clinics:settings"), settings_form(london, "America/New_York"), follow=True)
    assert "moment in time" not in response.content.decode()


def test_scheduling_registers_its_warning_on_the_clinics_hook():
    assert time_zone_change_warning in time_zone_changed.callbacks
