"""Two servers in one process share nothing: what one does to its buffers, tasks and
progress tokens never reaches the other (the state lives on each server)."""

from __future__ import annotations

import asyncio
import io
import time
from typing import Any

from elixir_perf_lsp.server.app import ElixirPerfServer, create_server
from elixir_perf_lsp.server.protocol import ElixirPerfProtocol

URI = "file:///two/a.ex"


class _Sink(io.BytesIO):
    def close(self) -> None:  # `exit` closes the writer; keep what was written
        pass


def _server() -> tuple[ElixirPerfServer, ElixirPerfProtocol, _Sink]:
    server = create_server()
    protocol = server.protocol
    assert isinstance(protocol, ElixirPerfProtocol)
    sink = _Sink()
    protocol.set_writer(sink)
    return server, protocol, sink


def _receive(protocol: ElixirPerfProtocol, message: dict[str, Any]) -> None:
    protocol.handle_message(protocol.structure_message({"jsonrpc": "2.0", **message}))


def _open(protocol: ElixirPerfProtocol) -> None:
    _receive(
        protocol,
        {
            "id": 1,
            "method": "initialize",
            "params": {"processId": None, "rootUri": None, "capabilities": {}},
        },
    )
    document = {"uri": URI, "languageId": "elixir", "version": 1, "text": "x = 1\n"}
    _receive(protocol, {"method": "textDocument/didOpen", "params": {"textDocument": document}})


def test_the_same_buffer_open_in_two_servers_is_linted_by_both() -> None:
    # One module-level table of pending lints, keyed by URI, let the second server's
    # open cancel the first server's lint: its client never got diagnostics.
    servers = [_server() for _ in range(2)]

    async def run() -> list[bool]:
        for _, protocol, _ in servers:
            _open(protocol)  # both in one tick: neither lint has run yet
        deadline = time.monotonic() + 60  # the first analysis compiles the rules' query
        published = [False, False]
        while not all(published) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            published = [b"textDocument/publishDiagnostics" in s.getvalue() for *_, s in servers]
        return published

    assert asyncio.run(run()) == [True, True]


def test_each_server_has_its_own_state() -> None:
    (first, *_), (second, *_) = _server(), _server()
    assert first.state is not second.state
    assert first.session is not second.session
    # Progress tokens are numbered per server, each from 1.
    assert next(first.state.progress_tokens) == next(second.state.progress_tokens) == 1
