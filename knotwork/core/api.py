"""Shared API pieces: clinic session auth, bounded pagination and errors as application/problem+json (RFC 9457)."""

import json
import logging
import traceback
from http import HTTPStatus
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation, ValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from ninja import Field, NinjaAPI, Schema
from ninja.conf import settings as ninja_settings
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination, PaginationBase
from ninja.security import SessionAuth
from pydantic import AwareDatetime

from knotwork.core.errors import ClinicRuleError
from knotwork.core.models import clinic_id_of
from knotwork.core.pagination import BadCursor, rows_after


class ClinicSessionAuth(SessionAuth):
    """A signed-in staff user with an active clinic membership (the browser session)."""

    def authenticate(self, request: HttpRequest, key: str | None):
        user = request.user
        if user.is_authenticated and clinic_id_of(user) is not None:
            return user
        return None


logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


class CredentialsRefused(AuthenticationError):
    """Credentials were presented and are not valid (an unknown, mistyped or revoked API key)."""

    def __init__(self, detail: str) -> None:
        super().__init__()
        self.detail = detail


class RateLimited(Exception):
    """Too many calls with one key in the current window; `retry_after` seconds until the next one is taken."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


# Far past any clinic's list (25 a page: a quarter of a million rows); a larger page number is refused with a
# message instead of reaching the database as an offset it cannot hold.
MAX_PAGE = 10_000


class BoundedPageNumberPagination(PageNumberPagination):
    """Page numbers with an upper bound, so no page number becomes a server error."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"1 to {MAX_PAGE}; past the last page the list is empty")
        page_size: int | None = Field(None, ge=1, le=ninja_settings.PAGINATION_MAX_PER_PAGE_SIZE)


class CursorPagination(PaginationBase):
    """Cursor pages, oldest change first, with `updated_since`: the list a client keeps a copy in step with.

    The answer is `{"items": [...], "next_cursor": "…"}`; ask again with `cursor=` until `next_cursor` is null.
    No count, no offset: page 1,000 costs what page 1 does. A cursor that was edited answers 422.
    """

    items_attribute = "items"

    class Input(Schema):
        cursor: str | None = Field(
            None, max_length=200, description="next_cursor of the page before; empty for the first"
        )
        limit: int = Field(50, ge=1, le=200, description="rows per page, 1 to 200")
        updated_since: AwareDatetime | None = Field(
            None, description="only rows created or changed at or after this moment (ISO 8601 with a time zone)"
        )

    class Output(Schema):
        items: list[Any]
        next_cursor: str | None = Field(None, description="pass as cursor= for the next page; null on the last page")

    def paginate_queryset(self, queryset, pagination: Input, request: HttpRequest, **params):
        try:
            items, next_cursor = rows_after(
                queryset,
                field="updated_at",
                size=pagination.limit,
                cursor=pagination.cursor,
                since=pagination.updated_since,
            )
        except BadCursor as bad:
            raise HttpError(422, str(bad)) from None
        self.on_page(request, items)
        return {"items": items, "next_cursor": next_cursor}

    def on_page(self, request: HttpRequest, items: list) -> None:
        """A subclass records what the page showed (an audited read)."""


class ProblemDetailsMiddleware:
    """Answer the API's errors that Django or ninja make themselves as problem+json too.

    The exception handlers below cover what an endpoint raises; this covers what never reaches one: a path no
    endpoint matches (Django's 404 page), a method the path does not take (ninja's bare 405), a body the CSRF
    check could not read (Django's 400 page), a server error in a middleware.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not request.path.startswith(API_PREFIX):
            return response
        if response.get("Content-Type", "").startswith(("application/problem+json", "application/json")):
            return response
        status = response.status_code
        try:
            title = HTTPStatus(status).phrase
        except ValueError:
            title = response.reason_phrase
        body = {"type": "about:blank", "title": title, "status": status}
        if status == HTTPStatus.NOT_FOUND:
            body["detail"] = "No API endpoint has this address; see the API document for the ones there are."
        if response.has_header("Allow"):
            body["detail"] = f"This address takes: {response['Allow']}."
        answer = HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer


def problem(api: NinjaAPI, request: HttpRequest, status: int, title: str, detail: str = "", **extra) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


def _field_name(loc) -> str | None:
    """Name the field a person sent: drop the location ("body", "query") and the body parameter's name."""
    parts = [str(part) for part in loc]
    parts = parts[2:] if parts[:1] == ["body"] and len(parts) > 2 else parts[1:]
    return ".".join(parts) or None


def install_problem_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def invalid_input(request, exc: NinjaValidationError):
        errors = [{"field": _field_name(err.get("loc", [])), "message": err.get("msg", "")} for err in exc.errors]
        named = ", ".join(e["field"] for e in errors if e["field"]) or "request"
        return problem(api, request, 422, "Invalid input", f"Check: {named}.", errors=errors)

    @api.exception_handler(ValidationError)
    def invalid_model(request, exc: ValidationError):
        if hasattr(exc, "error_dict"):
            errors = [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
        else:
            errors = [{"field": None, "message": m} for m in exc.messages]
        return problem(api, request, 422, "Invalid input", "; ".join(e["message"] for e in errors), errors=errors)

    @api.exception_handler(ClinicRuleError)
    def rule_broken(request, exc: ClinicRuleError):
        return problem(api, request, 409, "Not allowed by the clinic's rules", str(exc))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(api, request, 404, "Not found")

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        if isinstance(exc, CredentialsRefused):
            response = problem(api, request, 401, "API key refused", exc.detail)
            response["WWW-Authenticate"] = 'Bearer realm="knotwork"'
            return response
        return problem(
            api,
            request,
            401,
            "Sign in required",
            "Sign in to Knotwork as a clinic member, or send an API key as 'Authorization: Bearer KEY'.",
        )

    @api.exception_handler(RateLimited)
    def rate_limited(request, exc: RateLimited):
        response = problem(
            api,
            request,
            429,
            "Too many requests",
            f"This API key's limit is reached; try again in {exc.retry_after} s.",
        )
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return problem(api, request, 403, "Forbidden", str(exc))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return problem(api, request, exc.status_code, str(exc))

    @api.exception_handler(RawPostDataException)
    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(UnreadablePostError)
    @api.exception_handler(SuspiciousOperation)
    @api.exception_handler(BadRequest)
    def unreadable_body(request, exc):
        # A form or multipart body (read by the CSRF check) where JSON was expected, a broken multipart body, a
        # body too large or with too many fields: the client's mistake, never a server error.
        return problem(
            api,
            request,
            400,
            "Cannot parse request body",
            "Send the body as JSON, with Content-Type: application/json.",
        )

    @api.exception_handler(Exception)
    def server_error(request, exc: Exception):
        # The type and where it was raised, never the message, the values or the query string: any may hold patient
        # data.
        frames = "".join(f"  {f.filename}:{f.lineno} in {f.name}\n" for f in traceback.extract_tb(exc.__traceback__))
        logger.error(
            "API error %s.%s on %s %s\n%s",
            type(exc).__module__,
            type(exc).__qualname__,
            request.method,
            request.path,
            frames,
        )
        # Error reporting and the test client hear of it as they do of any unhandled exception.
        got_request_exception.send(sender=None, request=request)
        return problem(api, request, 500, "Server error", "The error has been logged. Try again later.")
