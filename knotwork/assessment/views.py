from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.assessment import findings, selectors, services
from knotwork.assessment.forms import (
    ConsentEditForm,
    ConsentSignForm,
    DiagnosisCorrectionForm,
    DiagnosisForm,
    ExaminationFactorsForm,
    IntakeForm,
    OverrideForm,
    RangeOfMotionCorrectionForm,
    RangeOfMotionForm,
    ReferralUpdateForm,
    RemovalForm,
    TriggerPointCorrectionForm,
    TriggerPointForm,
    WithdrawForm,
)
from knotwork.assessment.models import ACTIVATING_FACTORS, IntakeStatus, Technique
from knotwork.assessment.services import corrections
from knotwork.atlas.catalog import QUALITIES, get_atlas
from knotwork.atlas.selectors import DrawnRegion, rank_referrals
from knotwork.audit.services import record_view
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.patients.selectors import get_patient

# ---- intake ---------------------------------------------------------------------------------------

SECTION_LABELS = {
    "red_flags": "Important symptoms",
    "medical_history": "Medical history",
    "medications": "Medicines",
    "devices": "Implants and devices",
    "pregnancy": "Pregnancy",
    "skin_and_site": "Skin and the painful area",
}


def intake_context(form: IntakeForm, intake, patient, *, portal: bool) -> dict:
    """Template context of the intake form; the drawing shown is what was typed, even after an error."""
    marks = (
        form.cleaned_data.get("r")
        if form.is_bound and hasattr(form, "cleaned_data") and "r" in form.cleaned_data
        else intake.drawing
    )
    sections = [
        (SECTION_LABELS.get(name, name.replace("_", " ").capitalize()), form.section_fields(name))
        for name in form.question_sections
    ]
    return {
        "form": form,
        "intake": intake,
        "patient": patient,
        "portal": portal,
        "drawing": [DrawnRegion(m["region"], m["intensity"], m["quality"]) for m in marks],
        "question_sections": [(label, fields) for label, fields in sections if fields],
        "qualities": QUALITIES,
    }


@clinic_member()
@require_POST
def intake_start(request: ClinicRequest, patient_id):
    patient = get_patient(request.user, patient_id)
    intake = services.start_intake(patient=patient, by=request.user)
    return redirect(intake)


def handle_intake_post(request, intake, form, *, by, on_submitted):
    """Shared by the clinician's and the patient's intake: autosave, save, or submit."""
    action = request.POST.get("action", "save")
    form.is_valid()  # fills cleaned_data with every valid field; errors stay on the form
    to_correct = {
        name: request.POST.get(name, "") for name in form.errors if name in form.fields and request.POST.get(name, "")
    }
    try:
        services.save_intake_draft(intake=intake, by=by, needs_correction=to_correct, **form.intake_data())
    except (ClinicRuleError, ValidationError) as error:
        form.add_error(None, str(error) if isinstance(error, ClinicRuleError) else error.messages)
    if action == "autosave":
        stamp = timezone.localtime().strftime("%H:%M:%S")
        problems = len(form.errors)
        text = f"Draft saved at {stamp}" + (f"; {problems} field(s) need attention" if problems else "")
        return HttpResponse(f'<span id="autosave-status" role="status">{text}</span>')
    if action == "submit" and form.is_valid():
        try:
            screen = services.submit_intake(intake=intake, by=by, **form.intake_data())
        except ClinicRuleError as error:
            form.add_error(None, str(error))
        else:
            return on_submitted(screen)
    elif action != "submit" and not form.errors:
        messages.success(request, "Draft saved.")
    return None


