"""Finding a project's files and indexing them.

The project of a file is the directory of the outermost `mix.exs` above it (an
umbrella's root, so every app's modules are indexed together). Indexed: the
`.ex` files under it (scripts, `.exs`, are not called by application code),
except dependencies and build output.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from elixir_perf_lsp import syntax
from elixir_perf_lsp.engine.limits import too_large
from elixir_perf_lsp.project.index import ProjectIndex
from elixir_perf_lsp.project.summary import FileSummary, summarise

_SKIP_DIRS = frozenset({"deps", "_build", "node_modules", "cover", "priv", "assets"})
# Below this many files per worker a process pool costs more than it saves.
_PER_WORKER = 64


def project_root(start: Path) -> Path | None:
    """The outermost directory holding a `mix.exs`, from `start` upward."""
    here = start.resolve()
    if here.is_file() or not here.exists():
        here = here.parent
    found = None
    for directory in (here, *here.parents):
        if (directory / "mix.exs").is_file():
            found = directory
    return found


def project_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        found.extend(Path(directory) / name for name in filenames if name.endswith(".ex"))
    return sorted(found)


def index_key(path: Path | str) -> str:
    """How the index names a file: its resolved absolute path."""
    return str(Path(path).resolve())


def summarise_file(path: Path | str, source: bytes | None = None) -> FileSummary | None:
    """The summary of one file, or None when it cannot be read or is too large."""
    try:
        data = Path(path).read_bytes() if source is None else source
    except OSError:
        return None
    if too_large(data) is not None:
        return None
    return summarise(index_key(path), data, syntax.parse(data).root_node)


def build_index(
    files: Iterable[Path],
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ProjectIndex:
    """Index `files` (on every core when there are many); `progress(done, total)`."""
    paths = list(files)
    index = ProjectIndex()
    for done, summary in enumerate(_summaries(paths, workers), 1):
        if summary is not None:
            index.update(summary)
        if progress is not None:
            progress(done, len(paths))
    return index


def _summaries(paths: list[Path], workers: int | None) -> Iterator[FileSummary | None]:
    count = workers or min(os.cpu_count() or 1, max(1, len(paths) // _PER_WORKER))
    if count <= 1:
        yield from map(summarise_file, paths)
        return
    with ProcessPoolExecutor(max_workers=count) as pool:
        yield from pool.map(summarise_file, paths, chunksize=16)


def index_for(paths: Iterable[Path]) -> ProjectIndex | None:
    """The index of the projects holding `paths` (None when none is in a mix project)."""
    roots = {root for p in paths if (root := project_root(p)) is not None}
    if not roots:
        return None
    files = sorted({f for root in roots for f in project_files(root)})
    return build_index(files)
