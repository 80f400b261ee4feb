"""The ICD-10-CM code set from the command line: search it, show a code, check and install a new year's release."""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knotwork.assessment import coding


def _fy(year: int | None) -> str:
    return f"FY{year}" if year is not None else "open"


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--on: not a date (YYYY-MM-DD): {text!r}") from error


class Command(BaseCommand):
    help = (
        "The clinic's ICD-10-CM code set: search it, show one code, check a new release file, or install it "
        "for every clinic of this installation (docs/codes.md)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{search,show,check,update}")
        search = sub.add_parser("search", help="Codes for a code or words, ranked as the diagnosis form ranks them.")
        search.add_argument("text", nargs="+", metavar="TEXT", help="a code (M79.18, m7918) or words (right shoulder)")
        search.add_argument("--on", metavar="DATE", help="date of service, YYYY-MM-DD (default: today)")
        search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N codes (default 20)")
        search.add_argument("--json", action="store_true", help="print JSON instead of text")
        show = sub.add_parser("show", help="One code: description, fiscal years, notes, sources.")
        show.add_argument("code", metavar="CODE")
        show.add_argument("--on", metavar="DATE", help="say whether it may be used on this date (default: today)")
        check = sub.add_parser("check", help="Check a release file and list what it would change; installs nothing.")
        check.add_argument("file", metavar="FILE")
        update = sub.add_parser("update", help="Check a release file and install it for every clinic.")
        update.add_argument("file", metavar="FILE")
        update.add_argument(
            "--allow-older", action="store_true", help="install a release older than the one in use (to go back)"
        )

    def handle(self, *args, action: str, **options):
        if action in ("search", "show"):
            try:
                codes = coding.get_code_set()
            except coding.CodeSetError as error:
                raise CommandError(f"The code set in use ({coding.active_path()}) is invalid: {error}") from error
            if action == "search":
                return self.search(codes, **options)
            return self.show(codes, **options)
        return self.check_or_update(action, **options)

    def search(self, codes: coding.CodeSet, *, text: list[str], on: str | None, limit: int, **options) -> None:
        query = " ".join(text).strip()
        if not any(ch.isalnum() for ch in query):
            raise CommandError("Type letters or digits of a code or a description.")
        if not 1 <= limit <= 500:
            raise CommandError("--limit: give a number from 1 to 500.")
        day = _date(on) if on else coding.today()
        matches = coding.search(query, on=day, limit=limit, codes=codes)
        if options["json"]:
            rows = [{**m.code.as_dict(), "usable": m.usable, "message": m.message} for m in matches]
            self.stdout.write(json.dumps({"release": codes.name, "on": day.isoformat(), "results": rows}, indent=2))
            return
        if not matches:
            self.stdout.write(f"No code in {codes.name} matches {query!r} on {day.isoformat()}.")
            return
        for m in matches:
            line = f"{m.code.code:<9} {m.code.description}"
            self.stdout.write(line if m.usable else f"{line}\n          refused: {m.message}")

    def show(self, codes: coding.CodeSet, *, code: str, on: str | None, **options) -> None:
        entry = codes.codes.get(coding.normalize(code))
        if entry is None:
            raise CommandError(f"{coding.normalize(code) or code!r} is not in {codes.name} ({codes.path}).")
        day = _date(on) if on else coding.today()
        reason = coding.refusal(entry.code, on=day, codes=codes)
        lines = [
            f"{entry.code}  {entry.description}",
            f"group: {entry.group}",
            f"billable: {'yes' if entry.billable else 'no (a heading)'}",
            f"valid: {_fy(entry.valid_from)} to {_fy(entry.valid_to)}",
            f"on {day.isoformat()}: {'may be used' if reason is None else reason}",
        ]
        if entry.use_instead:
            lines.append(f"use instead: {', '.join(entry.use_instead)}")
        if entry.search_terms:
            lines.append(f"search terms: {', '.join(entry.search_terms)}")
        if entry.note:
            lines.append(f"note: {entry.note}")
        if entry.certainty != "general":
            lines.append(f"certainty: {entry.certainty}")
        lines.append("source: " + "; ".join(f"{key}: {codes.sources[key]}" for key in entry.source))
        lines.append(f"release: {codes.name}, effective {codes.effective.isoformat()} ({codes.path})")
        self.stdout.write("\n".join(lines))

    def check_or_update(self, action: str, *, file: str, allow_older: bool = False, **options) -> None:
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            new = coding.parse(text, path=path)
        except coding.CodeSetError as error:
            raise CommandError(f"{file} is not a valid code set, nothing was changed: {error}") from error
        try:
            old: coding.CodeSet | None = coding.get_code_set()
        except coding.CodeSetError:
            old = None  # a broken installed file: the new one replaces it
        self.stdout.write(
            f"{file}: {new.name}, effective {new.effective.isoformat()}, {len(new.codes)} codes, "
            f"{len(new.current())} billable in FY{new.fiscal_year}."
        )
        if old is not None:
            self.stdout.write(f"In use: {old.name} ({old.path}).")
            difference = coding.compare(old, new)
            for label, names in (("added", difference.added), ("no longer billable", difference.retired)):
                if names:
                    self.stdout.write(f"{label} ({len(names)}): {', '.join(names)}")
            for code, before, after in difference.retitled:
                self.stdout.write(f"new description {code}: {before!r} -> {after!r}")
            if new.fiscal_year < old.fiscal_year and not allow_older:
                message = (
                    f"{new.name} is older than the code set in use ({old.name}); "
                    "give --allow-older to go back to it. Nothing was changed."
                )
                if action == "update":
                    raise CommandError(message)
                self.stdout.write(f"warning: {message}")
        if action == "check":
            self.stdout.write(f"The file is valid. Install it with: manage.py icd10 update {file}")
            return
        try:
            installed = coding.install(text)
        except OSError as error:
            raise CommandError(f"Cannot write {coding.installed_path()}: {error}. Nothing was changed.") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Installed {installed.name} at {coding.installed_path()}; every clinic uses it from now on."
            )
        )