@clinic_member()
@require_http_methods(["GET", "POST"])
def intake_edit(request: ClinicRequest, public_id):
    intake = selectors.get_intake(request.user, public_id)
    if request.method == "GET":
        record_view(instance=intake, by=request.user)
    if intake.status != IntakeStatus.DRAFT:
        summary = selectors.intake_summary(intake)
        summary["answer_sections"] = [
            (SECTION_LABELS.get(name, name.replace("_", " ").capitalize()), answers)
            for name, answers in summary["answer_sections"].items()
        ]
        return render(
            request, "assessment/intake_detail.html", {"intake": intake, "patient": intake.patient, **summary}
        )
    form = IntakeForm(request.POST or None, instance=intake)
    if request.method == "POST":

        def done(screen):
            messages.success(request, f"Intake submitted. Safety screen: {screen.get_status_display().lower()}.")
            return redirect(intake.patient)

        response = handle_intake_post(request, intake, form, by=request.user, on_submitted=done)
        if response is not None:
            return response
    return render(request, "assessment/intake_form.html", intake_context(form, intake, intake.patient, portal=False))


# ---- safety screen and referrals ------------------------------------------------------------------


@clinic_member(may="override_safety_finding")
@require_POST
def screen_override(request: ClinicRequest, public_id):
    screen = selectors.get_screen(request.user, public_id)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.override_finding(
                screen=screen, rule_id=form.cleaned_data["rule"], reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(request, "Override recorded with your reason.")
        except ClinicRuleError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, "Write the clinical reason for the override.")
    return redirect(screen.patient)


@clinic_member()
@require_POST
def referral_update(request: ClinicRequest, public_id):
    referral = selectors.get_referral(request.user, public_id)
    form = ReferralUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.update_referral(referral=referral, by=request.user, **form.cleaned_data)
            messages.success(request, f"Referral: {referral.get_kind_display().lower()} updated.")
        except (ClinicRuleError, ValidationError) as error:
            messages.error(request, str(error) if isinstance(error, ClinicRuleError) else " ".join(error.messages))
    else:
        messages.error(request, "Choose a valid status.")
    return redirect(referral.patient)


# ---- consent --------------------------------------------------------------------------------------


@clinic_member(may="publish_consent_version")
@require_http_methods(["GET", "POST"])
def consent_forms(request: ClinicRequest):
    services.ensure_consent_forms(clinic=request.clinic, by=request.user)
    forms_ = selectors.list_consent_forms(request.user)
    editing = None
    form = None
    technique = request.GET.get("edit") or request.POST.get("technique")
    if technique:
        editing = selectors.get_consent_form(request.user, technique)
        latest = editing.versions.order_by("-number").first()
        form = ConsentEditForm(
            request.POST or None, initial={"title": editing.title, "body": latest.body if latest else ""}
        )
        if request.method == "POST" and form.is_valid():
            try:
                version = services.publish_consent_version(form=editing, by=request.user, **form.cleaned_data)
            except ClinicRuleError as error:
                form.add_error("body", str(error))
            else:
                messages.success(request, f"{editing.title}: version {version.number} is now the one patients sign.")
                return redirect("assessment:consent_forms")
    return render(request, "assessment/consentform_list.html", {"forms": forms_, "editing": editing, "form": form})


def consent_page(request, *, patient, technique, via_link: bool, by, on_signed, base_template: str):
    """Show the current version of a technique's consent and take the signature."""
    services.ensure_consent_forms(clinic=patient.clinic, by=services.CONSENT_SET_UP)
    consent_form = selectors.consent_form_of(patient, technique)
    version = consent_form.versions.order_by("-number").first()
    if version is None:
        return render(
            request,
            "assessment/consent_unwritten.html",
            {"consent_form": consent_form, "patient": patient, "base_template": base_template},
        )
    form = ConsentSignForm(request.POST or None, initial={"shown_hash": version.body_hash})
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.sign_consent(
                patient=patient,
                version=version,
                signed_name=form.cleaned_data["signed_name"],
                signature=form.cleaned_data["signature"],
                shown_hash=form.cleaned_data["shown_hash"],
                via_link=via_link,
                by=by,
            )
        except ClinicRuleError as error:
            form.add_error(None, str(error))
        else:
            return on_signed(consent)
    context = {
        "form": form,
        "version": version,
        "consent_form": consent_form,
        "patient": patient,
        "base_template": base_template,
    }
    return render(request, "assessment/consent_sign.html", context)


