"""Hostile input: byte soup, huge and deep files, broken paths. Never a crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elixir_perf_lsp.engine import analyze
from elixir_perf_lsp.engine.limits import MAX_BYTES, MAX_LINES
from tests.helpers import run_check

TOKENS = [
    "def",
    "defp",
    "defmodule",
    "do",
    "end",
    "fn",
    "->",
    "when",
    "|>",
    "++",
    "<>",
    "=",
    "==",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "%{",
    ",",
    ":",
    "&",
    "&1",
    "@",
    "~r/",
    "/",
    '"',
    "#{",
    "}",
    "Enum",
    ".",
    "map",
    "reduce",
    "filter",
    "find",
    "at",
    "count",
    "length",
    "String",
    "to_atom",
    "Regex",
    "compile!",
    "File",
    "write!",
    "Repo",
    "insert",
    "Task",
    "async",
    "await",
    "for",
    "<-",
    "reduce:",
    "acc",
    "x",
    "xs",
    "0",
    "1",
    "2",
    "\n",
    " ",
    "\r\n",
    "é",
    "😀",
    "\\",
    "'",
    "?",
    "!",
    "in",
    "not",
    "and",
    "or",
    "case",
    "if",
    "else",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=80).map(" ".join))
def test_no_rule_raises_on_elixir_ish_byte_soup(soup: str) -> None:
    result = analyze(soup.encode())
    assert result.rule_errors == []


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_do_not_crash_the_engine(data: bytes) -> None:
    assert analyze(data).rule_errors == []


def test_ten_thousand_deep_nesting_does_not_hit_the_recursion_limit() -> None:
    depth = 10_000
    for source in (
        "x = " + "[" * depth + "length(xs) == 0" + "]" * depth + "\n",
        "x = " + "fn a -> " * depth + "length(xs) == 0" + " end" * depth + "\n",
        "x = " + "(" * depth + "1" + ")" * depth + "\n",
    ):
        result = analyze(source.encode())
        assert result.rule_errors == []


def test_files_over_the_size_limit_are_skipped_with_a_reason() -> None:
    big = b"x = 1\n" * (MAX_BYTES // 6 + 10)
    result = analyze(big)
    assert result.findings == [] and result.skipped and "MB limit" in result.skipped
    many_lines = b"\n" * (MAX_LINES + 1)
    assert "line limit" in (analyze(many_lines).skipped or "")


GUARD = "def f(items) when length(items) == 0, do: :empty\n"


def test_a_ten_megabyte_file_is_skipped_visibly_and_others_still_checked(tmp_path: Path) -> None:
    (tmp_path / "huge.ex").write_bytes(b"x = length(xs) == 0\n" * 500_000)
    (tmp_path / "small.ex").write_text(GUARD)
    result = run_check(str(tmp_path))
    assert "huge.ex: not analysed" in result.stderr
    assert "small.ex:1:" in result.stdout
    assert result.returncode == 1


def test_a_hundred_thousand_line_function_is_skipped_visibly(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = length(xs) == 0" for i in range(100_000))
    (tmp_path / "long.ex").write_text(f"defmodule M do\n  def f(xs) do\n{body}\n  end\nend\n")
    result = run_check(str(tmp_path))
    assert "long.ex: not analysed" in result.stderr
    assert result.returncode == 0


def test_binary_and_nul_files_are_errors_and_the_rest_is_checked(tmp_path: Path) -> None:
    (tmp_path / "image.ex").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    (tmp_path / "nul.ex").write_bytes(b"x = 1\0\n")
    (tmp_path / "ok.ex").write_text(GUARD)
    result = run_check(str(tmp_path))
    assert result.returncode == 2
    assert "image.ex" in result.stderr and "nul.ex" in result.stderr
    assert "ok.ex:1:" in result.stdout


def test_symlink_loops_do_not_hang_or_crash(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.ex").write_text(GUARD)
    (tmp_path / "lib" / "loop").symlink_to(tmp_path / "lib")
    (tmp_path / "self.ex").symlink_to(tmp_path / "self.ex")
    result = run_check(str(tmp_path))
    assert "lib/a.ex:1:" in result.stdout
    explicit = run_check(str(tmp_path / "self.ex"), str(tmp_path / "lib" / "a.ex"))
    assert explicit.returncode == 2
    assert "self.ex" in explicit.stderr
    assert "a.ex:1:" in explicit.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_files_are_errors_and_the_rest_is_checked(tmp_path: Path) -> None:
    secret = tmp_path / "secret.ex"
    secret.write_text(GUARD)
    secret.chmod(0)
    (tmp_path / "ok.ex").write_text(GUARD)
    result = run_check(str(tmp_path))
    assert result.returncode == 2
    assert "secret.ex: cannot read" in result.stderr
    assert "ok.ex:1:" in result.stdout


def test_fix_never_writes_code_that_no_longer_parses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from elixir_perf_lsp import checker
    from elixir_perf_lsp.engine.fixes import fix_all as real_fix_all

    path = tmp_path / "a.ex"
    path.write_text(GUARD)

    def broken_fix_all(source: bytes, run, unsafe: bool = False):  # type: ignore[no-untyped-def]
        fixed, count = real_fix_all(source, run, unsafe)
        return fixed + b"fn ->", count

    monkeypatch.setattr(checker, "fix_all", broken_fix_all)
    result = checker.check_file(path, checker.CheckSettings(fix=True))
    assert path.read_text() == GUARD
    assert any("does not parse" in e for e in result.errors)


def test_fixes_in_crlf_files_keep_crlf_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "a.ex"
    source = (
        "defmodule A do\r\n  def emails(text) do\r\n"
        '    Regex.scan(Regex.compile!("[a-z]+@[a-z]+"), text)\r\n  end\r\nend\r\n'
    )
    path.write_bytes(source.encode())
    run_check("--fix", "--target-elixir", "1.14", "--target-otp", "25", str(path))
    fixed = path.read_bytes()
    assert fixed != source.encode(), "the EP301 fix inserts a line"
    assert b"\n" not in fixed.replace(b"\r\n", b"")
