"""Letters to the referring clinician: write one (preview, then email or print), see one sent, and the clinic's
templates. The PDF that was sent is a document on the chart; opening it goes through the documents app's views."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from knotwork.audit.services import record_view
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.core.forms import add_service_errors
from knotwork.letters import merge, selectors, services
from knotwork.letters.forms import ComposeForm, TemplateForm
from knotwork.letters.models import Delivery, LetterKind, LetterStatus
from knotwork.patients.selectors import get_patient


@clinic_member(may="send_letter")
@require_http_methods(["GET", "POST"])
def compose(request: ClinicRequest, patient_id, kind):
    """Write a progress report or discharge letter: the preview is the letter as it will be sent."""
    if kind not in LetterKind.values:
        raise Http404("No such kind of letter.")
    patient = get_patient(request.user, patient_id)
    plans = list(selectors.list_patient_plans(request.user, patient)[:10])
    referrer = patient.referring_clinician
    form = ComposeForm(request.POST or None, plans=plans, referrer=referrer)
    plan = plans[0] if plans else None
    next_steps = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            plan, next_steps = form.cleaned_data["plan"], form.cleaned_data["next_steps"]
            if request.POST.get("action") == "send":
                try:
                    letter = services.send_letter(
                        patient=patient,
                        kind=kind,
                        plan=plan,
                        next_steps=next_steps,
                        delivery=form.cleaned_data["delivery"],
                        base_url=request.build_absolute_uri("/"),
                        by=request.user,
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                except ClinicRuleError as error:
                    form.add_error(None, str(error))
                else:
                    if letter.status == LetterStatus.SENT:
                        messages.success(request, f"{letter.get_kind_display()} emailed to {letter.recipient_email}.")
                    elif letter.status == LetterStatus.FAILED:
                        messages.error(request, f"{letter.error} The PDF is on the chart: print it or try again.")
                    else:
                        messages.success(request, f"{letter.get_kind_display()} is on the chart, ready to print.")
                    return redirect(letter)
        if form.errors:
            status = 400
    record_view(instance=patient, by=request.user, shown_in=f"{LetterKind(kind).label.lower()} preview")
    context = selectors.letter_context(
        patient=patient, kind=kind, author=request.user, plan=plan, next_steps=next_steps
    ) | {"form": form, "letters": selectors.list_letters(request.user, patient).filter(kind=kind)[:5]}
    return render(request, "letters/letter_compose.html", context, status=status)


@clinic_member(may="see_documents")
def detail(request: ClinicRequest, public_id):
    """A letter sent: to whom, how, whether it arrived at the mail server, and its PDF."""
    letter = selectors.get_letter(request.user, public_id)
    record_view(instance=letter, by=request.user)
    return render(
        request,
        "letters/letter_detail.html",
        {"letter": letter, "patient": letter.patient, "print": letter.delivery == Delivery.PRINT},
    )


@clinic_member(may="change_letter_templates")
@require_http_methods(["GET", "POST"])
def templates(request: ClinicRequest):
    """The clinic's own words around every progress report and discharge letter, with the merge fields there are."""
    forms_by_kind = {}
    status = 200
    for text in selectors.templates(request.clinic):
        data = request.POST if request.method == "POST" and request.POST.get("kind") == text.kind else None
        forms_by_kind[text.kind] = TemplateForm(
            data,
            prefix=text.kind,
            initial={"subject": text.subject, "opening": text.opening, "closing": text.closing},
        )
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        form = forms_by_kind.get(kind)
        if form is None:
            raise Http404("No such kind of letter.")
        if form.is_valid():
            try:
                services.save_letter_template(clinic=request.clinic, kind=kind, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"The {LetterKind(kind).label.lower()} template is saved.")
                return redirect("letters:templates")
        status = 400
    context = {
        "sections": [
            {"kind": kind, "label": LetterKind(kind).label, "form": form, "text": text}
            for (kind, form), text in zip(forms_by_kind.items(), selectors.templates(request.clinic), strict=True)
        ],
        "fields": merge.FIELDS,
    }
    return render(request, "letters/lettertemplate_list.html", context, status=status)
