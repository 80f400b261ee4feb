"""What an amendment changed in a signed note: a line diff, computed once and with a bounded amount of work.

A character-level diff (difflib.ndiff's intraline hints) of two long, similar lines is quadratic: two
10 000-character amendments took half a minute on every view of the note. This compares whole lines only,
skips the unchanged head and tail in linear time, and past MAX_COMPARED_LINES shows the changed middle as
removed then added instead of searching it for matches. The result is stored with the amendment.
"""

import difflib

# Changed lines (old and new together) that are searched for a minimal diff; above it the middle is replaced whole.
MAX_COMPARED_LINES = 2_000

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
    return rows
