"""The owner's webhook pages: endpoints, their secret (shown once), test events, the delivery log and replays."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.audit.services import record_view
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.core.forms import add_service_errors
from knotwork.webhooks import selectors, services
from knotwork.webhooks.forms import EndpointForm
from knotwork.webhooks.models import Delivery, DeliveryStatus


def _no_store(response):
    # A page may carry a signing secret, shown once: never kept by the browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@clinic_member(may="manage_webhooks")
@require_http_methods(["GET", "POST"])
def endpoint_list(request: ClinicRequest):
    """The clinic's endpoints and the form to register one; a new secret is shown on this response only."""
    form = EndpointForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.create_endpoint(clinic=request.clinic, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Registered {created}. Copy the signing secret now: it is not shown again.")
            form = EndpointForm()
    context = {"endpoints": selectors.list_endpoints(request.user), "form": form, "created": created, "secret": secret}
    return _no_store(render(request, "webhooks/endpoint_list.html", context, status=400 if form.errors else 200))


def _endpoint_page(request: ClinicRequest, endpoint, *, form=None, secret=None, status=200):
    form = form or EndpointForm(
        initial={"url": endpoint.url, "events": endpoint.events, "description": endpoint.description}
    )
    context = {
        "endpoint": endpoint,
        "form": form,
        "secret": secret,
        "deliveries": selectors.list_deliveries(request.user, endpoint),
        "log_length": selectors.LOG_LENGTH,
        "replayable": {DeliveryStatus.DELIVERED, DeliveryStatus.FAILED},
    }
    return _no_store(render(request, "webhooks/endpoint_detail.html", context, status=status))


@clinic_member(may="manage_webhooks")
@require_http_methods(["GET", "POST"])
def endpoint_detail(request: ClinicRequest, public_id):
    """One endpoint: its settings (changed here), its actions and its delivery log."""
    endpoint = selectors.get_endpoint(request.user, public_id)
    if request.method == "GET":
        return _endpoint_page(request, endpoint)
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            services.update_endpoint(endpoint=endpoint, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the endpoint.")
            return redirect(endpoint)
    return _endpoint_page(request, endpoint, form=form, status=400)


@clinic_member(may="manage_webhooks")
@require_POST
def endpoint_test(request: ClinicRequest, public_id):
    endpoint = selectors.get_endpoint(request.user, public_id)
    try:
        services.send_test_event(endpoint=endpoint, by=request.user)
    except ClinicRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Sent a test event. Its delivery is at the top of the log below.")
    return redirect(endpoint)


@clinic_member(may="manage_webhooks")
@require_POST
def endpoint_active(request: ClinicRequest, public_id):
    endpoint = selectors.get_endpoint(request.user, public_id)
    if request.POST.get("active") == "yes":
        services.enable_endpoint(endpoint=endpoint, by=request.user)
        messages.success(request, "The endpoint is on again; events that waited are being sent.")
    else:
        services.disable_endpoint(endpoint=endpoint, by=request.user)
        messages.success(request, "The endpoint is switched off; nothing is sent to it until you switch it on.")
    return redirect(endpoint)


@clinic_member(may="manage_webhooks")
@require_POST
def endpoint_rotate(request: ClinicRequest, public_id):
    """A new signing secret, shown on this response only; the old one keeps signing for 24 hours."""
    endpoint = selectors.get_endpoint(request.user, public_id)
    endpoint, secret = services.rotate_secret(endpoint=endpoint, by=request.user)
    messages.success(request, "Made a new signing secret. Copy it now: it is not shown again.")
    return _endpoint_page(request, endpoint, secret=secret)


@clinic_member(may="manage_webhooks")
@require_POST
def endpoint_delete(request: ClinicRequest, public_id):
    endpoint = selectors.get_endpoint(request.user, public_id)
    services.delete_endpoint(endpoint=endpoint, by=request.user)
    messages.success(request, f"Deleted the endpoint {endpoint.url} and its delivery log.")
    return redirect("webhooks:list")


@clinic_member(may="manage_webhooks")
@require_http_methods(["GET"])
def delivery_detail(request: ClinicRequest, public_id):
    """One delivery: what was sent (ids only) and how its attempts went. Opening it is recorded (it names a patient)."""
    delivery = selectors.get_delivery(request.user, public_id)
    if delivery.patient_id is not None:
        record_view(instance=delivery, by=request.user, shown_in="webhook delivery")
    context = {
        "delivery": delivery,
        "endpoint": delivery.endpoint,
        "body": json.dumps(delivery.payload, indent=2, sort_keys=True),
        "replayable": delivery.status in {DeliveryStatus.DELIVERED, DeliveryStatus.FAILED},
    }
    return render(request, "webhooks/delivery_detail.html", context)


@clinic_member(may="replay_webhook")
@require_POST
def delivery_replay(request: ClinicRequest, public_id):
    delivery: Delivery = selectors.get_delivery(request.user, public_id)
    try:
        services.replay_delivery(delivery=delivery, by=request.user)
    except ClinicRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Sending {delivery.event} again, with the same event id.")
    return redirect(delivery.endpoint)
