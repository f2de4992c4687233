"""Suppression comments: ranges, reasons, and EP001 on ranges and stray `enable`s."""

from __future__ import annotations

from elixir_perf_lsp import syntax
from elixir_perf_lsp.engine.fixes import apply_edits
from elixir_perf_lsp.engine.suppression import directive, enable_directive, find_suppressions

from .helpers import findings

EMPTY_CHECK = "def a(xs), do: length(xs) == 0\n"  # EP102
GUARD = "def b(xs) when length(xs) == 0, do: xs\n"  # EP101


def reported(source: str) -> list[tuple[str, int]]:
    """(code, 1-based line) of each finding."""
    return [(f.code, source.encode().count(b"\n", 0, f.start) + 1) for f in findings(source)]


def test_a_range_silences_its_codes_between_disable_and_enable() -> None:
    source = (
        EMPTY_CHECK  # 1: reported
        + "# elixir-perf:disable EP102\n"  # 2
        + EMPTY_CHECK  # 3: silenced
        + EMPTY_CHECK  # 4: silenced
        + "# elixir-perf:enable EP102\n"  # 5
        + EMPTY_CHECK  # 6: reported
    )
    assert reported(source) == [("EP102", 1), ("EP102", 6)]


def test_a_range_without_codes_silences_every_rule_until_a_bare_enable() -> None:
    both = GUARD + EMPTY_CHECK
    source = "# elixir-perf:disable\n" + both + "# elixir-perf:enable\n" + both
    assert reported(source) == [("EP101", 5), ("EP102", 6)]


def test_a_range_left_open_runs_to_the_end_of_the_file() -> None:
    source = EMPTY_CHECK + "# elixir-perf:disable EP102\n" + EMPTY_CHECK * 3
    assert reported(source) == [("EP102", 1)]


def test_enable_of_one_code_ends_only_that_code_of_a_range() -> None:
    source = (
        "# elixir-perf:disable EP101, EP102\n"  # 1: both silenced from here
        + GUARD  # 2: silenced
        + EMPTY_CHECK  # 3: silenced
        + "# elixir-perf:enable EP102\n"  # 4
        + GUARD  # 5: EP101 still off
        + EMPTY_CHECK  # 6: EP102 back
    )
    assert reported(source) == [("EP102", 6)]


def test_rule_names_and_codes_end_each_others_ranges() -> None:
    source = (
        "# elixir-perf:disable expensive-empty-check\n"
        + EMPTY_CHECK
        + "# elixir-perf:enable EP102\n"
        + EMPTY_CHECK
    )
    assert reported(source) == [("EP102", 4)]


def test_a_bare_enable_does_not_end_a_range_it_does_not_name_by_code() -> None:
    # A range of all rules ends only at a bare `enable`: `enable EP102` ends nothing.
    source = "# elixir-perf:disable\n" + EMPTY_CHECK + "# elixir-perf:enable EP102\n" + EMPTY_CHECK
    result = findings(source)
    assert [f.code for f in result] == ["EP001"]
    assert result[0].message == (
        "Unmatched `enable`: no `disable` of EP102 is open here, so it ends nothing"
    )


def test_a_finding_before_a_trailing_disable_on_its_line_is_not_in_the_range() -> None:
    source = "def a(xs), do: length(xs) == 0 # elixir-perf:disable EP102\n" + EMPTY_CHECK
    assert reported(source) == [("EP102", 1)]


def test_a_reason_after_two_dashes_is_not_a_code() -> None:
    for kind in ("disable-for-next-line", "disable"):
        source = f"# elixir-perf:{kind} EP102 -- list is tiny here, see #42\n" + EMPTY_CHECK
        assert reported(source) == [], kind
    trailing = "def a(xs), do: length(xs) == 0 # elixir-perf:disable-for-this-line -- ok\n"
    assert reported(trailing) == []
    file_wide = "# elixir-perf:disable-for-this-file EP102 -- generated\n" + EMPTY_CHECK
    assert reported(file_wide) == []


def test_the_reason_is_kept_and_rule_names_with_dashes_are_codes() -> None:
    source = "# elixir-perf:disable-for-next-line expensive-empty-check -- tiny\nx = 1\n"
    [s] = find_suppressions(source.encode(), syntax.parse(source.encode()).root_node).disables
    assert s.codes == frozenset({"expensive-empty-check"}) and s.reason == "tiny"


def test_without_the_separator_extra_words_are_still_unknown_codes() -> None:
    # The contract before reasons existed: every word is a code, so a typo shows.
    source = "# elixir-perf:disable-for-next-line EP102 because\n" + EMPTY_CHECK
    result = findings(source)
    assert [f.code for f in result] == ["EP001"]
    assert result[0].message == "Unknown rule code in suppression: because"


