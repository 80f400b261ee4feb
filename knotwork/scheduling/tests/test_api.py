import datetime

import pytest

from knotwork.patients.tests.factories import PatientFactory
from knotwork.scheduling.models import Appointment, AppointmentStatus
from knotwork.scheduling.tests.factories import MONDAY, at, book

pytestmark = pytest.mark.usefixtures("now", "hours")
API = "/api/v1/appointments"
JSON = "application/json"


def member(user) -> str:
    return str(user.membership.public_id)


def window(london) -> dict:
    return {"start": at(london, MONDAY, 0).isoformat(), "end": at(london, MONDAY, 23).isoformat()}


def test_list_appointments_in_a_range_for_one_practitioner(
    front_desk_client, london, patient, practitioner, owner, treatment, clinic_b
):
    mine = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    book(PatientFactory(clinic=london), owner, treatment, at(london, MONDAY, 10))
    response = front_desk_client.get(API, {**window(london), "practitioner": member(practitioner)})
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["id"] == str(mine.public_id)
    assert item["patient"] == str(patient.public_id)
    assert item["practitioner"] == member(practitioner)
    assert item["chart_number"] == patient.chart_number
    assert item["appointment_type"]["duration_minutes"] == 45
    assert datetime.datetime.fromisoformat(item["starts_at"]) == at(london, MONDAY, 10)
    assert len(front_desk_client.get(API, window(london)).json()["items"]) == 2
    opened = front_desk_client.get(f"{API}/{mine.public_id}")
    assert opened.json()["id"] == str(mine.public_id)


def test_list_needs_an_aware_ordered_range_or_none(front_desk_client, london):
    assert front_desk_client.get(API, {"start": "2026-03-02T00:00:00", "end": "2026-03-03T00:00:00"}).status_code == 422
    backwards = {"start": at(london, MONDAY, 10).isoformat(), "end": at(london, MONDAY, 9).isoformat()}
    assert front_desk_client.get(API, backwards).status_code == 422
    response = front_desk_client.get(API, {"start": at(london, MONDAY, 10).isoformat()})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_a_ranges_pages_follow_the_start_time_and_updated_since_still_means_changed(
    front_desk_client, london, patient, practitioner, treatment
):
    """A calendar's read: a busy clinic's week is paged from the start-time index, whatever changed last."""
    made = [book(patient, practitioner, treatment, at(london, MONDAY, hour)) for hour in (11, 9, 10)]
    changed_later = made[1].updated_at + datetime.timedelta(minutes=5)
    Appointment.objects.filter(pk=made[1].pk).update(updated_at=changed_later)  # 9:00 changed last
    first = front_desk_client.get(API, {**window(london), "limit": 2}).json()
    rest = front_desk_client.get(API, {**window(london), "limit": 2, "cursor": first["next_cursor"]}).json()
    starts = [item["starts_at"] for item in first["items"] + rest["items"]]
    assert [datetime.datetime.fromisoformat(s).astimezone(london.tzinfo).hour for s in starts] == [9, 10, 11]
    assert rest["next_cursor"] is None
    since = front_desk_client.get(API, {**window(london), "updated_since": changed_later.isoformat()}).json()
    assert [item["id"] for item in since["items"]] == [str(made[1].public_id)]


