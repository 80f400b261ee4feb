"""Every clinical citation in the code and the data resolves inside the repository."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCES_DOC = ROOT / "docs" / "clinical-sources.md"
SEARCHED = ["knotwork", "config", "templates", "docs"]
SUFFIXES = {".py", ".yaml", ".md", ".html", ".txt", ".js"}
# What a citation looked like when it pointed at files outside the repository.
OUTSIDE = re.compile(r"clinical-reference|shared/(?:seeds|body-regions|clinical)|\bseeds/0")
ANCHOR_CITATION = re.compile(r"clinical-sources\.md#([a-z0-9-]+)")


def _files():
    for top in SEARCHED:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix in SUFFIXES and "migrations" not in path.parts and path.is_file():
                yield path


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    anchors = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*$", markdown, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


def test_no_citation_points_outside_the_repository():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _files()
        if path != Path(__file__)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert not offenders, "cite docs/clinical-sources.md instead:\n" + "\n".join(offenders)


def test_every_cited_section_of_the_clinical_sources_exists():
    anchors = _anchors(SOURCES_DOC.read_text(encoding="utf-8"))
    missing = [
        f"{path.relative_to(ROOT)}: #{anchor}"
        for path in _files()
        for anchor in ANCHOR_CITATION.findall(path.read_text(encoding="utf-8"))
        if anchor not in anchors
    ]
    assert not missing, "no such heading in docs/clinical-sources.md:\n" + "\n".join(missing)


@pytest.mark.parametrize("data_file", sorted(ROOT.glob("knotwork/*/data/*.yaml")), ids=lambda p: p.name)
def test_every_source_key_in_the_data_is_written_up(data_file):
    keys = set((yaml.safe_load(data_file.read_text(encoding="utf-8")) or {}).get("sources", {}))
    sources = SOURCES_DOC.read_text(encoding="utf-8").partition("\n## Sources\n")[2]
    listed = set(re.findall(r"^- \*\*([A-Z0-9]+)\*\*", sources, re.MULTILINE))
    assert keys <= listed, f"{data_file.name}: add {sorted(keys - listed)} to docs/clinical-sources.md#sources"
