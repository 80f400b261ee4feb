"""The practitioner's private calendar feed: the page that makes and revokes it, and the feed itself."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from knotwork.core.access import ClinicRequest, clinic_member, public
from knotwork.scheduling import ics, selectors, services


@clinic_member(may="create_calendar_feed")
@require_http_methods(["GET", "POST"])
def feed(request: ClinicRequest):
    """Your private calendar subscription: make a new URL (shown once) or revoke it."""
    new_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            _feed, token = services.create_calendar_feed(practitioner=request.user, by=request.user)
            new_url = request.build_absolute_uri(reverse("scheduling:feed_ics", args=[token]))
            messages.success(request, "New calendar feed made. Any older feed URL has stopped working.")
        elif action == "revoke":
            services.revoke_calendar_feed(practitioner=request.user, by=request.user)
            messages.success(request, "Calendar feed revoked. Calendar apps using it will stop updating.")
            return redirect("scheduling:feed")
    context = {"open_feed": selectors.get_open_feed(request.user), "new_url": new_url}
    return render(request, "scheduling/calendarfeed.html", context)


@public
@require_GET
def feed_ics(request, token: str):
    """A practitioner's appointments for calendar apps; the unguessable token is the only key."""
    found = selectors.get_feed_by_token(token)
    if found is None:
        raise Http404("No such calendar feed.")
    services.touch_feed(found)
    response = HttpResponse(ics.practitioner_feed_ics(found), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
