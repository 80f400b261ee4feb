import contextlib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST

from knotwork.assessment.selectors import chart_assessment
from knotwork.atlas.catalog import get_atlas
from knotwork.atlas.templatetags.body_map import body_map
from knotwork.audit.services import record_view
from knotwork.core.access import ClinicRequest, clinic_member
from knotwork.core.errors import ClinicRuleError
from knotwork.patients.selectors import get_patient
from knotwork.scheduling.selectors import todays_booked_appointment
from knotwork.scheduling.services import mark_attended
from knotwork.treatment import needledepth, pressure, selectors, services
from knotwork.treatment.forms import (
    AddPointForm,
    AmendForm,
    FinishForm,
    NeedleForm,
    NoteForm,
    OverrideForm,
    StartSessionForm,
    TechniqueForm,
)
from knotwork.treatment.models import NoteStatus, SessionStatus, Tool
from knotwork.treatment.pressure import ANSWERS

ANSWER_LABELS = dict(zip(ANSWERS, ("Too little", "Good pain", "Too much", "Referral", "Better", "Stop"), strict=True))
GUARDED = ("manual_therapy", "dry_needling", "tens", "assisted_stretching", "heat_cold")
TECHNIQUE_LABELS = {
    "manual_therapy": "Manual therapy",
    "dry_needling": "Dry needling",
    "tens": "TENS",
    "assisted_stretching": "Assisted stretching",
    "heat_cold": "Heat or cold",
}


@clinic_member(may="start_session")
@require_http_methods(["GET", "POST"])
def session_start(request: ClinicRequest, patient_id):
    patient = get_patient(request.user, patient_id)
    if request.method == "GET":
        record_view(instance=patient, by=request.user, shown_in="start a session")
    form = StartSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.start_session(patient=patient, by=request.user, **form.cleaned_data)
        except services.GuardError as error:
            form.add_error("override_reason", str(error))
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            _attend_todays_appointment(patient, session, by=request.user)
            return redirect(session)
    context = {"form": form, "patient": patient, "assessment": chart_assessment(patient)}
    return render(request, "treatment/session_start.html", context)


def _attend_todays_appointment(patient, session, *, by) -> None:
    """Starting a session marks the patient's booked appointment of today as attended, linked to the session."""
    booked = todays_booked_appointment(patient)
    if booked is not None:
        # The session stands either way; an appointment the rules refuse can still be marked by hand.
        with contextlib.suppress(ClinicRuleError):
            mark_attended(appointment=booked, by=by, session=session)


def _level_text(hold) -> str:
    """The next suggested level as the panel shows it: whole steps on the 0-10 scale, kg/cm² to 0.1."""
    return f"{hold.suggested_level:.1f}" if hold.measured else str(int(hold.suggested_level))


def _muscle_name(atlas, muscle_id: str) -> str:
    muscle = atlas.muscles.get(muscle_id)
    return muscle.name if muscle else muscle_id


def _needle_zones(session, atlas) -> dict:
    """What needle-safety.js needs to check a depth as it is typed: the limit of each body-map region over the lung
    for this patient's build, and each muscle's usual area per side (when no site is marked on the map)."""
    rules, slim = needledepth.get_rules(), services.slim_build(session.patient)
    return _once("zones", atlas, rules, slim, make=lambda: _zones_for(atlas, rules, slim))


_MADE: dict = {}


def _once(name: str, *sources, make: Callable[[], Any]) -> Any:
    """`make()` once per process for the same sources (the atlas and the depth rules are loaded once per process
    and never change in it; the sources are kept with the value, so an id is never reused for another)."""
    key = (name, *(id(source) for source in sources))
    if key not in _MADE:
        _MADE[key] = (sources, make())
    return _MADE[key][1]


def _zones_for(atlas, rules, slim: bool) -> dict:
    """The zones of one build: they depend on the atlas and the depth rules only (both loaded once per process)."""
    regions = {}
    for region in atlas.regions.values():
        zone = rules.zone_for(region.area)
        if zone is not None:
            regions[region.id] = {"limit": zone.limit(slim=slim), "label": zone.label, "advice": zone.advice}
    muscles = {
        muscle.id: {side: services.needling_area(muscle.id, side) for side in ("right", "left")}
        for muscle in atlas.muscles.values()
    }
    areas = {region.area: regions[region.id] for region in atlas.regions.values() if region.id in regions}
    return {"regions": regions, "areas": areas, "muscles": muscles, "slim": slim}


def _needle_safety(atlas) -> dict:
    return _once("safety", atlas, make=lambda: {m.id: m.needling_safety for m in atlas.muscles.values()})


