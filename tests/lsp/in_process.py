"""A server in the test's own process: messages handed to its protocol, what it sends
kept in memory (for tests that look inside the server or run several at once)."""

from __future__ import annotations

import io
from typing import Any

from elixir_perf_lsp.server.app import ElixirPerfServer, create_server
from elixir_perf_lsp.server.protocol import ElixirPerfProtocol


class Sink(io.BytesIO):
    def close(self) -> None:  # `exit` closes the writer; keep what was written
        pass


def in_process_server() -> tuple[ElixirPerfServer, ElixirPerfProtocol, Sink]:
    server = create_server()
    protocol = server.protocol
    assert isinstance(protocol, ElixirPerfProtocol)
    sink = Sink()
    protocol.set_writer(sink)
    return server, protocol, sink


def receive(protocol: ElixirPerfProtocol, message: dict[str, Any]) -> None:
    """Handle `message` (JSON-RPC, "jsonrpc" added) as if it came from the client."""
    protocol.handle_message(protocol.structure_message({"jsonrpc": "2.0", **message}))
