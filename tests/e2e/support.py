"""Helpers shared by the editor end-to-end tests."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
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


def opt_into_every_rule(project: Path) -> None:
    """The journeys use opt-in rules with safe quick fixes (EP102, EP802), as a project
    that turned them on would (`select = ["ALL"]`)."""
    (project / ".elixir-perf.toml").write_text('select = ["ALL"]\n')


def require_or_skip(missing: str | None) -> None:
    """Skip (locally) or fail (with ELIXIR_PERF_REQUIRE_EDITORS=1) when `missing` says why the
    editor cannot run; do nothing when it is None."""
    if missing is None:
        return
    if os.environ.get(REQUIRE_EDITORS) == "1":
        pytest.fail(f"{missing} ({REQUIRE_EDITORS}=1: every editor journey must run)")
    pytest.skip(missing)


@dataclass(frozen=True)
class Chroot:
    """A Debian chroot built by .ci/editor-clients.sh, sharing /tmp, the checkout and the Python
    that runs the tests, so paths mean the same inside and out."""

    root: Path

    def command(self, args: Sequence[str], cwd: Path) -> list[str]:
        return ["chroot", str(self.root), "/bin/sh", "-c", 'cd "$0" && exec "$@"', str(cwd), *args]

    def has(self, path: str) -> bool:
        return (self.root / path.lstrip("/")).exists()


@functools.cache
def chroot(variable: str) -> Chroot | str:
    """The chroot named by environment `variable`, or why it cannot be used."""
    value = os.environ.get(variable)
    if not value:
        return f"{variable} is not set (.ci/editor-clients.sh builds the chroot and prints it)"
    found = Chroot(Path(value))
    if not found.has("/usr/bin/apt-get"):
        return f"{variable}={value} is not a Debian chroot"
    if os.geteuid() != 0:
        return "entering a chroot needs root"
    for needed in (str(ROOT / "pyproject.toml"), sys.executable, tempfile.gettempdir()):
        if not found.has(needed):
            return f"{needed} is not visible in {value}: run .ci/editor-clients.sh mount"
    return found


def in_chroot(variable: str, program: str) -> Chroot | str:
    """The chroot named by `variable` if it has /usr/bin/`program`, else why not."""
    found = chroot(variable)
    if isinstance(found, str):
        return found
    if not found.has(f"/usr/bin/{program}"):
        return f"{program} is not installed in {found.root}"
    return found


def server_on_path(bin_dir: Path) -> Path:
    """An `elixir-perf-lsp` executable in `bin_dir` running this checkout's server, so a shipped
    config (`cmd = elixir-perf-lsp serve`) starts it unchanged."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    exe = bin_dir / "elixir-perf-lsp"
    exe.write_text(
        f'#!/bin/sh\nexec "{sys.executable}" -m elixir_perf_lsp "$@"\n', encoding="utf-8"
    )
    exe.chmod(0o755)
    return exe


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
