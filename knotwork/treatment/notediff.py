"""What an amendment changed in a signed note: a line diff, computed once and with a bounded amount of work.

A character-level diff (difflib.ndiff's intraline hints) of two long, similar lines is quadratic: two
10 000-character amendments took half a minute on every view of the note. This compares whole lines only,
skips the unchanged head and tail in linear time, and past MAX_COMPARED_LINES shows the changed middle as
removed then added instead of searching it for matches. The result is stored with the amendment.

What is stored (and shown on every view of the note) is bounded too: a run of removed or added lines keeps its
first MAX_BLOCK_LINES lines and then one line saying how many more the run had (the whole text was replaced; every
version keeps its full text), and a diff still longer than MAX_STORED_ROWS keeps CONTEXT_LINES unchanged lines
around each change and one line saying how many unchanged lines it skips.
"""

import difflib

# Changed lines (old and new together) that are searched for a minimal diff; above it the middle is replaced whole.
MAX_COMPARED_LINES = 2_000
# Lines kept of one run of removed or added lines; the rest is one summary line of the same kind.
MAX_BLOCK_LINES = 200
# A stored diff longer than this keeps only CONTEXT_LINES unchanged lines either side of each change.
MAX_STORED_ROWS = 1_000
CONTEXT_LINES = 3

SAME, ADDED, REMOVED = "same", "added", "removed"


def revision_text(*, subjective: str, objective: str, assessment: str, plan: str) -> str:
    """The note as one text, S-O-A-P, as it is shown and compared."""
    return f"S: {subjective}\n\nO: {objective}\n\nA: {assessment}\n\nP: {plan}"


def line_diff(old: str, new: str) -> list[list[str]]:
    """Rows of [kind, line], kind "same", "added" or "removed", turning `old` into `new`."""
    before, after = old.splitlines(), new.splitlines()
    head = 0
    while head < min(len(before), len(after)) and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < min(len(before), len(after)) - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    middle_before = before[head : len(before) - tail]
    middle_after = after[head : len(after) - tail]

    rows = [[SAME, line] for line in before[:head]]
    if len(middle_before) + len(middle_after) <= MAX_COMPARED_LINES:
        matcher = difflib.SequenceMatcher(None, middle_before, middle_after)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                rows += [[SAME, line] for line in middle_before[i1:i2]]
            else:
                rows += [[REMOVED, line] for line in middle_before[i1:i2]]
                rows += [[ADDED, line] for line in middle_after[j1:j2]]
    else:
        rows += [[REMOVED, line] for line in middle_before]
        rows += [[ADDED, line] for line in middle_after]
    rows += [[SAME, line] for line in before[len(before) - tail :]]
    return _bounded(rows)


def _runs(rows: list[list[str]]) -> list[tuple[str, list[str]]]:
    """Consecutive rows of one kind, as (kind, lines)."""
    runs: list[tuple[str, list[str]]] = []
    for kind, line in rows:
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(line)
        else:
            runs.append((kind, [line]))
    return runs


def _lines(count: int, what: str) -> str:
    return f"… {count:,} {what} line{'' if count == 1 else 's'} not shown"


def _bounded(rows: list[list[str]]) -> list[list[str]]:
    """At most MAX_BLOCK_LINES (+1) of each changed run; unchanged runs cut to their context when still too long."""
    runs = _runs(rows)
    if all(len(lines) <= MAX_BLOCK_LINES for kind, lines in runs if kind != SAME) and len(rows) <= MAX_STORED_ROWS:
        return rows
    result: list[list[str]] = []
    for index, (kind, lines) in enumerate(runs):
        if kind != SAME:
            result += [[kind, line] for line in lines[:MAX_BLOCK_LINES]]
            if len(lines) > MAX_BLOCK_LINES:
                more = len(lines) - MAX_BLOCK_LINES
                result.append([kind, _lines(more, "more " + ("removed" if kind == REMOVED else "added"))])
            continue
        keep_head = CONTEXT_LINES if index > 0 else 0  # context after the change before it
        keep_tail = CONTEXT_LINES if index < len(runs) - 1 else 0  # context before the next change
        if len(rows) <= MAX_STORED_ROWS or len(lines) <= keep_head + keep_tail + 1:
            result += [[SAME, line] for line in lines]
            continue
        result += [[SAME, line] for line in lines[:keep_head]]
        result.append([SAME, _lines(len(lines) - keep_head - keep_tail, "unchanged")])
        result += [[SAME, line] for line in lines[len(lines) - keep_tail :]]
    return result
