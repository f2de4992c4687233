"""`check` flags and formats for adopting the tool (issue 18): statistics, fixes shown,
exit-code switches, output file, watch mode, the output formats, and help text."""

from __future__ import annotations

import argparse
import json
import queue
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from elixir_perf_lsp.cli import build_parser, main
from elixir_perf_lsp.commands.watch import CLEAR_SCREEN, stamps, watch

GUARD = "defmodule A do\n  def f(items) when length(items) == 0, do: :empty\nend\n"
# EP101 (safe fix), EP602 (no fix), EP102 (safe fix), in that order.
THREE = (
    "defmodule A do\n"
    "  def f(items) when length(items) == 0, do: :empty\n"
    "  def g(xs) do\n"
    "    Enum.map(xs, fn x -> Repo.get(User, x) end)\n"
    "  end\n"
    "  def h(items), do: length(items) == 0\n"
    "end\n"
)


def check(
    capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:  # (exit code, stdout, stderr)
    code = main(["check", "--no-progress", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with THREE in lib/a.ex and GUARD in lib/b.ex, run from its root."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.ex").write_text(THREE)
    (tmp_path / "lib" / "b.ex").write_text(GUARD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- help ---------------------------------------------------------------------------


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _parsers(sub)
    return found


def test_every_flag_and_argument_has_help() -> None:
    missing = [
        f"{p.prog}: {action.option_strings or action.dest}"
        for p in _parsers(build_parser())
        for action in p._actions
        if not action.help or action.help == argparse.SUPPRESS
    ]
    assert not missing, missing


def test_every_subcommand_has_help() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in sub._choices_actions}
    assert set(helps) == set(sub.choices)
    assert all(helps.values())


# --- formats ------------------------------------------------------------------------


def test_concise_is_the_default_and_text_its_alias(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    default = check(capsys, "lib")
    assert default == check(capsys, "lib", "--format", "concise")
    assert default == check(capsys, "lib", "--format", "text")
    assert default[1].splitlines()[0].startswith("lib/a.ex:2:21: EP101 ")


def test_full_shows_source_caret_and_fix_diff(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = check(capsys, "lib/a.ex", "--format", "full")
    assert code == 1
    blocks = out.split("\n\n")
    guard, query, empty = blocks
    assert guard.splitlines()[:6] == [
        "lib/a.ex:2:21: EP101 `length(items) == 0` walks the whole list on every call; "
        "match `[]` instead [*]",
        "  |",
        "1 | defmodule A do",
        "2 |   def f(items) when length(items) == 0, do: :empty",
        "  |                     ^^^^^^^^^^^^^^^^^^ EP101",
        "3 |   def g(xs) do",
    ]
    assert "  = help: Match `[]` in the function head (safe fix)" in guard
    assert guard.splitlines()[-2:] == [
        "    2 -  def f(items) when length(items) == 0, do: :empty",
        "    2 +  def f([]), do: :empty",
    ]
    assert "= help" not in query  # EP602 has no fix
    assert "^^^^^^^^^^^^^^^^^ EP602" in query
    assert empty.splitlines()[3] == "6 |   def h(items), do: length(items) == 0"


def test_full_caret_keeps_tabs_and_counts_code_points(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.ex").write_text('\tx = {"é", length(xs) == 0}\n')
    _, out, _ = check(capsys, str(tmp_path / "a.ex"), "--format", "full")
    line, caret = out.splitlines()[2:4]
    assert line == '1 | \tx = {"é", length(xs) == 0}'
    assert caret == "  | \t          ^^^^^^^^^^^^^^^ EP102"


def test_grouped_puts_findings_under_their_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = check(capsys, "lib", "--format", "grouped")
    assert out.splitlines()[:5] == [
        "lib/a.ex:",
        "  2:21 EP101 `length(items) == 0` walks the whole list on every call; "
        "match `[]` instead [*]",
        "  4:26 EP602 `Repo.get` runs one query per element of `Enum.map` (N+1); load "
        "everything in one query (`where: x.id in ^ids`, a `join`, or `preload` the "
        "association on the list) and look rows up in a map",
        "  6:21 EP102 `length(items) == 0` walks the whole list to test emptiness; "
        "use `items == []` [*]",
        "",
    ]
    assert out.splitlines()[5] == "lib/b.ex:"


def test_json_lines_is_the_json_array_one_object_per_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lines, _ = check(capsys, "lib", "--format", "json-lines")
    _, array, _ = check(capsys, "lib", "--format", "json")
    assert [json.loads(line) for line in lines.splitlines()] == json.loads(array)
    assert len(lines.splitlines()) == 4


def test_junit_parses_with_a_failure_per_finding(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, err = check(capsys, "lib", "--format", "junit")
    assert err == ""  # no summary line in a machine format
    root = ET.fromstring(out.encode())
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("4", "4")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["lib/a.ex", "lib/b.ex"]
    cases = suites[0].findall("testcase")
    assert [c.get("name") for c in cases] == [
        "elixir-perf-lsp.EP101",
        "elixir-perf-lsp.EP602",
        "elixir-perf-lsp.EP102",
    ]
    assert (cases[0].get("line"), cases[0].get("column")) == ("2", "21")
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "EP101"


def test_junit_of_a_clean_run_is_one_passing_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.ex").write_text("x = 1\n")
    code, out, _ = check(capsys, str(tmp_path), "--format", "junit")
    assert code == 0
    root = ET.fromstring(out.encode())
    assert root.get("failures") == "0"
    assert [c.get("name") for c in root.iter("testcase")] == ["No findings"]
    assert root.find(".//failure") is None


# GitLab's documented Code Quality format (docs.gitlab.com/ci/testing/code_quality,
# "Code Quality report format"): the fields GitLab reads, written down as a schema.
GITLAB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^[^/]"},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def test_gitlab_report_follows_the_code_quality_format(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    _, out, _ = check(capsys, "lib", "--format", "gitlab")
    report = json.loads(out)
    jsonschema.validate(report, GITLAB_SCHEMA)
    assert [(r["check_name"], r["severity"], r["location"]["lines"]["begin"]) for r in report] == [
        ("EP101", "minor", 2),
        ("EP602", "major", 4),
        ("EP102", "minor", 6),
        ("EP101", "minor", 2),
    ]
    assert report[0]["location"]["path"] == "lib/a.ex"


def test_gitlab_schema_rejects_a_report_without_fingerprint() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    bad = [{"description": "d", "check_name": "c", "severity": "minor", "location": {}}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, GITLAB_SCHEMA)


def test_gitlab_fingerprints_are_unique_stable_and_survive_a_line_shift(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twins = "def a(x), do: length(x) == 0\ndef b(x), do: length(x) == 0\n"
    (project / "lib" / "c.ex").write_text(twins)

    def fingerprints() -> list[str]:
        return [r["fingerprint"] for r in json.loads(check(capsys, "lib", "--format", "gitlab")[1])]

    first = fingerprints()
    assert len(set(first)) == len(first) == 6  # identical findings in c.ex differ too
    assert fingerprints() == first
    (project / "lib" / "c.ex").write_text("# a comment moves both down a line\n" + twins)
    assert fingerprints() == first


def test_absolute_paths_are_reported_relative_to_the_checkout(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = check(capsys, str(project / "lib" / "b.ex"), "--format", "gitlab")
    assert json.loads(out)[0]["location"]["path"] == "lib/b.ex"


# --- statistics, fixes, exit codes, output file ---------------------------------------


def test_statistics_count_per_rule_with_fixable_counts(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = check(capsys, "lib", "--statistics")
    assert code == 1
    assert out.splitlines() == [
        "2  EP101  length-in-guard        2 fixable",
        "1  EP102  expensive-empty-check  1 fixable",
        "1  EP602  repo-read-in-loop",
    ]
    _, data, _ = check(capsys, "lib", "--statistics", "--format", "json")
    assert json.loads(data)[2] == {
        "code": "EP602",
        "name": "repo-read-in-loop",
        "count": 1,
        "fixable": 0,
    }
    _, lines, _ = check(capsys, "lib", "--statistics", "--format", "json-lines")
    assert [json.loads(line) for line in lines.splitlines()] == json.loads(data)


def test_statistics_count_unsafe_fixes_only_with_unsafe_fixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.ex").write_text("def f(items) when length(items) > 0, do: items\n")
    assert check(capsys, str(tmp_path), "--statistics")[1].endswith("length-in-guard\n")
    out = check(capsys, str(tmp_path), "--statistics", "--unsafe-fixes")[1]
    assert out.endswith("length-in-guard  1 fixable\n")


def test_show_fixes_lists_what_fix_applied(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = check(capsys, "lib", "--fix", "--show-fixes")
    assert code == 1  # EP602 is left
    assert (
        "Fixed: 3 findings\n- lib/a.ex:\n    1 x EP101 (length-in-guard)\n"
        "    1 x EP102 (expensive-empty-check)\n- lib/b.ex:\n    1 x EP101 (length-in-guard)\n"
    ) in err


def test_show_fixes_with_diff_and_alone_change_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, err = check(capsys, "lib/b.ex", "--diff", "--show-fixes")
    assert "Would fix: 1 finding\n- lib/b.ex:\n    1 x EP101 (length-in-guard)\n" in err
    _, _, err = check(capsys, "lib/a.ex", "--show-fixes")
    assert "Fixable with `--fix`: 2 findings\n- lib/a.ex:\n" in err
    assert (project / "lib" / "b.ex").read_text() == GUARD


def test_exit_zero_keeps_findings_but_not_errors(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = check(capsys, "lib", "--exit-zero")
    assert code == 0 and "EP101" in out
    assert check(capsys, "lib", "missing.ex", "--exit-zero")[0] == 2


def test_exit_non_zero_on_fix(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "lib" / "b.ex"
    assert check(capsys, str(path), "--fix", "--exit-non-zero-on-fix")[0] == 1
    assert path.read_text() == "defmodule A do\n  def f([]), do: :empty\nend\n"
    # Nothing left to fix: clean again.
    assert check(capsys, str(path), "--fix", "--exit-non-zero-on-fix")[0] == 0
    path.write_text(GUARD)
    assert check(capsys, str(path), "--fix")[0] == 0  # without the flag, as before


def test_exit_flags_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "--exit-zero", "--exit-non-zero-on-fix"])
    assert exc.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_output_file_takes_the_report(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys, "lib", "--format", "json", "--output-file", "report.json")
    assert (code, out) == (1, "")
    assert len(json.loads((project / "report.json").read_text())) == 4
    code, out, err = check(capsys, "lib", "--output-file", "no/such/dir/r.txt")
    assert code == 2 and "cannot write no/such/dir/r.txt" in err


# --- watch --------------------------------------------------------------------------


def test_watch_runs_again_after_a_change(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "lib" / "b.ex"
    runs: list[int] = []

    def run_once() -> int:
        runs.append(main(["check", "--no-progress", "lib/b.ex"]))
        return runs[-1]

    def sleep(_seconds: float) -> None:  # the user edits the file while we wait
        path.write_text("defmodule A do\n  def f([]), do: :empty\nend\n")

    code = watch(run_once, lambda: stamps([path]), max_runs=2, sleep=sleep)
    assert runs == [1, 0] and code == 0
    out = capsys.readouterr().out
    assert out.count(CLEAR_SCREEN) == 2
    assert out.index("EP101") < out.rindex(CLEAR_SCREEN)  # the second screen is clean


def test_watch_in_a_real_process_sees_an_edit_and_stops_on_ctrl_c(project: Path) -> None:
    path = project / "lib" / "b.ex"
    path.write_text("defmodule A do\n  def f([]), do: :empty\nend\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "elixir_perf_lsp", "check", "--watch", "lib/b.ex"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    # Read stderr in a thread, so a hung watcher fails the test instead of blocking it.
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr or ()]).start()

    def wait_for_watching() -> None:
        while "watching for changes" not in lines.get(timeout=60):
            pass

    try:
        wait_for_watching()
        time.sleep(0.05)  # a new mtime even on coarse-grained file systems
        path.write_text(GUARD)
        wait_for_watching()
        proc.send_signal(signal.SIGINT)
        out = proc.stdout.read() if proc.stdout else ""
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert out.count(CLEAR_SCREEN) == 2
    assert "lib/b.ex:2:21: EP101" in out.split(CLEAR_SCREEN)[2]


@pytest.mark.parametrize(
    "flags", [["--watch", "--add-suppressions"], ["--watch", "--stdin-filename", "a.ex"]]
)
def test_watch_refuses_what_it_cannot_do(
    flags: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(capsys, *flags)[0] == 2


def test_watch_sees_elixir_files_and_project_files(project: Path) -> None:
    from elixir_perf_lsp.commands.watch import project_files

    (project / "deps" / "dep").mkdir(parents=True)
    (project / "deps" / "dep" / "x.ex").write_text("x = 1\n")
    (project / "lib" / "notes.txt").write_text("not Elixir\n")
    extra = project_files(["lib"], None)
    assert [p.name for p in extra] == [".elixir-perf.toml"]
    assert set(stamps(["lib"], extra)) == {
        str(Path("lib/a.ex")),
        str(Path("lib/b.ex")),
        str(project / ".elixir-perf.toml"),
    }
    assert set(stamps(["."])) == {str(Path("lib/a.ex")), str(Path("lib/b.ex"))}  # not deps/
    assert set(stamps(["lib/b.ex"])) == {"lib/b.ex"}


def test_full_shows_a_multi_line_fix_and_no_line_past_the_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "m.ex").write_text("x = [1] |> Enum.filter(&(&1 > 0))\n  |> Enum.map(&(&1 * 2))\n")
    _, out, _ = check(capsys, str(tmp_path / "m.ex"), "--format", "full", "--select", "EP501")
    assert out.splitlines()[1:] == [
        "  |",
        "1 | x = [1] |> Enum.filter(&(&1 > 0))",
        "  |            ^^^^^^^^^^^^^^^^^^^^^^ EP501",
        "2 |   |> Enum.map(&(&1 * 2))",
        "  |",
        "  = help: Replace with a `for` comprehension (safe fix)",
        "    1 -x = [1] |> Enum.filter(&(&1 > 0))",
        "    2 -  |> Enum.map(&(&1 * 2))",
        "    1 +x = for x <- [1], x > 0, do: x * 2",
    ]


def test_full_caret_gives_wide_characters_two_cells(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.ex").write_text('x = {"😀日", length(xs) == 0}\n')
    _, out, _ = check(capsys, str(tmp_path / "a.ex"), "--format", "full")
    line, caret = out.splitlines()[2:4]
    assert line == '1 | x = {"😀日", length(xs) == 0}'
    # "x = {" 5 cells, the quoted string 6 (two wide characters), ", " 2.
    assert caret == "  | " + " " * 13 + "^" * 15 + " EP102"
