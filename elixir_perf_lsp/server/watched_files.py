"""Which files on disk change what the server reports, and asking the client to watch them.

`.elixir-perf.toml` (or the `configFile` setting), and `mix.exs`, `.tool-versions`
and `mise.toml`, where the target Elixir/OTP versions come from. The client is asked
through `client/registerCapability` for `workspace/didChangeWatchedFiles` (LSP has
no static registration for it), when it declares dynamic registration; a client
that does not picks up such changes with the next settings change or reopened
buffer. The handler lives in `lifecycle.py`: it reloads the configuration.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from elixir_perf_lsp.config import CONFIG_NAME
from elixir_perf_lsp.server.guard import log_to_client

if TYPE_CHECKING:
    from elixir_perf_lsp.server.app import ElixirPerfServer

WATCHER_ID = "elixir-perf/config-files"
REGISTER_TIMEOUT_S = 5.0
# Every file `config.resolve_for_file` reads, by name.
CONFIG_NAMES = (CONFIG_NAME, "mix.exs", ".tool-versions", "mise.toml", ".mise.toml")


def can_watch(ls: ElixirPerfServer) -> bool:
    workspace = ls.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    return bool(watched and watched.dynamic_registration)


def watchers(ls: ElixirPerfServer) -> list[types.FileSystemWatcher]:
    patterns: list[types.GlobPattern] = [f"**/{name}" for name in CONFIG_NAMES]
    config_file = ls.session.settings.config_file
    if config_file is not None and config_file.name not in CONFIG_NAMES:
        patterns.append(_pattern_for(ls, config_file))
    return [types.FileSystemWatcher(glob_pattern=p) for p in patterns]


def _pattern_for(ls: ElixirPerfServer, path: Path) -> types.GlobPattern:
    """A file anywhere, even outside the workspace, where the client can say so."""
    workspace = ls.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    base = from_fs_path(str(path.parent))
    if watched and watched.relative_pattern_support and base:
        return types.RelativePattern(base_uri=base, pattern=path.name)
    return f"**/{path.name}"


async def watch(ls: ElixirPerfServer) -> bool:
    """Ask the client to report changes to the configuration files; False when it cannot."""
    if not can_watch(ls):
        return False
    options = types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers(ls))
    registration = types.Registration(
        id=WATCHER_ID, method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
    )
    try:
        await asyncio.wait_for(
            ls.client_register_capability_async(types.RegistrationParams([registration])),
            REGISTER_TIMEOUT_S,
        )
    except Exception as exc:  # the server works without it; say why changes are not seen
        with contextlib.suppress(Exception):
            log_to_client(
                ls,
                f"elixir-perf: cannot watch the configuration files: {exc!r}",
                types.MessageType.Warning,
            )
        return False
    return True


def config_changes(ls: ElixirPerfServer, changes: list[types.FileEvent]) -> list[Path]:
    """The configuration files among `changes` (other watchers may share the method)."""
    config_file = ls.session.settings.config_file
    out = []
    for change in changes:
        text = to_fs_path(change.uri) if change.uri.startswith("file:") else None
        if not text:
            continue
        path = Path(text)
        if path.name in CONFIG_NAMES or path == config_file:
            out.append(path)
    return out
