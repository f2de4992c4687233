"""Whether a rule's finding is worth showing where it was found.

Rules judge a construct; this judges its place, once for every rule:
- code that does not run per call (module bodies, macro bodies outside `quote`,
  mix tasks, migrations, config) costs nothing worth changing;
- inside a query or expression DSL the names do not mean what rules assume;
- tests keep only the warnings of rules worth showing there (cost growing
  faster than the input), and assertions are never
  rewritten, since ExUnit reports their operands on failure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from elixir_perf_lsp.analysis.dsl import DslIndex
from elixir_perf_lsp.analysis.execution import Runs, placement
from elixir_perf_lsp.analysis.nodes import call_name, calls_above
from elixir_perf_lsp.engine.model import Finding
from elixir_perf_lsp.engine.options import FileRole, Options
from elixir_perf_lsp.syntax import Node

_ASSERTIONS = frozenset(
    {"assert", "refute", "assert_in_delta", "refute_in_delta", "assert_receive", "assert_received"}
)


@dataclass(frozen=True)
class Verdict:
    keep: bool
    # Keep the finding but offer no rewrite.
    drop_fix: bool = False


KEEP = Verdict(True)
DROP = Verdict(False)


def keep_relevant(
    findings: list[Finding], source: bytes, root: Node, options: Options
) -> list[Finding]:
    if not findings:
        return findings
    if options.role is FileRole.TOOLING:
        return []
    dsl = DslIndex(source, options.dsl_macros)
    out = []
    for finding in findings:
        node = root.descendant_for_byte_range(finding.start, max(finding.start, finding.end))
        verdict = judge(node or root, finding.in_tests, options, dsl)
        if verdict.keep:
            out.append(replace(finding, fix=None) if verdict.drop_fix else finding)
    return out


def judge(node: Node, in_tests: bool, options: Options, dsl: DslIndex) -> Verdict:
    """`in_tests`: the finding is worth showing in test code too."""
    if options.role is FileRole.TOOLING:
        return DROP
    where = placement(node)
    if where.runs is not Runs.PER_CALL:
        return DROP
    if dsl.inside(node) is not None:
        return DROP
    in_test = where.in_test or options.role is FileRole.TEST
    if in_test and not in_tests:
        return DROP
    if _in_assertion(node):
        return Verdict(True, drop_fix=True)
    return KEEP


def _in_assertion(node: Node) -> bool:
    for ancestor, _child in calls_above(node):
        module, name = call_name(ancestor)
        if module is None and name in _ASSERTIONS:
            return True
        if module is None and name in ("def", "defp", "test"):
            return False
    return False
