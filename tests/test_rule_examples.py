"""Every rule's documented examples are its first tests.

bad  → the rule reports it; when `fixed` is given, fixing gives exactly that text
ok   → the rule stays quiet
"""

from __future__ import annotations

import pytest

from elixir_perf_lsp import syntax
from elixir_perf_lsp.engine import Target
from elixir_perf_lsp.engine.registry import all_rules
from elixir_perf_lsp.engine.rule import Example, Rule

from .helpers import findings, fixed

BAD = [(r, e) for r in all_rules() for e in r.bad]
OK = [(r, e) for r in all_rules() for e in r.ok]


def _target(example: Example) -> Target:
    return Target(*example.target)


def _id(pair: tuple[Rule, Example]) -> str:
    rule, example = pair
    return f"{rule.code}:{example.source.splitlines()[0][:40]}"


@pytest.mark.parametrize(("rule", "example"), BAD, ids=[_id(p) for p in BAD])
def test_rule_reports_its_bad_example(rule: Rule, example: Example) -> None:
    assert not syntax.parse(example.source.encode()).root_node.has_error, "example must parse"
    codes = [f.code for f in findings(example.source, rule.code, _target(example))]
    assert rule.code in codes


@pytest.mark.parametrize(("rule", "example"), BAD, ids=[_id(p) for p in BAD])
def test_fixing_the_bad_example_gives_the_documented_text(rule: Rule, example: Example) -> None:
    result = fixed(example.source, rule.code, unsafe=example.unsafe, target=_target(example))
    expected = example.fixed if example.fixed is not None else example.source
    assert result == expected
    if example.fixed is not None:
        assert not syntax.parse(result.encode()).root_node.has_error
        assert rule.code not in [f.code for f in findings(result, rule.code, _target(example))]


@pytest.mark.parametrize(("rule", "example"), BAD, ids=[_id(p) for p in BAD])
def test_an_unsafe_example_is_not_fixed_without_unsafe_fixes(rule: Rule, example: Example) -> None:
    if not example.unsafe:
        pytest.skip("safe example")
    assert fixed(example.source, rule.code, unsafe=False, target=_target(example)) == example.source


@pytest.mark.parametrize(("rule", "example"), OK, ids=[_id(p) for p in OK])
def test_rule_stays_quiet_on_its_ok_example(rule: Rule, example: Example) -> None:
    assert not syntax.parse(example.source.encode()).root_node.has_error, "example must parse"
    assert findings(example.source, rule.code, _target(example)) == []


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_documents_every_required_section(rule: Rule) -> None:
    sections = rule.sections()
    for name in ("What it does", "Why is this bad?", "Example", "Use instead:", "Fix safety"):
        assert sections.get(name), f"{rule.code} lacks '{name}'"
    assert rule.bad and rule.ok
    assert rule.cost