def test_an_unused_range_is_reported_with_its_lines_and_removed_with_its_enable() -> None:
    source = (
        "x = 1\n# elixir-perf:disable EP102 -- legacy\ny = 2\n# elixir-perf:enable EP102\nz = 3\n"
    )
    [finding] = findings(source)
    assert finding.code == "EP001"
    assert finding.message == "Unused suppression range: EP102 not reported in lines 2-4"
    assert source.encode()[finding.start : finding.end].startswith(b"# elixir-perf:disable")
    assert finding.fix is not None and finding.fix.is_safe
    assert apply_edits(source.encode(), finding.fix.edits) == b"x = 1\ny = 2\nz = 3\n"


def test_an_unused_open_range_says_it_runs_to_the_end() -> None:
    source = "x = 1\n# elixir-perf:disable\ny = 2\n"
    [finding] = findings(source)
    assert finding.message == (
        "Unused suppression range: no finding is silenced "
        "from line 2 to the end of the file (no `enable`)"
    )
    assert finding.fix is not None
    assert apply_edits(source.encode(), finding.fix.edits) == b"x = 1\ny = 2\n"


def test_a_partly_used_range_names_the_unused_code_and_has_no_fix() -> None:
    source = "# elixir-perf:disable EP102 EP101\n" + EMPTY_CHECK + "# elixir-perf:enable\n"
    [finding] = findings(source)
    assert finding.message == "Partly unused suppression range: EP101 not reported in lines 1-3"
    assert finding.fix is None


def test_an_enable_shared_by_two_ranges_stays_when_one_of_them_is_removed() -> None:
    source = (
        "# elixir-perf:disable EP101\n"  # unused
        "# elixir-perf:disable EP102\n" + EMPTY_CHECK + "# elixir-perf:enable\n"  # used
    )
    [finding] = findings(source)
    assert finding.fix is not None
    assert apply_edits(source.encode(), finding.fix.edits).decode() == (
        "# elixir-perf:disable EP102\n" + EMPTY_CHECK + "# elixir-perf:enable\n"
    )
    assert findings(apply_edits(source.encode(), finding.fix.edits).decode()) == []


def test_an_enable_with_no_open_range_is_reported_and_removable() -> None:
    source = "x = 1\n# elixir-perf:enable EP102\n"
    [finding] = findings(source)
    assert finding.code == "EP001" and finding.fix is not None and finding.fix.is_safe
    assert apply_edits(source.encode(), finding.fix.edits) == b"x = 1\n"


def test_a_used_range_and_its_enable_are_not_reported() -> None:
    source = "# elixir-perf:disable EP102\n" + EMPTY_CHECK + "# elixir-perf:enable EP102\n"
    assert findings(source) == []


def test_ranges_for_rules_not_selected_are_not_called_unused() -> None:
    source = "# elixir-perf:disable EP102\nx = 1\n# elixir-perf:enable EP102\n"
    assert findings(source, "EP001") == []


def test_a_word_that_merely_starts_like_a_directive_is_an_ordinary_comment() -> None:
    source = "# elixir-perf:disabled EP102\n" + EMPTY_CHECK
    assert reported(source) == [("EP102", 2)]


def test_the_comments_written_for_actions_and_docs_parse_back() -> None:
    line = directive("next-line", ["EP102"], "tiny list")
    assert line == "# elixir-perf:disable-for-next-line EP102 -- tiny list"
    assert directive("this-file", ["EP102"]) == "# elixir-perf:disable-for-this-file EP102"
    assert reported(line + "\n" + EMPTY_CHECK) == []
    block = directive("range", ["EP102"], "why") + "\n" + EMPTY_CHECK + enable_directive(["EP102"])
    assert reported(block + "\n") == []


def test_a_partly_ended_range_reports_the_lines_of_its_unused_code() -> None:
    source = (
        "# elixir-perf:disable EP101 EP102\n"  # 1
        + EMPTY_CHECK  # 2: EP102 silenced
        + "# elixir-perf:enable EP101\n"  # 3: ends EP101 only
        + "x = 1\n"  # 4
    )
    [finding] = findings(source)
    assert finding.message == "Partly unused suppression range: EP101 not reported in lines 1-3"
    source = "# elixir-perf:disable EP101 EP102\n" + GUARD + "# elixir-perf:enable EP101\nx = 1\n"
    [finding] = findings(source)
    assert finding.message == (
        "Partly unused suppression range: EP102 not reported "
        "from line 1 to the end of the file (no `enable`)"
    )


def test_the_suppressions_iterate_as_the_disable_comments() -> None:
    # How `check --add-suppressions` finds lines already taken by a next-line comment.
    source = "# elixir-perf:disable-for-next-line EP102\nx = 1\n# elixir-perf:enable\n"
    found = find_suppressions(source.encode(), syntax.parse(source.encode()).root_node)
    assert [(s.scope, s.line) for s in found] == [("next-line", 1)]
    assert directive("next-line", []) == "# elixir-perf:disable-for-next-line"
