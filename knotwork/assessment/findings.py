"""Examination data read from `data/examination.yaml`: the consensus criteria, perpetuating factors and the limits
that refuse an impossible measurement. No Django: the services, forms and templates share these answers.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data" / "examination.yaml"


@dataclass(frozen=True)
class Criterion:
    field: str
    label: str


@dataclass(frozen=True)
class Consensus:
    name: str
    criteria: tuple[Criterion, ...]
    minimum: int


@dataclass(frozen=True)
class Factor:
    id: str
    group: str
    label: str
    intake: str


@dataclass(frozen=True)
class Movement:
    name: str
    normal: int
    maximum: int


@dataclass(frozen=True)
class ExaminationData:
    consensus: Consensus
    factors: dict[str, Factor]
    groups: dict[str, str]  # the chart's label of each group
    group_intake: dict[str, str]  # the heading of each group in the patient's intake
    ppt_max_kpa: Decimal
    any_movement_max: int
    movements: dict[str, Movement]  # by lower-case name


@cache
def get_data() -> ExaminationData:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    consensus = raw["consensus"]
    factors = {f["id"]: Factor(f["id"], f["group"], f["label"], f["intake"]) for f in raw["perpetuating_factors"]}
    unknown_groups = {f.group for f in factors.values()} - set(raw["perpetuating_groups"])
    if unknown_groups:
        raise ValueError(f"examination.yaml: unknown perpetuating factor groups {sorted(unknown_groups)}")
    rom = raw["range_of_motion"]
    return ExaminationData(
        consensus=Consensus(
            consensus["name"],
            tuple(Criterion(c["field"], c["label"]) for c in consensus["criteria"]),
            int(consensus["minimum"]),
        ),
        factors=factors,
        groups={group: labels["label"] for group, labels in raw["perpetuating_groups"].items()},
        group_intake={group: labels["intake"] for group, labels in raw["perpetuating_groups"].items()},
        ppt_max_kpa=Decimal(str(raw["pressure_pain_threshold"]["maximum_kpa"])),
        any_movement_max=int(rom["any_movement_maximum"]),
        movements={
            m["name"].lower(): Movement(m["name"], int(m["normal"]), int(m["maximum"])) for m in rom["movements"]
        },
    )


@dataclass(frozen=True)
class ConsensusResult:
    met: tuple[Criterion, ...]
    missing: tuple[Criterion, ...]
    minimum: int
    name: str

    @property
    def meets(self) -> bool:
        return len(self.met) >= self.minimum

    @property
    def count(self) -> int:
        return len(self.met)

    @property
    def total(self) -> int:
        return len(self.met) + len(self.missing)


def consensus(finding: Mapping[str, bool] | object) -> ConsensusResult:
    """Which consensus criteria a finding meets (a mapping of the criteria fields, or an object with them)."""
    rules = get_data().consensus

    def value(field: str) -> bool:
        if isinstance(finding, Mapping):
            return bool(finding.get(field))
        return bool(getattr(finding, field, False))

    met = tuple(c for c in rules.criteria if value(c.field))
    missing = tuple(c for c in rules.criteria if not value(c.field))
    return ConsensusResult(met, missing, rules.minimum, rules.name)


def ppt_problem(kpa: Decimal) -> str:
    """Why a pressure pain threshold (in kPa) is impossible, or "" when it can be recorded."""
    ceiling = get_data().ppt_max_kpa
    if kpa <= 0:
        return "A pressure pain threshold is a pressure above zero; check the reading."
    if kpa > ceiling:
        return (
            f"{kpa} kPa is beyond what an algometer reads (at most {ceiling} kPa, about "
            f"{(ceiling / Decimal('98.0665')).quantize(Decimal('0.1'))} kg/cm²); check the reading and its unit."
        )
    return ""


def rom_problem(movement: str, degrees: int | None) -> str:
    """Why a range of motion is impossible for the movement, or "" when it can be recorded."""
    if degrees is None:
        return ""
    if degrees < 0:
        return "Record the range of motion as degrees from the starting position (0 or more)."
    data = get_data()
    known = data.movements.get(movement.strip().lower())
    if known is not None and degrees > known.maximum:
        return (
            f"{degrees}° is outside what {known.name.lower()} can reach (normal about {known.normal}°, "
            f"at most {known.maximum}° is accepted); check the reading."
        )
    if known is None and degrees > data.any_movement_max:
        return f"{degrees}° is beyond any joint's range (at most {data.any_movement_max}°); check the reading."
    return ""


def factor_choices(*, patient_facing: bool) -> list[tuple[str, list[tuple[str, str]]]]:
    """The perpetuating factors grouped for a form, in the patient's or the chart's words."""
    data = get_data()
    return [
        (
            data.group_intake[group] if patient_facing else group_label,
            [(f.id, f.intake if patient_facing else f.label) for f in data.factors.values() if f.group == group],
        )
        for group, group_label in data.groups.items()
    ]


def factor_labels(ids: list[str]) -> list[str]:
    """The chart's labels of stored factor ids, in the data's order; an id no longer in the data shows as is."""
    factors = get_data().factors
    known = [factors[i].label for i in factors if i in ids]
    return known + [i for i in ids if i not in factors]
