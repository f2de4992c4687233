"""Engine behaviour shared by every rule: selection, suppressions, broken code, fault isolation."""

from __future__ import annotations

import importlib

from elixir_perf_lsp.engine import Options, RuleSelection, Severity, analyze
from elixir_perf_lsp.engine.fixes import OverlappingEdits, apply_edits, pick_fixes
from elixir_perf_lsp.engine.model import Applicability, Edit, Finding, Fix

from .helpers import findings

analyze_module = importlib.import_module("elixir_perf_lsp.engine.analyze")

EMPTY_CHECK = "def a(xs), do: length(xs) == 0\n"


def codes(source: str, options: Options | None = None) -> list[str]:
    return [f.code for f in analyze(source.encode(), options=options).findings]


def test_selection_by_prefix_keeps_matching_rules() -> None:
    assert RuleSelection(select=("EP1",)).enables("EP101")
    assert not RuleSelection(select=("EP2",)).enables("EP101")


def test_a_more_specific_select_beats_a_broader_ignore() -> None:
    selection = RuleSelection(select=("EP101",), ignore=("EP1",))
    assert selection.enables("EP101")
    assert not selection.enables("EP102")


def test_ignore_wins_over_an_equally_broad_select() -> None:
    assert not RuleSelection(select=("EP",), ignore=("EP",)).enables("EP101")


def test_extend_select_adds_to_select() -> None:
    selection = RuleSelection(select=("EP2",), extend_select=("EP102",))
    assert selection.enables("EP102") and not selection.enables("EP101")


def test_severity_override_applies() -> None:
    options = Options(severity={"EP102": Severity.HINT})
    assert analyze(EMPTY_CHECK.encode(), options=options).findings[0].severity is Severity.HINT


def test_disable_for_next_line_silences_only_that_line() -> None:
    source = "# elixir-perf:disable-for-next-line EP102\n" + EMPTY_CHECK + EMPTY_CHECK
    assert [f.start for f in findings(source)] and len(findings(source)) == 1


def test_disable_for_this_line_is_a_trailing_comment() -> None:
    source = "def a(xs), do: length(xs) == 0  # elixir-perf:disable-for-this-line\n"
    assert findings(source) == []


def test_disable_for_this_file_with_other_code_keeps_reporting() -> None:
    source = "# elixir-perf:disable-for-this-file EP101\n" + EMPTY_CHECK
    assert codes(source, Options(selection=RuleSelection(select=("EP1",)))) == ["EP102"]


def test_disable_for_this_file_accepts_rule_names() -> None:
    source = "# elixir-perf:disable-for-this-file expensive-empty-check\n" + EMPTY_CHECK
    assert codes(source) == []


def test_nothing_is_reported_inside_a_broken_region_but_intact_code_still_is() -> None:
    source = (
        "defmodule A do\n"
        "  def ok(xs), do: length(xs) == 0\n"
        "  def broken(xs) do\n"
        "    Enum.map(xs, fn x -> length(x) == 0\n"
        "  end\n"
        "end\n"
    )
    result = findings(source)
    assert [(f.code, source.count("\n", 0, f.start)) for f in result] == [("EP102", 1)]


def test_a_rule_that_raises_is_skipped_and_the_others_still_report(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from elixir_perf_lsp.engine.registry import all_rules

    rules = all_rules()
    broken = next(r for r in rules if r.code == "EP101")

    def explode(captures, ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    import dataclasses

    patched = dataclasses.replace(broken, check=explode)
    original = analyze_module._query_for

    def with_broken_rule(source, options, scope=None):  # type: ignore[no-untyped-def]
        combined = original(source, options, scope)
        owners = tuple(patched if r.code == "EP101" else r for r in combined.owners)
        return analyze_module._CombinedQuery(combined.query, owners)

    monkeypatch.setattr(analyze_module, "_query_for", with_broken_rule)
    result = analyze(("def f(xs) when length(xs) == 0, do: 1\n" + EMPTY_CHECK).encode())
    assert [f.code for f in result.findings] == ["EP102"]
    assert len(result.rule_errors) == 1 and "EP101" in result.rule_errors[0]


def _fix(start: int, end: int, safe: bool = True) -> Finding:
    applicability = Applicability.SAFE if safe else Applicability.UNSAFE
    return Finding(
        "EP999",
        "x",
        "m",
        start,
        end,
        Severity.HINT,
        Fix("f", applicability, (Edit(start, end, "Z"),)),
    )


def test_fix_all_never_applies_overlapping_fixes() -> None:
    chosen = pick_fixes([_fix(0, 5), _fix(3, 8), _fix(8, 9)], unsafe=False)
    assert [f.edits[0].start for f in chosen] == [0, 8]


def test_unsafe_fixes_need_opting_in() -> None:
    assert pick_fixes([_fix(0, 1, safe=False)], unsafe=False) == []
    assert len(pick_fixes([_fix(0, 1, safe=False)], unsafe=True)) == 1


def test_overlapping_edits_are_refused() -> None:
    try:
        apply_edits(b"abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])
    except OverlappingEdits:
        return
    raise AssertionError("overlap accepted")


def test_deep_nesting_does_not_hit_the_recursion_limit() -> None:
    depth = 5000
    source = "x = " + "[" * depth + "length(xs) == 0" + "]" * depth + "\n"
    assert codes(source) == ["EP102"]


def test_an_unused_suppression_is_reported_with_a_safe_removal() -> None:
    source = "x = 1\n# elixir-perf:disable-for-next-line EP102\ny = 2\n"
    result = findings(source)
    assert [(f.code, f.message) for f in result] == [
        ("EP001", "Unused suppression: EP102 not reported here")
    ]
    fix = result[0].fix
    assert fix is not None and fix.is_safe
    assert apply_edits(source.encode(), fix.edits) == b"x = 1\ny = 2\n"


def test_an_unknown_code_in_a_suppression_is_reported_without_a_fix() -> None:
    result = findings("# elixir-perf:disable-for-next-line EP998\n" + EMPTY_CHECK)
    assert [(f.code, f.fix) for f in result] == [("EP001", None), ("EP102", result[1].fix)]
    assert "EP998" in result[0].message


def test_a_partly_used_suppression_names_the_unused_code() -> None:
    result = findings("# elixir-perf:disable-for-next-line EP102 EP101\n" + EMPTY_CHECK)
    assert [(f.code, f.message) for f in result] == [
        ("EP001", "Partly unused suppression: EP101 not reported here")
    ]


def test_suppressions_for_rules_not_selected_are_not_called_unused() -> None:
    options = Options(selection=RuleSelection(select=("EP001",)))
    source = "# elixir-perf:disable-for-next-line EP102\n" + EMPTY_CHECK
    assert codes(source, options) == []


def test_any_fix_that_would_drop_a_comment_is_unsafe() -> None:
    source = "empty =\n  length(xs) # how many?\n  == 0\n"
    [finding] = findings(source, "EP102")
    assert finding.fix is not None and not finding.fix.is_safe
    assert finding.fix.message.endswith("(drops a comment)")


def test_a_fix_that_carries_the_comment_over_stays_safe() -> None:
    [finding] = findings("empty = length(xs) == 0 # keep me\n", "EP102")
    assert finding.fix is not None and finding.fix.is_safe