def test_every_appointment_in_cursor_pages_and_those_changed_since(
    front_desk_client, london, patient, practitioner, treatment
):
    made = [book(patient, practitioner, treatment, at(london, MONDAY, hour)) for hour in (9, 10, 11)]
    first = front_desk_client.get(API, {"limit": 2}).json()
    rest = front_desk_client.get(API, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [a["id"] for a in first["items"] + rest["items"]] == [str(a.public_id) for a in made]
    assert rest["next_cursor"] is None
    since = made[-1].updated_at + datetime.timedelta(minutes=1)  # the clock is frozen: move one change past it
    Appointment.objects.filter(pk=made[0].pk).update(updated_at=since + datetime.timedelta(seconds=1))
    changed = front_desk_client.get(API, {"updated_since": since.isoformat()}).json()["items"]
    assert [a["id"] for a in changed] == [str(made[0].public_id)]
    other = front_desk_client.get(API, {"patient": str(PatientFactory(clinic=london).public_id)}).json()
    assert other["items"] == []


def test_book_move_and_cancel_through_the_api(front_desk_client, london, patient, practitioner, owner, treatment):
    payload = {
        "patient": str(patient.public_id),
        "practitioner": member(practitioner),
        "appointment_type": str(treatment.public_id),
        "starts_at": "2026-03-02T10:15:00+00:00",
    }
    response = front_desk_client.post(API, payload, content_type=JSON)
    assert response.status_code == 201, response.content
    appointment_id = response.json()["id"]
    assert Appointment.objects.get(public_id=appointment_id).source == "staff"  # the session: staff's own booking
    again = front_desk_client.post(
        API, {**payload, "patient": str(PatientFactory(clinic=london).public_id)}, content_type=JSON
    )
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    assert "already has an appointment at 10:15" in again.json()["detail"]

    moved = front_desk_client.post(
        f"{API}/{appointment_id}/actions/move",
        {"starts_at": "2026-03-02T11:00:00Z", "practitioner": member(owner)},
        content_type=JSON,
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["practitioner"] == member(owner)
    assert (
        front_desk_client.post(f"{API}/{appointment_id}/actions/cancel", {"reason": ""}, content_type=JSON).status_code
        == 422
    )
    cancelled = front_desk_client.post(
        f"{API}/{appointment_id}/actions/cancel", {"reason": "Patient called"}, content_type=JSON
    )
    assert cancelled.json()["status"] == AppointmentStatus.CANCELLED
    again = front_desk_client.post(f"{API}/{appointment_id}/actions/cancel", {"reason": "twice"}, content_type=JSON)
    assert again.status_code == 409


@pytest.mark.parametrize(
    "change",
    [
        {"starts_at": "2026-03-02T10:07:00Z"},
        {"starts_at": "not a time"},
        {"patient": "00000000-0000-0000-0000-000000000001"},
        {"practitioner": "garbage"},
    ],
)
def test_bad_bookings_are_problems_not_500s(front_desk_client, patient, practitioner, treatment, change):
    payload = {
        "patient": str(patient.public_id),
        "practitioner": member(practitioner),
        "appointment_type": str(treatment.public_id),
        "starts_at": "2026-03-02T10:00:00Z",
        **change,
    }
    response = front_desk_client.post(API, payload, content_type=JSON)
    assert response.status_code in {404, 409, 422}
    assert response["Content-Type"] == "application/problem+json"
    assert not Appointment.objects.exists()


def test_free_slots(front_desk_client, london, patient, practitioner, treatment):
    book(patient, practitioner, treatment, at(london, MONDAY, 9))
    url = f"/api/v1/practitioners/{member(practitioner)}/free-slots"
    query = {"type": str(treatment.public_id), "from": MONDAY.isoformat(), "to": MONDAY.isoformat()}
    body = front_desk_client.get(url, query).json()
    assert body["time_zone"] == "Europe/London"
    slots = [datetime.datetime.fromisoformat(s) for s in body["slots"]]
    assert slots[0] == at(london, MONDAY, 9, 45)
    assert front_desk_client.get(url, {**query, "to": "2026-06-01"}).status_code == 422
    assert front_desk_client.get(url, {**query, "type": "nope"}).status_code == 422


def test_another_clinic_gets_404s(practitioner_b_client, london, patient, practitioner, treatment):
    appointment = book(patient, practitioner, treatment, at(london, MONDAY, 10))
    assert practitioner_b_client.get(API, window(london)).json()["items"] == []
    assert practitioner_b_client.get(f"{API}/{appointment.public_id}").status_code == 404
    response = practitioner_b_client.post(
        f"{API}/{appointment.public_id}/actions/cancel", {"reason": "x"}, content_type=JSON
    )
    assert response.status_code == 404
    url = f"/api/v1/practitioners/{member(practitioner)}/free-slots"
    query = {"type": str(treatment.public_id), "from": "2026-03-02", "to": "2026-03-02"}
    assert practitioner_b_client.get(url, query).status_code == 404
    assert practitioner_b_client.get(API, {**window(london), "practitioner": member(practitioner)}).status_code == 404


def test_signed_out_is_401(client, london):
    assert client.get(API, window(london)).status_code == 401


def test_free_slots_at_the_end_of_time_are_a_problem_not_a_crash(front_desk_client, practitioner, treatment):
    url = f"/api/v1/practitioners/{member(practitioner)}/free-slots"
    query = {"type": str(treatment.public_id), "from": "9999-12-30", "to": "9999-12-31"}
    assert front_desk_client.get(url, query).status_code == 422


def test_a_booking_made_with_an_api_key_is_recorded_as_booked_through_the_api(
    client, london, patient, practitioner, treatment
):
    from knotwork.accounts.services import create_api_key
    from knotwork.core.policy import SystemActor

    _key, token = create_api_key(clinic=london, by=SystemActor("test"), name="Booking script", scope="write")
    payload = {
        "patient": str(patient.public_id),
        "practitioner": member(practitioner),
        "appointment_type": str(treatment.public_id),
        "starts_at": "2026-03-02T10:15:00+00:00",
    }
    response = client.post(API, payload, content_type=JSON, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
    assert Appointment.objects.get(public_id=response.json()["id"]).source == "api"
