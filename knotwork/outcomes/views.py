"""Questionnaires on the staff side, and the one questionnaire page the patient's private link reuses.

Who: owners and practitioners record and read; the front desk may too, because these questionnaires are
patient-reported (the desk hands out the tablet or types in a paper form). Loading the licensed wording is the
owner's, since it rests on the clinic's licence.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.audit.services import record_view, record_views
from knotwork.core import policy
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.outcomes import charts, selectors, services
from knotwork.outcomes.forms import QuestionnaireChoiceForm, QuestionnaireForm
from knotwork.outcomes.models import LICENSED, SECTION_NAMES, Instrument, Occasion
from knotwork.patients.selectors import get_patient

INSTRUCTIONS = {
    Instrument.NPRS: "Choose the number that best describes your pain right now: 0 is no pain at all and 10 is the "
    "worst pain you can imagine.",
    Instrument.ODI: "These questions ask how your back or leg trouble affects your everyday life. In each section, "
    "choose the one answer that fits you best today. Leave a section blank if it does not apply to you.",
    Instrument.NDI: "These questions ask how your neck pain affects your everyday life. In each section, choose the "
    "one answer that fits you best today. Leave a section blank if it does not apply to you.",
    Instrument.PSFS: "Name up to five activities that you find hard to do because of your problem. For each one, rate "
    "how well you can do it today: 0 means you cannot do it at all, 10 means you can do it as well as before the "
    "problem began.",
}
FOLLOW_UP_PSFS = (
    "These are the activities you named the first time. Rate each one again for today; you may add another activity."
)


def questionnaire_page(
    request,
    *,
    patient,
    instrument: str,
    occasion: str,
    by,
    on_saved,
    base_template: str,
    plan=None,
    session=None,
    extra_context: dict | None = None,
):
    """Show one questionnaire and save the answers through `record_questionnaire`.

    Used by the staff page (`by` = the staff user, base "base.html") and by the patient's private link (`by` = the
    PatientLinkActor, base "portal/base.html"). `on_saved(response)` returns the response after a save. Refused
    answers are shown again, as typed, with the reason.
    """
    wording = selectors.current_wording(patient.clinic, instrument) if instrument in LICENSED else None
    activities, baseline = [], None
    if instrument == Instrument.PSFS:
        baseline = selectors.baseline_psfs(patient, plan=plan)
        activities = list(baseline.activities) if baseline else []
    data = request.POST if request.method == "POST" else None  # an empty POST is still a submission
    form = QuestionnaireForm(
        data, instrument=instrument, wording=wording, activities=activities, ask_date=policy.acting_user(by) is not None
    )
    with timezone.override(patient.clinic.tzinfo):  # "today" and an earlier day are the clinic's
        valid = request.method == "POST" and form.is_valid()
    if valid:
        try:
            response = services.record_questionnaire(
                patient=patient,
                instrument=instrument,
                occasion=occasion,
                answers=form.answers,
                activities=form.activities,
                by=by,
                session=session,
                plan=plan,
                wording=wording,
                taken_at=form.taken_at,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return on_saved(response)
    context = {
        "form": form,
        "patient": patient,
        "instrument": instrument,
        "instrument_label": Instrument(instrument).label,
        "occasion": occasion,
        "occasion_label": Occasion(occasion).label,
        "instructions": INSTRUCTIONS[instrument],
        "wording": wording,
        "unlicensed": instrument in LICENSED and wording is None,
        "section_names": SECTION_NAMES.get(instrument, []),
        "baseline": baseline,
        "follow_up_note": FOLLOW_UP_PSFS if baseline else "",
        "base_template": base_template,
        "staff": base_template == "base.html",
        **(extra_context or {}),
    }
    return render(request, "outcomes/questionnaire_form.html", context)


@clinic_member()
@require_http_methods(["GET", "POST"])
def record(request: ClinicRequest, patient_id):
    patient = get_patient(request.user, patient_id)
    if request.method == "GET":
        record_view(instance=patient, by=request.user, shown_in="questionnaire form")
    choice = QuestionnaireChoiceForm(request.GET if "instrument" in request.GET else None)
    if not choice.is_valid():
        context = {"patient": patient, "choice": choice}
        return render(request, "outcomes/questionnaire_choose.html", context, status=200 if not choice.errors else 400)
    session = plan = None
    if request.GET.get("session"):
        session = selectors.get_patient_session(request.user, patient, request.GET["session"])
    if request.GET.get("plan"):
        plan = selectors.get_patient_plan(request.user, patient, request.GET["plan"])
    elif session is not None and session.plan_id:
        plan = session.plan
    else:
        plan = selectors.active_plan(patient)

    def saved(response):
        messages.success(request, f"{response.get_instrument_display()} saved: {_summary(response)}.")
        return redirect(response)

    return questionnaire_page(
        request,
        patient=patient,
        instrument=choice.cleaned_data["instrument"],
        occasion=choice.cleaned_data["occasion"],
        by=request.user,
        on_saved=saved,
        base_template="base.html",
        plan=plan,
        session=session,
        extra_context={"linked_session": session, "linked_plan": plan},
    )


def _summary(response) -> str:
    return f"{response.display}{f', {response.band}' if response.band else ''}"


def patient_charts(patient, responses, *, settings, since=None, until=None) -> list[dict]:
    """The pain chart and one chart per questionnaire answered (inline SVG), optionally within a course's dates."""
    tz = patient.clinic.tzinfo
    result = []
    pain = selectors.pain_series(patient, since=since, until=until)
    if pain:
        svg = charts.pain_chart(pain, responder_points=settings.responder_points, tz=tz)
        result.append({"title": "Pain", "svg": svg})
    answered = {r.instrument for r in responses}
    for instrument in (Instrument.ODI, Instrument.NDI, Instrument.PSFS):
        if instrument not in answered:
            continue
        change = getattr(settings, selectors.IMPORTANT_CHANGE_SETTING[instrument])
        if instrument == Instrument.NDI:
            change *= 2  # the setting is in raw points; the chart plots percent
        series = selectors.questionnaire_series(patient, instrument, since=since, until=until)
        svg = charts.questionnaire_chart(series, instrument=instrument, important_change=change, tz=tz)
        result.append({"title": Instrument(instrument).label, "svg": svg})
    return result


