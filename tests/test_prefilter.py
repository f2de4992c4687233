"""The per-rule literal prefilter: a rule is compiled and run only when it can match.

A wrong prefilter silently drops findings, so soundness is checked against
tree-sitter itself: wherever a rule's query matches, the prefilter must say it can.
"""

from __future__ import annotations

import importlib

import pytest

from elixir_perf_lsp import syntax
from elixir_perf_lsp.engine.analyze import analyze
from elixir_perf_lsp.engine.options import Target
from elixir_perf_lsp.engine.registry import all_rules
from elixir_perf_lsp.query_text import Prefilter, QuerySyntaxError, split_patterns
from tests.helpers import findings

analyze_module = importlib.import_module("elixir_perf_lsp.engine.analyze")
RULES = [r for r in all_rules() if r.query.strip()]
# Every example of every rule: each rule's query is tried on all of them.
SOURCES = sorted({e.source.encode() for r in all_rules() for e in (*r.bad, *r.ok)})


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_patterns_are_split_as_tree_sitter_reads_them(rule) -> None:  # type: ignore[no-untyped-def]
    assert len(split_patterns(rule.query)) == syntax.compile_query(rule.query).pattern_count


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_the_prefilter_never_rejects_a_source_the_query_matches(rule) -> None:  # type: ignore[no-untyped-def]
    query = syntax.compile_query(rule.query)
    prefilter = Prefilter.of(rule.query)
    matched = 0
    for source in SOURCES:
        if syntax.matches(query, syntax.parse(source).root_node)[0]:
            matched += 1
            assert prefilter.can_match(source), source.decode()
    assert matched >= len(rule.bad)  # the rule's own examples fire


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_bad_example_still_fires_with_the_prefilter_on(rule) -> None:  # type: ignore[no-untyped-def]
    # tests/test_rule_examples.py checks each finding exactly; this says why one would go.
    for example in rule.bad:
        assert Prefilter.of(rule.query).can_match(example.source.encode())
        found = findings(example.source, rule.code, Target(*example.target))
        assert rule.code in [f.code for f in found], example.source


def test_a_literal_on_an_optional_capture_requires_nothing() -> None:
    # `#eq?` on a capture absent from the match holds vacuously in tree-sitter.
    query = '(call target: (identifier) @f (arguments (atom)? @a) (#eq? @a ":zzz")) @call'
    source = b"f(1)\n"
    assert syntax.matches(syntax.compile_query(query), syntax.parse(source).root_node)[0]
    assert Prefilter.of(query).can_match(source)


def test_required_literals_are_read_from_predicates_and_anonymous_nodes() -> None:
    query = (
        "(call target: (dot left: (alias) @m right: (identifier) @f)"
        ' (#match? @m "Repo$") (#any-of? @f "all" "one")) @call\n'
        '(binary_operator operator: "++") @append'
    )
    prefilter = Prefilter.of(query)
    assert [len(p) for p in prefilter.patterns] == [2, 1]
    assert not prefilter.can_match(b"Enum.map(xs, & &1)\n")
    assert not prefilter.can_match(b"Repo.get(User, 1)\n")
    assert prefilter.can_match(b"MyApp.Repo.all(User)\n")
    assert prefilter.can_match(b"a ++ b\n")


def test_an_unreadable_query_is_an_error_not_a_guess() -> None:
    with pytest.raises(QuerySyntaxError):
        split_patterns("(call target: (identifier)")


def test_a_file_without_repo_compiles_no_ecto_rule(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(analyze_module, "_compiled", {})
    analyze(b"defmodule A do\n  def f(xs), do: Enum.map(xs, & &1)\nend\n")
    compiled = {code for key in analyze_module._compiled for code in key}
    assert "EP501" in compiled
    assert not compiled & {"EP601", "EP602", "EP603", "EP401"}
