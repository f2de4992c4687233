"""Hostile inputs for `check` (issue 20: files, `--fix`, launch, config).

Each case builds a small tree in a temporary directory, runs the CLI as users do
(`sys.executable -m elixir_perf_lsp check ...`, from inside that tree), and
checks the outcome. Prints, per case: seconds, the CLI's peak RSS, exit code and
whether the outcome is the expected one.

    python benchmarks/hostile_cli.py

`run_cases()` returns the same rows for a caller (benchmarks/hostile.py).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GUARD = "def f(items) when length(items) == 0, do: :empty\n"
FIXED = "def f([]), do: :empty\n"
TIMEOUT_S = 120
# Runs the CLI and reports its peak RSS (KB on Linux): ru_maxrss of waited children.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:], stdin=open(sys.argv[1], 'rb') if sys.argv[1] else subprocess.DEVNULL,"
    " stdout=subprocess.DEVNULL, stderr=open('stderr.txt', 'wb'))\n"
    "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


@dataclass(frozen=True)
class Run:
    code: int
    stderr: str
    seconds: float
    peak_mb: float


@dataclass(frozen=True)
class Case:
    name: str
    # Builds the tree in the directory given; returns (check arguments, stdin file or "").
    setup: Callable[[Path], tuple[list[str], str]]
    # The expected outcome, given the tree and the run: None, or what went wrong.
    verdict: Callable[[Path, Run], str | None]


@dataclass(frozen=True)
class Row:
    name: str
    seconds: float
    peak_mb: float
    code: int
    problem: str | None


def _write(root: Path, name: str, text: str = GUARD) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _expect(condition: bool, problem: str) -> str | None:
    return None if condition else problem


def _fifo(root: Path) -> tuple[list[str], str]:
    _write(root, "ok.ex")
    os.mkfifo(root / "x.ex")
    return ["."], ""


def _dev_zero(root: Path) -> tuple[list[str], str]:
    (root / "zero.ex").symlink_to("/dev/zero")
    return ["."], ""


def _sparse(root: Path) -> tuple[list[str], str]:
    with (root / "huge.ex").open("wb") as handle:
        handle.truncate(8 * 1024**3)
    return ["."], ""


def _stdin_zero(root: Path) -> tuple[list[str], str]:
    return ["--stdin-filename", "a.ex"], "/dev/zero"


def _read_only(root: Path) -> tuple[list[str], str]:
    _write(root, "a.ex").chmod(0o444)
    return ["--fix", "."], ""


def _hard_link(root: Path) -> tuple[list[str], str]:
    os.link(_write(root, "a.ex"), root / "other.txt")
    return ["--fix", "a.ex"], ""


def _symlink_out(root: Path) -> tuple[list[str], str]:
    outside = _write(root.parent / f"{root.name}-outside", "o.ex")
    (root / "lib").mkdir()
    (root / "lib" / "o.ex").symlink_to(outside)
    return ["--fix", "lib"], ""


def _owner(root: Path) -> tuple[list[str], str]:
    os.chown(_write(root, "a.ex"), 65534, 65534)
    return ["--fix", "a.ex"], ""


def _deep_toml(root: Path) -> tuple[list[str], str]:
    _write(root, ".elixir-perf.toml", "exclude = " + "[" * 5000 + "]" * 5000 + "\n")
    _write(root, "a.ex")
    return ["."], ""


def _bad_config_many_files(root: Path) -> tuple[list[str], str]:
    _write(root, ".elixir-perf.toml", "bogus = 1\n")
    for i in range(50):
        _write(root, f"lib/f{i}.ex")
    return ["."], ""


def _many_excludes(root: Path) -> tuple[list[str], str]:
    globs = [f"lib/generated_{i}/**" for i in range(20_000)]
    _write(root, ".elixir-perf.toml", f'select = ["ALL"]\nexclude = {json.dumps(globs)}\n')
    for i in range(30):
        _write(root, f"lib/f{i}.ex")
    return ["."], ""


def _planted_module(root: Path) -> tuple[list[str], str]:
    _write(root, "cattrs.py", "open('planted.ran', 'w')\n")
    _write(root, "argparse.py", "open('planted.ran', 'w')\n")
    _write(root, "a.ex")
    return ["a.ex"], ""


CASES = [
    Case("FIFO named x.ex", _fifo, lambda r, run: _expect(run.code == 2, "expected exit 2")),
    Case("x.ex -> /dev/zero", _dev_zero, lambda r, run: _expect(run.code == 2, "expected exit 2")),
    Case("8 GB sparse x.ex", _sparse, lambda r, run: _expect(run.code == 0, "expected exit 0")),
    Case("stdin from /dev/zero", _stdin_zero, lambda r, run: _expect(run.code == 0, "exit 0")),
    Case(
        "--fix on a 0444 file",
        _read_only,
        lambda r, run: _expect((r / "a.ex").read_text() == GUARD, "read-only file was rewritten"),
    ),
    Case(
        "--fix on a hard-linked file",
        _hard_link,
        lambda r, run: _expect((r / "other.txt").read_text() == FIXED, "hard link split"),
    ),
    Case(
        "--fix through a symlink leaving the tree",
        _symlink_out,
        lambda r, run: _expect(
            (r.parent / f"{r.name}-outside" / "o.ex").read_text() == GUARD,
            "file outside the tree rewritten",
        ),
    ),
    Case(
        "--fix as root on another user's file",
        _owner,
        lambda r, run: _expect((r / "a.ex").stat().st_uid == 65534, "owner changed"),
    ),
    Case(
        "TOML nested 5000 deep",
        _deep_toml,
        lambda r, run: _expect(run.code == 2 and "Traceback" not in run.stderr, "traceback"),
    ),
    Case(
        "bad config, 50 files",
        _bad_config_many_files,
        lambda r, run: _expect(run.stderr.count("unknown key") == 1, "error not reported once"),
    ),
    Case(
        "20,000 exclude globs, 30 files",
        _many_excludes,
        lambda r, run: _expect(run.code == 1, "expected findings"),
    ),
    Case(
        "python -m in a tree with cattrs.py",
        _planted_module,
        lambda r, run: _expect(not (r / "planted.ran").exists(), "planted module ran"),
    ),
]


def run_case(case: Case, workdir: Path) -> Row:
    root = workdir / case.name.replace(" ", "_").replace("/", "_")
    root.mkdir(parents=True)
    # The sample footguns belong to opt-in rules; a case may write its own config over this.
    (root / ".elixir-perf.toml").write_text('select = ["ALL"]\n')
    if case.setup is _owner and os.geteuid() != 0:
        return Row(case.name, 0.0, 0.0, 0, None)  # needs root to chown; nothing to show
    args, stdin = case.setup(root)
    command = [sys.executable, "-m", "elixir_perf_lsp", "check", "--no-progress", *args]
    start = time.perf_counter()
    # A session of its own, so a hung CLI is killed with the wrapper that waits for it.
    with subprocess.Popen(
        [sys.executable, "-c", _MEASURE, stdin, *command],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as wrapper:
        try:
            out = wrapper.communicate(timeout=TIMEOUT_S)[0].split()
        except subprocess.TimeoutExpired:
            os.killpg(wrapper.pid, signal.SIGKILL)
            wrapper.communicate()
            return Row(case.name, TIMEOUT_S, 0.0, -1, f"no result in {TIMEOUT_S} s")
    seconds = time.perf_counter() - start
    stderr = (root / "stderr.txt").read_text(errors="replace")
    run = Run(int(out[0]), stderr, seconds, int(out[1]) / 1024)
    return Row(case.name, seconds, run.peak_mb, run.code, case.verdict(root, run))


def lost_saves(rounds: int = 10) -> tuple[int, int]:
    """(rounds, saves lost): each round starts `check --fix` on a file that takes a
    while to analyse and saves a new version of it at a random moment meanwhile.
    Afterwards the file must hold that version, fixed or not; the fix of the older
    version means the save was overwritten."""
    body = "".join(f"  def f{i}(xs) when length(xs) == 0, do: :empty\n" for i in range(1500))
    lost = 0
    rng = random.Random(20)
    with tempfile.TemporaryDirectory(prefix="hostile-save-") as tmp:
        path = Path(tmp) / "a.ex"
        for k in range(rounds):
            old = f"defmodule A do\n{body}end\n# version {k}\n"
            new = old.replace(f"# version {k}", f"# version {k}, saved during the fix")
            path.write_text(old)
            cli = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "elixir_perf_lsp",
                    "check",
                    "--select",
                    "ALL",
                    "--fix",
                    "--no-progress",
                    "a.ex",
                ],
                cwd=tmp,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(0.2, 1.5))
            path.write_text(new)
            cli.wait(timeout=TIMEOUT_S)
            text = path.read_text()
            lost += "saved during the fix" not in text
    return rounds, lost


def run_cases() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="hostile-cli-") as tmp:
        return [run_case(case, Path(tmp)) for case in CASES]


def main() -> int:
    rows = run_cases()
    width = max(len(r.name) for r in rows)
    print(f"{'case':<{width}}  {'s':>6}  {'peak MB':>8}  exit  outcome")
    for r in rows:
        outcome = "ok" if r.problem is None else f"FAIL: {r.problem}"
        print(f"{r.name:<{width}}  {r.seconds:6.2f}  {r.peak_mb:8.1f}  {r.code:>4}  {outcome}")
    rounds, lost = lost_saves()
    print(f"saves made during `check --fix`: {rounds}, lost: {lost}")
    return 1 if lost or any(r.problem for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
