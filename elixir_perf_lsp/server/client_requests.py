"""Server-to-client requests, sent only when the client declared it handles them.

A request the client never offered is at best an error reply and at worst a log line in the
user's editor (Neovim >= 0.10 logs "no handler found" for an unannounced
`workspace/diagnostic/refresh`).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from elixir_perf_lsp.server.app import ElixirPerfServer


def can_refresh_diagnostics(ls: ElixirPerfServer) -> bool:
    """`workspace.diagnostics.refreshSupport` (LSP 3.17)."""
    workspace = ls.client_capabilities.workspace
    return bool(workspace and workspace.diagnostics and workspace.diagnostics.refresh_support)


def refresh_diagnostics(ls: ElixirPerfServer) -> None:
    """Ask a pull client to pull again, if it can be asked; others pull on their next change."""
    if can_refresh_diagnostics(ls):
        with contextlib.suppress(Exception):
            ls.workspace_diagnostic_refresh(None)
