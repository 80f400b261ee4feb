"""The clinic's curated ICD-10-CM list (data/icd10.yaml, with sources)."""

from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"


@cache
def get_codes() -> dict[str, dict]:
    with (DATA / "icd10.yaml").open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return {entry["code"]: entry for entry in raw["codes"] if entry.get("billable", True)}
