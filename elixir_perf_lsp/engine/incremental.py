"""Re-analysis after one edit: re-run rules only on the top-level forms it touched.

Findings elsewhere are reused, shifted by the edit's length change. Rules with
`scope = "file"` are always re-run in full. `tests/test_incremental.py` checks the
result equals a full analysis under random edits.

Which forms: in a well-formed tree, forms are siblings, so an edit whose effect
reaches past its own form makes some form, old or new, span both places; the
forms touching the edit in the old and the new tree cover every structural
change. Error recovery breaks that (an unclosed `fn` reshapes code far below it),
so when either tree has errors the document also passes tree-sitter's changed
ranges (12 ms on a 10k-line buffer, paid only then).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from elixir_perf_lsp import syntax
from elixir_perf_lsp.document import ByteEdit
from elixir_perf_lsp.engine.analyze import Analysis, analyze, collect, finish, form_spans
from elixir_perf_lsp.engine.limits import too_large
from elixir_perf_lsp.engine.model import Finding
from elixir_perf_lsp.engine.options import Options
from elixir_perf_lsp.engine.registry import all_rules


def reanalyze(
    previous: Analysis,
    source: bytes,
    tree: syntax.Tree,
    edit: ByteEdit,
    options: Options,
) -> Analysis:
    if previous.skipped is not None or too_large(source) is not None:
        return analyze(source, tree, options)
    root = tree.root_node
    forms = form_spans(root)
    windows = _windows(previous.forms, forms, edit)
    file_scoped = {r.code for r in all_rules() if r.scope == "file"}
    kept = [
        shifted
        for f in previous.raw
        if f.code not in file_scoped
        and options.selection.enables(f.code)
        and (shifted := _shift(f, edit)) is not None
        and not any(_touches(shifted.start, shifted.end, w) for w in windows)
    ]
    fresh, errors = collect(source, root, options, windows, scope="form")
    whole, more_errors = collect(source, root, options, scope="file") if file_scoped else ([], [])
    return finish(source, root, options, kept + fresh + whole, errors + more_errors, forms)


def _map(position: int, edit: ByteEdit) -> int:
    if position <= edit.start:
        return position
    if position >= edit.old_end:
        return position + (edit.new_end - edit.old_end)
    return edit.new_end


def _shift(f: Finding, edit: ByteEdit) -> Finding | None:
    """`f` moved into new coordinates, or None when the edit touched it."""
    spans = [(f.start, f.end)] + ([(e.start, e.end) for e in f.fix.edits] if f.fix else [])
    if any(_touches(s, e, (edit.start, edit.old_end)) for s, e in spans):
        return None
    if f.start >= edit.old_end:
        return f.shifted(edit.new_end - edit.old_end)
    if f.fix and any(e.start >= edit.old_end for e in f.fix.edits):
        return None  # straddles the edit: recompute rather than shift half of it
    return f


def _touches(start: int, end: int, window: tuple[int, int]) -> bool:
    return start <= window[1] and window[0] <= end


def _touching(forms: Sequence[tuple[int, int]], window: tuple[int, int]) -> list[tuple[int, int]]:
    """The forms (sorted, disjoint) that touch `window`."""
    ends = [e for _s, e in forms]
    i = bisect_left(ends, window[0])
    out = []
    while i < len(forms) and forms[i][0] <= window[1]:
        out.append(forms[i])
        i += 1
    return out


def _windows(
    old_forms: list[tuple[int, int]],
    new_forms: list[tuple[int, int]],
    edit: ByteEdit,
) -> list[tuple[int, int]]:
    """Merged byte ranges (new coordinates) of every form the edit may have affected."""
    seeds = [(edit.start, edit.new_end), *edit.changed]
    seeds += [
        (_map(s, edit), _map(e, edit)) for s, e in _touching(old_forms, (edit.start, edit.old_end))
    ]
    spans = [f for seed in seeds for f in _touching(new_forms, seed)]
    spans += seeds
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
