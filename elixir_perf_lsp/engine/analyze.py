"""Run the enabled rules over one tree.

All rule queries are compiled once into a single query so a file is walked once
by tree-sitter's C code; each match is handed to the rule owning its pattern.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from elixir_perf_lsp import syntax
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Finding, Fix
from elixir_perf_lsp.engine.options import Options
from elixir_perf_lsp.engine.registry import all_rules
from elixir_perf_lsp.engine.rule import Rule
from elixir_perf_lsp.engine.suppression import Suppression, find_suppressions, suppressed

log = logging.getLogger(__name__)


@dataclass
class Analysis:
    findings: list[Finding]
    # One line per rule that raised; that rule was skipped for the rest of the file.
    rule_errors: list[str] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)


@dataclass(frozen=True)
class _CombinedQuery:
    query: syntax.Query
    owners: tuple[Rule, ...]  # owner of pattern i


@cache
def _combined_query() -> _CombinedQuery:
    rules = all_rules()
    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for rule in rules:
        starts.append(offset)
        text = rule.query.strip() + "\n"
        parts.append(text)
        offset += len(text.encode())
    query = syntax.compile_query("".join(parts))
    owners = tuple(
        rules[bisect_right(starts, query.start_byte_for_pattern(i)) - 1]
        for i in range(query.pattern_count)
    )
    return _CombinedQuery(query, owners)


def analyze(
    source: bytes,
    tree: syntax.Tree | None = None,
    options: Options | None = None,
    ranges: Sequence[tuple[int, int]] | None = None,
) -> Analysis:
    """Findings for `source`, sorted by position.

    With `ranges`, only matches that start inside those byte ranges are checked
    (incremental analysis of changed top-level forms); suppressions still apply
    file-wide.
    """
    options = options or Options()
    tree = tree or syntax.parse(source)
    root = tree.root_node
    ctx = Context(source, root, options.target)
    combined = _combined_query()
    errors = syntax.error_ranges(root)
    broken: set[str] = set()
    rule_errors: list[str] = []
    raw: list[Finding] = []
    windows: Iterable[tuple[int, int] | None] = ranges if ranges is not None else [None]
    for window in windows:
        for index, captures in syntax.iter_matches(combined.query, root, window):
            rule = combined.owners[index]
            if rule.code in broken or not options.selection.enables(rule.code):
                continue
            if window is not None and not _starts_within(captures, window):
                continue
            try:
                raw.extend(_findings(rule, captures, ctx, options))
            except Exception as exc:  # a bug in one rule must not silence the others
                broken.add(rule.code)
                message = f"{rule.code} ({rule.name}) failed and was skipped: {exc!r}"
                rule_errors.append(message)
                log.exception("rule %s failed", rule.code)
    findings = _clean(raw, errors)
    suppressions = find_suppressions(source, root)
    if suppressions:
        findings = [
            f
            for f in findings
            if not suppressed(suppressions, f.code, f.name, source.count(b"\n", 0, f.start))
        ]
    return Analysis(findings, rule_errors, suppressions)


def _starts_within(captures: syntax.Captures, window: tuple[int, int]) -> bool:
    first = min(node.start_byte for nodes in captures.values() for node in nodes)
    return window[0] <= first < window[1]


def _findings(rule: Rule, captures: syntax.Captures, ctx: Context, options: Options) -> list[Finding]:
    out = []
    for v in rule.check(captures, ctx):
        start, end = v.span
        severity = options.severity.get(rule.code) or v.severity or rule.severity
        out.append(Finding(rule.code, rule.name, v.message, start, end, severity, v.fix))
    return out


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    end = max(end, start + 1)  # a zero-width edit still sits somewhere
    return any(s < end and start < e for s, e in spans)


def _clean(raw: list[Finding], errors: list[tuple[int, int]]) -> list[Finding]:
    """Drop findings in broken regions and duplicates; strip fixes that touch broken regions."""
    seen: set[tuple[str, int, int]] = set()
    out: list[Finding] = []
    for f in sorted(raw, key=lambda f: (f.start, f.end, f.code)):
        key = (f.code, f.start, f.end)
        if key in seen:
            continue
        seen.add(key)
        if errors and _overlaps(f.start, f.end, errors):
            continue
        if errors and f.fix and _fix_touches(f.fix, errors):
            f = Finding(f.code, f.name, f.message, f.start, f.end, f.severity, None)
        out.append(f)
    return out


def _fix_touches(fix: Fix, errors: list[tuple[int, int]]) -> bool:
    return any(_overlaps(e.start, e.end, errors) for e in fix.edits)
