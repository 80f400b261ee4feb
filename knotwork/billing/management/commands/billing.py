"""`manage.py billing suggest CODE=MINUTES ... [--muscles-needled N] [--method cms|ama] [--medicare] [--json]`:
the CPT lines, modifiers and warnings Knotwork would suggest, for scripts and auditors (no database)."""

import json
import math

from django.core.management.base import BaseCommand, CommandError

from knotwork.treatment import billing


def _minutes(argument: str) -> tuple[str, float]:
    code, sep, minutes = argument.partition("=")
    code = code.strip().upper()
    if not sep or not code:
        raise CommandError(f"Give each timed code as CODE=MINUTES (e.g. 97140=23), not {argument!r}.")
    if code not in billing.TIMED:
        known = ", ".join(sorted(billing.TIMED))
        raise CommandError(f"{code} is not a timed code Knotwork knows. Timed codes: {known}.")
    try:
        value = float(minutes)
    except ValueError:
        raise CommandError(f"{code}: minutes must be a number, not {minutes!r}.") from None
    if not math.isfinite(value) or value < 0:
        raise CommandError(f"{code}: minutes must be 0 or more, not {minutes!r}.")
    return code, value


class Command(BaseCommand):
    help = "Suggest CPT lines (units, modifiers, NCCI warnings) for timed minutes and muscles needled."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        suggest = sub.add_parser("suggest", help="CODE=MINUTES ... for timed codes, e.g. 97140=23 97110=10")
        suggest.add_argument("minutes", nargs="*", metavar="CODE=MINUTES")
        suggest.add_argument("--muscles-needled", type=int, default=0, help="muscles dry-needled (20560/20561)")
        suggest.add_argument("--method", default="cms", help="cms (8-minute rule, default) or ama (per code)")
        suggest.add_argument("--medicare", action="store_true", help="the payer is Medicare (XS, GY, G0283)")
        suggest.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, action: str, **options):
        method = options["method"]
        if method not in billing.METHODS:
            raise CommandError(f"Unknown billing method {method!r}: use cms (8-minute rule) or ama (per code).")
        if options["muscles_needled"] < 0:
            raise CommandError("--muscles-needled cannot be negative.")
        minutes: dict[str, float] = {}
        for argument in options["minutes"]:
            code, value = _minutes(argument)
            minutes[code] = minutes.get(code, 0) + value
        if not minutes and not options["muscles_needled"]:
            raise CommandError("Nothing to suggest: give CODE=MINUTES for timed codes or --muscles-needled N.")
        try:
            lines = billing.suggest(
                muscles_needled=options["muscles_needled"],
                timed_minutes=minutes,
                method=method,
                medicare=options["medicare"],
            )
            coding = billing.advise(lines, medicare=options["medicare"], method=method)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            payload = {
                "method": coding.method,
                "lines": [
                    {"code": line.code, "units": line.units, "minutes": line.minutes, "modifiers": list(line.modifiers),
                     "descriptor": line.descriptor}
                    for line in coding.lines
                ],
                "warnings": coding.warnings,
                "notes": coding.notes,
            }  # fmt: skip
            self.stdout.write(json.dumps(payload, indent=2))
            return
        total = sum(billing.whole_minutes(m) for m in minutes.values())
        self.stdout.write(f"Method: {method} · timed minutes (whole): {total}")
        if not coding.lines:
            self.stdout.write("No billable lines (under 8 timed minutes and nothing untimed).")
        for line in coding.lines:
            modifiers = f" -{'-'.join(line.modifiers)}" if line.modifiers else ""
            minutes_text = f" ({line.minutes} min)" if line.minutes else ""
            self.stdout.write(f"{line.code}{modifiers} x{line.units}{minutes_text}  {line.descriptor}")
        for warning in coding.warnings:
            self.stdout.write(f"Warning: {warning}")
        for note in coding.notes:
            self.stdout.write(f"Note: {note}")
