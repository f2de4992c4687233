"""The CLI contract (architecture §3.1, §3.2): output, exit codes, fixing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUARD = "defmodule A do\n  def f(items) when length(items) == 0, do: :empty\nend\n"


def run(
    *args: str, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "elixir_perf_lsp", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_examples_as_json_follows_the_schema_and_exits_1() -> None:
    result = run("check", "examples", "--format", "json", cwd=ROOT)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data, "examples are full of footguns"
    keys = {
        "filename",
        "code",
        "name",
        "message",
        "severity",
        "location",
        "end_location",
        "fix",
        "url",
    }
    for item in data:
        assert set(item) == keys
        assert item["severity"] in {"error", "warning", "information", "hint"}
        assert set(item["location"]) == {"row", "column"}
        if item["fix"] is not None:
            assert item["fix"]["applicability"] in {"safe", "unsafe"}
            for e in item["fix"]["edits"]:
                assert set(e) == {"content", "location", "end_location"}
    order = [(d["filename"], d["location"]["row"], d["location"]["column"]) for d in data]
    assert order == sorted(order)


def test_clean_file_exits_0(tmp_path: Path) -> None:
    (tmp_path / "a.ex").write_text("defmodule A do\n  def f([]), do: :empty\nend\n")
    result = run("check", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_unreadable_input_exits_2_and_other_files_are_still_checked(tmp_path: Path) -> None:
    (tmp_path / "bad.ex").write_bytes(b"defmodule A do \xff\xfe end")
    (tmp_path / "good.ex").write_text(GUARD)
    result = run("check", str(tmp_path), str(tmp_path / "missing.ex"))
    assert result.returncode == 2
    assert "bad.ex: invalid UTF-8" in result.stderr
    assert "missing.ex: no such file" in result.stderr
    assert "good.ex:2:21: EP101" in result.stdout


def test_columns_count_code_points(tmp_path: Path) -> None:
    (tmp_path / "a.ex").write_text('x = {"😀é", length(xs) == 0}\n')
    data = json.loads(run("check", str(tmp_path), "--format", "json").stdout)
    assert data[0]["location"] == {"row": 1, "column": 12}


def test_text_output_marks_safe_fixes(tmp_path: Path) -> None:
    (tmp_path / "a.ex").write_text(GUARD)
    out = run("check", str(tmp_path / "a.ex")).stdout
    assert out == (
        f"{tmp_path / 'a.ex'}:2:21: EP101 `length(items) == 0` walks the whole list on every call; "
        "match `[]` instead [*]\n"
    )


def test_fix_rewrites_the_file_and_exits_0_when_nothing_is_left(tmp_path: Path) -> None:
    path = tmp_path / "a.ex"
    path.write_text(GUARD)
    result = run("check", "--fix", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert path.read_text() == "defmodule A do\n  def f([]), do: :empty\nend\n"


def test_fix_is_idempotent_and_keeps_crlf_and_mode(tmp_path: Path) -> None:
    path = tmp_path / "a.ex"
    path.write_bytes(GUARD.replace("\n", "\r\n").encode())
    path.chmod(0o640)
    run("check", "--fix", str(path))
    first = path.read_bytes()
    run("check", "--fix", str(path))
    assert path.read_bytes() == first
    assert first == b"defmodule A do\r\n  def f([]), do: :empty\r\nend\r\n"
    assert path.stat().st_mode & 0o777 == 0o640


def test_unsafe_fixes_are_applied_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "a.ex"
    source = "def f(items) when length(items) > 0, do: items\n"
    path.write_text(source)
    assert run("check", "--fix", str(path)).returncode == 1
    assert path.read_text() == source
    assert run("check", "--fix", "--unsafe-fixes", str(path)).returncode == 0
    assert path.read_text() == "def f([_ | _] = items), do: items\n"


def test_diff_prints_the_fix_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.ex"
    path.write_text(GUARD)
    result = run("check", "--diff", str(path))
    assert result.returncode == 1
    assert "-  def f(items) when length(items) == 0, do: :empty" in result.stdout
    assert "+  def f([]), do: :empty" in result.stdout
    assert path.read_text() == GUARD


def test_select_and_ignore_take_prefixes(tmp_path: Path) -> None:
    (tmp_path / "a.ex").write_text(GUARD + "x = length(ys) == 0\n")

    def codes(*extra: str) -> list[str]:
        out = run("check", str(tmp_path), "--format", "json", *extra).stdout
        return [d["code"] for d in json.loads(out)]

    assert codes("--select", "EP102") == ["EP102"]
    assert codes("--ignore", "EP10") == []
    assert codes("--select", "ALL", "--ignore", "EP101") == ["EP102"]
    # Both are opt-in rules: a prefix never turns those on, only their code or ALL.
    assert codes("--select", "EP1") == []


def test_unknown_code_in_select_is_a_usage_error() -> None:
    result = run("check", "--select", "EP999", "examples", cwd=ROOT)
    assert result.returncode == 2
    assert "EP999" in result.stderr


def test_stdin_is_checked_under_the_given_name() -> None:
    result = run(
        "check", "--select", "ALL", "--stdin-filename", "lib/a.ex", "--format", "json", stdin=GUARD
    )
    data = json.loads(result.stdout)
    assert [(d["filename"], d["code"]) for d in data] == [("lib/a.ex", "EP101")]


def test_stdin_fix_prints_the_fixed_source() -> None:
    result = run("check", "--select", "ALL", "--fix", "--stdin-filename", "a.ex", stdin=GUARD)
    assert result.stdout == "defmodule A do\n  def f([]), do: :empty\nend\n"


def test_deps_and_build_are_always_excluded(tmp_path: Path) -> None:
    for folder in ("deps/x", "_build/dev", ".elixir_ls"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "a.ex").write_text(GUARD)
    assert run("check", str(tmp_path)).returncode == 0


def test_config_file_errors_name_file_line_and_key(tmp_path: Path) -> None:
    (tmp_path / ".elixir-perf.toml").write_text('select = ["EP1"]\nbogus = 1\n')
    (tmp_path / "a.ex").write_text(GUARD)
    result = run("check", str(tmp_path))
    assert result.returncode == 2
    assert f"{tmp_path / '.elixir-perf.toml'}:2: `bogus`: unknown key" in result.stderr


def test_config_file_ignore_and_severity_apply(tmp_path: Path) -> None:
    (tmp_path / ".elixir-perf.toml").write_text(
        'select = ["ALL"]\nignore = ["EP102"]\n[severity]\nEP101 = "warning"\n'
    )
    (tmp_path / "a.ex").write_text(GUARD + "x = length(ys) == 0\n")
    data = json.loads(run("check", str(tmp_path), "--format", "json").stdout)
    assert [(d["code"], d["severity"]) for d in data] == [("EP101", "warning")]


def test_config_excludes_apply_to_discovered_files(tmp_path: Path) -> None:
    (tmp_path / ".elixir-perf.toml").write_text('exclude = ["lib/generated/**"]\n')
    (tmp_path / "lib/generated").mkdir(parents=True)
    (tmp_path / "lib/generated/a.ex").write_text(GUARD)
    assert run("check", str(tmp_path)).returncode == 0


def test_rules_lists_every_rule_as_json() -> None:
    data = json.loads(run("rules", "--format", "json").stdout)
    assert {"code", "name", "severity", "fix", "summary"} <= set(data[0])
    assert [d["code"] for d in data] == sorted(d["code"] for d in data)


@pytest.mark.parametrize("key", ["EP101", "length-in-guard", "ep101"])
def test_explain_accepts_codes_and_names(key: str) -> None:
    result = run("explain", key)
    assert result.returncode == 0
    assert result.stdout.startswith("# length-in-guard (EP101)")
    assert "## Fix safety" in result.stdout


def test_explain_unknown_rule_exits_2() -> None:
    assert run("explain", "nope").returncode == 2


def test_version() -> None:
    from elixir_perf_lsp import __version__

    assert run("--version").stdout.strip() == f"elixir-perf-lsp {__version__}"


def test_force_exclude_applies_config_excludes_to_named_files(tmp_path: Path) -> None:
    (tmp_path / ".elixir-perf.toml").write_text('select = ["ALL"]\nexclude = ["gen/**"]\n')
    (tmp_path / "gen").mkdir()
    named = tmp_path / "gen" / "a.ex"
    named.write_text(GUARD)
    assert run("check", str(named)).returncode == 1  # named files are checked as given
    assert run("check", "--force-exclude", str(named)).returncode == 0


def test_force_exclude_applies_config_excludes_to_the_stdin_filename(tmp_path: Path) -> None:
    # Editors pipe the buffer with --stdin-filename and --force-exclude, as with ruff.
    (tmp_path / ".elixir-perf.toml").write_text('select = ["ALL"]\nexclude = ["gen/**"]\n')
    name = str(tmp_path / "gen" / "a.ex")
    assert run("check", "--stdin-filename", name, stdin=GUARD).returncode == 1
    excluded = run("check", "--force-exclude", "--stdin-filename", name, stdin=GUARD)
    assert (excluded.returncode, excluded.stdout) == (0, "")
    fixed = run("check", "--fix", "--force-exclude", "--stdin-filename", name, stdin=GUARD)
    assert (fixed.returncode, fixed.stdout) == (0, GUARD)  # passed through unchanged


def test_a_bad_severity_names_its_own_line(tmp_path: Path) -> None:
    (tmp_path / ".elixir-perf.toml").write_text(
        'select = ["EP"]\n\n[severity]\nEP101 = "warning"\nEP102 = "loud"\n'
    )
    (tmp_path / "a.ex").write_text(GUARD)
    result = run("check", str(tmp_path))
    assert result.returncode == 2
    assert f"{tmp_path / '.elixir-perf.toml'}:5: `severity.EP102`:" in result.stderr
