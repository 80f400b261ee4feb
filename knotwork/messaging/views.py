from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.core.access import ClinicRequest, clinic_member, public
from knotwork.core.forms import add_service_errors
from knotwork.core.policy import SystemActor
from knotwork.messaging import merge, selectors, services, sms
from knotwork.messaging.forms import MessageTemplateForm
from knotwork.messaging.models import MessageKind
from knotwork.messaging.selectors import MessageText

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


@clinic_member(may="change_message_templates")
@require_http_methods(["GET", "POST"])
def templates(request: ClinicRequest):
    """The clinic's words in each message about a visit: edit, preview with sample details, go back to the default."""
    texts = selectors.templates(request.clinic)
    kind = request.POST.get("kind", "") if request.method == "POST" else ""
    if request.method == "POST" and kind not in MessageKind.values:
        raise Http404("No such kind of message.")
    action = request.POST.get("action", "save")
    status = 200
    sections = []
    for text in texts:
        posted = request.method == "POST" and text.kind == kind and action != "reset"
        form = MessageTemplateForm(
            request.POST if posted else None,
            kind=text.kind,
            prefix=text.kind,
            initial={"subject": text.subject, "body": text.body},
        )
        shown = text
        if posted:
            if form.is_valid():
                shown = MessageText(text.kind, form.cleaned_data["subject"], form.cleaned_data["body"], False)
                if action == "save":
                    try:
                        services.save_message_template(
                            clinic=request.clinic, kind=text.kind, by=request.user, **form.cleaned_data
                        )
                    except ValidationError as error:
                        add_service_errors(form, error)
                    else:
                        messages.success(request, f"The {text.label.lower()} message is saved.")
                        return redirect("messaging:templates")
            if form.errors:
                status = 400
        preview = None if form.errors else selectors.preview(request.clinic, shown)
        sections.append({"text": text, "form": form, "preview": preview, "open": posted})
    if request.method == "POST" and action == "reset":
        if services.reset_message_template(clinic=request.clinic, kind=kind, by=request.user):
            messages.success(request, f"The {MessageKind(kind).label.lower()} message is back to Knotwork's words.")
        return redirect("messaging:templates")
    context = {"sections": sections, "fields": merge.FIELDS}
    return render(request, "messaging/messagetemplate_list.html", context, status=status)
