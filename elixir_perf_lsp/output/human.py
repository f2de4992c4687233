"""Renderings for people: `full` (source with carets and the fix as a diff),
`grouped` (by file) and `--statistics` (a count per rule)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from itertools import groupby
from typing import Any

from elixir_perf_lsp.engine.fixes import apply_edits
from elixir_perf_lsp.engine.model import Edit
from elixir_perf_lsp.output.records import LocatedFinding
from elixir_perf_lsp.positions import decode, line_start

# Lines end where LSP says they do (architecture §3.3), as rows were counted.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Lines of source shown around the finding's first line.
CONTEXT_LINES = 1


def is_fixable(item: LocatedFinding, show_unsafe: bool) -> bool:
    """What `--fix` would apply: safe fixes, and unsafe ones with `--unsafe-fixes`."""
    fix = item.finding.fix
    return fix is not None and (fix.is_safe or show_unsafe)


def _mark(item: LocatedFinding, show_unsafe: bool) -> str:
    return " [*]" if is_fixable(item, show_unsafe) else ""


def render_grouped(items: Sequence[LocatedFinding], show_unsafe: bool) -> str:
    """Ruff's `grouped`: a heading per file, then `row:col CODE message [*]`, aligned."""
    out: list[str] = []
    for filename, group in groupby(items, key=lambda i: i.filename):
        findings = list(group)
        width = max(len(f"{i.start.row}:{i.start.column}") for i in findings)
        out.append(f"{filename}:\n")
        for i in findings:
            where = f"{i.start.row}:{i.start.column}"
            out.append(
                f"  {where:<{width}} {i.finding.code} {i.finding.message}{_mark(i, show_unsafe)}\n"
            )
        out.append("\n")
    return "".join(out)


def render_full(
    items: Sequence[LocatedFinding], sources: Mapping[str, bytes], show_unsafe: bool
) -> str:
    """Each finding with its source lines, a caret under the range and, when it
    has a fix, the fix as a diff. A file whose text is unknown gets the header only."""
    blocks = []
    split: dict[str, list[str]] = {}  # each file's lines, split once
    for item in items:
        source = sources.get(item.filename)
        f = item.finding
        head = f"{item.filename}:{item.start.row}:{item.start.column}: {f.code} {f.message}"
        parts = [head + _mark(item, show_unsafe)]
        if source is not None:
            if item.filename not in split:
                lines = _LINE_BREAK.split(decode(source))
                if len(lines) > 1 and lines[-1] == "":
                    lines.pop()  # the file's final line break starts no line worth showing
                split[item.filename] = lines
            parts += _snippet(item, split[item.filename])
            if f.fix is not None:
                kind = "safe fix" if f.fix.is_safe else "unsafe fix (`--unsafe-fixes`)"
                parts.append(f"  = help: {f.fix.message} ({kind})")
                parts += _fix_diff(item, source)
        blocks.append("\n".join(parts) + "\n")
    return "\n".join(blocks)


def _snippet(item: LocatedFinding, lines: list[str]) -> list[str]:
    first, last = item.start.row, item.end.row
    if first > len(lines):
        return []
    low = max(1, first - CONTEXT_LINES)
    high = min(len(lines), last + CONTEXT_LINES)
    width = len(str(high))
    gutter = " " * width
    out = [f"{gutter} |"]
    for row in range(low, high + 1):
        text = lines[row - 1]
        out.append(f"{row:>{width}} | {text}".rstrip())
        if row == first:
            end = item.end.column if last == first else len(text) + 1
            out.append(f"{gutter} | {_caret(text, item.start.column, end)} {item.finding.code}")
    out.append(f"{gutter} |")
    return out


def _caret(text: str, start: int, end: int) -> str:
    # Keep the line's tabs, and two cells for each wide character (CJK, emoji), so
    # the carets line up under the text in a terminal.
    lead = "".join("\t" if c == "\t" else " " * _cells(c) for c in text[: start - 1])
    return lead + "^" * max(1, sum(_cells(c) for c in text[start - 1 : end - 1]))


def _cells(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _fix_diff(item: LocatedFinding, source: bytes) -> list[str]:
    """The lines the fix touches, before (`-`) and after (`+`), with line numbers.
    Only those lines are rewritten and compared, not the whole file per finding."""
    fix = item.finding.fix
    assert fix is not None
    low = min(e.start for e in fix.edits)
    high = max(e.end for e in fix.edits)
    begin = line_start(source, low)
    stop = min(
        (i for i in (source.find(b"\n", high), source.find(b"\r", high)) if i >= 0),
        default=len(source),
    )
    window = source[begin:stop]
    shifted = [Edit(e.start - begin, e.end - begin, e.content) for e in fix.edits]
    before = _LINE_BREAK.split(decode(window))
    after = _LINE_BREAK.split(decode(apply_edits(window, shifted)))
    row = min(start.row for _edit, start, _end in item.edits)
    width = len(str(row + max(len(before), len(after)) - 1))
    lines = [f"    {row + i:>{width}} -{line}" for i, line in enumerate(before)]
    lines += [f"    {row + i:>{width}} +{line}" for i, line in enumerate(after)]
    return lines


def statistics(items: Sequence[LocatedFinding], show_unsafe: bool) -> list[dict[str, Any]]:
    """Per rule, most frequent first: how many findings and how many `--fix` would fix."""
    rows: dict[str, dict[str, Any]] = {}
    for item in items:
        f = item.finding
        row = rows.setdefault(f.code, {"code": f.code, "name": f.name, "count": 0, "fixable": 0})
        row["count"] += 1
        row["fixable"] += is_fixable(item, show_unsafe)
    return sorted(rows.values(), key=lambda r: (-r["count"], r["code"]))


def render_statistics(rows: Sequence[Mapping[str, Any]]) -> str:
    """`   3  EP101  length-in-guard  2 fixable`, one line per rule."""
    if not rows:
        return ""
    count_width = max(len(str(r["count"])) for r in rows)
    name_width = max(len(r["name"]) for r in rows)
    out = []
    for r in rows:
        fixable = f"{r['fixable']} fixable" if r["fixable"] else ""
        line = f"{r['count']:>{count_width}}  {r['code']}  {r['name']:<{name_width}}  {fixable}"
        out.append(line.rstrip() + "\n")
    return "".join(out)
