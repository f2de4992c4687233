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
from typing import TYPE_CHECKING

from elixir_perf_lsp import syntax
from elixir_perf_lsp.analysis import memo
from elixir_perf_lsp.analysis.names import KERNEL_NAMES_RULES_ASSUME
from elixir_perf_lsp.document import ByteEdit
from elixir_perf_lsp.engine.analyze import (
    Analysis,
    across_functions,
    analyze,
    collect,
    finish,
    form_spans,
)
from elixir_perf_lsp.engine.limits import too_large
from elixir_perf_lsp.engine.model import Finding
from elixir_perf_lsp.engine.options import Options
from elixir_perf_lsp.engine.registry import all_rules

if TYPE_CHECKING:
    from elixir_perf_lsp.project.index import IndexView


def reanalyze(
    previous: Analysis,
    source: bytes,
    tree: syntax.Tree,
    edit: ByteEdit,
    options: Options,
    project: IndexView | None = None,
    path: str = "",
) -> Analysis:
    if previous.skipped is not None or too_large(source) is not None:
        return analyze(source, tree, options, project, path)
    root = tree.root_node
    forms = form_spans(root)
    windows, touched = _windows(previous.forms, forms, edit)
    if any(kind.removeprefix("def:") in KERNEL_NAMES_RULES_ASSUME for kind in touched):
        # Defining `length/1` changes what every `length(x)` in the module means.
        return analyze(source, tree, options, project, path)
    file_windows = _file_rule_windows(windows, touched, forms)
    file_scoped = {r.code for r in all_rules() if r.scope == "file"}
    kept = []
    for f in previous.raw:
        if not options.selection.enables(f.code) or f.related:
            continue  # findings across functions are always recomputed
        shifted = _shift(f, edit)
        if shifted is None:
            continue
        scope_windows = file_windows if f.code in file_scoped else windows
        if scope_windows is None or any(
            _touches(shifted.start, shifted.end, w) for w in scope_windows
        ):
            continue
        kept.append(shifted)
    with memo.scope(root):
        fresh, errors = collect(source, root, options, windows, scope="form")
        whole, more_errors = collect(source, root, options, file_windows, scope="file")
        across = across_functions(source, root, options, project, path)
        raw = kept + fresh + whole + across.findings
        result = finish(
            source, root, options, raw, errors + more_errors, forms, undecided=across.undecided
        )
        result.summary, result.unresolved = across.summary, across.unresolved
        return result


def _file_rule_windows(
    windows: list[tuple[int, int]],
    touched: list[str],
    forms: list[tuple[int, int, str]],
) -> list[tuple[int, int]] | None:
    """Where file-scoped rules must re-run, or None for the whole file.

    They read beyond their form, but only two kinds of neighbour: module-level
    forms (attributes, script bindings) and the other clauses of the same
    function. An edit touching a module-level form re-runs them everywhere; an
    edit inside a function re-runs them on every clause of that function.
    """
    if any(kind == "" for kind in touched):
        return None
    names = {kind for kind in touched if kind.startswith("def:")}
    spans = windows + [(s, e) for s, e, kind in forms if kind in names]
    # Annotations (@doc, @spec, comments) move the insertion point of fixes for
    # the function they precede: re-run on the forms that follow, up to that def.
    for i, (s, e, kind) in enumerate(forms):
        if kind == "annotation" and any(_touches(s, e, w) for w in windows):
            j = i + 1
            while j < len(forms) and forms[j][2] == "annotation":
                j += 1
            if j < len(forms):
                following = forms[j][2]
                spans += [(fs, fe) for fs, fe, k in forms[i : j + 1]]
                spans += [(fs, fe) for fs, fe, k in forms if following and k == following]
    return _merge(spans)


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


Form = tuple[int, int, str]


def _touching(forms: Sequence[Form], window: tuple[int, int]) -> list[Form]:
    """The forms (sorted, disjoint) that touch `window`."""
    ends = [f[1] for f in forms]
    i = bisect_left(ends, window[0])
    out = []
    while i < len(forms) and forms[i][0] <= window[1]:
        out.append(forms[i])
        i += 1
    return out


def _windows(
    old_forms: list[Form],
    new_forms: list[Form],
    edit: ByteEdit,
) -> tuple[list[tuple[int, int]], list[str]]:
    """Merged byte ranges (new coordinates) of every form the edit may have
    affected, and the kinds of those forms, old and new."""
    seeds = [(edit.start, edit.new_end), *edit.changed]
    old_touched = _touching(old_forms, (edit.start, edit.old_end))
    seeds += [(_map(s, edit), _map(e, edit)) for s, e, _kind in old_touched]
    new_touched = [f for seed in seeds for f in _touching(new_forms, seed)]
    spans = [(s, e) for s, e, _kind in new_touched] + seeds
    kinds = [kind for _s, _e, kind in old_touched + new_touched]
    return _merge(spans), kinds


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