@clinic_member()
@require_http_methods(["GET", "POST"])
def consent_sign(request: ClinicRequest, patient_id, technique: str):
    patient = get_patient(request.user, patient_id)
    if technique not in Technique.values:
        messages.error(request, "Unknown technique.")
        return redirect(patient)
    if request.method == "GET":
        record_view(instance=patient, by=request.user, shown_in="consent form")

    def done(consent):
        messages.success(
            request, f"Consent to {consent.get_technique_display().lower()} signed (version {consent.version.number})."
        )
        return redirect(patient)

    return consent_page(
        request,
        patient=patient,
        technique=technique,
        via_link=False,
        by=request.user,
        on_signed=done,
        base_template="base.html",
    )


@clinic_member()
@require_POST
def consent_withdraw(request: ClinicRequest, public_id):
    consent = selectors.get_consent(request.user, public_id)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.withdraw_consent(consent=consent, reason=form.cleaned_data.get("reason", ""), by=request.user)
        messages.success(request, f"Consent to {consent.get_technique_display().lower()} withdrawn.")
    except ClinicRuleError as error:
        messages.error(request, str(error))
    return redirect(consent.patient)


@clinic_member()
def consent_detail(request: ClinicRequest, public_id):
    consent = selectors.get_consent(request.user, public_id)
    record_view(instance=consent, by=request.user)
    return render(request, "assessment/consent_detail.html", {"consent": consent, "patient": consent.patient})


# ---- examination ----------------------------------------------------------------------------------


@clinic_member(may="start_examination")
@require_POST
def examination_start(request: ClinicRequest, patient_id):
    patient = get_patient(request.user, patient_id)
    examination = services.start_examination(patient=patient, by=request.user)
    return redirect(examination)


def _drawing_of(examination) -> list[DrawnRegion]:
    if examination.intake is None:
        return []
    return [DrawnRegion(m["region"], m["intensity"], m["quality"]) for m in examination.intake.drawing]


def _form_error(form, error) -> None:
    form.add_error(None, str(error) if isinstance(error, ClinicRuleError) else error.messages)


