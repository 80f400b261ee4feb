"""The clinic's ICD-10-CM code set: load it, search it, and say whether a code may be used on a date of service.

The set ships in data/icd10.yaml (one fiscal year's release, with its source). `manage.py icd10 update FILE`
installs a newer release at `installed_path()`, outside the code, for every clinic of the installation; when that
file exists it is used instead of the shipped one. Nothing here touches the database.
"""

import datetime
import os
import re
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils import timezone

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = DATA / "icd10.yaml"
SCHEMA_VERSION = 2
FIRST_FISCAL_YEAR = 2016  # ICD-10-CM replaced ICD-9-CM in the US on 1 October 2015
DESCRIPTION_LIMIT = 200  # Diagnosis.description
QUERY_LIMIT = 80
CODE_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
# What a person types for a code, the dot left out: a letter, a digit, then up to five more.
CODE_QUERY = re.compile(r"^[A-Z][0-9][0-9A-Z]{0,5}$")
CERTAINTIES = {"general", "check"}
WORD = re.compile(r"[a-z0-9]+")
# Words that say little about a code; a description with fewer other words is the more general one and ranks first.
LINK_WORDS = frozenset({"a", "and", "at", "in", "of", "or", "the", "to", "with", "without", "not"})


class CodeSetError(ValueError):
    """The code set file is not a valid release; the message says where."""


@dataclass(frozen=True)
class Code:
    code: str
    description: str
    group: str
    billable: bool
    valid_from: int | None  # first fiscal year it could be billed
    valid_to: int | None  # last fiscal year it could be billed; None: still valid in this release
    use_instead: tuple[str, ...] = ()
    search_terms: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    certainty: str = "general"
    note: str = ""
    words: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    term_words: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def valid_in(self, fiscal_year: int) -> bool:
        if self.valid_from is None:
            return False
        return self.valid_from <= fiscal_year and (self.valid_to is None or fiscal_year <= self.valid_to)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "description": self.description,
            "group": self.group,
            "billable": self.billable,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "use_instead": list(self.use_instead),
            "search_terms": list(self.search_terms),
            "source": list(self.source),
            "certainty": self.certainty,
            "note": self.note,
        }


@dataclass(frozen=True)
class CodeSet:
    name: str
    fiscal_year: int
    effective: datetime.date
    source: str
    sources: dict[str, str]
    codes: dict[str, Code]  # in the file's order
    path: Path

    def current(self) -> list[Code]:
        """The codes that may be billed in the release's own fiscal year."""
        return [c for c in self.codes.values() if c.billable and c.valid_in(self.fiscal_year)]


@dataclass(frozen=True)
class Match:
    code: Code
    rank: int  # 0 exact code, 1 code prefix, 2 words of the description, 3 search terms needed
    usable: bool  # may be used on the date asked
    message: str  # why not, when it may not


def fiscal_year(day: datetime.date) -> int:
    """The US fiscal year a date falls in (FY2026 runs from 1 October 2025 to 30 September 2026)."""
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_year_start(year: int) -> datetime.date:
    return datetime.date(year - 1, 10, 1)


def fiscal_year_end(year: int) -> datetime.date:
    return datetime.date(year, 9, 30)


def normalize(text: str) -> str:
    """A typed code in ICD-10-CM's spelling: upper case, no spaces, the dot after the third character."""
    compact = re.sub(r"\s+", "", text).upper().replace(".", "")
    return compact if len(compact) <= 3 else f"{compact[:3]}.{compact[3:]}"


