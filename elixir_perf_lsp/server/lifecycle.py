"""initialize / initialized / configuration changes / shutdown."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import to_fs_path

from elixir_perf_lsp.config import ConfigError
from elixir_perf_lsp.server import logs, project, watched_files, workspace
from elixir_perf_lsp.server.convert import encoding_of
from elixir_perf_lsp.server.guard import guarded, log_to_client
from elixir_perf_lsp.server.linting import relint_all
from elixir_perf_lsp.server.messages import flush_errors
from elixir_perf_lsp.server.settings import is_for_us, parse_settings

if TYPE_CHECKING:
    from elixir_perf_lsp.server.app import ElixirPerfServer

log = logging.getLogger(__name__)


def apply_settings(ls: ElixirPerfServer, payload: Any) -> None:
    try:
        ls.session.settings = parse_settings(payload, ls.session.workspace_root)
    except ConfigError as exc:
        ls.session.report_error(f"elixir-perf: settings: {exc}; keeping the previous settings")
    settings = ls.session.settings
    problem = logs.configure(settings.log_level, settings.log_file)
    if problem is not None:
        ls.session.report_error(problem)
    ls.session.invalidate()
    log.info("settings applied: %s", dict(settings.raw))


def register(server: ElixirPerfServer) -> None:
    @server.feature(types.INITIALIZE)
    @guarded()
    def initialize(ls: ElixirPerfServer, params: types.InitializeParams) -> None:
        session = ls.session
        session.encoding = encoding_of(ls.workspace.position_encoding)
        caps = params.capabilities
        session.pull_diagnostics = bool(caps.text_document and caps.text_document.diagnostic)
        edit_caps = caps.workspace.workspace_edit if caps.workspace else None
        session.versioned_edits = bool(edit_caps and edit_caps.document_changes)
        root_uri = params.root_uri
        if params.workspace_folders:
            root_uri = params.workspace_folders[0].uri
        if root_uri and root_uri.startswith("file:"):
            path = to_fs_path(root_uri)
            session.workspace_root = Path(path) if path else None
        elif params.root_path:
            session.workspace_root = Path(params.root_path)
        if params.initialization_options is not None:
            apply_settings(ls, params.initialization_options)
        workspace.initialize(ls)  # offers workspace/diagnostic when the setting is on

    @server.feature(types.INITIALIZED)
    async def initialized(ls: ElixirPerfServer, params: types.InitializedParams) -> None:
        if await pull_configuration(ls):
            # Documents opened while we waited were linted with the old settings.
            relint_all(ls)
        flush_errors(ls)
        workspace.settings_changed(ls)  # scans the workspace when the setting is on
        project.start_indexing(ls)  # in the background: local findings come first
        await watched_files.watch(ls)  # last: the client may take its time to answer

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: ElixirPerfServer, params: types.DidChangeConfigurationParams
    ) -> None:
        settings = params.settings
        if settings and is_for_us(settings):
            apply_settings(ls, settings)
        else:
            # Empty, or another server's section (Eglot sends them all): ask for ours.
            await pull_configuration(ls)
        ls.session.invalidate()
        relint_all(ls)
        flush_errors(ls)
        workspace.settings_changed(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded()
    def did_change_watched_files(
        ls: ElixirPerfServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        changed = watched_files.config_changes(ls, list(params.changes))
        if changed:
            reload_config(ls, changed)
        project.files_changed(ls, list(params.changes))  # `.ex` files: the project index

    @server.feature(types.SHUTDOWN)
    @guarded()
    def shutdown(ls: ElixirPerfServer, params: None) -> None:
        workspace.stop_scan(ls)


def reload_config(ls: ElixirPerfServer, changed: list[Path]) -> None:
    """A configuration file changed on disk: every open document is linted again
    (config files are re-read by their modification stamp), errors in the new
    text are shown even when an earlier version had the same ones, and the
    workspace is rescanned when its diagnostics are on."""
    names = ", ".join(sorted({str(p) for p in changed}))
    log_to_client(
        ls,
        f"elixir-perf: {names} changed; linting {len(ls.session.documents)} open documents again",
        types.MessageType.Info,
    )
    ls.session.config_changed()
    relint_all(ls)
    flush_errors(ls)
    workspace.settings_changed(ls)


async def pull_configuration(ls: ElixirPerfServer) -> bool:
    """Ask the client for our settings; True when they were applied."""
    caps = ls.client_capabilities.workspace
    if not (caps and caps.configuration):
        return False
    try:
        result = await asyncio.wait_for(
            ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="elixirPerf")])
            ),
            timeout=5,
        )
    except Exception as exc:  # a client may not answer; defaults still work
        log_to_client(
            ls, f"elixir-perf: workspace/configuration failed: {exc!r}", types.MessageType.Warning
        )
        return False
    if result and result[0] and is_for_us(result[0]):
        apply_settings(ls, result[0])
        return True
    return False
