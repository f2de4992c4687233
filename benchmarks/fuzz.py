"""The long fuzz run: random edit streams through the real server, per encoding.

Runs tests/lsp/test_fuzz.py with a larger hypothesis budget and prints what was
exercised. Any divergence or server crash fails the run with hypothesis's
minimal example.

    python benchmarks/fuzz.py [--examples 2000] [--seed N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=2000, help="edit streams per encoding")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stats = Path(tmp) / "stats"
        env = {
            **os.environ,
            "ELIXIR_PERF_FUZZ_EXAMPLES": str(args.examples),
            "ELIXIR_PERF_FUZZ_STATS": str(stats),
        }
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/lsp/test_fuzz.py",
        ]
        if args.seed is not None:
            command.append(f"--hypothesis-seed={args.seed}")
        began = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, env=env, check=False)
        elapsed = time.perf_counter() - began
        lines = stats.read_text().splitlines() if stats.exists() else []
    streams = Counter(line.split()[0] for line in lines)
    edits = sum(int(line.split()[1]) for line in lines)
    print(f"encodings: {dict(streams)}")
    print(
        f"edit streams: {len(lines)}, edits: {edits}, seed: {args.seed if args.seed is not None else 'random'}"
    )
    print(
        f"elapsed: {elapsed:.0f} s; divergences/crashes: {0 if result.returncode == 0 else 'see above'}"
    )
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
