"""The project index in the server: built in the background, kept current.

After `initialized`, the mix project holding the workspace (the outermost
`mix.exs` at or above its root; none, no index) is indexed in the background,
reporting `$/progress`. Until it is ready, documents are analysed alone
(same-module helpers only), so opening a file never waits; when it is ready,
open documents are linted again and gain the findings across modules.

Threads: files are read and summarised in worker threads (a summary is a pure
function of one file's text), but the index is changed only here, on the event
loop. Analyses in worker threads read a read-only view of it (`IndexView`), so
none sees a half-made update.

Keeping it current:
- an open buffer wins over its disk copy: each analysis returns the buffer's own
  summary and the session puts it in the index (`Session.analysis`); the build
  summarises open buffers, not their files;
- closing a buffer puts the disk copy back;
- `workspace/didChangeWatchedFiles` (registered dynamically when the client can;
  the one handler, in `lifecycle.py`, hands `.ex` changes here) re-summarises or
  removes files that are not open;
- whenever a summary changes what it says (effects or calls, not positions),
  the open documents analysed against the older index are linted again, so
  fixing `create_activity/1` clears the warning in the caller's buffer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from elixir_perf_lsp.project.build import (
    index_key,
    project_files,
    project_root,
    summarise_file,
)
from elixir_perf_lsp.project.index import ProjectIndex
from elixir_perf_lsp.project.summary import FileSummary
from elixir_perf_lsp.server import workspace
from elixir_perf_lsp.server.guard import log_to_client
from elixir_perf_lsp.server.linting import refresh_stale, relint_all
from elixir_perf_lsp.server.progress import Progress

if TYPE_CHECKING:
    from elixir_perf_lsp.server.app import ElixirPerfServer

PROGRESS_TITLE = "elixir-perf: indexing the project"
WATCHER_ID = "elixir-perf/project-files"
# Files summarised per worker-thread hop: few enough that edits and requests wait
# for at most a few tens of ms, enough that the hops cost nothing.
_BATCH = 16


def start_indexing(ls: ElixirPerfServer) -> None:
    folder = ls.session.workspace_root
    if folder is None or ls.session.project is not None or ls.state.indexing is not None:
        return
    root = project_root(folder)
    if root is None:
        return  # not a mix project: as with `check`, each file is its own project
    task = asyncio.ensure_future(_build(ls, root))
    ls.state.indexing = task
    task.add_done_callback(lambda t: _report_failure(ls, t, "indexing the project"))


def _report_failure(ls: ElixirPerfServer, task: asyncio.Task[None], what: str) -> None:
    if not task.cancelled() and task.exception() is not None:
        log_to_client(ls, f"elixir-perf: {what} failed: {task.exception()!r}")


async def _build(ls: ElixirPerfServer, root: Path) -> None:
    progress = await Progress.start(ls, PROGRESS_TITLE)
    outcome = "cancelled"
    try:
        files = await asyncio.to_thread(project_files, root)
        index = ProjectIndex()
        for done in range(0, len(files), _BATCH):
            if progress.cancelled:
                return
            batch = files[done : done + _BATCH]
            for summary in await asyncio.to_thread(_summarise, batch):
                if summary is not None:
                    index.update(summary)
            progress.report(min(done + _BATCH, len(files)), len(files))
        # Open buffers win over what was read. Analyses keep them current from now
        # on (each puts its buffer's summary in the index).
        buffers = _open_buffers(ls)
        for summary in await asyncio.to_thread(_summarise, list(buffers), list(buffers.values())):
            if summary is not None:
                index.update(summary)
        ls.session.project = index
        outcome = f"{len(index)} files indexed"
        await _watch_files(ls)
        relint_all(ls)
        if workspace.enabled(ls):
            # Closed files scanned before the index was ready lack their findings
            # across modules: scan again (once, at start-up).
            workspace.start_scan(ls)
    finally:
        progress.end(outcome)


def _open_buffers(ls: ElixirPerfServer) -> dict[Path, bytes]:
    """The open `.ex` buffers by path, with their text now (bytes: a snapshot)."""
    found: dict[Path, bytes] = {}
    for uri, doc in ls.session.documents.items():
        path = _indexed_path(uri)
        if path is not None:
            found[path] = doc.source
    return found


def _summarise(
    paths: Sequence[Path], sources: Sequence[bytes] | None = None
) -> list[FileSummary | None]:
    """Summaries of `paths` (from `sources` when given, else from disk): worker-thread work."""
    if sources is None:
        return [summarise_file(p) for p in paths]
    return [summarise_file(p, s) for p, s in zip(paths, sources, strict=True)]


def _indexed_path(uri: str) -> Path | None:
    """The file behind `uri` when the project index holds such files."""
    text = to_fs_path(uri) if uri.startswith("file:") else None
    if not text or not text.endswith(".ex") or "/deps/" in text:
        return None
    return Path(text)


async def _watch_files(ls: ElixirPerfServer) -> None:
    caps = ls.client_capabilities.workspace
    watched = caps.did_change_watched_files if caps else None
    if not (watched and watched.dynamic_registration):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern="**/*.ex")]
    )
    registration = types.Registration(WATCHER_ID, types.WORKSPACE_DID_CHANGE_WATCHED_FILES, options)
    with contextlib.suppress(Exception):  # without it, edits in the editor still count
        await asyncio.wait_for(
            ls.client_register_capability_async(types.RegistrationParams([registration])), 5
        )


def file_closed(ls: ElixirPerfServer, uri: str) -> None:
    """The buffer is gone: its disk copy is what the project now holds."""
    path = _indexed_path(uri)
    if ls.session.project is not None and path is not None:
        _update_from_disk(ls, [(uri, path, False)])


def files_changed(ls: ElixirPerfServer, changes: list[types.FileEvent]) -> None:
    if ls.session.project is None:
        return
    wanted = []
    for change in changes:
        path = _indexed_path(change.uri)
        if path is not None and change.uri not in ls.session.documents:  # the buffer wins
            wanted.append((change.uri, path, change.type == types.FileChangeType.Deleted))
    if wanted:
        _update_from_disk(ls, wanted)


def _update_from_disk(ls: ElixirPerfServer, files: list[tuple[str, Path, bool]]) -> None:
    """Re-summarise (or, deleted, remove) closed files: read in a worker thread, put
    in the index on the event loop."""
    task = asyncio.ensure_future(_apply_from_disk(ls, files))
    updates = ls.state.index_updates
    updates.add(task)
    task.add_done_callback(updates.discard)
    task.add_done_callback(lambda t: _report_failure(ls, t, "updating the project index"))


async def _apply_from_disk(ls: ElixirPerfServer, files: list[tuple[str, Path, bool]]) -> None:
    read = [path for _uri, path, deleted in files if not deleted]
    summaries = iter(await asyncio.to_thread(_summarise, read))
    index = ls.session.project
    if index is None:
        return
    changed = False
    for uri, path, deleted in files:
        summary = None if deleted else next(summaries)
        if uri in ls.session.documents:
            continue  # opened meanwhile: the buffer wins
        if summary is not None:
            changed |= index.update(summary)
        else:  # deleted, unreadable or too large: it defines nothing we can see
            changed |= index.remove(index_key(path))
    if changed:
        refresh_stale(ls)
