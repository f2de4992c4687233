"""The project index in the server: built in the background, kept current.

After `initialized`, the mix project holding the workspace (the outermost
`mix.exs` at or above its root; none, no index) is indexed file by file, yielding to the event loop between files and reporting `$/progress`.
Until it is ready, documents are analysed alone (same-module helpers only), so
opening a file never waits; when it is ready, open documents are linted again
and gain the findings across modules.

Keeping it current:
- an open buffer wins over its disk copy: each analysis puts the buffer's own
  summary in the index (`engine.analyze`), and the build summarises open
  buffers, not their files;
- closing a buffer puts the disk copy back;
- `workspace/didChangeWatchedFiles` (registered dynamically when the client can)
  re-summarises or removes files that are not open;
- whenever a summary changes what it says (effects or calls, not positions),
  the open documents analysed against the older index are linted again, so
  fixing `create_activity/1` clears the warning in the caller's buffer.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from elixir_perf_lsp.project.build import (
    index_key,
    project_files,
    project_root,
    summarise_file,
)
from elixir_perf_lsp.project.index import ProjectIndex
from elixir_perf_lsp.project.summary import FileSummary, summarise
from elixir_perf_lsp.server.guard import guarded, log_to_client
from elixir_perf_lsp.server.workspace import Progress

if TYPE_CHECKING:
    from elixir_perf_lsp.server.app import ElixirPerfServer

PROGRESS_TITLE = "elixir-perf: indexing the project"
WATCHER_ID = "elixir-perf/project-files"

_tasks: weakref.WeakKeyDictionary[ElixirPerfServer, asyncio.Task[None]] = (
    weakref.WeakKeyDictionary()
)


def start_indexing(ls: ElixirPerfServer) -> None:
    workspace = ls.session.workspace_root
    if workspace is None or ls.session.project is not None or ls in _tasks:
        return
    root = project_root(workspace)
    if root is None:
        return  # not a mix project: as with `check`, each file is its own project
    task = asyncio.ensure_future(_build(ls, root))
    _tasks[ls] = task
    task.add_done_callback(lambda t: _report_failure(ls, t))


def _report_failure(ls: ElixirPerfServer, task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log_to_client(ls, f"elixir-perf: indexing the project failed: {task.exception()!r}")


async def _build(ls: ElixirPerfServer, root: Path) -> None:
    progress = await Progress.start(ls, PROGRESS_TITLE)
    outcome = "cancelled"
    try:
        files = await asyncio.to_thread(project_files, root)
        index = ProjectIndex()
        for done, path in enumerate(files, 1):
            if progress.cancelled:
                return
            summary = _buffer_summary(ls, path)
            if summary is None:
                summary = summarise_file(path)
            if summary is not None:
                index.update(summary)
            progress.report(done, len(files))
            await asyncio.sleep(0)  # edits and requests go first
        # Buffers opened or edited during the build win over what was read.
        for uri, doc in ls.session.documents.items():
            path_text = to_fs_path(uri) if uri.startswith("file:") else None
            if path_text and path_text.endswith(".ex"):
                index.update(summarise(index_key(path_text), doc.source, doc.tree.root_node))
        ls.session.project = index
        outcome = f"{len(index)} files indexed"
        await _watch_files(ls)
        from elixir_perf_lsp.server.sync import relint_all

        relint_all(ls)
    finally:
        progress.end(outcome)


def _buffer_summary(ls: ElixirPerfServer, path: Path) -> FileSummary | None:
    uri = from_fs_path(str(path)) or path.as_uri()
    doc = ls.session.documents.get(uri)
    if doc is None:
        return None
    return summarise(index_key(path), doc.source, doc.tree.root_node)


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


def refresh_stale(ls: ElixirPerfServer) -> None:
    """Lint again the open documents analysed against an older index."""
    from elixir_perf_lsp.server.sync import relint_all, schedule_lint

    stale = ls.session.stale()
    if not stale:
        return
    if ls.session.pull_diagnostics:
        relint_all(ls)  # asks the client to pull again
        return
    for doc in stale:
        schedule_lint(ls, doc.uri, ls.session.settings.debounce_ms)


def file_closed(ls: ElixirPerfServer, uri: str) -> None:
    """The buffer is gone: its disk copy is what the project now holds."""
    index = ls.session.project
    path_text = to_fs_path(uri) if uri.startswith("file:") else None
    if index is None or not path_text or not path_text.endswith(".ex"):
        return
    summary = summarise_file(path_text)
    changed = index.update(summary) if summary is not None else index.remove(index_key(path_text))
    if changed:
        refresh_stale(ls)


def files_changed(ls: ElixirPerfServer, changes: list[types.FileEvent]) -> None:
    index = ls.session.project
    if index is None:
        return
    changed = False
    for change in changes:
        path_text = to_fs_path(change.uri) if change.uri.startswith("file:") else None
        if not path_text or not path_text.endswith(".ex") or "/deps/" in path_text:
            continue
        if change.uri in ls.session.documents:
            continue  # the buffer wins
        if change.type == types.FileChangeType.Deleted:
            changed |= index.remove(index_key(path_text))
            continue
        summary = summarise_file(path_text)
        if summary is not None:
            changed |= index.update(summary)
    if changed:
        refresh_stale(ls)


def register(server: ElixirPerfServer) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded()
    def did_change_watched_files(
        ls: ElixirPerfServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        files_changed(ls, list(params.changes))