# The three maps to click on (a point, a needling site, TENS electrodes): the same atlas drawing, nothing of the
# patient's, so each is written once per process instead of 155 regions through the template engine per view.
PICKER_MAPS = {
    "point": ("point-map", "click to mark the point"),
    "needle": ("needle-map", "click to mark the needling site"),
    "tens": ("tens-map", "click to place TENS electrodes"),
}


def _picker_maps(atlas) -> dict[str, str]:
    return _once(
        "maps",
        atlas,
        make=lambda: {
            name: render_to_string(
                "atlas/components/body_map.html", body_map(prefix=prefix, caption=caption, picker=True)
            )
            for name, (prefix, caption) in PICKER_MAPS.items()
        },
    )


def _form_html(name: str, form) -> str:
    """A form of the session page as HTML. An empty form is the same on every view (its fields and choices come
    from the atlas and the models), so it is written once per process; a form sent back with errors is written
    with what was typed."""
    if form.is_bound or form.initial:
        return str(form)
    return _once(f"form:{name}", get_atlas(), make=lambda: str(form))


def _past_safe_depth(entry) -> str:
    """The warning after saving a needling deeper than the safe depth over the lung (recorded, never refused)."""
    area = services.needling_area(entry.muscle, entry.side, entry.region)
    zone = needledepth.get_rules().zone_for(area)
    where = zone.label if zone else "over the lung"
    return (
        f"Recorded {entry.depth_mm} mm {where}, past the safe depth of {entry.safe_depth_mm} mm for this patient's "
        f"build (pneumothorax risk). If the needle did not go along a rib, onto bone or into a lifted muscle, "
        "watch for breathlessness or chest pain and tell the patient the warning signs."
    )


def _point_view(point, atlas):
    holds = list(point.holds.all())
    last = holds[-1] if holds else None
    muscle = atlas.muscles.get(point.muscle)
    return {
        "point": point,
        "name": muscle.name if muscle else point.muscle,
        "holds": holds,
        "seconds": sum(h.seconds for h in holds),
        "suggested": _level_text(last) if last and last.suggested_level is not None else 5,
        "measured": bool(last and last.measured),
        "safety": muscle.needling_safety if muscle else "",
    }


@clinic_member(may="see_clinical_record")
@require_http_methods(["GET", "POST"])
def session_detail(request: ClinicRequest, public_id):
    session = selectors.get_session(request.user, public_id)
    if session.status != SessionStatus.IN_PROGRESS:
        return redirect("treatment:note", public_id=session.public_id)
    if request.method == "GET":
        record_view(instance=session, by=request.user)
    action = request.POST.get("action")
    forms = {
        "point": AddPointForm(request.POST if action == "point" else None, prefix="pt"),
        "needle": NeedleForm(request.POST if action == "needle" else None, prefix="dn"),
        "technique": TechniqueForm(request.POST if action == "technique" else None, prefix="tx"),
        "override": OverrideForm(request.POST if action == "override" else None, prefix="ov"),
        "finish": FinishForm(request.POST if action == "finish" else None, prefix="end"),
    }
    if request.method == "POST" and action in forms and forms[action].is_valid():
        data = forms[action].cleaned_data
        try:
            if action == "point":
                services.add_point(session=session, by=request.user, **data)
            elif action == "needle":
                entry = services.record_needling(session=session, by=request.user, **data)
                muscle = get_atlas().muscles.get(data["muscle"])  # the reminder stays after the save
                if entry.past_safe_depth:
                    messages.warning(request, _past_safe_depth(entry))
                if muscle and services.is_high_risk(muscle):
                    messages.warning(request, f"{muscle.name}: {muscle.needling_safety}")
            elif action == "technique":
                services.record_technique(session=session, by=request.user, **data)
            elif action == "override":
                services.override_technique(session=session, by=request.user, **data)
            elif action == "finish":
                services.finish_session(session=session, by=request.user, **forms["finish"].finish_data())
                messages.success(request, "Session finished. Review the note drafted from the record, then sign it.")
                return redirect("treatment:note", public_id=session.public_id)
        except services.GuardError as error:
            forms[action].add_error(None, str(error))
            forms["override"] = OverrideForm(initial={"technique": error.technique}, prefix="ov")
        except (ClinicRuleError, PermissionDenied, ValidationError) as error:
            # PermissionDenied: a practitioner who is not a physician recording an injection.
            forms[action].add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, "Saved.")
            return redirect(session)
    atlas = get_atlas()
    points = [_point_view(p, atlas) for p in session.points.all()]
    current = next((p for p in points if not p["point"].released), None)
    settings_ = request.clinic.settings  # the session is of this clinic (read through it)
    overridden = {o.technique for o in session.overrides.all()}
    cleared = services.guards(session.patient, GUARDED, hold_waived="all" in overridden)
    guards = [(t, *cleared[t]) for t in GUARDED]
    context = {
        "session": session,
        "patient": session.patient,
        "points": points,
        "current": current,
        "tools": Tool.choices,
        "answers": ANSWER_LABELS.items(),
        "hold_min": settings_.hold_seconds_min,
        "hold_max": settings_.hold_seconds_max,
        "guards": [
            (t, TECHNIQUE_LABELS[t], problems, precautions, t in overridden) for t, problems, precautions in guards
        ],
        "pressure_precautions": next(precautions for t, _problems, precautions in guards if t == "manual_therapy"),
        "max_kg": f"{pressure.MAX_KG:g}",
        "start_override": next((o for o in session.overrides.all() if o.technique == "all"), None),
        "forms": forms,
        "form_html": {name: _form_html(name, form) for name, form in forms.items() if name != "override"},
        "needling": [(entry, _muscle_name(atlas, entry.muscle)) for entry in session.needling.all()],
        "needle_safety": _needle_safety(atlas),
        "picker_maps": _picker_maps(atlas),
        "needle_zones": _needle_zones(session, atlas),
        "techniques": [
            (technique, _muscle_name(atlas, technique.muscle) if technique.muscle else "")
            for technique in session.techniques.all()
        ],
    }
    return render(request, "treatment/session_detail.html", context)


