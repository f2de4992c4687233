"""Workspace diagnostics: findings in every `.ex`/`.exs` file, open or not (opt-in).

With the setting `elixirPerf.workspaceDiagnostics` (default off), once the settings
are known after `initialized` the server walks the workspace folders like `check`
does (`deps/`, `_build/`, `.elixir_ls/` always skipped; `exclude` from the editor
settings and from `.elixir-perf.toml` honoured) and analyses each file from disk,
yielding to the event loop between files. The walk reports `$/progress` when the
client supports server-initiated progress; the client can cancel it, and
`shutdown` stops it.

How results reach the client:
- A client that pulls diagnostics and declares workspace diagnostics
  (`workspace.diagnostics`) gets them from `workspace/diagnostic`: full reports for
  the files that are not open, "unchanged" when the result id it sends still holds.
  Files changed on disk since the scan are analysed again when it asks.
- Any other client gets `textDocument/publishDiagnostics` for each file with
  findings (and an empty list for a file whose findings went away on a rescan).

Open buffers win: a file open in the editor is reported from its buffer (sync.py)
and the scan neither analyses nor publishes it. When it is closed, the file is
analysed again from disk (which now holds whatever was saved) and its findings
are reported again — published at once, or returned by the next workspace pull —
so the whole-project view stays complete. With the setting off, closing clears a
file's diagnostics as before. Changing settings rescans; turning the setting off
clears what the scan published.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from elixir_perf_lsp.checker import EXTENSIONS, discover
from elixir_perf_lsp.config import Layer, is_excluded
from elixir_perf_lsp.document import Document
from elixir_perf_lsp.engine import analyze
from elixir_perf_lsp.engine.limits import too_large
from elixir_perf_lsp.fileio import Unreadable, read_source
from elixir_perf_lsp.project.build import index_key
from elixir_perf_lsp.project.index import IndexView
from elixir_perf_lsp.server.client_requests import refresh_diagnostics
from elixir_perf_lsp.server.convert import to_diagnostic
from elixir_perf_lsp.server.guard import log_to_client
from elixir_perf_lsp.server.messages import flush_errors
from elixir_perf_lsp.server.progress import Progress
from elixir_perf_lsp.server.state import ScannedFile, WorkspaceState

if TYPE_CHECKING:
    from elixir_perf_lsp.server.app import ElixirPerfServer

PROGRESS_TITLE = "elixir-perf: checking the workspace"


def enabled(ls: ElixirPerfServer) -> bool:
    settings = ls.session.settings
    return settings.workspace_diagnostics and settings.enable


def uses_pull(ls: ElixirPerfServer) -> bool:
    """Workspace pull only for clients that pull documents and know workspace pulls,
    and only when `initialize` offered it (see `initialize` below)."""
    workspace = ls.client_capabilities.workspace
    return (
        ls.session.pull_diagnostics
        and bool(workspace and workspace.diagnostics is not None)
        and types.WORKSPACE_DIAGNOSTIC in ls.protocol.fm.features
    )


def roots(ls: ElixirPerfServer) -> list[Path]:
    folders: dict[str, types.WorkspaceFolder] = ls.workspace.folders
    found: list[Path] = []
    for folder in folders.values():
        text = to_fs_path(folder.uri) if folder.uri.startswith("file:") else None
        if text:
            found.append(Path(text))
    if not found and ls.session.workspace_root is not None:
        found.append(ls.session.workspace_root)
    # A folder inside another one is walked with it. Paths stay as the client named
    # them (a symlinked root is not resolved), so our URIs match the ones it opens.
    out: list[Path] = []
    resolved: list[Path] = []
    for path in sorted((p for p in found if p.is_dir()), key=lambda p: len(p.resolve().parts)):
        real = path.resolve()
        if not any(real.is_relative_to(outer) for outer in resolved):
            out.append(path)
            resolved.append(real)
    return out


# --- analysing one file -----------------------------------------------------------


def _open_paths(ls: ElixirPerfServer) -> set[str]:
    out = set()
    for uri in ls.session.documents:
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path:
            out.add(path)
    return out


def _is_open(ls: ElixirPerfServer, uri: str, path: Path) -> bool:
    return uri in ls.session.documents or str(path) in _open_paths(ls)


def _readable(ls: ElixirPerfServer, path: Path, source: bytes) -> bool:
    # Too large or binary: skipped quietly, as a generated file is no one's to fix.
    if too_large(source) is not None or b"\0" in source[:8192]:
        return False
    try:
        source.decode("utf-8")
    except UnicodeDecodeError:
        log_to_client(
            ls, f"elixir-perf: {path}: invalid UTF-8; not checked", types.MessageType.Warning
        )
        return False
    return True


def analyse_file(
    ls: ElixirPerfServer, uri: str, path: Path, project: IndexView | None
) -> ScannedFile | None:
    """The file's findings from disk, or None when it is excluded or unreadable.
    `project`: a view of the project index taken on the event loop (this may run in
    a worker thread, which must not read the index while it changes)."""
    resolved = ls.session.resolve(uri)
    if resolved.excludes(path):
        return None
    try:
        snapshot = read_source(path)  # regular files only, size checked before reading
    except Unreadable:
        return None
    source = snapshot.data
    if not _readable(ls, path, source):
        return None
    # A closed file's disk copy is what the project index holds for it, too.
    analysis = analyze(source, options=resolved.options, project=project, path=index_key(path))
    for message in analysis.rule_errors:
        ls.session.report_error(f"elixir-perf: {message}")
    doc = Document(uri, source, None, ls.session.encoding)
    stamp = snapshot.stamp
    # Findings across modules depend on the project index too.
    index_generation = project.generation if project is not None else -1
    result_id = f"{ls.session.generation}:{index_generation}:{stamp[0]}:{stamp[1]}"
    diagnostics = [to_diagnostic(doc, f) for f in analysis.findings]
    return ScannedFile(path, stamp, diagnostics, result_id)


def _publish(
    ls: ElixirPerfServer, state: WorkspaceState, uri: str, diagnostics: list[types.Diagnostic]
) -> None:
    """Push model: publish a closed file's scan findings (or clear old ones)."""
    if uses_pull(ls) or (not diagnostics and uri not in state.published):
        return
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
    )
    if diagnostics:
        state.published.add(uri)
    else:
        state.published.discard(uri)


