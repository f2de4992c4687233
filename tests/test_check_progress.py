"""`check`'s progress bar (stderr, terminals only) and its summary line."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from elixir_perf_lsp.commands.check import summary_line
from elixir_perf_lsp.engine.model import Applicability, Edit, Finding, Fix, Severity
from elixir_perf_lsp.output.records import locate

from .test_cli import run

pty = pytest.importorskip("pty")

GUARD = "defmodule A do\n  def f(items) when length(items) == 0, do: :empty\nend\n"
FILES = 25


def project(root: Path) -> Path:
    for i in range(FILES):
        (root / f"m{i:02}.ex").write_text(GUARD if i % 5 == 0 else "defmodule A do\nend\n")
    return root


def run_with_terminal_stderr(*args: str, cwd: Path) -> tuple[str, str, int]:
    """Run the CLI with stderr on a pseudo-terminal (80 columns); stdout to a file."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "elixir_perf_lsp", *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=slave,
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed its end
                break
            if not data:
                break
            chunks.append(data)
        code = proc.wait(timeout=120)
        os.close(master)
        out.seek(0)
        stdout = out.read().decode()
    return stdout, b"".join(chunks).decode("utf-8", "replace"), code


def test_bar_appears_on_a_terminal_and_is_replaced_by_the_summary(tmp_path: Path) -> None:
    stdout, terminal, code = run_with_terminal_stderr("check", ".", cwd=project(tmp_path))
    assert code == 1
    assert stdout.count("EP101") == FILES // 5
    assert "checking" in terminal
    assert f"/{FILES}" in terminal and "file" in terminal
    assert "\r" in terminal  # redrawn in place
    assert terminal.rstrip().endswith(
        f"{FILES} files checked: 5 information; 5 fixable with `--fix`."
    )


def test_no_progress_turns_the_bar_off_on_a_terminal(tmp_path: Path) -> None:
    _, terminal, _ = run_with_terminal_stderr("check", ".", "--no-progress", cwd=project(tmp_path))
    assert "checking" not in terminal
    assert terminal.strip() == f"{FILES} files checked: 5 information; 5 fixable with `--fix`."


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    result = run("check", ".", cwd=project(tmp_path))
    assert result.returncode == 1
    assert result.stderr == f"{FILES} files checked: 5 information; 5 fixable with `--fix`.\n"


def test_files_that_could_not_be_read_are_not_counted_as_checked(tmp_path: Path) -> None:
    (tmp_path / "a.ex").write_text("defmodule A do\nend\n", encoding="utf-8")
    (tmp_path / "bad.ex").write_bytes(b"\xff\xfe")
    result = run("check", "a.ex", "bad.ex", "missing.ex", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.endswith("\n1 file checked: no findings.\n"), result.stderr


def test_machine_formats_print_no_summary(tmp_path: Path) -> None:
    for fmt in ("json", "sarif", "github"):
        assert run("check", ".", "--format", fmt, cwd=project(tmp_path)).stderr == ""


def test_summary_after_fix_counts_what_was_fixed(tmp_path: Path) -> None:
    result = run("check", ".", "--fix", cwd=project(tmp_path))
    assert result.returncode == 0, result.stdout
    assert result.stderr == f"{FILES} files checked: no findings; 5 fixed.\n"


def _finding(severity: Severity, fix: Applicability | None = None) -> Finding:
    return Finding(
        "EP102",
        "expensive-empty-check",
        "m",
        0,
        1,
        severity,
        Fix("f", fix, (Edit(0, 1, "y"),)) if fix else None,
    )


def test_summary_line_groups_findings_by_severity() -> None:
    findings = [
        *(_finding(Severity.WARNING) for _ in range(3)),
        *(_finding(Severity.INFORMATION, Applicability.SAFE) for _ in range(5)),
        _finding(Severity.HINT, Applicability.UNSAFE),
    ]
    items = locate("a.ex", b"x\n", findings)
    assert summary_line(12, items) == (
        "12 files checked: 3 warnings, 5 information, 1 hint; 5 fixable with `--fix`; "
        "1 more with `--fix --unsafe-fixes`."
    )
    assert summary_line(12, items, unsafe_fixes=True).endswith(
        "; 6 fixable with `--fix --unsafe-fixes`."
    )
    one = locate("a.ex", b"x\n", [_finding(Severity.ERROR), _finding(Severity.HINT)])
    assert summary_line(1, one) == "1 file checked: 1 error, 1 hint."
    assert summary_line(0, []) == "0 files checked: no findings."