@clinic_member()
def patient_list(request: ClinicRequest, patient_id):
    """A patient's questionnaires with the change since baseline and the charts; `?plan=` keeps to one course."""
    patient = get_patient(request.user, patient_id)
    plans = list(selectors.list_patient_plans(request.user, patient))
    plan = since = until = None
    if request.GET.get("plan"):
        plan = selectors.get_patient_plan(request.user, patient, request.GET["plan"])
        since, until = selectors.course_dates(plan)
    responses = list(selectors.list_questionnaires(request.user, patient, since=since, until=until))
    # Each questionnaire names the patient; with none yet, the page still shows their pain chart.
    record_views(instances=responses or [patient], by=request.user, shown_in="outcomes")
    settings = request.clinic.settings
    context = {
        "patient": patient,
        "rows": selectors.outcome_rows(responses, settings),
        "charts": patient_charts(patient, responses, settings=settings, since=since, until=until),
        "choice": QuestionnaireChoiceForm(),
        "settings": settings,
        "plans": plans,
        "plan": plan,
    }
    with timezone.override(patient.clinic.tzinfo):
        return render(request, "outcomes/questionnaire_list.html", context)


@clinic_member()
def detail(request: ClinicRequest, public_id):
    response = selectors.get_questionnaire(request.user, public_id)
    record_view(instance=response, by=request.user)
    rows = selectors.outcome_rows(
        selectors.list_questionnaires(request.user, response.patient, instrument=response.instrument),
        request.clinic.settings,
    )
    row = next(r for r in rows if r.response.pk == response.pk)
    items = []
    sections = response.wording.sections if response.wording else None
    names = SECTION_NAMES.get(response.instrument, [])
    for index, answer in enumerate(response.answers):
        if response.instrument == Instrument.PSFS:
            label = response.activities[index] if index < len(response.activities) else f"Activity {index + 1}"
            text = ""
        elif response.instrument == Instrument.NPRS:
            label, text = "Pain right now", ""
        else:
            label = sections[index]["name"] if sections else names[index]
            text = sections[index]["statements"][answer] if sections and answer is not None else ""
        items.append({"number": index + 1, "label": label, "answer": answer, "text": text})
    context = {"response": response, "patient": response.patient, "row": row, "items": items}
    with timezone.override(response.patient.clinic.tzinfo):
        return render(request, "outcomes/questionnaire_detail.html", context)


@clinic_member(may="load_questionnaire_text")
@require_http_methods(["GET", "POST"])
def wording(request: ClinicRequest):
    """The clinic's licensed ODI/NDI wording: what is loaded, and a file upload to load a new version."""
    error_lines: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error_lines = ["Choose a wording file (YAML or JSON) to upload."]
        elif upload.size > services.TEXT_FILE_MAX_BYTES:
            error_lines = [f"The file is {upload.size // 1024} KB; a wording file is at most 64 KB."]
        else:
            try:
                text = services.load_questionnaire_text(
                    clinic=request.clinic, content=upload.read(), filename=upload.name, by=request.user
                )
            except ValidationError as error:
                error_lines = error.messages
            else:
                messages.success(request, f"{text.get_instrument_display()} wording (version {text.version}) loaded.")
                return redirect(reverse("outcomes:wording"))
    context = {
        "wordings": selectors.list_wordings(request.user),
        "error_lines": error_lines,
        "section_names": SECTION_NAMES,
    }
    return render(request, "outcomes/questionnairetext_list.html", context, status=400 if error_lines else 200)