def _update(ls: ElixirPerfServer, state: WorkspaceState, uri: str, path: Path) -> bool:
    """Analyse `uri` from disk and report it; False when it is excluded or unreadable."""
    return _record(ls, state, uri, analyse_file(ls, uri, path, _project_view(ls)))


async def _update_off_loop(
    ls: ElixirPerfServer, state: WorkspaceState, uri: str, path: Path
) -> bool:
    """`_update` with the reading and analysing in a worker thread: one slow file
    (up to the time budget) must not hold up edits and requests meanwhile."""
    view = _project_view(ls)
    return _record(ls, state, uri, await asyncio.to_thread(analyse_file, ls, uri, path, view))


def _project_view(ls: ElixirPerfServer) -> IndexView | None:
    index = ls.session.project
    return index.view() if index is not None else None


def _record(
    ls: ElixirPerfServer, state: WorkspaceState, uri: str, scanned: ScannedFile | None
) -> bool:
    if scanned is None:
        state.files.pop(uri, None)
        _publish(ls, state, uri, [])
        return False
    state.files[uri] = scanned
    _publish(ls, state, uri, scanned.diagnostics)
    return True


# --- the scan -----------------------------------------------------------------------


def _discover(paths: list[Path], layer: Layer, config_file: Path | None) -> list[Path]:
    """Candidate files under `paths` (editor excludes applied; config excludes later,
    per file, since each file may have its own `.elixir-perf.toml`)."""
    found = discover([str(p) for p in paths], Layer(exclude=layer.exclude), config_file)
    return [item[0] for item in found if not isinstance(item, str)]


async def _scan(ls: ElixirPerfServer, state: WorkspaceState) -> None:
    progress = await Progress.start(ls, PROGRESS_TITLE)
    outcome = "cancelled"
    checked = 0
    try:
        settings = ls.session.settings
        paths = await asyncio.to_thread(_discover, roots(ls), settings.layer, settings.config_file)
        seen: set[str] = set()
        for done, path in enumerate(paths, 1):
            if progress.cancelled:
                break
            uri = from_fs_path(str(path)) or path.as_uri()
            seen.add(uri)
            if not _is_open(ls, uri, path) and await _update_off_loop(ls, state, uri, path):
                checked += 1
            progress.report(done, len(paths))
        else:
            for uri in set(state.files) - seen:  # deleted since the last scan
                del state.files[uri]
                _publish(ls, state, uri, [])
            findings = sum(len(f.diagnostics) for f in state.files.values())
            outcome = f"{checked} files checked, {findings} findings"
        flush_errors(ls)
    finally:
        progress.end(outcome if outcome != "cancelled" else f"cancelled after {checked} files")


def start_scan(ls: ElixirPerfServer) -> asyncio.Task[None]:
    state = ls.state.workspace
    stop_scan(ls)
    task = asyncio.ensure_future(_scan(ls, state))
    task.add_done_callback(lambda t: _report_failure(ls, t))
    state.task = task
    return task


