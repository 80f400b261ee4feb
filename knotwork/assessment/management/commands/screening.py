"""The safety screen from the command line: list its questions, or evaluate answers as the intake does."""

import json

from django.core.management.base import BaseCommand, CommandError

from knotwork.assessment import screening
from knotwork.assessment.models import ComplaintArea
from knotwork.assessment.services import LIMB_AREAS
from knotwork.patients.models import Sex

# Techniques a finding can be about, in the order they are printed ("all" findings apply to each).
TECHNIQUES = tuple(t for t in screening.TECHNIQUES if t != "all")


def question_areas(ruleset: screening.Ruleset) -> dict[str, list[str]]:
    """The complaint areas in which each question can make a rule fire ("any" for every area)."""
    areas: dict[str, set[str]] = {q: set() for q in ruleset.questions}
    for rule in ruleset.rules:
        for question in screening._question_ids(rule.when):
            areas[question] |= set(rule.applies_to)
    return {q: ["any"] if "any" in found else sorted(found) for q, found in areas.items()}


def finding_dict(finding: screening.Finding) -> dict:
    row = {
        "rule": finding.rule_id,
        "kind": finding.kind,
        "technique": finding.technique,
        "message": finding.message,
        "action": finding.action,
        "because": list(finding.because),
    }
    if finding.kind == "red_flag":
        row["urgency"] = finding.referral
        row["urgency_label"] = screening.REFERRAL_LABELS.get(finding.referral, finding.referral)
    return row


class Command(BaseCommand):
    help = "The safety screen: list its questions, or evaluate answers for a complaint area as the intake does."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{questions,evaluate}")
        questions = sub.add_parser("questions", help="List every screening question with the areas it applies to.")
        questions.add_argument("--json", action="store_true", help="print a JSON list")
        evaluate = sub.add_parser("evaluate", help="Run the screen on answers given on the command line.")
        evaluate.add_argument(
            "--area", action="append", required=True, metavar="AREA", help="complaint area id (may be repeated)"
        )
        evaluate.add_argument("--age", type=int, metavar="N", help="age in years")
        evaluate.add_argument("--sex", metavar="S", help="female, male, other or unknown (no rule reads it today)")
        evaluate.add_argument(
            "--yes", nargs="+", default=[], metavar="QUESTION_ID", help="yes/no questions answered yes (others: no)"
        )
        evaluate.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args, action: str, **options):
        try:
            ruleset = screening.get_ruleset()
        except screening.ScreeningDataError as error:
            raise CommandError(f"The screening data is invalid: {error}") from error
        if action == "questions":
            return self.questions(ruleset, as_json=options["json"])
        return self.evaluate(ruleset, **options)

    def questions(self, ruleset: screening.Ruleset, *, as_json: bool) -> None:
        areas = question_areas(ruleset)
        rows = [
            {
                "id": q.id,
                "text": q.text,
                "clinician_text": q.clinician_text,
                "section": q.section,
                "type": q.type,
                "areas": areas[q.id],
            }
            for q in ruleset.questions.values()
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row['id']} [{row['type']}; {', '.join(row['areas'])}]: {row['clinician_text']}")

    def evaluate(self, ruleset: screening.Ruleset, *, area, age, sex, yes, **options) -> None:
        known_areas = set(ComplaintArea.values)
        unknown = [a for a in area if a not in known_areas]
        if unknown:
            raise CommandError(f"Unknown area {', '.join(unknown)}; use one of: {', '.join(ComplaintArea.values)}.")
        if age is not None and not 0 <= age <= 120:
            raise CommandError("--age must be between 0 and 120.")
        if sex is not None and sex not in Sex.values:
            raise CommandError(f"Unknown sex {sex!r}; use one of: {', '.join(Sex.values)}.")
        yes_no = {q.id for q in ruleset.questions.values() if q.type == "yes_no"}
        unknown = [q for q in yes if q not in ruleset.questions]
        if unknown:
            raise CommandError(f"Unknown question id {', '.join(unknown)}; `manage.py screening questions` lists them.")
        not_yes_no = [q for q in yes if q not in yes_no]
        if not_yes_no:
            raise CommandError(f"Not a yes/no question: {', '.join(not_yes_no)} (give the age with --age).")
        # As a submitted intake: every yes/no question answered, yes for those named.
        answers: dict = {q: q in yes for q in sorted(yes_no)}
        if age is not None:
            answers["age"] = age
        areas = set(area)
        if areas & LIMB_AREAS:
            areas.add("limb")
        result = screening.evaluate(answers, areas, ruleset)
        report = {
            "areas": sorted(areas),
            "age": age,
            "sex": sex,
            "yes": sorted(set(yes)),
            "status": result.status,
            "status_label": screening.STATUS_LABELS[result.status],
            "red_flags": [finding_dict(f) for f in result.red_flags],
            "techniques": {
                technique: {
                    "label": screening.TECHNIQUE_LABELS[technique],
                    "status": result.technique_status(technique),
                    "contraindications": [
                        finding_dict(f) for f in result.for_technique(technique) if f.kind == "contraindication"
                    ],
                    "precautions": [finding_dict(f) for f in result.for_technique(technique) if f.kind == "precaution"],
                }
                for technique in TECHNIQUES
            },
        }
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self.write_text(report)

    def write_text(self, report: dict) -> None:
        self.stdout.write(f"Screen: {report['status_label']} (areas: {', '.join(report['areas'])})")
        for flag in report["red_flags"]:
            self.stdout.write(f"RED FLAG [{flag['urgency_label']}] {flag['rule']}: {flag['message']}")
            self.stdout.write(f"    because: {'; '.join(flag['because']) or '-'}")
            self.stdout.write(f"    referral: {flag['action']}")
        shown = set()  # a finding for all treatment is printed once, first
        techniques = report["techniques"].values()
        every = [r for t in techniques for r in t["contraindications"] + t["precautions"] if r["technique"] == "all"]
        for row in every:
            if row["rule"] not in shown:
                shown.add(row["rule"])
                self.stdout.write(f"all treatment: {row['kind']} {row['rule']}: {row['message']}")
        for technique in techniques:
            self.stdout.write(f"{technique['label']}: {technique['status']}")
            for row in technique["contraindications"] + technique["precautions"]:
                if row["technique"] != "all":
                    self.stdout.write(f"    {row['kind']} {row['rule']}: {row['message']}")
