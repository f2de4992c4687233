"""`check` over a large real codebase, beside the bare tree-sitter parse of the same files.

Runs `elixir-perf-lsp check --format json` (all cores, as users run it) and, in
the same run, parses every file once with tree-sitter in this process. Prints
files, lines, seconds and lines/s for both. Target: check within 2x of the bare
parse time.

    python benchmarks/throughput.py [PATH]   # default: a checkout of elixir-lang/elixir
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from elixir_perf_lsp import syntax

DEFAULT = Path("/work/corpus/elixir-lang+elixir")
SKIP = {"deps", "_build", ".elixir_ls", ".git", "node_modules"}


def elixir_files(root: Path) -> list[Path]:
    out = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP)
        out += [Path(directory) / f for f in sorted(files) if f.endswith((".ex", ".exs"))]
    return out


def bare_parse(files: list[Path]) -> tuple[float, int]:
    sources = [f.read_bytes() for f in files]
    lines = sum(s.count(b"\n") for s in sources)
    began = time.perf_counter()
    for source in sources:
        syntax.parse(source)
    return time.perf_counter() - began, lines


def run_check(root: Path) -> tuple[float, int, int]:
    began = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "elixir_perf_lsp",
            "check",
            str(root),
            "--format",
            "json",
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - began
    if result.returncode not in (0, 1):
        sys.stderr.write(result.stderr)
    findings = len(json.loads(result.stdout or "[]"))
    return elapsed, findings, result.returncode


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    if not args.path.is_dir():
        sys.exit(f"{args.path} is not a directory; fetch a real Elixir codebase first")
    files = elixir_files(args.path)
    parse_s, lines = bare_parse(files)
    check_s, findings, code = run_check(args.path)
    print(f"codebase: {args.path} ({len(files)} files, {lines} lines, {os.cpu_count()} cores)")
    print(f"bare tree-sitter parse (1 process): {parse_s:6.2f} s  {lines / parse_s:9.0f} lines/s")
    print(
        f"elixir-perf-lsp check (all cores):  {check_s:6.2f} s  {lines / check_s:9.0f} lines/s"
        f"  ({findings} findings, exit {code})"
    )
    ratio = check_s / parse_s
    print(f"check / bare parse = {ratio:.2f}  (target <= 2: {'met' if ratio <= 2 else 'NOT met'})")


if __name__ == "__main__":
    main()
