"""Shared API pieces: clinic session auth and errors as application/problem+json (RFC 9457)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth

from knotwork.clinics.services import ClinicRuleError
from knotwork.core.models import clinic_id_of


class ClinicSessionAuth(SessionAuth):
    """A signed-in staff user with an active clinic membership (the browser session)."""

    def authenticate(self, request: HttpRequest, key: str | None):
        user = request.user
        if user.is_authenticated and clinic_id_of(user) is not None:
            return user
        return None


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
        return problem(api, request, 401, "Sign in required", "Sign in to Knotwork as a clinic member.")

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return problem(api, request, 403, "Forbidden", str(exc))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return problem(api, request, exc.status_code, str(exc))