@clinic_member(may="see_clinical_record")
@require_http_methods(["GET", "POST"])
def examination_detail(request: ClinicRequest, public_id):
    examination = selectors.get_examination(request.user, public_id)
    if request.method == "GET":
        record_view(instance=examination, by=request.user)
    drawing = _drawing_of(examination)
    suggestions = rank_referrals({d.region: d.intensity for d in drawing}, top=8) if drawing else []
    action = request.POST.get("action")
    point_form = TriggerPointForm(
        request.POST if action == "point" else None, suggested=[s.muscle_id for s in suggestions]
    )
    rom_form = RangeOfMotionForm(request.POST if action == "rom" else None, prefix="rom")
    diagnosis_form = DiagnosisForm(
        request.POST if action == "diagnosis" else None,
        prefix="dx",
        service_date=timezone.localtime(examination.created_at).date(),  # codes valid on the examination's day
    )
    factors_form = ExaminationFactorsForm(
        request.POST if action == "factors" else None,
        prefix="pf",
        initial={"perpetuating_factors": examination.perpetuating_factors},
    )
    forms_ = {"point": point_form, "rom": rom_form, "diagnosis": diagnosis_form, "factors": factors_form}
    if request.method == "POST":
        try:
            if action == "point" and point_form.is_valid():
                point = {k: v for k, v in point_form.cleaned_data.items() if k != "pick_region"}
                services.record_trigger_point(examination=examination, by=request.user, **point)
                messages.success(request, "Trigger point recorded.")
                return redirect(examination)
            if action == "rom" and rom_form.is_valid():
                services.record_range_of_motion(examination=examination, by=request.user, **rom_form.cleaned_data)
                messages.success(request, "Range of motion recorded.")
                return redirect(examination)
            if action == "diagnosis" and diagnosis_form.is_valid():
                services.add_diagnosis(
                    examination=examination,
                    code=diagnosis_form.cleaned_data["code"],
                    is_primary=diagnosis_form.cleaned_data["is_primary"],
                    by=request.user,
                )
                messages.success(request, "Diagnosis added.")
                return redirect(examination)
            if action == "factors" and factors_form.is_valid():
                corrections.record_perpetuating_factors(
                    examination=examination, by=request.user, **factors_form.cleaned_data
                )
                messages.success(request, "Perpetuating factors saved.")
                return redirect(examination)
            if action == "close":
                corrections.close_examination(examination=examination, by=request.user)
                messages.success(request, "Examination closed. Its entries are now part of the record.")
                return redirect(examination)
        except (ClinicRuleError, ValidationError) as error:
            if action in forms_:
                _form_error(forms_[action], error)
            else:
                messages.error(request, str(error))

    atlas = get_atlas()
    entries = selectors.examination_entries(examination)
    standing_points = [e["entry"] for e in entries["points"]]
    intake = examination.intake
    context = {
        "examination": examination,
        "patient": examination.patient,
        "drawing": drawing,
        "suggestions": [(s, atlas.muscles[s.muscle_id]) for s in suggestions],
        "points": [(e["entry"], atlas.muscles.get(e["entry"].muscle), e["history"]) for e in entries["points"]],
        "removed_points": [
            (e["entry"], atlas.muscles.get(e["entry"].muscle), e["history"]) for e in entries["removed_points"]
        ],
        "point_marks": [
            {"view": p.view, "x": p.x, "y": p.y, "active": p.is_active, "label": f"{p.muscle} ({p.side})"}
            for p in standing_points
        ],
        "rom": entries["rom"],
        "removed_rom": entries["removed_rom"],
        "diagnoses": entries["diagnoses"],
        "removed_diagnoses": entries["removed_diagnoses"],
        "consensus": findings.get_data().consensus,
        "movements": findings.get_data().movements.values(),
        "reported_factors": findings.factor_labels(intake.perpetuating_factors) if intake else [],
        "activating_factors": [dict(ACTIVATING_FACTORS).get(f, f) for f in intake.activating_factors] if intake else [],
        "examination_factors": findings.factor_labels(examination.perpetuating_factors),
        "point_form": point_form,
        "rom_form": rom_form,
        "diagnosis_form": diagnosis_form,
        "factors_form": factors_form,
    }
    return render(request, "assessment/examination_detail.html", context)


def _edit_entry(request, entry, *, correction_form, correct, remove, template: str, extra: dict):
    """The correction page of one examination entry: correct it (history kept) or remove it with a reason."""
    examination = entry.examination
    action = request.POST.get("action")
    removal_form = RemovalForm(request.POST if action == "remove" else None, prefix="remove")
    if request.method == "POST" and action in ("correct", "remove"):
        form = correction_form if action == "correct" else removal_form
        if form.is_valid():
            try:
                message = (correct if action == "correct" else remove)(form)
            except (ClinicRuleError, ValidationError) as error:
                _form_error(form, error)
            else:
                messages.success(request, message)
                return redirect(examination)
    context = {
        "entry": entry,
        "examination": examination,
        "patient": examination.patient,
        "form": correction_form,
        "removal_form": removal_form,
        **extra,
    }
    return render(request, template, context)


