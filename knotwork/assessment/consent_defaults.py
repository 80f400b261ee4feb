"""The default consent texts a new clinic starts from (data/consent_forms.yaml, with sources)."""

from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"


@cache
def _raw() -> dict:
    with (DATA / "consent_forms.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def default_forms() -> list[tuple[str, str, str]]:
    """(technique, title, body) for every default form."""
    return [(f["technique"], f["title"], f["body"].strip()) for f in _raw()["forms"]]
