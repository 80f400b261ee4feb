"""The safety screen: turn intake answers into red flags, contraindications and precautions. No Django.

Rules and questions live in `data/screening.yaml`, each with its source. A rule fires when its `when`
condition holds for the answers and the complaint is in one of the areas it applies to:

    when: {any: [q1, q2]}            some listed question answered yes
    when: {all: [q1, {...}]}         every item holds
    when: {question: age, gte: 50}   a number compared (gte, gt, lte, lt)
    when: {question: bmi, lt: 18.5}  a number derived from others (bmi from height_cm and weight_kg)
    when: {always: true}             a standing rule: it fires for every complaint in its areas
    unless: {any: [q3]}              optional: the rule stays quiet when this holds (a stronger rule covers it)

The screen's status is `hold` when a red flag fires (no treatment; medical referral), `precautions` when
only contraindications or precautions fire, and `clear` otherwise. Contraindications and precautions
are per technique, so a patient may be clear for manual therapy and contraindicated for dry needling.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"
KINDS = ("red_flag", "contraindication", "precaution")
TECHNIQUES = ("all", "manual_therapy", "deep_pressure", "dry_needling", "tens", "heat", "cold")
TECHNIQUE_LABELS = {
    "all": "all treatment",
    "manual_therapy": "manual therapy",
    "deep_pressure": "deep pressure",
    "dry_needling": "dry needling",
    "tens": "TENS",
    "heat": "heat",
    "cold": "cold",
}
QUESTION_TYPES = ("yes_no", "number", "text")
COMPARISONS = {
    "gte": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
}
# Numbers computed from answered questions, with the questions they need (never asked themselves).
DERIVED = {"bmi": ("height_cm", "weight_kg")}
REFERRAL_LABELS = {"emergency": "emergency: now", "same_day": "same day", "urgent": "urgent", "routine": "routine"}
HOLD, PRECAUTIONS, CLEAR = "hold", "precautions", "clear"
STATUS_LABELS = {
    HOLD: "Hold: red flag, medical referral first",
    PRECAUTIONS: "Precautions",
    CLEAR: "Clear",
}


class ScreeningDataError(ValueError):
    pass


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    text: str
    clinician_text: str
    type: str
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    technique: str
    applies_to: tuple[str, ...]
    when: dict
    message: str
    action: str
    referral: str
    sources: tuple[str, ...]
    certainty: str
    unless: dict | None = None


@dataclass(frozen=True)
class Finding:
    rule_id: str
    kind: str
    technique: str
    message: str
    action: str
    referral: str
    because: tuple[str, ...]  # the clinician labels of the answers that made it fire


@dataclass(frozen=True)
class ScreenResult:
    status: str
    findings: tuple[Finding, ...]

    @property
    def red_flags(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == "red_flag")

    def for_technique(self, *techniques: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.technique in (*techniques, "all"))

    def technique_status(self, *techniques: str) -> str:
        """`hold`, `contraindicated`, `precaution` or `ok` for a technique (given by its screening names)."""
        kinds = {f.kind for f in self.for_technique(*techniques)}
        if "red_flag" in kinds:
            return "hold"
        if "contraindication" in kinds:
            return "contraindicated"
        if "precaution" in kinds:
            return "precaution"
        return "ok"


@dataclass(frozen=True)
class Ruleset:
    questions: dict[str, Question]
    rules: tuple[Rule, ...]
    sources: dict[str, str]


def _question_ids(condition) -> set[str]:
    if isinstance(condition, str):
        return {condition}
    if "always" in condition:
        return set()
    if "any" in condition or "all" in condition:
        items = condition.get("any", condition.get("all"))
        return set().union(*(_question_ids(item) for item in items))
    return set(DERIVED.get(condition["question"], (condition["question"],)))


def _with_derived(answers: Mapping) -> dict:
    """The answers with the derived numbers added (bmi from height in cm and weight in kg)."""
    given = dict(answers)
    height, weight = _positive_number(given.get("height_cm")), _positive_number(given.get("weight_kg"))
    if "bmi" not in given and height is not None and weight is not None:
        given["bmi"] = weight / (height / 100) ** 2
    return given


def _positive_number(value) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return None


def load_ruleset(raw: dict) -> Ruleset:
    sources = raw.get("sources") or {}
    questions = {}
    for q in raw["questions"]:
        if q["id"] in questions:
            raise ScreeningDataError(f"question {q['id']!r} is defined twice")
        if q["type"] not in QUESTION_TYPES:
            raise ScreeningDataError(f"question {q['id']!r}: unknown type {q['type']!r}")
        questions[q["id"]] = Question(
            q["id"],
            q["section"],
            q["text"],
            q.get("clinician_text") or q["text"],
            q["type"],
            q.get("min"),
            q.get("max"),
            q.get("unit", ""),
        )
    rules = []
    for r in raw["rules"]:
        where = f"rule {r.get('id')!r}"
        if r["kind"] not in KINDS:
            raise ScreeningDataError(f"{where}: unknown kind {r['kind']!r}")
        if r["technique"] not in TECHNIQUES:
            raise ScreeningDataError(f"{where}: unknown technique {r['technique']!r}")
        unknown = (_question_ids(r["when"]) | _question_ids(r.get("unless") or {"always": True})) - set(questions)
        if unknown:
            raise ScreeningDataError(f"{where}: refers to undefined questions {sorted(unknown)}")
        standing = isinstance(r["when"], dict) and "always" in r["when"]
        if standing and (r["when"] != {"always": True} or "any" in (r.get("applies_to") or ["any"])):
            raise ScreeningDataError(f"{where}: a standing rule is {{always: true}} with its complaint areas")
        missing_sources = [s for s in r["source"] if s not in sources]
        if missing_sources:
            raise ScreeningDataError(f"{where}: sources not defined: {missing_sources}")
        if r["kind"] == "red_flag" and not r.get("referral"):
            raise ScreeningDataError(f"{where}: a red flag needs a referral urgency")
        rules.append(
            Rule(
                id=r["id"],
                kind=r["kind"],
                technique=r["technique"],
                applies_to=tuple(r.get("applies_to") or ["any"]),
                when=r["when"],
                message=r["message"],
                action=r.get("action", ""),
                referral=r.get("referral", ""),
                sources=tuple(r["source"]),
                certainty=r.get("certainty", "general"),
                unless=r.get("unless"),
            )
        )
    if len({r.id for r in rules}) != len(rules):
        raise ScreeningDataError("two rules share an id")
    return Ruleset(questions, tuple(rules), sources)


@cache
def get_ruleset() -> Ruleset:
    with (DATA / "screening.yaml").open(encoding="utf-8") as handle:
        return load_ruleset(yaml.safe_load(handle))


def _holds(condition, answers: Mapping) -> tuple[bool, set[str]]:
    """Whether a condition holds, and which answered questions made it so."""
    if isinstance(condition, str):
        return answers.get(condition) is True, {condition}
    if "always" in condition:
        return True, set()
    if "any" in condition:
        fired = set()
        for item in condition["any"]:
            ok, why = _holds(item, answers)
            if ok:
                fired |= why
        return bool(fired), fired
    if "all" in condition:
        fired = set()
        for item in condition["all"]:
            ok, why = _holds(item, answers)
            if not ok:
                return False, set()
            fired |= why
        return True, fired
    value = answers.get(condition["question"])
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False, set()
    for name, compare in COMPARISONS.items():
        if name in condition and not compare(value, condition[name]):
            return False, set()
    return True, set(DERIVED.get(condition["question"], (condition["question"],)))


def evaluate(answers: Mapping, areas: set[str], ruleset: Ruleset | None = None) -> ScreenResult:
    """Run every rule against the answers for a complaint in `areas` (e.g. {"low_back"})."""
    ruleset = ruleset or get_ruleset()
    answers = _with_derived(answers)
    findings = []
    for rule in ruleset.rules:
        if "any" not in rule.applies_to and not (areas & set(rule.applies_to)):
            continue
        fired, why = _holds(rule.when, answers)
        if fired and rule.unless is not None and _holds(rule.unless, answers)[0]:
            continue
        if fired:
            labels = tuple(ruleset.questions[q].clinician_text for q in sorted(why))
            findings.append(
                Finding(rule.id, rule.kind, rule.technique, rule.message, rule.action, rule.referral, labels)
            )
    order = {kind: n for n, kind in enumerate(KINDS)}
    urgency = {level: n for n, level in enumerate(REFERRAL_LABELS)}  # the most urgent red flag first
    findings.sort(key=lambda f: (order[f.kind], urgency.get(f.referral, 0), f.technique, f.rule_id))
    if any(f.kind == "red_flag" for f in findings):
        status = HOLD
    elif findings:
        status = PRECAUTIONS
    else:
        status = CLEAR
    return ScreenResult(status, tuple(findings))
