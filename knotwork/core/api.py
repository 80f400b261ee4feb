"""Shared API pieces: the API class (stable operation ids, every 4xx declared as problem+json), clinic session
auth, cursor pagination and errors as application/problem+json (RFC 9457)."""

import copy
import datetime
import json
import logging
import re
import traceback
from http import HTTPStatus
from typing import Annotated, Any

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation, ValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.security import SessionAuth
from pydantic import AfterValidator, AwareDatetime

from knotwork.core import policy
from knotwork.core.errors import ClinicRuleError
from knotwork.core.models import clinic_id_of
from knotwork.core.pagination import BadCursor, rows_after

PROBLEM_TYPE = "application/problem+json"

# The RFC 9457 body every error has; `errors` names each refused field on a 422.
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "An error, as RFC 9457 problem details",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "always about:blank: the status and title say what happened"},
        "title": {"type": "string", "description": "what went wrong, in a few words"},
        "status": {"type": "integer", "description": "the HTTP status"},
        "detail": {"type": "string", "description": "what to do about it, in a sentence"},
        "instance": {"type": "string", "description": "not sent: the address is the caller's own request's"},
        "errors": {
            "type": "array",
            "description": "on a 422: each field refused and why",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": ["string", "null"], "description": "the field, dotted; null for the request"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

# What each error status means for an operation of this API (docs/api.md, "Limits and errors").
PROBLEM_STATUSES: dict[int, str] = {
    400: "The body cannot be read: send JSON with Content-Type: application/json",
    401: "No valid API key or signed-in session (an unknown, mistyped or revoked key)",
    403: "The role, the key's scope (read only) or the key's parts of the API do not allow it",
    404: "No such record in your clinic",
    409: "A clinic rule refuses it (for example a double booking or a record that no longer changes)",
    413: "The file is larger than the clinic allows",
    422: "Invalid input: `errors` names each refused field",
    429: "This API key's rate limit is reached: wait the seconds in Retry-After",
}
EVERY_OPERATION = (401, 403, 404, 422, 429)  # any call: auth, role, a record not found, a refused parameter, rate
WRITE_METHODS = {"post", "put", "patch", "delete"}


def camel_case(name: str) -> str:
    """`list_patient_check_ins` -> `listPatientCheckIns`: an operation id a client generator can use."""
    first, *rest = [part for part in name.split("_") if part]
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


OPERATION_ID = re.compile(r"^[a-z][a-zA-Z0-9]*$")


def problem_responses(operation: dict[str, Any], method: str) -> dict[int, dict[str, Any]]:
    """The 4xx an operation can answer: every operation's, 400 for a body, 409 for a change, 413 for a file."""
    statuses = set(EVERY_OPERATION)
    body = operation.get("requestBody", {}).get("content", {})
    if body:
        statuses.add(400)
    if method in WRITE_METHODS:
        statuses.add(409)
    if "multipart/form-data" in body:
        statuses.add(413)
    return {
        status: {
            "description": PROBLEM_STATUSES[status],
            "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            **(
                {"headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}}
                if status == 429
                else {}
            ),
        }
        for status in sorted(statuses)
    }


class KnotworkAPI(NinjaAPI):
    """The JSON API's class: operation ids from the function's name, and every 4xx declared as problem+json.

    An operation's id is its explicit `operation_id=`, or else the camelCase of its function's name (never its
    module's, so moving a view keeps its id). The OpenAPI document declares, for every operation, the error
    responses it can give with the Problem schema, so a new operation is covered without a line of its own.
    """

    def get_openapi_operation_id(self, operation) -> str:
        return camel_case(operation.view_func.__name__)

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Problem"] = copy.deepcopy(PROBLEM_SCHEMA)
        for methods in schema.get("paths", {}).values():
            for method, operation in methods.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                responses = operation["responses"]
                for status, declared in problem_responses(operation, method).items():
                    existing = responses.get(status) or responses.get(str(status))
                    if existing is None:
                        responses[status] = declared
                    else:
                        existing["content"] = declared["content"]
        return schema


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


def _in_utc(value: datetime.datetime) -> datetime.datetime:
    """The moment in UTC. ISO 8601 allows UTC offsets up to 24 hours; PostgreSQL takes about 16, so a moment is
    stored and compared as UTC, and one that has no UTC equivalent Python can hold is refused with a message."""
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError("This moment is outside the years that can be stored.") from None


# A moment with a UTC offset, as the API takes it: any offset in, UTC from here on.
Moment = Annotated[AwareDatetime, AfterValidator(_in_utc)]


PAGE_NUMBER_PARAMETERS = ("page", "page_size", "offset")
CURSOR_ONLY = "Lists are cursor pages: {name} is not read; pass next_cursor as cursor= for the next page."


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
        updated_since: Moment | None = Field(
            None, description="only rows created or changed at or after this moment (ISO 8601 with a time zone)"
        )

    class Output(Schema):
        items: list[Any]
        next_cursor: str | None = Field(None, description="pass as cursor= for the next page; null on the last page")

    def paginate_queryset(self, queryset, pagination: Input, request: HttpRequest, **params):
        # A client of the page-numbered lists this replaced would get the first page again and again: say so.
        for name in PAGE_NUMBER_PARAMETERS:
            if name in request.GET:
                raise NinjaValidationError(
                    [{"loc": ["query", name], "msg": CURSOR_ONLY.format(name=name), "type": "value_error"}]
                )
        try:
            items, next_cursor = rows_after(
                queryset,
                field=self.order_field(params),
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

    def order_field(self, params: dict) -> str:
        """The time the pages follow, from the view's parameters: the last change, unless a list says otherwise."""
        return "updated_at"


def require_reader(by: object, action: str, obj: object = None) -> None:
    """A read the policy guards with a rule (`see_documents`): a read-only API key reads what its role reads.

    `policy.require` refuses a read-only key every rule, since rules guard changes; for a read, the same rule is
    asked of the key's role, clinic and condition alone. Anyone else is asked by `policy.require` itself.
    """
    key = getattr(by, "acting_api_key", None)
    if key is None or key.scope == "write":
        policy.require(by, action, obj)
        return
    rule = policy.rule_for(action)
    membership = policy.active_membership(by)
    clinic_id, _patient_id = policy.scope_of(obj)
    if membership is None or (clinic_id is not None and clinic_id != membership.clinic_id):
        raise policy.NotAllowed(f"Only staff of this clinic can {rule.doing}.")
    if membership.role not in rule.roles:
        raise policy.NotAllowed(rule.refusal or f"Only {rule.who} can {rule.doing}.")
    reason = rule.condition(by, obj) if rule.condition is not None else None
    if reason:
        raise policy.NotAllowed(reason)


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
        title = _phrase(status, response.reason_phrase)
        body = {"type": "about:blank", "title": title, "status": status}
        if status == HTTPStatus.NOT_FOUND:
            body["detail"] = "No API endpoint has this address; see the API document for the ones there are."
        if response.has_header("Allow"):
            body["detail"] = f"This address takes: {response['Allow']}."
        answer = HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer


def _phrase(status: int, otherwise: str = "Error") -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return otherwise


def problem(api: NinjaAPI, request: HttpRequest, status: int, title: str, detail: str = "", **extra) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_TYPE
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
        # The status names the kind of problem; the endpoint's message says what to do about it.
        status = exc.status_code
        title = "Invalid input" if status == HTTPStatus.UNPROCESSABLE_CONTENT else _phrase(status)
        return problem(api, request, status, title, str(exc))

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
