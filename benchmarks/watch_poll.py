"""What one `check --watch` poll costs on a real codebase.

`--watch` stats every Elixir file twice a second. This prints, for PATH, the files
seen and the milliseconds per poll of the walk it uses (`commands.watch.stamps`)
beside a walk through `checker.discover` (which applies the config's excludes
and resolves each path), to show why the poll does not apply the excludes.

    python benchmarks/watch_poll.py [PATH] [--rounds N]   # default: the current directory
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from elixir_perf_lsp.checker import discover
from elixir_perf_lsp.commands.watch import POLL_SECONDS, project_files, stamps
from elixir_perf_lsp.config import Layer


def per_poll_ms(poll: Callable[[], object], rounds: int) -> float:
    began = time.perf_counter()
    for _ in range(rounds):
        poll()
    return (time.perf_counter() - began) / rounds * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=".", help="the tree to watch")
    parser.add_argument("--rounds", type=int, default=10, help="polls to average over")
    args = parser.parse_args()
    paths = [args.path]
    extra = project_files(paths, None)
    files = len(stamps(paths, extra))
    walk = per_poll_ms(lambda: stamps(paths, extra), args.rounds)
    via_discover = per_poll_ms(
        lambda: [c for c in discover(paths, Layer(), None) if not isinstance(c, str)],
        args.rounds,
    )
    busy = walk / (POLL_SECONDS * 1000) * 100
    print(f"{Path(args.path).resolve()}: {files} files watched")
    print(f"stamps (the poll):       {walk:7.1f} ms per poll, {busy:.1f} % of one core")
    print(f"discover (excludes):     {via_discover:7.1f} ms per poll")


if __name__ == "__main__":
    main()
