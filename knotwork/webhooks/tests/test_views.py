"""The owner's webhook pages: register (secret shown once), bad input, test event, log, replay, on/off, delete."""

import re

import pytest
from django.core.exceptions import ValidationError

from knotwork.audit.models import AuditEntry
from knotwork.patients.tests.factories import PatientFactory
from knotwork.webhooks import services
from knotwork.webhooks.models import Delivery, DeliveryStatus, Endpoint


def test_an_owner_registers_an_endpoint_and_sees_its_secret_once(owner_client, clinic_a):
    response = owner_client.post(
        "/webhooks/",
        {"url": "https://hooks.example.com/in", "events": ["patient.created", "note.signed"], "description": "BI"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    endpoint = Endpoint.objects.get(clinic=clinic_a)
    assert endpoint.events == ["patient.created", "note.signed"]
    secret = response.context["secret"]
    assert secret.startswith("whsec_")
    assert secret in response.content.decode()
    assert secret.encode() not in bytes(endpoint.secret_sealed)  # kept encrypted
    for page in ("/webhooks/", f"/webhooks/{endpoint.public_id}/"):
        assert secret not in owner_client.get(page).content.decode()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.com/in", "must start with https://"),
        ("https://127.0.0.1:8080/in", "points at this server itself"),
        ("https://user:pw@hooks.example.com/in", "Leave the user name and password out"),
        ("not a url", "Enter a full web address"),
        ("https://169.254.169.254/latest/meta-data/", "a private network address"),  # a cloud's metadata service
        ("https://10.0.0.7/in", "a private network address"),
        ("https://192.168.1.20:8443/in", "a private network address"),
        ("https://[fd00::1]/in", "a private network address"),
        ("https://[::ffff:172.16.0.1]/in", "a private network address"),
        ("https://0.0.0.0/in", "an address no receiving program has"),
    ],
)
def test_a_bad_address_is_refused_with_a_message_and_nothing_typed_is_lost(owner_client, url, message):
    response = owner_client.post(
        "/webhooks/", {"url": url, "events": ["patient.created"], "description": "Reporting tool"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Reporting tool" in page
    assert re.search(r'value="patient\.created"[^>]*checked', page)
    assert not Endpoint.objects.exists()


def test_an_unknown_event_is_refused(owner_client):
    response = owner_client.post("/webhooks/", {"url": "https://hooks.example.com/in", "events": ["patient.deleted"]})
    assert response.status_code == 400
    assert "Unknown event: patient.deleted" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_the_service_names_an_unknown_event_too(clinic_a, owner):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=r"Unknown event: patient\.deleted"):
        services.create_endpoint(
            clinic=clinic_a, url="https://hooks.example.com/in", events=["patient.deleted"], by=owner
        )


@pytest.mark.parametrize("persona", ["practitioner_client", "front_desk_client"])
def test_only_the_owner_manages_webhooks(request, persona, clinic_a, owner):
    endpoint, _ = services.create_endpoint(
        clinic=clinic_a, url="https://hooks.example.com/in", events=["patient.created"], by=owner
    )
    client = request.getfixturevalue(persona)
    assert client.get("/webhooks/").status_code == 403
    assert client.post("/webhooks/", {"url": "https://x.example.com/", "events": ["note.signed"]}).status_code == 403
    assert client.post(f"/webhooks/{endpoint.public_id}/delete/").status_code == 403
    assert Endpoint.objects.count() == 1


@pytest.fixture
def endpoint_here(clinic_a, owner, receiver, loopback):
    endpoint, _ = services.create_endpoint(clinic=clinic_a, url=receiver.url, events=["patient.created"], by=owner)
    return endpoint


def test_test_event_log_and_replay(owner_client, endpoint_here, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"/webhooks/{endpoint_here.public_id}/test/", follow=True)
    assert "Sent a test event" in response.content.decode()
    page = owner_client.get(f"/webhooks/{endpoint_here.public_id}/").content.decode()
    assert "webhook.test" in page
    assert "HTTP 204" in page
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"/webhooks/deliveries/{delivery.public_id}/replay/", follow=True)
    assert "Sending webhook.test again" in response.content.decode()
    assert Delivery.objects.filter(replay_of=delivery, status=DeliveryStatus.DELIVERED).count() == 1
    assert len(receiver.received) == 2


def test_opening_a_delivery_about_a_patient_is_recorded(owner_client, owner, clinic_a, endpoint_here):
    patient = PatientFactory(clinic=clinic_a)
    delivery = Delivery.objects.get()
    response = owner_client.get(f"/webhooks/deliveries/{delivery.public_id}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert str(patient.public_id) in page
    assert patient.last_name not in page
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS, patient=patient, actor=owner).get()
    assert entry.shown_in == "webhook delivery"
    assert Delivery.objects.count() == 1  # a read is no event


def test_switch_off_on_and_delete(owner_client, endpoint_here):
    url = f"/webhooks/{endpoint_here.public_id}/"
    response = owner_client.post(url + "active/", {"active": "no"}, follow=True)
    assert "switched off" in response.content.decode()
    endpoint_here.refresh_from_db()
    assert not endpoint_here.is_active
    response = owner_client.post(url + "test/", follow=True)
    assert "Switch it on before sending a test event" in response.content.decode()
    owner_client.post(url + "active/", {"active": "yes"})
    endpoint_here.refresh_from_db()
    assert endpoint_here.is_active
    response = owner_client.post(url + "delete/", follow=True)
    assert "Deleted the endpoint" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_changing_the_events_keeps_the_secret_and_a_new_secret_is_shown_once(owner_client, endpoint_here):
    sealed = bytes(endpoint_here.secret_sealed)
    url = f"/webhooks/{endpoint_here.public_id}/"
    response = owner_client.post(url, {"url": endpoint_here.url, "events": ["note.signed", "note.amended"]})
    assert response.status_code == 302
    endpoint_here.refresh_from_db()
    assert endpoint_here.events == ["note.signed", "note.amended"]
    assert bytes(endpoint_here.secret_sealed) == sealed
    response = owner_client.post(url, {"url": "ftp://files.example.com/", "events": ["note.signed"]})
    assert response.status_code == 400
    assert "ftp://files.example.com/" in response.content.decode()

    response = owner_client.post(url + "rotate/")
    assert response.status_code == 200
    assert response.context["secret"].startswith("whsec_")
    assert response["Cache-Control"] == "no-store"


def test_another_clinic_gets_404(owner_b, client, endpoint_here):
    from conftest import sign_in

    sign_in(client, owner_b)
    assert client.get(f"/webhooks/{endpoint_here.public_id}/").status_code == 404
    assert client.post(f"/webhooks/{endpoint_here.public_id}/delete/").status_code == 404
    assert Endpoint.objects.filter(pk=endpoint_here.pk).exists()


def test_a_clinic_network_address_is_taken_when_the_installation_allows_private_networks(clinic_a, owner, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    endpoint, _secret = services.create_endpoint(
        clinic=clinic_a, url="https://192.168.1.20:8443/in", events=["note.signed"], by=owner
    )
    assert endpoint.url == "https://192.168.1.20:8443/in"
    # This server itself and addresses no program has stay refused.
    for url in ("https://127.0.0.1/in", "https://0.0.0.0/in"):
        with pytest.raises(ValidationError):
            services.create_endpoint(clinic=clinic_a, url=url, events=["note.signed"], by=owner)
