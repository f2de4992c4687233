"""Work per analysis grows linearly with the code, counted in calls (no timed tests).

A long `and` chain nests each conjunct one level deeper than the last, so a walk
from every conjunct up to its loop or binding visits the whole chain: quadratic,
4.5 s for 1,000 conjuncts before the walks skipped such runs in memoized steps.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from elixir_perf_lsp import syntax
from elixir_perf_lsp.analysis import loops, memo, scope
from elixir_perf_lsp.analysis.nodes import ancestors, descendants, in_guard, operator, text
from elixir_perf_lsp.engine import analyze
from elixir_perf_lsp.engine.registry import all_rules
from elixir_perf_lsp.syntax import Node


def _and_chain_in_a_loop(conjuncts: int) -> bytes:
    chain = " and ".join(f"Enum.member?(x, {i})" for i in range(conjuncts))
    return f"defmodule A do\n  def f(xs) do\n    for x <- xs, {chain} do\n      x\n    end\n  end\nend\n".encode()


def _counted(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, calls: Counter[str]) -> None:
    original: Callable[..., Any] = getattr(module, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)


def _ancestor_steps(monkeypatch: pytest.MonkeyPatch, conjuncts: int) -> Counter[str]:
    calls: Counter[str] = Counter()
    with monkeypatch.context() as patch:
        # The per-ancestor steps of a variable's binding and of a node's loop.
        _counted(patch, scope, "_visible_at", calls)
        _counted(patch, loops, "_loop_at", calls)
        analyze(_and_chain_in_a_loop(conjuncts))
    return calls


def test_a_long_and_chain_costs_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    small = _ancestor_steps(monkeypatch, 200)
    large = _ancestor_steps(monkeypatch, 400)
    for step in ("_visible_at", "_loop_at"):
        assert small[step] >= 200  # every conjunct asked (the test measures something)
        # Twice the conjuncts, about twice the steps (quadratic would be four times).
        assert large[step] <= 2.2 * small[step], (step, small[step], large[step])


def _and_chain_in_a_guard(conjuncts: int) -> bytes:
    chain = " and ".join(f"length(x{i}) == 0" for i in range(conjuncts))
    return f"defmodule A do\n  def f(x) when {chain} do\n    :ok\n  end\nend\n".encode()


def test_a_long_and_chain_in_a_guard_costs_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    # EP101 asks, for every `length/1` test, whether its conjunct climbs to the guard.
    ep101 = importlib.import_module("elixir_perf_lsp.rules.ep101_length_in_guard")
    counts = []
    for conjuncts in (200, 400):
        calls: Counter[str] = Counter()
        with monkeypatch.context() as patch:
            _counted(patch, ep101, "operator", calls)
            result = analyze(_and_chain_in_a_guard(conjuncts))
        assert [f.code for f in result.findings] == ["EP101"] * conjuncts
        counts.append(calls["operator"])
    small, large = counts
    assert small >= 200
    assert large <= 2.2 * small, (small, large)


def _every_ancestor_binding(ident: Node) -> Node | None:
    """`binding_of` as it was: `_visible_at` asked at every ancestor."""
    if ident.type != "identifier" or text(ident) in scope._SPECIAL:
        return None
    if scope.is_binding(ident):
        return ident
    path, node = [ident], ident.parent
    while node is not None:
        found, stop = scope._visible_at(node, path, text(ident))
        if found is not None or stop:
            return found
        path.append(node)
        node = node.parent
    return None


def _every_ancestor_loop(node: Node) -> loops.Loop | None:
    child = node
    for current in ancestors(node):
        loop = loops._loop_at(current, child, node)
        if loop is not None:
            return loop
        child = current
    return None


def _every_ancestor_in_guard(node: Node) -> bool:
    child = node
    for ancestor in ancestors(node):
        if ancestor.type == "binary_operator" and operator(ancestor) == "when":
            right = ancestor.child_by_field_name("right")
            return _id(right) == child.id or _every_ancestor_in_guard(ancestor)
        if ancestor.type in ("do_block", "body", "anonymous_function", "stab_clause"):
            return False
        child = ancestor
    return False


SOURCES = [r.source for rule in all_rules() for r in (*rule.bad, *rule.ok)] + [
    p.read_text() for p in sorted(Path(__file__).parent.parent.glob("examples/*.ex"))
]


def _id(node: Node | None) -> int | None:
    return None if node is None else node.id


def test_skipping_runs_of_ancestors_finds_what_visiting_each_finds() -> None:
    compared = 0
    for source in SOURCES:
        root = syntax.parse(source.encode()).root_node
        with memo.scope(root):
            for node in descendants(root):
                if node.type == "identifier":
                    assert _id(scope.binding_of(node)) == _id(_every_ancestor_binding(node))
                    compared += 1
                assert in_guard(node) == _every_ancestor_in_guard(node)
                fast, slow = loops.enclosing_loop(node), _every_ancestor_loop(node)
                assert (fast is None) == (slow is None)
                if fast is not None and slow is not None:
                    assert (fast.kind, fast.node.id, fast.body.id) == (
                        slow.kind,
                        slow.node.id,
                        slow.body.id,
                    )
    assert compared > 1000