def _report_failure(ls: ElixirPerfServer, task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log_to_client(ls, f"elixir-perf: workspace scan failed: {task.exception()!r}")


def stop_scan(ls: ElixirPerfServer) -> None:
    task = ls.state.workspace.task
    if task is not None and not task.done():
        task.cancel()


def clear(ls: ElixirPerfServer) -> None:
    """Forget the scan; clear what it published, and tell pull clients to ask again."""
    state = ls.state.workspace
    stop_scan(ls)
    for uri in list(state.published):
        if uri not in ls.session.documents:
            _publish(ls, state, uri, [])
    state.published.clear()
    had_files = bool(state.files)
    state.files.clear()
    if had_files and uses_pull(ls):
        refresh_diagnostics(ls)


# --- hooks for lifecycle.py and sync.py -----------------------------------------------


def settings_changed(ls: ElixirPerfServer) -> None:
    """After `initialized` and every configuration change: (re)scan or clear."""
    if enabled(ls):
        start_scan(ls)
    else:
        clear(ls)


def file_closed(ls: ElixirPerfServer, uri: str) -> None:
    """A closed buffer's file is reported from disk again (see the module doc)."""
    if not enabled(ls) or not uri.startswith("file:") or uri in ls.session.documents:
        return
    text = to_fs_path(uri)
    if not text or not text.endswith(EXTENSIONS):
        return
    path = Path(text)
    inside = [r for r in roots(ls) if path.resolve().is_relative_to(r.resolve())]
    if not inside or is_excluded(path, ls.session.settings.layer.exclude, inside[0]):
        return
    _update(ls, ls.state.workspace, uri, path)


# --- workspace/diagnostic -----------------------------------------------------------


def _report(
    uri: str, scanned: ScannedFile, previous: dict[str, str]
) -> types.WorkspaceDocumentDiagnosticReport:
    if previous.get(uri) == scanned.result_id:
        return types.WorkspaceUnchangedDocumentDiagnosticReport(
            uri=uri, result_id=scanned.result_id, version=None
        )
    return types.WorkspaceFullDocumentDiagnosticReport(
        uri=uri, items=scanned.diagnostics, result_id=scanned.result_id, version=None
    )


def workspace_report(
    ls: ElixirPerfServer, previous_result_ids: list[types.PreviousResultId]
) -> types.WorkspaceDiagnosticReport:
    state = ls.state.workspace
    previous = {p.uri: p.value for p in previous_result_ids}
    items: list[types.WorkspaceDocumentDiagnosticReport] = []
    open_paths = _open_paths(ls)
    for uri, scanned in sorted(state.files.items()):
        if uri in ls.session.documents or str(scanned.path) in open_paths:
            continue  # the buffer's own (document) diagnostics cover it
        try:
            stat = scanned.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        if stamp != scanned.stamp:  # changed or deleted since the scan
            _update(ls, state, uri, scanned.path)
            if uri not in state.files:
                if uri in previous:
                    items.append(
                        types.WorkspaceFullDocumentDiagnosticReport(uri=uri, items=[], version=None)
                    )
                continue
            scanned = state.files[uri]
        if scanned.diagnostics or uri in previous:
            items.append(_report(uri, scanned, previous))
    return types.WorkspaceDiagnosticReport(items=items)


async def workspace_diagnostic(
    ls: ElixirPerfServer, params: types.WorkspaceDiagnosticParams
) -> types.WorkspaceDiagnosticReport:
    if not enabled(ls):
        return types.WorkspaceDiagnosticReport(items=[])
    task = ls.state.workspace.task
    if task is not None and not task.done():
        await asyncio.wait({task})  # a scan under way: answer when it is done
    try:
        report = workspace_report(ls, list(params.previous_result_ids))
    except Exception as exc:
        log_to_client(ls, f"elixir-perf: workspace/diagnostic failed: {exc!r}")
        return types.WorkspaceDiagnosticReport(items=[])
    flush_errors(ls)
    return report


def initialize(ls: ElixirPerfServer) -> None:
    """During `initialize`, once initializationOptions are applied: offer
    `workspace/diagnostic` only when the setting is on then. pygls derives
    `diagnosticProvider.workspaceDiagnostics` from whether the handler is
    registered; a client that pulls workspace diagnostics would otherwise keep
    asking a server that has nothing to say. (Turned on later, through
    workspace/configuration, the scan publishes instead.)"""
    if ls.session.settings.workspace_diagnostics and types.WORKSPACE_DIAGNOSTIC not in (
        ls.protocol.fm.features
    ):
        ls.feature(types.WORKSPACE_DIAGNOSTIC)(workspace_diagnostic)
