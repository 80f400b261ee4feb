import json

from django.core.management.base import BaseCommand, CommandError

from knotwork.outcomes.scoring import INSTRUMENTS, ScoringError, score


class Command(BaseCommand):
    help = "Outcome questionnaires: score answers exactly (raw, percent and the instrument's band)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{score}")
        scoring = sub.add_parser("score", help="Score one questionnaire's answers.")
        scoring.add_argument("instrument", help=f"one of {', '.join(INSTRUMENTS)}")
        scoring.add_argument(
            "answers", nargs="+", metavar="ANSWER", help="an integer per item, or - for a skipped item"
        )
        scoring.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, action: str, instrument: str, answers: list[str], **options):
        parsed = []
        for number, text in enumerate(answers, 1):
            if text == "-":
                parsed.append(None)
            elif text.lstrip("-").isdigit():
                parsed.append(int(text))
            else:
                raise CommandError(f"Answer {number}: {text!r} is not a whole number or - (skipped).")
        try:
            result = score(instrument, parsed)
        except ScoringError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(_json(result.as_dict()))
            return
        line = f"{result.instrument.upper()}: raw {float(result.raw):g} of {result.maximum}"
        if result.percent is not None:
            line += f", {result.percent_display}"
        if result.band:
            line += f", {result.band}"
        if result.skipped:
            line += f" ({result.skipped} skipped)"
        self.stdout.write(line)


def _json(data: dict) -> str:
    return json.dumps(data)
