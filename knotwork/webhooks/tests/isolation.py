"""Rows of the webhook models for the clinic-isolation walk: an endpoint (its description carries the marker) and
a delivery about the walk's patient."""


def records(patient, owner, marker) -> list:
    from knotwork.webhooks import services
    from knotwork.webhooks.models import Delivery

    endpoint, _secret = services.create_endpoint(
        clinic=patient.clinic,
        url="https://hooks.example.com/knotwork",
        events=["patient.changed"],
        description=f"{marker} reporting",
        by=owner,
    )
    delivery = Delivery.objects.create(
        clinic=patient.clinic,
        endpoint=endpoint,
        patient=patient,
        event="patient.changed",
        event_id="00000000-0000-4000-8000-0000000000aa",
        payload={"type": "patient.changed", "data": {"object": "patient", "id": str(patient.public_id)}},
        status="failed",
        last_error=f"Answered HTTP 500: {marker}",
    )
    return [endpoint, delivery]
