"""Two servers in one process share nothing: what one does to its buffers, tasks and
progress tokens never reaches the other (the state lives on each server)."""

from __future__ import annotations

import asyncio
import time

from elixir_perf_lsp.server.protocol import ElixirPerfProtocol

from .in_process import in_process_server, receive

URI = "file:///two/a.ex"


def _open(protocol: ElixirPerfProtocol) -> None:
    receive(
        protocol,
        {
            "id": 1,
            "method": "initialize",
            "params": {"processId": None, "rootUri": None, "capabilities": {}},
        },
    )
    document = {"uri": URI, "languageId": "elixir", "version": 1, "text": "x = 1\n"}
    receive(protocol, {"method": "textDocument/didOpen", "params": {"textDocument": document}})


def test_the_same_buffer_open_in_two_servers_is_linted_by_both() -> None:
    # One module-level table of pending lints, keyed by URI, let the second server's
    # open cancel the first server's lint: its client never got diagnostics.
    servers = [in_process_server() for _ in range(2)]

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
    (first, *_), (second, *_) = in_process_server(), in_process_server()
    assert first.state is not second.state
    assert first.session is not second.session
    # Progress tokens are numbered per server, each from 1.
    assert next(first.state.progress_tokens) == next(second.state.progress_tokens) == 1
