"""Bounds on one analysis: nesting depth, match limit, a time budget that interrupts rules."""

from __future__ import annotations

import _thread
import importlib
import threading

import pytest

from elixir_perf_lsp import syntax
from elixir_perf_lsp.engine import analyze
from elixir_perf_lsp.engine.limits import (
    MAX_DEPTH,
    BudgetExceeded,
    match_limit_message,
    time_budget,
    timeout_message,
    too_deep_message,
)
from elixir_perf_lsp.query_text import split_patterns

# The module, not the function the package exports under the same name.
analyze_module = importlib.import_module("elixir_perf_lsp.engine.analyze")


def test_nesting_past_tree_sitters_depth_limit_is_not_analysed() -> None:
    # tree-sitter's matching never ended on this (16-bit query depths overflow).
    depth = 70_000
    source = ("x = " + "length(" * depth + "xs" + ")" * depth + "\n").encode()
    result = analyze(source)
    assert result.skipped == too_deep_message()
    assert str(MAX_DEPTH) in result.skipped


def test_a_long_left_nested_operator_chain_is_matched_in_full() -> None:
    # Matching was quadratic inside one C call (16k terms: 49 s), so the budget,
    # checked only after it, always ran out.
    source = ("x = " + " + ".join(["a"] * 16_000) + "\n").encode()
    result = analyze(source)
    assert result.skipped is None and result.rule_errors == []


def test_chain_patterns_match_the_same_as_one_query() -> None:
    query_text = '(binary_operator operator: "==" right: (integer) @n) @cmp (call) @call'
    source = b"x = f(a) + g(b) == 0 and h(c) == 1\n"
    root = syntax.parse(source).root_node
    whole = syntax.compile_query(query_text)
    expected = sorted(_spans(syntax.matches(whole, root)[0]))
    found, cut = syntax.linear_matches(syntax.compile_linear(split_patterns(query_text)), root)
    assert sorted(_spans(found)) == expected and len(found) == 5 and not cut


def test_the_match_limit_is_reported() -> None:
    # Dot-call chains still nest their patterns; past the limit the analysis says so.
    source = ("x = a" + ".b(1)" * 3000 + "\n").encode()
    result = analyze(source)
    assert result.skipped == match_limit_message()


def _spans(found: list[tuple[int, syntax.Captures]]) -> list[tuple[int, str, int, int]]:
    return [
        (index, name, node.start_byte, node.end_byte)
        for index, captures in found
        for name, nodes in captures.items()
        for node in nodes
    ]


def test_findings_in_ordinary_chains_are_kept() -> None:
    source = ("def f(xs, a), do: " + " and ".join(["a"] * 300) + " and length(xs) == 0\n").encode()
    result = analyze(source)
    assert result.skipped is None
    assert [f.code for f in result.findings] == ["EP102"]


def test_the_time_budget_interrupts_a_rule_that_never_returns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def spin(*_args: object) -> list[object]:  # a rule stuck inside one match
        while True:
            pass

    monkeypatch.setattr(analyze_module, "_findings", spin)
    monkeypatch.setattr(analyze_module, "COLLECT_SECONDS", 0.2)
    result = analyze(b"def f(xs), do: length(xs) == 0\n")
    assert result.skipped == timeout_message(analyze_module.TIME_BUDGET_SECONDS)
    assert result.failed_rules == []  # a timeout is not the rule's bug


def test_a_budget_that_is_not_used_up_never_fires_later() -> None:
    with time_budget(0.05):
        pass
    done = threading.Event()
    threading.Timer(0.2, done.set).start()
    done.wait()  # an alarm left armed would raise here
    with pytest.raises(BudgetExceeded), time_budget(0.05):
        while True:
            pass


def test_budgets_share_one_watchdog_thread(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A thread per analysis cost more than analysing a small file on a busy machine.
    started: list[object] = []
    original_thread, original_low_level = threading.Thread.start, _thread.start_new_thread

    def counting(self: threading.Thread) -> None:
        started.append(self)
        original_thread(self)

    def counting_low_level(function, args):  # type: ignore[no-untyped-def]
        started.append(function)
        return original_low_level(function, args)

    monkeypatch.setattr(threading.Thread, "start", counting)
    monkeypatch.setattr(_thread, "start_new_thread", counting_low_level)
    for _ in range(20):
        analyze(b"def f(xs), do: length(xs)\n")
    assert len(started) <= 1
