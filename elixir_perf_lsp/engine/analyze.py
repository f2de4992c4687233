"""Run the enabled rules over one tree.

The rules that can match a file (by the literals their queries require, see
`query_text`) are compiled into a single query so the file is walked once by
tree-sitter's C code; each match is handed to the rule owning its pattern.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING

from elixir_perf_lsp import syntax
from elixir_perf_lsp.analysis import memo
from elixir_perf_lsp.analysis.nodes import definition_name
from elixir_perf_lsp.engine import relevance
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.limits import (
    MAX_DEPTH,
    TIME_BUDGET_SECONDS,
    BudgetExceeded,
    is_limit_message,
    match_limit_message,
    time_budget,
    timeout_message,
    too_deep_message,
    too_large,
)
from elixir_perf_lsp.engine.model import Applicability, Edit, Finding, Fix, Severity
from elixir_perf_lsp.engine.options import Options
from elixir_perf_lsp.engine.registry import all_rules
from elixir_perf_lsp.engine.rule import Rule
from elixir_perf_lsp.engine.suppression import (
    UNUSED_SUPPRESSION,
    Suppressions,
    find_suppressions,
    unused_suppressions,
)
from elixir_perf_lsp.query_text import Prefilter, split_patterns

if TYPE_CHECKING:
    from elixir_perf_lsp.project.index import IndexView
    from elixir_perf_lsp.project.summary import CallRef, FileSummary

log = logging.getLogger(__name__)
# The time budget is split: rules get most of it, cleaning and suppressions the rest.
COLLECT_SECONDS = TIME_BUDGET_SECONDS * 0.8
FINISH_SECONDS = TIME_BUDGET_SECONDS - COLLECT_SECONDS


@dataclass
class Analysis:
    findings: list[Finding]
    # One line per rule that raised; that rule was skipped for the rest of the file.
    rule_errors: list[str] = field(default_factory=list)
    suppressions: Suppressions = field(default_factory=Suppressions)
    # What incremental re-analysis reuses: findings before cleaning and suppression,
    # and the top-level forms they were computed over: (start, end, kind), where
    # kind is "def:<name>" for a function clause and "" for anything else.
    raw: list[Finding] = field(default_factory=list)
    forms: list[tuple[int, int, str]] = field(default_factory=list)
    # Why the file was not (fully) analysed, for the user: size limits, time budget.
    skipped: str | None = None
    # Codes of the rules that raised (each is also described in rule_errors).
    failed_rules: list[str] = field(default_factory=list)
    # The file's project summary, and (analysed without a project) the calls in
    # per-element loops to functions it does not define: `check` analyses the file
    # again, with the project index, only when one of those reaches an effect.
    summary: FileSummary | None = None
    unresolved: tuple[CallRef, ...] = ()


@dataclass(frozen=True)
class _CombinedQuery:
    query: syntax.LinearQuery
    owners: tuple[tuple[Rule, ...], ...]  # the rules owning pattern i


@dataclass(frozen=True)
class _Matchable:
    """A rule with a query, its patterns split out, and what a file needs to match it."""

    rule: Rule
    patterns: tuple[str, ...]
    prefilter: Prefilter


@cache
def _matchable() -> tuple[_Matchable, ...]:
    # Rules without a query (EP001) are computed by the engine itself.
    return tuple(
        _Matchable(r, tuple(split_patterns(r.query)), Prefilter.of(r.query))
        for r in all_rules()
        if r.query.strip()
    )


# Distinct rule sets compiled before the engine gives up tailoring and compiles
# every rule once: in a long run (a project, a server with many files open) one
# query for all costs less than one per combination of tokens.
SUBSETS_BEFORE_ALL = 4
_compiled: dict[tuple[str, ...], _CombinedQuery] = {}


def _compile(rules: tuple[_Matchable, ...]) -> _CombinedQuery:
    key = tuple(m.rule.code for m in rules)
    combined = _compiled.get(key)
    if combined is None:
        # Rules with the same pattern text (a query shared from `analysis/`)
        # share its pattern, so the tree is matched once for all of them.
        owners: dict[str, list[Rule]] = {}
        for m in rules:
            for pattern in m.patterns:
                group = owners.setdefault(pattern, [])
                if m.rule not in group:
                    group.append(m.rule)
        query = syntax.compile_linear(list(owners))
        combined = _CombinedQuery(query, tuple(tuple(group) for group in owners.values()))
        _compiled[key] = combined
    return combined


def compile_all_rules() -> None:
    """Compile every rule's patterns now: before forking workers, so they inherit
    them, or in a server once the first diagnostics are out."""
    _compile(_matchable())
    _compile(_of_scope("file"))


def _of_scope(scope: str | None) -> tuple[_Matchable, ...]:
    return tuple(m for m in _matchable() if scope is None or m.rule.scope == scope)


def _query_for(source: bytes, options: Options, scope: str | None = None) -> _CombinedQuery:
    """A query holding the patterns of every enabled rule (of `scope`, when given)
    that can match `source`.

    Compiling costs milliseconds per pattern, so a file pays only for rules whose
    required literals it contains (no `Repo`, no Ecto patterns compiled or run).
    Once every rule (of the scope) is compiled, that one query serves all files.
    A scope gets its own query because re-analysis after an edit re-runs the
    file-scoped rules over the whole file: a query of theirs alone walks less.
    """
    everything = _of_scope(scope)
    full = _compiled.get(tuple(m.rule.code for m in everything))
    if full is not None:
        return full
    if len(_compiled) >= SUBSETS_BEFORE_ALL:
        return _compile(everything)
    # Re-analysis after an edit collects twice over the same bytes: scan them once.
    last = _last_scan.get(scope)
    if last is not None and last[0] is source and last[1] is options:
        return last[2]
    combined = _compile(
        tuple(
            m
            for m in everything
            if options.selection.enables(m.rule.code) and m.prefilter.can_match(source)
        )
    )
    _last_scan[scope] = (source, options, combined)
    return combined


_last_scan: dict[str | None, tuple[bytes, Options, _CombinedQuery]] = {}


def _by_rule(
    found: Iterable[tuple[int, syntax.Captures]], combined: _CombinedQuery
) -> Iterable[tuple[Rule, syntax.Captures]]:
    for index, captures in found:
        for rule in combined.owners[index]:
            yield rule, captures


def analyze(
    source: bytes,
    tree: syntax.Tree | None = None,
    options: Options | None = None,
    project: IndexView | None = None,
    path: str = "",
) -> Analysis:
    """Findings for `source`, sorted by position.

    With `project` (a read-only view of the index), loops calling functions of
    other files are judged by their summaries, `source`'s own summary taking the
    place of the one indexed for `path` (the text analysed wins over the disk copy).
    Without, the file is its own project. `Analysis.summary` is that summary: the
    index's owner puts it in the index (analyses never change the index).
    """
    options = options or Options()
    reason = too_large(source)
    if reason is not None:
        return Analysis([], skipped=reason)
    tree = tree or syntax.parse(source)
    with memo.scope(tree.root_node):
        raw, rule_errors = collect(source, tree.root_node, options)
        across = across_functions(source, tree.root_node, options, project, path)
        result = finish(
            source,
            tree.root_node,
            options,
            raw + across.findings,
            rule_errors,
            undecided=across.undecided,
        )
        result.summary, result.unresolved = across.summary, across.unresolved
        return result


def across_functions(
    source: bytes,
    root: syntax.Node,
    options: Options,
    project: IndexView | None,
    path: str,
) -> Across:
    """Findings of loops calling project functions with costly effects (through_calls).

    Without `project` the file is its own project, and the calls in loops it cannot
    resolve are kept in `unresolved` (see `Analysis.unresolved`)."""
    if not any(r.effect and options.selection.enables(r.code) for r in all_rules()):
        return Across([])
    # Imported here: the project package reads the engine's model, so importing it
    # at the top would make `import elixir_perf_lsp.project...` first a cycle.
    from elixir_perf_lsp.project.index import IndexView
    from elixir_perf_lsp.project.summary import summarise_with_sites
    from elixir_perf_lsp.project.through_calls import through_call_findings

    summary, sites = summarise_with_sites(path, source, root)
    index = (project if project is not None else IndexView.empty()).with_file(summary)
    unresolved: list[CallRef] | None = [] if project is None else None
    found = through_call_findings(root, sites, index, options, path, unresolved)
    undecided = frozenset(
        r.code for r in all_rules() if r.effect and options.selection.enables(r.code)
    )
    return Across(found, summary, tuple(unresolved or ()), undecided if unresolved else frozenset())


@dataclass
class Across:
    findings: list[Finding]
    summary: FileSummary | None = None
    unresolved: tuple[CallRef, ...] = ()
    # Codes whose findings may come from other files, analysed here without them:
    # a suppression of theirs is not known to be unused (EP001 must not remove it).
    undecided: frozenset[str] = frozenset()


def collect(
    source: bytes,
    root: syntax.Node,
    options: Options,
    windows: Sequence[tuple[int, int]] | None = None,
    scope: str | None = None,
) -> tuple[list[Finding], list[str]]:
    """Raw findings of the enabled rules (of `scope`, when given).

    With `windows`, only matches that start inside one of those byte ranges count.
    """
    if syntax.deeper_than(root, MAX_DEPTH):
        # tree-sitter's matching never ends past 65,535 levels, uninterruptibly.
        return [], [too_deep_message()]
    ctx = Context(source, root, options.target)
    # Within windows the query visits little, so the all-rules query serves and
    # other scopes are filtered below; a whole-file pass for one scope gets its own.
    combined = _query_for(source, options, scope if windows is None else None)
    broken: set[str] = set()
    rule_errors: list[str] = []
    raw: list[Finding] = []
    todo: Iterable[tuple[int, int] | None] = windows if windows is not None else [None]
    try:
        with time_budget(COLLECT_SECONDS):
            for window in todo:
                found, cut = syntax.linear_matches(combined.query, root, window)
                if cut and match_limit_message() not in rule_errors:
                    rule_errors.append(match_limit_message())
                for rule, captures in _by_rule(found, combined):
                    if scope is not None and rule.scope != scope:
                        continue
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
    except BudgetExceeded:
        rule_errors.append(timeout_message(TIME_BUDGET_SECONDS))
    return raw, rule_errors


def finish(
    source: bytes,
    root: syntax.Node,
    options: Options,
    raw: list[Finding],
    rule_errors: list[str],
    forms: list[tuple[int, int, str]] | None = None,
    undecided: frozenset[str] = frozenset(),
) -> Analysis:
    """Clean raw findings against the tree, then apply suppressions (`undecided`:
    codes whose suppressions are not reported unused, see `Across.undecided`)."""
    skipped = next((e for e in rule_errors if is_limit_message(e)), None)
    failed = sorted({e.split(" ", 1)[0] for e in rule_errors if not is_limit_message(e)})
    try:
        with time_budget(FINISH_SECONDS):
            return _finish(
                source, root, options, raw, rule_errors, forms, skipped, failed, undecided
            )
    except BudgetExceeded:
        timeout = timeout_message(TIME_BUDGET_SECONDS)
        errors = rule_errors if timeout in rule_errors else [*rule_errors, timeout]
        # Cleaning was cut short: uncleaned findings could sit in broken code, so none.
        return Analysis([], errors, Suppressions(), raw, forms or [], skipped or timeout, failed)


def _finish(
    source: bytes,
    root: syntax.Node,
    options: Options,
    raw: list[Finding],
    rule_errors: list[str],
    forms: list[tuple[int, int, str]] | None,
    skipped: str | None,
    failed: list[str],
    undecided: frozenset[str],
) -> Analysis:
    # Judged afresh on every run: where code runs can depend on other forms.
    findings = relevance.keep_relevant(_clean(raw, root), source, root, options)
    suppressions = find_suppressions(source, root)
    if suppressions:
        findings = [
            f
            for f in findings
            if not suppressions.silence(f.code, f.name, source.count(b"\n", 0, f.start), f.start)
        ]
        if options.selection.enables(UNUSED_SUPPRESSION.code):
            findings.extend(unused_suppressions(source, suppressions, options, undecided))
            findings.sort(key=lambda f: (f.start, f.end, f.code))
    forms = form_spans(root) if forms is None else forms
    return Analysis(findings, rule_errors, suppressions, raw, forms, skipped, failed)


_CONTAINER_BYTES = frozenset({b"defmodule", b"defimpl", b"defprotocol"})


def form_spans(root: syntax.Node) -> list[tuple[int, int, str]]:
    """The top-level forms, definitions and module-level expressions, as
    (start, end, kind) with kind "def:<name>" for function clauses, else "".

    Module bodies are opened up, so a file holding one big `defmodule` still
    splits into its functions; ERROR nodes are opened up too.
    """
    spans: list[tuple[int, int, str]] = []
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        if node.type == "ERROR":
            stack.extend(reversed(node.children))
            continue
        body = _container_body(node)
        if body is not None:
            stack.extend(reversed(body.children))
            continue
        if node.is_named:
            spans.append((node.start_byte, node.end_byte, _form_kind(node)))
    return spans


# Attributes that document or type a function: they cannot change what any rule
# finds elsewhere, only where a fix inserts code above the function they precede.
_ANNOTATIONS = frozenset(
    {
        b"doc",
        b"spec",
        b"impl",
        b"since",
        b"deprecated",
        b"typedoc",
        b"moduledoc",
        b"type",
        b"typep",
        b"opaque",
        b"callback",
        b"macrocallback",
        b"dialyzer",
    }
)


def _form_kind(node: syntax.Node) -> str:
    name = definition_name(node)
    if name:
        return f"def:{name}"
    if node.type == "unary_operator" and node.child_count == 2:
        operand = node.child(1)
        target = operand.child(0) if operand is not None and operand.type == "call" else operand
        if target is not None and target.type == "identifier" and target.text in _ANNOTATIONS:
            return "annotation"
    if node.type == "comment":
        return "annotation"
    return ""


def _container_body(node: syntax.Node) -> syntax.Node | None:
    if node.type != "call":
        return None
    # Cheap test first: most forms are not module definitions.
    target = node.child(0)
    if target is None or target.type != "identifier" or target.text not in _CONTAINER_BYTES:
        return None
    last = node.child(node.child_count - 1)
    return last if last is not None and last.type == "do_block" else None


def _starts_within(captures: syntax.Captures, window: tuple[int, int]) -> bool:
    first = min(node.start_byte for nodes in captures.values() for node in nodes)
    return window[0] <= first < window[1]


def _findings(
    rule: Rule, captures: syntax.Captures, ctx: Context, options: Options
) -> list[Finding]:
    out = []
    for v in rule.check(captures, ctx):
        start, end = v.span
        severity = options.severity.get(rule.code) or v.severity or rule.severity
        in_tests = rule.in_tests and (v.severity or rule.severity) is Severity.WARNING
        fix = v.fix
        if fix is not None and fix.is_safe and not isinstance(v.node, tuple):
            fix = _demote_in_quoted_code(fix, v.node, ctx)
        if fix is not None:
            fix = _demote_if_drops_comment(fix, ctx)
        if fix is not None and ctx.crlf:
            fix = _with_crlf(fix)
        out.append(Finding(rule.code, rule.name, v.message, start, end, severity, fix, in_tests))
    return out


def _demote_if_drops_comment(fix: Fix, ctx: Context) -> Fix:
    """A fix that replaces a comment without carrying its text over loses it:
    never safe, whatever the rule thought (one check here, for every rule)."""
    for edit in fix.edits:
        for start, end in ctx.comments_in(edit.start, edit.end):
            if ctx.span_text(start, end) not in edit.content:
                return Fix(f"{fix.message} (drops a comment)", Applicability.UNSAFE, fix.edits)
    return fix


def _demote_in_quoted_code(fix: Fix, node: syntax.Node, ctx: Context) -> Fix:
    name = ctx.quoting_call_around(node.start_byte, node.end_byte)
    if name is None:
        return fix
    return Fix(
        f"{fix.message} (unsafe inside `{name}`: the code is data there)",
        Applicability.UNSAFE,
        fix.edits,
    )


def _with_crlf(fix: Fix) -> Fix:
    """Rules write `\n`; a CRLF file keeps its line endings when fixed."""
    edits = tuple(
        Edit(e.start, e.end, e.content.replace("\r\n", "\n").replace("\n", "\r\n"))
        for e in fix.edits
    )
    return Fix(fix.message, fix.applicability, edits)


_DEFINITIONS = frozenset(
    {"def", "defp", "defmacro", "defmacrop", "defmodule", "defimpl", "defprotocol"}
)


def _intact_scope(root: syntax.Node, start: int, end: int) -> tuple[int, int] | None:
    """The byte span in which a finding at [start, end) can be trusted, or None.

    Broken code still parses into trees with trustworthy islands: an unclosed `fn`
    turns the rest of a module into one ERROR node whose complete `def`s stay
    intact. The finding's largest error-free ancestor must be the whole tree, a
    complete definition, or a top-level statement.
    """
    node = root.descendant_for_byte_range(start, max(start, end))
    if node is None or node.has_error:
        return None
    while node.parent is not None and not node.parent.has_error:
        node = node.parent
    parent = node.parent
    if parent is None or parent.type == "source" or _is_definition(node):
        return node.start_byte, node.end_byte
    return None


def _is_definition(node: syntax.Node) -> bool:
    if node.type != "call":
        return False
    target = node.child_by_field_name("target")
    return (
        target is not None
        and target.type == "identifier"
        and target.text is not None
        and (target.text.decode() in _DEFINITIONS)
    )


def _clean(raw: list[Finding], root: syntax.Node) -> list[Finding]:
    """Drop findings in broken regions and duplicates; strip fixes that leave trusted code."""
    seen: set[tuple[str, int, int]] = set()
    out: list[Finding] = []
    broken = root.has_error
    for f in sorted(raw, key=lambda f: (f.start, f.end, f.code)):
        key = (f.code, f.start, f.end)
        if key in seen:
            continue
        seen.add(key)
        if broken:
            scope = _intact_scope(root, f.start, f.end)
            if scope is None:
                continue
            if f.fix and not all(scope[0] <= e.start and e.end <= scope[1] for e in f.fix.edits):
                f = replace(f, fix=None)
        out.append(f)
    return out
