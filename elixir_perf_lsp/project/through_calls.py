"""Loops whose body calls a project function that performs a costly effect.

The rules that own an effect kind (`Rule.effect`: EP601 writes, EP604 reads,
EP401 appending file writes) match, by their own patterns, only a repo call or a
file write spelled inside the loop (EP604 has none: reads spelled there are
EP602's). Here each call site of the analysed file (a call, a
pipeline stage or a capture like `&create_activity/1`) that may reach a project
function is resolved through the index; when the callee performs the effect,
itself or through further calls, and the site runs once per element of a
collection (`per_element_loop`: not over a literal list, not over chunks), the
owning rule reports it, naming the chain, with the underlying call as related
information.

These findings depend on other functions and files, so they are recomputed on
every analysis, never reused by incremental re-analysis.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cache

from elixir_perf_lsp import syntax
from elixir_perf_lsp.analysis.ecto import per_element_loop
from elixir_perf_lsp.analysis.loops import Loop
from elixir_perf_lsp.analysis.scope import describe_loop
from elixir_perf_lsp.engine.model import Finding, Related
from elixir_perf_lsp.engine.options import Options
from elixir_perf_lsp.engine.registry import all_rules
from elixir_perf_lsp.engine.rule import Rule
from elixir_perf_lsp.project.index import Chain, IndexView
from elixir_perf_lsp.project.summary import CallRef, CallSite, Key
from elixir_perf_lsp.syntax import Node

# Per-element HTTP requests are indexed but reported by no rule yet (see the README).
_KINDS = frozenset({"db_write", "db_read", "file_append"})


def through_call_findings(
    root: Node,
    sites: list[CallSite],
    index: IndexView,
    options: Options,
    path: str,
    unresolved: list[CallRef] | None = None,
) -> list[Finding]:
    """The findings; with `unresolved`, also collects there the calls in per-element
    loops whose callee the index does not know to reach an effect (`check` indexes the project after a first
    pass and analyses again only the files where those turn out to matter)."""
    rules = [r for r in all_rules() if r.effect in _KINDS and options.selection.enables(r.code)]
    if not rules or not sites:
        return []
    out: list[Finding] = []
    loops = _LoopSpans(root)
    for site in sites:
        callee = index.resolve(site.ref)
        if callee is not None and callee.key == site.caller:
            continue
        found = [
            (rule, chain)
            for rule in rules
            if callee is not None and (chain := index.chain(callee.key, rule.effect)) is not None
        ]
        if not found:
            # A helper of this file may still call into modules it cannot see.
            if unresolved is not None and site.ref not in unresolved and loops.find(site):
                unresolved.append(site.ref)
            continue
        loop = loops.find(site)
        if loop is None:
            continue
        for rule, chain in found:
            out.append(_finding(rule, site, chain, describe_loop(loop), options, path))
    return out


def has_effects(index: IndexView, refs: list[CallRef], options: Options) -> bool:
    """Whether any of `refs` reaches an effect an enabled rule reports."""
    kinds = [
        r.effect for r in all_rules() if r.effect in _KINDS and options.selection.enables(r.code)
    ]
    for ref in refs:
        callee = index.resolve(ref)
        if callee is not None and any(index.chain(callee.key, k) for k in kinds):
            return True
    return False


_LOOPISH = """
(anonymous_function) @loop
(unary_operator operator: "&") @loop
(call target: (identifier) @keyword (#eq? @keyword "for")) @loop
"""


@cache
def _loopish_query() -> syntax.Query:
    return syntax.compile_query(_LOOPISH)


class _LoopSpans:
    """Which loop runs a site, asked only where a loop can be: inside a `fn`, a
    capture or a `for` (found in one query), or in a clause that may recurse."""

    def __init__(self, root: Node) -> None:
        self.root = root
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def find(self, site: CallSite) -> Loop | None:
        if not site.in_recursive and not self._covered(site.call_start):
            return None
        call = self.root.descendant_for_byte_range(site.call_start, site.call_end)
        return per_element_loop(call) if call is not None else None

    def _covered(self, offset: int) -> bool:
        if self._starts is None:
            spans = sorted(
                (node.start_byte, node.end_byte)
                for _index, captures in syntax.iter_matches(_loopish_query(), self.root)
                for node in captures["loop"]
            )
            merged: list[list[int]] = []
            for start, end in spans:
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            self._starts = [m[0] for m in merged]
            self._ends = [m[1] for m in merged]
        index = bisect_right(self._starts, offset) - 1
        return index >= 0 and offset < self._ends[index]


def _finding(
    rule: Rule,
    site: CallSite,
    chain: Chain,
    loop: str,
    options: Options,
    path: str,
) -> Finding:
    caller_module = site.caller[0]
    names = [_name(key, caller_module) for key in chain.functions]
    via = f" (through {', '.join(f'`{n}`' for n in names[1:])})" if len(names) > 1 else ""
    message = (
        f"`{names[0]}` runs `{chain.effect.label}`{via} once per element of {loop}; "
        f"{rule.through_call_advice}"
    )
    place = chain.effect.place
    if place.path == path:
        place = type(place)("", place.row, place.start_column, place.end_column, place.line)
    last = names[-1]
    related = (Related(place, f"`{last}` calls `{chain.effect.label}` here"),)
    severity = options.severity.get(rule.code) or rule.severity
    return Finding(
        rule.code,
        rule.name,
        message,
        site.start,
        site.end,
        severity,
        None,
        rule.in_tests,
        related,
    )


def _name(key: Key, caller_module: str) -> str:
    module, name, arity = key
    if module == caller_module:
        return f"{name}/{arity}"
    return f"{module}.{name}/{arity}"
