from auditlog.middleware import AuditlogMiddleware
from django.conf import settings


class AuditContextMiddleware(AuditlogMiddleware):
    """Attach the acting user and client address to audit entries written during a request.

    django-auditlog trusts X-Forwarded-For by default; Knotwork only does behind a proxy the operator
    declared (BEHIND_PROXY), so a client cannot forge the address in the trail.
    """

    @staticmethod
    def _get_remote_addr(request):
        if settings.KNOTWORK_TRUST_X_FORWARDED_FOR:
            return AuditlogMiddleware._get_remote_addr(request)
        return request.META.get("REMOTE_ADDR")
