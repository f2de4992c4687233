"""`check --watch`: run, then again whenever a checked file or a config file changes.

Polling with the standard library (a stat of each file twice a second) rather
than inotify through a new dependency: a project has hundreds to a few thousand
Elixir files, whose stats take milliseconds, and polling works the same on every
OS and on network file systems, where change notifications often do not arrive.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TextIO

from elixir_perf_lsp.checker import discover
from elixir_perf_lsp.config import CONFIG_NAME, Layer, find_upward

POLL_SECONDS = 0.5
# Clear the screen and the scroll-back, cursor home: each run starts on a clean screen.
CLEAR_SCREEN = "\x1b[2J\x1b[3J\x1b[H"
_PROJECT_FILES = (CONFIG_NAME, "mix.exs", ".tool-versions", "mise.toml", ".mise.toml")

Stamps = dict[str, tuple[int, int]]


def watched_files(paths: Sequence[str], cli: Layer, config_override: Path | None) -> list[Path]:
    """The files a run would check, and the project files whose change alters findings."""
    files = [c.path for c in discover(paths, cli, config_override) if not isinstance(c, str)]
    for raw in paths:
        for name in _PROJECT_FILES:
            found = find_upward(Path(raw), [name])
            if found is not None:
                files.append(found)
    if config_override is not None:
        files.append(config_override)
    return files


def stamps(files: Iterable[Path]) -> Stamps:
    out: Stamps = {}
    for path in files:
        try:
            st = path.stat()
        except OSError:
            continue  # gone: its absence from the map is the change
        out[str(path)] = (st.st_mtime_ns, st.st_size)
    return out


def watch(
    run_once: Callable[[], int],
    current: Callable[[], Stamps],
    out: TextIO | None = None,
    max_runs: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Clear the screen, run, wait for `current()` to change, repeat; returns the
    last run's exit code after `max_runs` runs (never, for the CLI: Ctrl-C ends it)."""
    stream = out or sys.stdout
    runs = 0
    while True:
        stream.write(CLEAR_SCREEN)
        stream.flush()
        code = run_once()
        runs += 1
        sys.stdout.flush()
        if max_runs is not None and runs >= max_runs:
            return code
        # Taken after the run, so the run's own writes (`--fix`) do not trigger another.
        before = current()
        sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] watching for changes (Ctrl-C stops)\n")
        sys.stderr.flush()
        while current() == before:
            sleep(POLL_SECONDS)