def installed_path() -> Path:
    """Where `icd10 update` installs a release for the whole installation (settings.KNOTWORK_ICD10_FILE)."""
    configured = getattr(settings, "KNOTWORK_ICD10_FILE", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "codes" / "icd10.yaml"


def active_path() -> Path:
    path = installed_path()
    return path if path.exists() else SHIPPED


def get_code_set() -> CodeSet:
    """The release in use: the installed one if there is one, else the shipped one; re-read when the file changes."""
    path = active_path()
    stat = path.stat()
    return _load(path, stat.st_mtime_ns, stat.st_size)


@cache
def _load(path: Path, _mtime_ns: int, _size: int) -> CodeSet:
    return parse(path.read_text(encoding="utf-8"), path=path)


def get_codes() -> dict[str, dict[str, Any]]:
    """Every code that may be billed in the release's fiscal year, as plain entries (code, description, ...)."""
    return {c.code: c.as_dict() for c in get_code_set().current()}


def get_code(code: str) -> Code | None:
    return get_code_set().codes.get(normalize(code))


# --- validity ----------------------------------------------------------------------------------------------


def _listed(codes: CodeSet, names: tuple[str, ...]) -> str:
    return ", ".join(f"{name} {codes.codes[name].description}" if name in codes.codes else name for name in names)


def refusal(code: str, *, on: datetime.date, codes: CodeSet | None = None) -> str | None:
    """Why `code` may not be used for a date of service `on`, or None when it may."""
    codes = codes or get_code_set()
    entry = codes.codes.get(normalize(code))
    if entry is None:
        return f"{normalize(code) or code} is not in the clinic's ICD-10-CM list ({codes.name})."
    year = fiscal_year(on)
    label = f"{entry.code} ({entry.description})"
    if entry.valid_in(year):
        return None
    if not entry.billable and entry.valid_to is not None and year > entry.valid_to:
        since = fiscal_year_start(entry.valid_to + 1)
        return (
            f"{label} is a heading, not a billable code, since {since:%-d %B %Y} (FY{entry.valid_to + 1}): "
            f"use a more specific code: {_listed(codes, entry.use_instead)}."
        )
    if not entry.billable and entry.valid_from is None:
        listed = _listed(codes, entry.use_instead)
        return f"{label} is a heading, not a billable code: use a more specific code: {listed}."
    if entry.valid_from is not None and year < entry.valid_from:
        start = fiscal_year_start(entry.valid_from)
        return (
            f"{label} is valid only from {start:%-d %B %Y} (FY{entry.valid_from}); "
            f"the date of service {on.isoformat()} falls in FY{year}."
        )
    # Not valid, not before valid_from: after valid_to.
    last = entry.valid_to or year
    instead = f" Use instead: {_listed(codes, entry.use_instead)}." if entry.use_instead else ""
    return f"{label} was valid only until {fiscal_year_end(last):%-d %B %Y} (FY{last}).{instead}"


def is_stale(on: datetime.date, codes: CodeSet | None = None) -> bool:
    """A newer fiscal year than the release's has begun: codes may have been added, split or retired."""
    codes = codes or get_code_set()
    return fiscal_year(on) > codes.fiscal_year


# --- search -------------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _matches_words(wanted: list[str], words: frozenset[str]) -> bool:
    return all(any(word.startswith(w) for word in words) for w in wanted)


def search(query: str, *, on: datetime.date, limit: int = 20, codes: CodeSet | None = None) -> list[Match]:
    """Codes for what was typed: an exact code first, then codes that start with it, then codes whose description
    (then search terms) hold every typed word as the start of a word, in any order, case-insensitively.

    Only codes usable on `on` are listed, except an exact code, which is listed with the reason it is refused so
    the person learns which code to use instead.
    """
    codes = codes or get_code_set()
    text = query.strip()
    if not text:
        return []
    found: dict[str, tuple[int, tuple]] = {}
    typed = normalize(text)
    compact = typed.replace(".", "")
    if CODE_QUERY.match(compact):
        for entry in codes.codes.values():
            if entry.code == typed:
                found[entry.code] = (0, ())
            elif entry.code.replace(".", "").startswith(compact):
                found[entry.code] = (1, (entry.code,))
    wanted = _words(text)
    if wanted:
        for entry in codes.codes.values():
            if entry.code in found:
                continue
            if _matches_words(wanted, entry.words):
                whole = sum(1 for w in wanted if w in entry.words)
                found[entry.code] = (2, (-whole, len(entry.words - LINK_WORDS), entry.code))
            elif _matches_words(wanted, entry.words | entry.term_words):
                found[entry.code] = (3, (len(entry.words - LINK_WORDS), entry.code))
    results = []
    for name, (rank, _order) in sorted(found.items(), key=lambda item: item[1]):
        entry = codes.codes[name]
        reason = refusal(name, on=on, codes=codes)
        if reason is None:
            results.append(Match(entry, rank, True, ""))
        elif rank == 0:
            results.append(Match(entry, rank, False, reason))
    return results[:limit]


# --- reading and checking a release -------------------------------------------------------------------------


def _fiscal(value: Any, where: str, *, allow_open: bool) -> int | None:
    if allow_open and value in (None, "open"):
        return None
    text = str(value)
    found = re.fullmatch(r"FY(\d{4})", text) or re.fullmatch(r"(\d{4})", text)
    if not found:
        raise CodeSetError(f"{where}: write a fiscal year as FY2026{' or open' if allow_open else ''}, not {value!r}")
    year = int(found.group(1))
    if year < FIRST_FISCAL_YEAR:
        raise CodeSetError(f"{where}: ICD-10-CM begins with FY{FIRST_FISCAL_YEAR}, not FY{year}")
    return year


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CodeSetError(f"{where}: expected a list of words")
    return tuple(v.strip() for v in value)


def parse(text: str, *, path: Path = SHIPPED) -> CodeSet:
    """Read and check a release file; raise CodeSetError naming the first problem."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CodeSetError(f"not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise CodeSetError("expected a mapping with schema_version, release, sources and codes")
    if raw.get("schema_version") != SCHEMA_VERSION:
        raise CodeSetError(f"schema_version must be {SCHEMA_VERSION}, found {raw.get('schema_version')!r}")
    release = raw.get("release")
    if not isinstance(release, dict):
        raise CodeSetError("release: missing (name, fiscal_year, effective, source)")
    year = _fiscal(release.get("fiscal_year"), "release.fiscal_year", allow_open=False) or FIRST_FISCAL_YEAR
    effective = release.get("effective")
    if isinstance(effective, str):
        try:
            effective = datetime.date.fromisoformat(effective)
        except ValueError as error:
            raise CodeSetError(f"release.effective: not a date: {effective!r}") from error
    if not isinstance(effective, datetime.date) or effective != fiscal_year_start(year):
        raise CodeSetError(f"release.effective: FY{year} takes effect on {fiscal_year_start(year).isoformat()}")
    sources = raw.get("sources")
    if not isinstance(sources, dict) or not sources or not all(isinstance(v, str) and v for v in sources.values()):
        raise CodeSetError("sources: name each source key with its citation")
    source = str(release.get("source") or "")
    if source not in sources:
        raise CodeSetError(f"release.source: {source!r} is not one of the sources")
    name = str(release.get("name") or f"ICD-10-CM FY{year}")
    entries = raw.get("codes")
    if not isinstance(entries, list) or not entries:
        raise CodeSetError("codes: the list is missing or empty")

    codes: dict[str, Code] = {}
    for number, item in enumerate(entries, start=1):
        where = f"codes[{number}]"
        if not isinstance(item, dict):
            raise CodeSetError(f"{where}: expected a mapping")
        code = str(item.get("code", "")).strip()
        where = f"codes[{number}] {code or '(no code)'}"
        if not CODE_SHAPE.match(code):
            raise CodeSetError(f"{where}: not an ICD-10-CM code (a letter, a digit, a character, a dot, up to 4 more)")
        if code in codes:
            raise CodeSetError(f"{where}: listed twice")
        unknown = set(item) - {
            "code", "description", "group", "billable", "valid_from", "valid_to", "use_instead", "search_terms",
            "source", "certainty", "note",
        }  # fmt: skip
        if unknown:
            raise CodeSetError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        description = item.get("description")
        if not isinstance(description, str) or not description.strip() or len(description) > DESCRIPTION_LIMIT:
            raise CodeSetError(f"{where}: description must be text of 1 to {DESCRIPTION_LIMIT} characters")
        billable = item.get("billable", True)
        if not isinstance(billable, bool):
            raise CodeSetError(f"{where}: billable must be true or false")
        valid_from = _fiscal(item.get("valid_from"), f"{where} valid_from", allow_open=not billable)
        valid_to = _fiscal(item.get("valid_to"), f"{where} valid_to", allow_open=True)
        if valid_from is not None and valid_from > year:
            raise CodeSetError(f"{where}: valid_from FY{valid_from} is after this release (FY{year})")
        if valid_to is not None and (valid_from is None or valid_to < valid_from):
            raise CodeSetError(f"{where}: valid_to must not come before valid_from")
        if valid_to is not None and valid_to >= year:
            raise CodeSetError(f"{where}: valid_to FY{valid_to} is not before this release (FY{year}); write open")
        use_instead = _strings(item.get("use_instead"), f"{where} use_instead")
        if not billable and not use_instead:
            raise CodeSetError(f"{where}: a heading (billable: false) names the codes to use instead (use_instead)")
        if not billable and valid_to is None and valid_from is not None:
            raise CodeSetError(f"{where}: a heading cannot be billable in this release; give valid_to")
        entry_sources = _strings(item.get("source"), f"{where} source") or (source,)
        missing = [key for key in entry_sources if key not in sources]
        if missing:
            raise CodeSetError(f"{where}: source key(s) {', '.join(missing)} are not in sources")
        certainty = item.get("certainty", "general")
        if certainty not in CERTAINTIES:
            raise CodeSetError(f"{where}: certainty is one of {', '.join(sorted(CERTAINTIES))}")
        search_terms = _strings(item.get("search_terms"), f"{where} search_terms")
        note = item.get("note") or ""
        if not isinstance(note, str):
            raise CodeSetError(f"{where}: note must be text")
        codes[code] = Code(
            code=code,
            description=description.strip(),
            group=str(item.get("group") or "other"),
            billable=billable,
            valid_from=valid_from,
            valid_to=valid_to,
            use_instead=use_instead,
            search_terms=search_terms,
            source=entry_sources,
            certainty=certainty,
            note=note.strip(),
            words=frozenset(_words(description)),
            term_words=frozenset(w for term in search_terms for w in _words(term)),
        )

    current = {c.code for c in codes.values() if c.billable and c.valid_in(year)}
    if not current:
        raise CodeSetError(f"no code may be billed in FY{year}")
    for entry in codes.values():
        for other in entry.use_instead:
            if other not in current:
                raise CodeSetError(f"{entry.code}: use_instead names {other}, which is not a billable code in FY{year}")
    # A billable code has no billable code below it: M79.1 and M79.18 cannot both be billable in the same year.
    for billed in current:
        stem = billed.replace(".", "")
        below = sorted(c for c in current if c != billed and c.replace(".", "").startswith(stem))
        if below:
            raise CodeSetError(f"{billed}: billable in FY{year} but {below[0]} is below it; mark it billable: false")
    return CodeSet(
        name=name, fiscal_year=year, effective=effective, source=source, sources=dict(sources), codes=codes, path=path
    )


@dataclass(frozen=True)
class Difference:
    added: list[str]
    retired: list[str]  # billable before, not in the new release's year
    retitled: list[tuple[str, str, str]]


def compare(old: CodeSet, new: CodeSet) -> Difference:
    before = {c.code: c for c in old.current()}
    after = {c.code: c for c in new.current()}
    return Difference(
        added=sorted(set(after) - set(before)),
        retired=sorted(set(before) - set(after)),
        retitled=sorted(
            (code, before[code].description, after[code].description)
            for code in set(before) & set(after)
            if before[code].description != after[code].description
        ),
    )


def install(text: str) -> CodeSet:
    """Check a release and put it in place for every clinic, whole or not at all; return the installed set."""
    parse(text)  # raises before anything is written
    target = installed_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".icd10-", suffix=".yaml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return get_code_set()


def today() -> datetime.date:
    """Today in the installation's time zone: the date of service when none is given."""
    return timezone.localdate()