@clinic_member(may="see_clinical_record")
@require_http_methods(["GET", "POST"])
def note_detail(request: ClinicRequest, public_id):
    session = selectors.get_session(request.user, public_id)
    if session.status == SessionStatus.IN_PROGRESS:
        return redirect(session)
    note = selectors.get_note(request.user, session)
    if request.method == "GET":
        record_view(instance=note, by=request.user)
    action = request.POST.get("action")
    conflict = None
    note_form = NoteForm(
        request.POST if action in ("save", "sign") else None,
        initial={"version": note.version, **{f: getattr(note, f) for f in services.SOAP}},
    )
    amend_form = AmendForm(request.POST if action == "amend" else None)
    if request.method == "POST":
        try:
            if action in ("save", "sign") and note_form.is_valid():
                data = note_form.cleaned_data
                sections = {f: data[f] for f in services.SOAP}
                note = services.save_note_draft(note=note, version=data["version"], by=request.user, **sections)
                if action == "sign":
                    services.sign_note(note=note, by=request.user, version=note.version)
                    messages.success(request, "Note signed. From now on it can only be amended.")
                else:
                    messages.success(request, "Draft saved.")
                return redirect("treatment:note", public_id=session.public_id)
            if action == "amend" and amend_form.is_valid():
                data = amend_form.cleaned_data
                sections = {f: data[f] for f in services.SOAP}
                services.amend_note(note=note, reason=data["reason"], by=request.user, **sections)
                messages.success(request, "Amendment added; the signed text and every version are kept.")
                return redirect("treatment:note", public_id=session.public_id)
        except services.NoteConflict as error:
            conflict = error.current
            note_form.add_error(None, str(error))
        except ClinicRuleError as error:
            (amend_form if action == "amend" else note_form).add_error(None, str(error))
    revisions = list(note.revisions.select_related("by").order_by("number"))
    diffs = [(rev, rev.diff if i else None) for i, rev in enumerate(revisions)]  # stored with each amendment
    latest = revisions[-1] if revisions else None
    if latest and not amend_form.is_bound:
        amend_form = AmendForm(initial={f: getattr(latest, f) for f in services.SOAP})
    context = {
        "session": session,
        "patient": session.patient,
        "note": note,
        "signed": note.status == NoteStatus.SIGNED,
        "note_form": note_form,
        "amend_form": amend_form,
        "conflict": conflict,
        "revisions": diffs,
        "latest": latest,
        "billing": services.billing_lines(session),
        "diagnoses": session.examination.diagnoses.all() if session.examination else [],
    }
    return render(request, "treatment/note_detail.html", context)


@clinic_member(may="release_point")
@require_POST
def point_release(request: ClinicRequest, public_id):
    point = selectors.get_point(request.user, public_id)
    try:
        services.release_point(point=point, reason=request.POST.get("reason", "softened"), by=request.user)
    except (ClinicRuleError, ValidationError):
        messages.error(request, "Choose why the point is released.")
    return redirect(point.session)
