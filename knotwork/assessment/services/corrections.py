"""Correct or remove examination entries while the examination is open, keeping every earlier value; close it.

A correction changes the entry in place and keeps what it replaced in an `ExaminationRevision`; a removal marks the
entry removed with its reason (the row stays, hidden from every reader but the history). A closed examination is
part of the record and refuses both.
"""

import datetime
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from knotwork.accounts.policy import staff_user
from knotwork.assessment import findings
from knotwork.assessment.models import (
    Diagnosis,
    Examination,
    ExaminationRevision,
    RangeOfMotion,
    RevisionAction,
    TriggerPointFinding,
)
from knotwork.assessment.services import (
    _check_point,
    _check_range,
    _refuse_if_closed,
    add_diagnosis,
)
from knotwork.core.arguments import refuse_unknown
from knotwork.core.errors import ClinicRuleError
from knotwork.core.policy import Actor, require


class TriggerPointChanges(TypedDict, total=False):
    """What a correction of a trigger point finding may change: any of its recorded fields."""

    muscle: str
    side: str
    region: str
    view: str
    x: float
    y: float
    taut_band: bool
    spot_tenderness: bool
    referred_pain: bool
    pain_recognised: bool
    twitch_response: bool
    painful_stretch: bool
    weakness: bool
    palpation_pain: int | None
    ppt_value: Decimal | None
    ppt_unit: str
    notes: str


class RangeOfMotionChanges(TypedDict, total=False):
    movement: str
    side: str
    degrees: int
    painful: bool


class DiagnosisChanges(TypedDict, total=False):
    code: str  # another code replaces this one (through add_diagnosis); this one is kept, removed
    is_primary: bool  # only True: make this the primary diagnosis


