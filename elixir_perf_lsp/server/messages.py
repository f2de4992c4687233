"""User-visible messages the session queued (configuration and rule errors), shown once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from elixir_perf_lsp.server.guard import log_to_client

if TYPE_CHECKING:
    from elixir_perf_lsp.server.app import ElixirPerfServer


def flush_errors(ls: ElixirPerfServer) -> None:
    """Show queued configuration/rule errors, each once (architecture §3.4)."""
    session = ls.session
    while session.pending_messages:
        level, message = session.pending_messages.pop(0)
        kind = types.MessageType.Error if level == "error" else types.MessageType.Warning
        ls.window_show_message(types.ShowMessageParams(type=kind, message=message))
        log_to_client(ls, message, kind)