@clinic_member(may="see_clinical_record")
@require_http_methods(["GET", "POST"])
def trigger_point_edit(request: ClinicRequest, public_id):
    finding = selectors.get_trigger_point(request.user, public_id)
    if request.method == "GET":
        record_view(instance=finding.examination, by=request.user, shown_in="trigger point correction")
    action = request.POST.get("action")
    form = TriggerPointCorrectionForm(
        request.POST if action == "correct" else None,
        instance=selectors.get_trigger_point(request.user, public_id),  # the form's own copy: it sets what is typed
        suggested=[finding.muscle],
    )

    def correct(form):
        corrections.correct_trigger_point(
            finding=finding, by=request.user, reason=form.cleaned_data["reason"], **form.point_changes()
        )
        return "Trigger point corrected; the earlier values are kept in its history."

    def remove(form):
        corrections.remove_trigger_point(finding=finding, reason=form.cleaned_data["reason"], by=request.user)
        return "Trigger point removed; it stays in the examination's history with your reason."

    atlas = get_atlas()
    extra = {
        "muscle": atlas.muscles.get(finding.muscle),
        "region_name": atlas.regions[finding.region].name if finding.region in atlas.regions else finding.region,
        "history": [
            selectors.revision_lines(r, type(finding)) for r in finding.revisions.select_related("by") if r.before
        ],
    }
    return _edit_entry(
        request,
        finding,
        correction_form=form,
        correct=correct,
        remove=remove,
        template="assessment/triggerpoint_edit.html",
        extra=extra,
    )


@clinic_member(may="see_clinical_record")
@require_http_methods(["GET", "POST"])
def range_of_motion_edit(request: ClinicRequest, public_id):
    rom = selectors.get_range_of_motion(request.user, public_id)
    if request.method == "GET":
        record_view(instance=rom.examination, by=request.user, shown_in="range of motion correction")
    action = request.POST.get("action")
    form = RangeOfMotionCorrectionForm(
        request.POST if action == "correct" else None, instance=selectors.get_range_of_motion(request.user, public_id)
    )

    def correct(form):
        corrections.correct_range_of_motion(
            rom=rom, by=request.user, reason=form.cleaned_data["reason"], **form.rom_changes()
        )
        return "Range of motion corrected; the earlier value is kept in its history."

    def remove(form):
        corrections.remove_range_of_motion(rom=rom, reason=form.cleaned_data["reason"], by=request.user)
        return "Range of motion removed; it stays in the examination's history with your reason."

    extra = {
        "history": [selectors.revision_lines(r, type(rom)) for r in rom.revisions.select_related("by") if r.before],
        "movements": findings.get_data().movements.values(),
    }
    return _edit_entry(
        request,
        rom,
        correction_form=form,
        correct=correct,
        remove=remove,
        template="assessment/rangeofmotion_edit.html",
        extra=extra,
    )


@clinic_member(may="see_clinical_record")
@require_http_methods(["GET", "POST"])
def diagnosis_edit(request: ClinicRequest, public_id):
    diagnosis = selectors.get_diagnosis(request.user, public_id)
    if request.method == "GET":
        record_view(instance=diagnosis.examination, by=request.user, shown_in="diagnosis correction")
    action = request.POST.get("action")
    form = DiagnosisCorrectionForm(
        request.POST if action == "correct" else None,
        prefix="dx",
        initial={"code": diagnosis.code, "is_primary": diagnosis.is_primary},
    )

    def correct(form):
        standing = corrections.correct_diagnosis(
            diagnosis=diagnosis,
            by=request.user,
            reason=form.cleaned_data["reason"],
            code=form.cleaned_data["code"],
            **({"is_primary": True} if form.cleaned_data["is_primary"] else {}),
        )
        return f"Diagnosis corrected: {standing.code} {standing.description}. The earlier entry is kept in the history."

    def remove(form):
        successor = corrections.remove_diagnosis(
            diagnosis=diagnosis, reason=form.cleaned_data["reason"], by=request.user
        )
        primary = f" {successor.code} is now the primary diagnosis." if successor else ""
        return f"Diagnosis {diagnosis.code} removed; it stays in the examination's history with your reason.{primary}"

    extra = {
        "history": [
            selectors.revision_lines(r, type(diagnosis)) for r in diagnosis.revisions.select_related("by") if r.before
        ]
    }
    return _edit_entry(
        request,
        diagnosis,
        correction_form=form,
        correct=correct,
        remove=remove,
        template="assessment/diagnosis_edit.html",
        extra=extra,
    )
