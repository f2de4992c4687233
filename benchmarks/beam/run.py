#!/usr/bin/env python3
"""Run the BEAM benchmarks in this directory and print their tables.

Each ``<rule-name>.exs`` script compares a rule's footgun with its fix on the real
BEAM and prints Markdown tables. This runner runs them one after another (never in
parallel: they time things) with ``elixir`` and passes their output through.

    python benchmarks/beam/run.py                     # every script
    python benchmarks/beam/run.py EP103 filter-then-map not_flagged
    python benchmarks/beam/run.py --full EP103        # include the slow sizes
    python benchmarks/beam/run.py --repeat 3          # per-cell median of 3 runs
    python benchmarks/beam/run.py --list

With ``--repeat N`` each script runs N times and its tables are printed once, every
time (and memory) cell being the median of the N runs and every ``ratio`` column
recomputed from those medians: on a machine shared with other work this smooths out
bursts of load that a single run's internal median cannot.

Exit status: 0 when every script ran, 1 when one failed, 2 on a usage error or
when ``elixir`` cannot be found.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
HELPER = "bench_helper.exs"
_HEADER = re.compile(r"^#\s*(?P<code>EP\d{3}|[\w-]+)[\s:]+(?P<title>.*)$")


@dataclass(frozen=True)
class Script:
    path: Path
    code: str
    title: str

    @property
    def name(self) -> str:
        return self.path.stem

    def matches(self, wanted: str) -> bool:
        key = wanted.lower().removesuffix(".exs").replace("_", "-")
        return key in {self.name.replace("_", "-").lower(), self.code.lower()}


def discover(directory: Path = HERE) -> list[Script]:
    """Every benchmark script in `directory` (the shared helper excluded), by name."""
    scripts = []
    for path in sorted(directory.glob("*.exs")):
        if path.name == HELPER:
            continue
        first = path.read_text(encoding="utf-8").splitlines()[:1]
        match = _HEADER.match(first[0]) if first else None
        code = match["code"] if match else path.stem
        title = match["title"].strip() if match else ""
        scripts.append(Script(path, code, title))
    return scripts


def select(scripts: list[Script], wanted: list[str]) -> list[Script]:
    """The scripts named by `wanted` (file stem, rule name or code), in the given order."""
    if not wanted:
        return scripts
    chosen: list[Script] = []
    unknown = []
    for item in wanted:
        hits = [s for s in scripts if s.matches(item)]
        if not hits:
            unknown.append(item)
        chosen.extend(h for h in hits if h not in chosen)
    if unknown:
        raise LookupError(f"no benchmark named {', '.join(unknown)} (see --list)")
    return chosen


def find_elixir(explicit: str | None) -> str | None:
    """Path of the `elixir` executable, or None (after saying how to get one)."""
    wanted = explicit or "elixir"
    exe = shutil.which(wanted)
    if exe is None:
        print(
            f"run.py: `{wanted}` was not found on PATH. These benchmarks need a real BEAM: "
            "install Elixir (e.g. `apt-get install elixir`, which brings Erlang/OTP) "
            "or pass --elixir /path/to/elixir.",
            file=sys.stderr,
        )
    return exe


# ------------------------------------------------------------------ merging repeats

_TIME_UNITS = {"ns": 1e-3, "µs": 1.0, "ms": 1e3, "s": 1e6}  # to µs
_BYTE_UNITS = {"B": 1, "KiB": 1024, "MiB": 1024 * 1024}
_QUANTITY = re.compile(r"^(?P<num>\d+(?:\.\d+)?) (?P<unit>ns|µs|ms|s|B|KiB|MiB)$")


def _sig3(x: float) -> str:
    if x >= 100:
        return str(round(x))
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def fmt_time(us: float) -> str:
    """Same format as BenchHelper.fmt_time/1."""
    if us < 1:
        return f"{round(us * 1000)} ns"
    if us < 1_000:
        return f"{_sig3(us)} µs"
    if us < 1_000_000:
        return f"{_sig3(us / 1_000)} ms"
    return f"{_sig3(us / 1_000_000)} s"


def fmt_bytes(b: float) -> str:
    """Same format as BenchHelper.fmt_bytes/1."""
    if b < 1024:
        return f"{round(b)} B"
    if b < 1024 * 1024:
        return f"{_sig3(b / 1024)} KiB"
    return f"{_sig3(b / (1024 * 1024))} MiB"


def fmt_ratio(r: float) -> str:
    """Same format as BenchHelper.fmt_ratio/1."""
    if r >= 100:
        return f"{round(r)}x"
    if r >= 10:
        return f"{r:.1f}x"
    return f"{r:.2f}x"


def parse_quantity(cell: str) -> tuple[float, Callable[[float], str]] | None:
    """A time (as µs) or byte count cell with its formatter; None for anything else."""
    m = _QUANTITY.match(cell.strip())
    if m is None:
        return None
    unit = m["unit"]
    value = float(m["num"])
    if unit in _TIME_UNITS:
        return value * _TIME_UNITS[unit], fmt_time
    return value * _BYTE_UNITS[unit], fmt_bytes


def split_row(line: str) -> list[str]:
    """Cells of a Markdown table row; `\\|` inside a cell is kept."""
    cells = re.split(r"(?<!\\)\|", line.strip())
    return [c.strip() for c in cells[1:-1]]


def join_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def merge_outputs(outputs: list[str]) -> str:
    """One script's output with every quantity cell replaced by its median over `outputs`.

    The first output is the template; its tables are matched to the others' by
    position. Columns titled `ratio` are recomputed as (first time column) ÷ (the
    column just left of the ratio), as the scripts do. If the runs do not have the
    same table layout the first output is returned unchanged.
    """
    runs = [o.splitlines() for o in outputs]
    table_lines = [[i for i, line in enumerate(r) if line.startswith("|")] for r in runs]
    if len({len(t) for t in table_lines}) != 1:
        return outputs[0]
    merged = list(runs[0])
    header: list[str] = []
    for k, idx in enumerate(table_lines[0]):
        rows = [split_row(runs[j][table_lines[j][k]]) for j in range(len(runs))]
        first = rows[0]
        if idx == 0 or not runs[0][idx - 1].startswith("|"):
            header = first  # first line of a table
            continue
        if all(set(c) <= {"-"} for c in first) or any(len(r) != len(first) for r in rows):
            continue
        cells = list(first)
        values: dict[int, float] = {}
        for col in range(len(first)):
            parsed = [parse_quantity(r[col]) for r in rows]
            if all(p is not None for p in parsed):
                nums = [p[0] for p in parsed if p is not None]
                fmt = parsed[0][1] if parsed[0] is not None else fmt_time
                values[col] = statistics.median(nums)
                cells[col] = fmt(values[col])
        for col, title in enumerate(header):
            if title == "ratio" and 1 in values and (col - 1) in values and values[col - 1] > 0:
                cells[col] = fmt_ratio(values[1] / values[col - 1])
        merged[idx] = join_row(cells)
    return "\n".join(merged) + "\n"


# ------------------------------------------------------------------ running


def run_script(
    elixir: str, script: Script, env: dict[str, str], timeout: float | None, capture: bool
) -> tuple[bool, str, str]:
    """Run one script once: (ok, stdout if captured, status text)."""
    try:
        proc = subprocess.run(
            [elixir, str(script.path)],
            cwd=HERE,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else None,
            timeout=timeout,
            check=False,
            text=True,
            encoding="utf-8",
        )
    except subprocess.TimeoutExpired:
        return False, "", f"FAILED (timed out after {timeout:g} s)"
    if proc.returncode != 0:
        if capture and proc.stdout:
            sys.stdout.write(proc.stdout)
        return False, "", f"FAILED (exit {proc.returncode})"
    return True, proc.stdout or "", "ok"


def load_average() -> str:
    """1-minute load average (other work on the machine skews timings), or "n/a"."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "n/a"


