from auditlog.cid import set_cid
from auditlog.middleware import AuditlogMiddleware

from knotwork.audit.actors import RequestContext, request_context
from knotwork.core.middleware import client_ip_address


class AuditContextMiddleware(AuditlogMiddleware):
    """Attach the acting user and client address to audit entries written during a request.

    django-auditlog trusts the left of X-Forwarded-For, which a client writes; Knotwork takes the address the
    operator's proxy saw (the same one the sign-in lockout counts), so a client cannot forge it in the trail.

    The context is Knotwork's own (`audit.actors`), not auditlog's `set_extra_data`: auditlog fills an entry in a
    pre_save signal, after the entry's hash has been computed, and the chain needs every column final first.
    """

    @staticmethod
    def _get_remote_addr(request):
        return client_ip_address(request)

    def __call__(self, request):
        set_cid(request)
        context = RequestContext(
            user=self._get_actor(request),
            remote_addr=self._get_remote_addr(request),
            remote_port=self._get_remote_port(request),
            request=request,
        )
        with request_context(context):
            return self.get_response(request)
