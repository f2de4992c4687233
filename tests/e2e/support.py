"""Helpers shared by the editor end-to-end tests."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# The server from this checkout's environment, whatever is on PATH.
SERVER_CMD = [sys.executable, "-m", "elixir_perf_lsp", "serve"]

# Per editor run; each journey normally takes 2-5 s.
EDITOR_TIMEOUT_S = 60

# CI sets it to 1: a journey whose editor is missing then fails instead of skipping.
REQUIRE_EDITORS = "ELIXIR_PERF_REQUIRE_EDITORS"


def require_or_skip(missing: str | None) -> None:
    """Skip (locally) or fail (with ELIXIR_PERF_REQUIRE_EDITORS=1) when `missing` says why the
    editor cannot run; do nothing when it is None."""
    if missing is None:
        return
    if os.environ.get(REQUIRE_EDITORS) == "1":
        pytest.fail(f"{missing} ({REQUIRE_EDITORS}=1: every editor journey must run)")
    pytest.skip(missing)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def byte_len(text: str) -> int:
    return len(text.encode("utf-8"))


def columns(line: str, needle: str) -> dict[str, tuple[int, int]]:
    """Start/end columns of `needle` (which must occur once) in `line`, per unit."""
    assert line.count(needle) == 1, (line, needle)
    start = line.index(needle)
    prefix, through = line[:start], line[: start + len(needle)]
    return {
        "utf-16": (utf16_len(prefix), utf16_len(through)),
        "utf-8": (byte_len(prefix), byte_len(through)),
        "chars": (len(prefix), len(through)),
    }


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    # The server must come from this checkout even if the test runs from elsewhere.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("ELIXIR_PERF_LSP_CMD", None)
    return env


def run_editor(args: list[str], result: Path, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """Run an editor process that writes `result` (JSON); return the decoded result."""
    try:
        proc = subprocess.run(
            args,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=EDITOR_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(
            f"{args[0]} did not finish within {EDITOR_TIMEOUT_S} s\n"
            f"stdout: {exc.stdout!r}\nstderr: {exc.stderr!r}"
        ) from None
    output = f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert result.exists(), f"{args[0]} wrote no result file\n{output}"
    data: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    data["_output"] = output
    return data


@functools.cache
def eglot_missing() -> str | None:
    """Why the Eglot test cannot run, or None."""
    if shutil.which("emacs") is None:
        return "emacs not found on PATH"
    try:
        proc = subprocess.run(
            ["emacs", "--batch", "--eval", "(progn (package-initialize) (require 'eglot))"],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return "emacs --batch (require 'eglot) timed out"
    if proc.returncode != 0:
        return f"eglot not loadable after package-initialize: {proc.stderr.strip()[-300:]}"
    return None


@functools.cache
def nvim_version() -> tuple[int, int] | None:
    if shutil.which("nvim") is None:
        return None
    out = subprocess.run(["nvim", "--version"], capture_output=True, text=True, timeout=30).stdout
    first = out.splitlines()[0] if out else ""  # "NVIM v0.7.2"
    try:
        major, minor = first.split("v", 1)[1].split(".")[:2]
        return int(major), int(minor)
    except (IndexError, ValueError):
        return None
