"""Applying fixes to source bytes."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from elixir_perf_lsp.engine.model import Edit, Finding, Fix
from elixir_perf_lsp.positions import encode


class OverlappingEdits(ValueError):
    pass


def apply_edits(source: bytes, edits: Iterable[Edit]) -> bytes:
    """Apply non-overlapping edits; raise OverlappingEdits otherwise."""
    ordered = sorted(edits)
    out: list[bytes] = []
    cursor = 0
    for edit in ordered:
        if edit.start < cursor or edit.end < edit.start or edit.end > len(source):
            raise OverlappingEdits(f"edit {edit} overlaps another or leaves the source")
        out.append(source[cursor : edit.start])
        out.append(encode(edit.content))
        cursor = edit.end
    out.append(source[cursor:])
    return b"".join(out)


def pick_fixes(findings: Iterable[Finding], unsafe: bool) -> list[Fix]:
    """Fixes that can be applied together: first come, first served, none overlapping."""
    chosen: list[Fix] = []
    taken: list[tuple[int, int]] = []
    for finding in findings:
        fix = finding.fix
        if fix is None or (not fix.is_safe and not unsafe):
            continue
        spans = [(e.start, e.end) for e in fix.edits]
        if any(_collide(a, b) for a in spans for b in taken):
            continue
        chosen.append(fix)
        taken.extend(spans)
    return chosen


def _collide(a: tuple[int, int], b: tuple[int, int]) -> bool:
    # Two insertions at the same point would be ordered arbitrarily: treat as a clash.
    if a[0] == a[1] == b[0] == b[1]:
        return True
    return a[0] < b[1] and b[0] < a[1]


def fix_all(
    source: bytes,
    analyze: Callable[[bytes], list[Finding]],
    unsafe: bool = False,
    max_rounds: int = 8,
) -> tuple[bytes, int]:
    """Apply fixes until none is left (fixes can uncover or block others).

    Returns the new source and how many fixes were applied.
    """
    applied = 0
    for _ in range(max_rounds):
        fixes = pick_fixes(analyze(source), unsafe)
        if not fixes:
            break
        source = apply_edits(source, [e for fix in fixes for e in fix.edits])
        applied += len(fixes)
    return source, applied
