"""A clinic with more practitioners than one screen holds sees "everyone" a group at a time."""

import pytest
from django.urls import reverse

from conftest import _member
from knotwork.clinics.models import Role
from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling.tests.factories import MONDAY, at, book, weekday_hours
from knotwork.scheduling.views.links import GROUP_SIZE

pytestmark = pytest.mark.usefixtures("now", "hours")
CALENDAR = reverse("scheduling:calendar")


@pytest.fixture
def colleagues(london):
    """Enough practitioners beside the fixture's two for a second group, named to sort after them."""
    members = []
    for n in range(GROUP_SIZE):
        user = _member(london, Role.PRACTITIONER, f"zz{n:02d}@a.example.com")
        user.first_name, user.last_name = "Zed", f"Colleague {n:02d}"
        user.save(update_fields=["first_name", "last_name"])
        weekday_hours(london, user)
        members.append(user)
    return members


def column_names(html: str) -> list[str]:
    return [row.split("</th>")[0] for row in html.split('<th scope="row">')[1:]]


def test_a_large_clinics_week_is_shown_a_group_at_a_time(
    front_desk_client, london, practitioner, owner, treatment, colleagues
):
    last = colleagues[-1]
    far = PatientFactory(clinic=london, first_name="Farah", last_name="Grouptwo")
    book(far, last, treatment, at(london, MONDAY, 11))
    near = PatientFactory(clinic=london, first_name="Nia", last_name="Groupone")
    book(near, practitioner, treatment, at(london, MONDAY, 10))

    html = front_desk_client.get(CALENDAR, {"view": "week", "date": MONDAY.isoformat()}).content.decode()
    assert len(column_names(html)) == GROUP_SIZE
    assert "Groupone" in html
    assert "Grouptwo" not in html  # the second group's visits are not even read
    assert f"{2 + GROUP_SIZE} practitioners: the calendar shows {GROUP_SIZE} at a time." in html
    assert 'aria-current="page">' in html

    html = front_desk_client.get(CALENDAR, {"view": "week", "date": MONDAY.isoformat(), "group": "2"}).content.decode()
    assert column_names(html) == [str(u) for u in colleagues[GROUP_SIZE - 2 :]]
    assert "Grouptwo" in html
    assert "Groupone" not in html
    assert "group=2" in html.split('id="calendar-period"')[1].split("calendar-groups")[0]  # previous/next keep it


def test_a_practitioner_opens_on_their_own_group_and_a_bad_group_falls_back(
    client, london, practitioner, owner, treatment, colleagues
):
    last = colleagues[-1]
    client.force_login(last)
    html = client.get(CALENDAR, {"view": "week", "date": MONDAY.isoformat()}).content.decode()
    assert str(last) in column_names(html)
    for bad in ["0", "99", "-1", "²", "x" * 300]:
        response = client.get(CALENDAR, {"view": "day", "date": MONDAY.isoformat(), "group": bad})
        assert response.status_code == 200
        assert str(last) in response.content.decode()


def test_a_small_clinic_still_shows_everyone_at_once(front_desk_client, london, practitioner, owner):
    html = front_desk_client.get(CALENDAR, {"view": "week", "date": MONDAY.isoformat()}).content.decode()
    assert sorted(column_names(html)) == sorted([str(practitioner), str(owner)])
    assert "calendar-groups" not in html
    assert "group=" not in html


def test_a_chip_writes_what_a_user_typed_as_text_never_as_markup(front_desk_client, london, practitioner, treatment):
    sly = PatientFactory(clinic=london, first_name='<img src=x onerror="alert(1)">', last_name="O'Hara & Sons")
    book(sly, practitioner, treatment, at(london, MONDAY, 10))
    treatment.name = "Deep <b>tissue</b>"
    treatment.save(update_fields=["name"])
    for view in ("day", "week"):
        html = front_desk_client.get(CALENDAR, {"view": view, "date": MONDAY.isoformat()}).content.decode()
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
        assert "O&#x27;Hara &amp; Sons" in html
        assert "Deep &lt;b&gt;tissue&lt;/b&gt;" in html
        assert "10:00\u201310:45" in html
