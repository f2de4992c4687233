"""`check --add-suppressions`: a disable comment for every current finding.

Each finding's line gets `# elixir-perf:disable-for-next-line CODES -- REASON`
above it, indented like it. Where that cannot go — the line starts inside a
multi-line string or sigil (the comment would become part of its text), or the
line above is already a next-line suppression (which would then silence the new
comment instead) — a trailing `disable-for-this-line` comment is used, unless the
line already ends in a comment or inside a string; then the finding is left
reported. Nothing else of the file changes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from elixir_perf_lsp.engine.model import Edit, Finding
from elixir_perf_lsp.engine.suppression import directive, find_suppressions
from elixir_perf_lsp.positions import decode
from elixir_perf_lsp.syntax import Node, comment_spans

# EP001 reports suppressions themselves: silencing it would hide a stale one
# behind another comment. `--fix` removes unused suppressions instead.
NOT_SUPPRESSED = frozenset({"EP001"})
REASON_PLACEHOLDER = "TODO: reason"
# Nodes whose text spans lines verbatim: a comment inserted inside them is text.
_VERBATIM = frozenset({"string", "charlist", "sigil", "quoted_atom", "quoted_keyword"})


@dataclass(frozen=True)
class Placement:
    edits: tuple[Edit, ...]
    suppressed: int  # findings now covered by a new comment
    left: tuple[int, ...]  # 1-based lines whose findings could not be suppressed


def suppression_edits(
    source: bytes, root: Node, findings: Sequence[Finding], reason: str = REASON_PLACEHOLDER
) -> Placement:
    row_starts = [0, *(m.end() for m in re.finditer(b"\n", source))]

    def row_of(offset: int) -> int:  # counting `\n` only, as suppressions do
        return bisect_right(row_starts, offset) - 1

    by_row: dict[int, set[str]] = defaultdict(set)
    counts: dict[int, int] = defaultdict(int)
    for f in findings:
        if f.code in NOT_SUPPRESSED:
            continue
        row = row_of(f.start)
        by_row[row].add(f.code)
        counts[row] += 1
    taken = {s.line for s in find_suppressions(source, root) if s.scope == "next-line"}
    commented_rows = {row_of(start) for start, _end in comment_spans(root)}
    eol = "\r\n" if b"\r\n" in source else "\n"
    edits: list[Edit] = []
    left: list[int] = []
    suppressed = 0
    for row in sorted(by_row):
        codes = sorted(by_row[row])
        start = row_starts[row]
        end = _row_end(source, start)
        if row not in taken and not _inside_verbatim(root, start):
            line = source[start:end]
            indent = decode(line[: len(line) - len(line.lstrip(b" \t"))])
            edits.append(Edit(start, start, indent + directive("next-line", codes, reason) + eol))
        elif row not in commented_rows and not _inside_verbatim(root, end):
            edits.append(Edit(end, end, "  " + directive("this-line", codes, reason)))
        else:
            left.append(row + 1)
            continue
        suppressed += counts[row]
    return Placement(tuple(edits), suppressed, tuple(left))


def _row_end(source: bytes, start: int) -> int:
    """Where the line's text ends: before its `\\n` or `\\r\\n`."""
    end = source.find(b"\n", start)
    end = len(source) if end < 0 else end
    return end - 1 if end > start and source[end - 1 : end] == b"\r" else end


def _inside_verbatim(root: Node, offset: int) -> bool:
    node: Node | None = root.descendant_for_byte_range(offset, offset)
    while node is not None:
        if node.type in _VERBATIM and node.start_byte < offset < node.end_byte:
            return True
        node = node.parent
    return False
