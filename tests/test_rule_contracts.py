"""What every rule promises, checked rather than trusted (ruff checks its rule
metadata the same way): codes in the family's range, fix availability matching
the examples, and `scope` honest enough for incremental re-analysis."""

from __future__ import annotations

import pytest

from elixir_perf_lsp.document import Document, TextChange
from elixir_perf_lsp.engine import Options, analyze
from elixir_perf_lsp.engine.incremental import reanalyze
from elixir_perf_lsp.engine.model import FixAvailability
from elixir_perf_lsp.engine.options import RuleSelection, Target
from elixir_perf_lsp.engine.registry import all_rules
from elixir_perf_lsp.engine.rule import CODE_FAMILIES, Rule
from elixir_perf_lsp.positions import Encoding

RULES = all_rules()


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_code_is_in_its_family_range(rule: Rule) -> None:
    family = int(rule.code[2])
    assert family in CODE_FAMILIES, f"{rule.code}: no family {family}xx in CODE_FAMILIES"


def _options(rule: Rule, target: tuple[tuple[int, int] | None, int | None]) -> Options:
    return Options(selection=RuleSelection(select=(rule.code,)), target=Target(*target))


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_declared_fix_availability_matches_the_examples(rule: Rule) -> None:
    fixes = []
    for example in rule.bad:
        found = analyze(example.source.encode(), options=_options(rule, example.target))
        fixes += [f.fix is not None for f in found.findings if f.code == rule.code]
    assert fixes, f"{rule.code} has no bad example that it reports"
    if rule.fix_availability is FixAvailability.ALWAYS:
        assert all(fixes), f"{rule.code} says ALWAYS but an example has no fix"
    elif rule.fix_availability is FixAvailability.NONE:
        assert not any(fixes), f"{rule.code} says NONE but an example has a fix"
    else:
        assert any(fixes), f"{rule.code} says SOMETIMES but no example has a fix"


FILLER = "defmodule Filler do\n  def pad(x), do: x + 1\nend\n"


def _edited(text: str, line: int, column: int, old: int, new: str, options: Options) -> None:
    doc = Document("file:///t.ex", text.encode(), 1, Encoding.UTF32)
    previous = analyze(doc.source, doc.tree, options)
    edit = doc.apply(TextChange(((line, column), (line, column + old)), new))
    incremental = reanalyze(previous, doc.source, doc.tree, edit, options)
    full = analyze(doc.source, doc.tree, options)
    assert incremental.findings == full.findings, (text, line, new)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_incremental_analysis_of_every_example_equals_a_full_one(rule: Rule) -> None:
    """Each example among other forms, edited in a neighbouring form and, line by
    line, by a comment inserted above (comments and annotations move where fixes
    insert code). A rule that reads beyond its form without `scope = "file"`
    gives stale findings here."""
    for example in (*rule.bad, *rule.ok):
        text = FILLER + example.source + FILLER.replace("Filler", "Tail")
        options = _options(rule, example.target)
        line = text.count("\n", 0, text.index("x + 1"))
        _edited(text, line, text.splitlines()[line].index("x + 1"), 5, "x * 2", options)
        first = FILLER.count("\n")
        for offset in range(example.source.count("\n")):
            _edited(text, first + offset, 0, 0, "# note\n", options)
