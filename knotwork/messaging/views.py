from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from knotwork.core.access import public
from knotwork.core.policy import SystemActor
from knotwork.messaging import services, sms

GATEWAY = SystemActor("text gateway (STOP reply)")
EMPTY_REPLY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@public
@csrf_exempt  # the gateway cannot send a CSRF token: its request is signed with the account's auth token instead
@require_POST
def inbound_text(request: HttpRequest) -> HttpResponse:
    """The gateway's inbound webhook: a STOP reply withdraws the number's consent to texts (signature checked)."""
    url = settings.KNOTWORK_BASE_URL.rstrip("/") + request.path  # the address the gateway was told to call
    params = {key: request.POST[key] for key in request.POST}
    if not sms.inbound_signature_ok(url, params, request.headers.get("X-Twilio-Signature", "")):
        raise PermissionDenied("The request is not signed by the text gateway.")
    if sms.reply_keyword(params.get("Body", "")) == "STOP":
        services.stop_texts_to_number(phone=params.get("From", ""), by=GATEWAY)
    # A START reply is not consent to Knotwork's texts: the clinic records consent again with the patient.
    return HttpResponse(EMPTY_REPLY, content_type="text/xml")