class ExaminationChanges(TypedDict, total=False):
    perpetuating_factors: list[str]  # ids of data/examination.yaml's perpetuating factors


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _apply(entry: Model, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the changed fields; return their values before and after (only those that differ)."""
    before, after = {}, {}
    for field, value in changes.items():
        old = getattr(entry, field)
        if old == value or (isinstance(old, Decimal) and value is not None and Decimal(str(value)) == old):
            continue
        before[field], after[field] = _json(old), _json(value)
        setattr(entry, field, value)
    if not after:
        raise ClinicRuleError("Nothing was changed: edit a value, or cancel.")
    return before, after


def _reason(reason: str, *, required: bool) -> str:
    reason = reason.strip()
    if required and len(reason) < 3:
        raise ClinicRuleError("Write why this entry is removed; the reason is kept with it.")
    return reason


def _revise(entry: TriggerPointFinding | RangeOfMotion | Diagnosis, action: str, by: Actor, **fields: Any) -> None:
    target = {
        TriggerPointFinding: "trigger_point",
        RangeOfMotion: "range_of_motion",
        Diagnosis: "diagnosis",
    }[type(entry)]
    ExaminationRevision.objects.create(
        clinic_id=entry.clinic_id,
        examination_id=entry.examination_id,
        patient_id=entry.patient_id,
        action=action,
        by=staff_user(by),
        **{target: entry},
        **fields,
    )


def _lock[T: (TriggerPointFinding, RangeOfMotion, Diagnosis)](entry: T) -> T:
    """The entry, locked, refusing one already removed or on a closed examination."""
    locked = type(entry).with_removed.select_for_update().get(pk=entry.pk)
    _refuse_if_closed(locked.examination)
    if locked.removed_at is not None:
        raise ClinicRuleError("This entry was removed; it can no longer be changed.")
    return locked


def _mark_removed(entry: TriggerPointFinding | RangeOfMotion | Diagnosis, reason: str, by: Actor) -> None:
    entry.removed_at = timezone.now()
    entry.removed_by = staff_user(by)
    entry.removed_reason = reason
    entry.save(update_fields=["removed_at", "removed_by", "removed_reason", "updated_at"])


# ---- trigger points -------------------------------------------------------------------------------


@transaction.atomic
def correct_trigger_point(
    *, finding: TriggerPointFinding, by: Actor, reason: str = "", **changes: Unpack[TriggerPointChanges]
) -> TriggerPointFinding:
    """Change a finding's recorded values; the values it had are kept in its history."""
    require(by, "correct_examination", finding)
    refuse_unknown("correct_trigger_point", changes, TriggerPointChanges)
    finding = _lock(finding)
    before, after = _apply(finding, dict(changes))
    _check_point(finding)
    finding.full_clean()
    finding.save()
    _revise(finding, RevisionAction.CORRECTED, by, before=before, after=after, reason=_reason(reason, required=False))
    return finding


@transaction.atomic
def remove_trigger_point(*, finding: TriggerPointFinding, reason: str, by: Actor) -> TriggerPointFinding:
    """Mark a finding removed with the reason; it stays in the examination's history."""
    require(by, "correct_examination", finding)
    reason = _reason(reason, required=True)
    finding = _lock(finding)
    _mark_removed(finding, reason, by)
    _revise(finding, RevisionAction.REMOVED, by, before={}, reason=reason)
    return finding


# ---- range of motion ------------------------------------------------------------------------------


@transaction.atomic
def correct_range_of_motion(
    *, rom: RangeOfMotion, by: Actor, reason: str = "", **changes: Unpack[RangeOfMotionChanges]
) -> RangeOfMotion:
    require(by, "correct_examination", rom)
    refuse_unknown("correct_range_of_motion", changes, RangeOfMotionChanges)
    rom = _lock(rom)
    before, after = _apply(rom, dict(changes))
    _check_range(rom)
    rom.full_clean()
    rom.save()
    _revise(rom, RevisionAction.CORRECTED, by, before=before, after=after, reason=_reason(reason, required=False))
    return rom


@transaction.atomic
def remove_range_of_motion(*, rom: RangeOfMotion, reason: str, by: Actor) -> RangeOfMotion:
    require(by, "correct_examination", rom)
    reason = _reason(reason, required=True)
    rom = _lock(rom)
    _mark_removed(rom, reason, by)
    _revise(rom, RevisionAction.REMOVED, by, before={}, reason=reason)
    return rom


# ---- diagnoses ------------------------------------------------------------------------------------


@transaction.atomic
def correct_diagnosis(
    *, diagnosis: Diagnosis, by: Actor, reason: str = "", **changes: Unpack[DiagnosisChanges]
) -> Diagnosis:
    """Make a diagnosis the primary one, or replace its code; returns the diagnosis that now stands.

    A new code is added through `add_diagnosis` (the code set's checks apply), and the old one is kept, marked
    removed, with a revision naming the code that replaced it.
    """
    require(by, "correct_examination", diagnosis)
    refuse_unknown("correct_diagnosis", changes, DiagnosisChanges)
    diagnosis = _lock(diagnosis)
    reason = _reason(reason, required=False)
    if changes.get("is_primary") is False and diagnosis.is_primary:
        raise ClinicRuleError("An examination keeps one primary diagnosis: mark another one primary instead.")
    code = (changes.get("code") or diagnosis.code).strip().upper()
    make_primary = bool(changes.get("is_primary")) and not diagnosis.is_primary
    if code == diagnosis.code and not make_primary:
        raise ClinicRuleError("Nothing was changed: edit a value, or cancel.")
    if code != diagnosis.code:
        replacement = add_diagnosis(
            examination=diagnosis.examination,
            code=code,
            is_primary=diagnosis.is_primary or make_primary,
            by=by,
        )
        diagnosis.refresh_from_db(fields=["is_primary"])
        why = f"Corrected to {replacement.code}" + (f": {reason}" if reason else ".")
        _mark_removed(diagnosis, why, by)
        _revise(
            diagnosis,
            RevisionAction.CORRECTED,
            by,
            before={"code": diagnosis.code, "description": diagnosis.description},
            after={"code": replacement.code, "description": replacement.description},
            reason=reason,
        )
        return replacement
    Diagnosis.objects.filter(examination_id=diagnosis.examination_id, is_primary=True).update(is_primary=False)
    diagnosis.is_primary = True
    diagnosis.save(update_fields=["is_primary", "updated_at"])
    _revise(
        diagnosis, RevisionAction.CORRECTED, by, before={"is_primary": False}, after={"is_primary": True}, reason=reason
    )
    return diagnosis


@transaction.atomic
def remove_diagnosis(*, diagnosis: Diagnosis, reason: str, by: Actor) -> Diagnosis | None:
    """Mark a diagnosis removed with the reason; returns the diagnosis that became primary in its place, if any."""
    require(by, "correct_examination", diagnosis)
    reason = _reason(reason, required=True)
    diagnosis = _lock(diagnosis)
    was_primary = diagnosis.is_primary
    _mark_removed(diagnosis, reason, by)
    _revise(diagnosis, RevisionAction.REMOVED, by, before={}, reason=reason)
    if not was_primary:
        return None
    # The examination keeps a primary diagnosis while it has any: the earliest one still standing.
    successor = Diagnosis.objects.filter(examination_id=diagnosis.examination_id).order_by("created_at").first()
    if successor is not None:
        successor.is_primary = True
        successor.save(update_fields=["is_primary", "updated_at"])
    return successor


# ---- the examination ------------------------------------------------------------------------------


@transaction.atomic
def record_perpetuating_factors(
    *, examination: Examination, by: Actor, **changes: Unpack[ExaminationChanges]
) -> Examination:
    """The perpetuating factors found or suspected on examination (beside those the patient reported)."""
    require(by, "record_perpetuating_factors", examination)
    refuse_unknown("record_perpetuating_factors", changes, ExaminationChanges)
    _refuse_if_closed(examination)
    examination = Examination.objects.select_for_update().get(pk=examination.pk)
    if "perpetuating_factors" in changes:
        wanted = list(dict.fromkeys(changes["perpetuating_factors"]))
        unknown = [f for f in wanted if f not in findings.get_data().factors]
        if unknown:
            raise ClinicRuleError("Choose perpetuating factors from the list.")
        examination.perpetuating_factors = wanted
    examination.full_clean()
    examination.save()
    return examination


@transaction.atomic
def close_examination(*, examination: Examination, by: Actor) -> Examination:
    """Close the examination: from now on it is part of the record and no entry of it changes."""
    require(by, "close_examination", examination)
    _refuse_if_closed(examination)
    examination = Examination.objects.select_for_update().get(pk=examination.pk)
    examination.closed_at = timezone.now()
    examination.closed_by = staff_user(by)
    examination.save(update_fields=["closed_at", "closed_by", "updated_at"])
    return examination