def run_one(
    elixir: str, script: Script, env: dict[str, str], timeout: float | None, repeat: int
) -> bool:
    """Run a script `repeat` times and print its (merged) tables; True when all runs passed."""
    start = time.monotonic()
    outputs: list[str] = []
    ok, status = True, "ok"
    for _ in range(repeat):
        ok, out, status = run_script(elixir, script, env, timeout, capture=repeat > 1)
        if not ok:
            break
        outputs.append(out)
    if ok and repeat > 1:
        sys.stdout.write(merge_outputs(outputs))
        print(
            f"\n_Every time and memory cell above: median of {repeat} runs of this script "
            "(ratios recomputed from those medians)._"
        )
    elapsed = time.monotonic() - start
    print(
        f"\n<!-- {script.path.name}: {status}, {elapsed:.1f} s, "
        f"load average {load_average()} -->\n",
        flush=True,
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run the BEAM benchmarks (benchmarks/beam/*.exs) and print their tables.",
    )
    parser.add_argument(
        "scripts",
        nargs="*",
        metavar="SCRIPT",
        help="script file name (with or without .exs), rule name or code; default: all",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="also run the slow sizes (BENCH_FULL=1: quadratic cases at 100k, ...)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="run each script N times and print the per-cell median (default 1)",
    )
    parser.add_argument("--list", action="store_true", help="list the scripts and exit")
    parser.add_argument("--elixir", metavar="PATH", help="elixir executable (default: on PATH)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="fail a script whose single run takes longer than this",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    try:
        scripts = select(discover(), args.scripts)
    except LookupError as exc:
        print(f"run.py: {exc.args[0]}", file=sys.stderr)
        return 2

    if args.list:
        for s in scripts:
            print(f"{s.code:<12} {s.path.name:<36} {s.title}")
        return 0

    elixir = find_elixir(args.elixir)
    if elixir is None:
        return 2
    env = dict(os.environ)
    if args.full:
        env["BENCH_FULL"] = "1"
    else:
        env.pop("BENCH_FULL", None)

    start = time.monotonic()
    failed = [
        s.path.name for s in scripts if not run_one(elixir, s, env, args.timeout, args.repeat)
    ]
    total = time.monotonic() - start
    print(f"<!-- {len(scripts)} scripts, {len(failed)} failed, {total:.1f} s -->", flush=True)
    if failed:
        print(f"run.py: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
