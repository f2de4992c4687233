"""`check --watch`: run, then again whenever a checked file or a config file changes.

Polling with the standard library (a stat of each file twice a second) rather
than inotify through a new dependency: a project has hundreds to a few thousand
Elixir files, whose stats take milliseconds (5 ms for 944 files of hexpm and ecto,
`benchmarks/watch_poll.py`), and polling works the same on every OS and on network
file systems, where change notifications often do not arrive.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TextIO

from elixir_perf_lsp.checker import EXTENSIONS, SKIP_DIRS
from elixir_perf_lsp.config import CONFIG_NAME, find_upward

POLL_SECONDS = 0.5
# Clear the screen and the scroll-back, cursor home: each run starts on a clean screen.
CLEAR_SCREEN = "\x1b[2J\x1b[3J\x1b[H"
_PROJECT_FILES = (CONFIG_NAME, "mix.exs", ".tool-versions", "mise.toml", ".mise.toml")

Stamps = dict[str, tuple[int, int]]


def project_files(paths: Sequence[str], config_override: Path | None) -> list[Path]:
    """The config and project files whose change alters findings: `.elixir-perf.toml`,
    `mix.exs` (target Elixir), `.tool-versions`/`mise.toml`, nearest upward of each path."""
    files: list[Path] = []
    for raw in paths:
        for name in _PROJECT_FILES:
            found = find_upward(Path(raw), [name])
            if found is not None:
                files.append(found)
    if config_override is not None:
        files.append(config_override)
    return files


def stamps(paths: Iterable[str | Path], extra: Iterable[Path] = ()) -> Stamps:
    """(mtime, size) of every Elixir file under `paths` and of each `extra` file.

    A plain directory walk, without the config's excludes: an edit to an excluded
    file costs one needless run, while matching the excludes on every poll would
    cost more than the stats themselves (`benchmarks/watch_poll.py` prints both)."""
    out: Stamps = {}
    pending = [str(p) for p in paths]
    while pending:
        path = pending.pop()
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name not in SKIP_DIRS:
                            pending.append(entry.path)
                    elif entry.name.endswith(EXTENSIONS):
                        _stamp(entry.path, out)
        except NotADirectoryError:
            _stamp(path, out)  # a file named on the command line
        except OSError:
            continue  # gone or unreadable: nothing to stamp
    for extra_path in extra:
        _stamp(str(extra_path), out)
    return out


def _stamp(path: str, out: Stamps) -> None:
    # os.stat on strings, not Path objects: this runs for every file twice a second.
    try:
        st = os.stat(path)  # noqa: PTH116
    except OSError:
        return  # gone: its absence from the map is the change
    out[os.path.normpath(path)] = (st.st_mtime_ns, st.st_size)


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
