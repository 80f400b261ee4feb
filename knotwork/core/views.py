import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from knotwork.core.access import public

logger = logging.getLogger(__name__)


@public
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer ok only when the database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check failed: database unavailable (%s)", type(error).__name__)
        return JsonResponse({"status": "error", "reason": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@public
def home(request: HttpRequest):
    if not request.user.is_authenticated:
        return redirect("account_login")
    if getattr(request.user, "membership", None) is None:
        return redirect("account_email" if request.user.is_superuser else "account_login")
    return redirect("followup:dashboard")


@public
@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers and bookmarks ask for /favicon.ico whatever the page says: send them to the Knotwork mark."""
    return HttpResponsePermanentRedirect(static("img/knotwork-mark.svg"))
