"""One slow or huge buffer never holds up the rest, never leaks, never gets parsed
when the size limits say it must not be (issue 20)."""

from __future__ import annotations

import asyncio

import pytest

from elixir_perf_lsp import syntax
from elixir_perf_lsp.engine.limits import MAX_BYTES
from elixir_perf_lsp.server import code_actions

from .in_process import in_process_server, receive
from .jsonrpc import RawServer
from .test_protocol_abuse import open_doc

# A second or more of analysis (deep `and` chains are slow to judge) where a
# hover on a small buffer takes milliseconds once the rules' query is compiled.
SLOW = "def f(xs), do: " + " and ".join(["length(xs) == 0"] * 600) + "\n"


def test_a_hover_on_another_buffer_is_answered_while_a_slow_buffer_is_analysed() -> None:
    raw = RawServer()
    raw.initialize()
    open_doc(raw, text="def a(xs), do: length(xs) == 0\n", uri="file:///iso/quick.ex")
    # The first analysis compiles the rules' query (seconds); take that out of the race.
    raw.request("textDocument/diagnostic", {"textDocument": {"uri": "file:///iso/quick.ex"}}, 60)
    open_doc(raw, text=SLOW, uri="file:///iso/slow.ex")
    raw.send(
        {
            "id": "slow",
            "method": "textDocument/diagnostic",
            "params": {"textDocument": {"uri": "file:///iso/slow.ex"}},
        }
    )
    raw.send(
        {
            "id": "quick",
            "method": "textDocument/hover",
            "params": {
                "textDocument": {"uri": "file:///iso/quick.ex"},
                "position": {"line": 0, "character": 18},
            },
        }
    )
    hover = raw.wait_for_id("quick", timeout=60)
    assert "EP102" in hover["result"]["contents"]["value"]
    raw.wait_for_id("slow", timeout=60)
    assert raw.answered.index("quick") < raw.answered.index("slow")
    assert raw.close() == 0


def test_notifications_leave_no_future_behind() -> None:
    # pygls 2 kept one future per notification handled by a generator (~1.5 KB each).
    _server, protocol, _sink = in_process_server()
    uri = "file:///leak/a.ex"

    async def run() -> int:
        receive(
            protocol,
            {
                "id": 1,
                "method": "initialize",
                "params": {"processId": None, "rootUri": None, "capabilities": {}},
            },
        )
        for version in range(200):
            receive(
                protocol,
                {
                    "method": "textDocument/didOpen",
                    "params": {
                        "textDocument": {
                            "uri": uri,
                            "languageId": "elixir",
                            "version": version,
                            "text": "x = 1\n",
                        }
                    },
                },
            )
            receive(
                protocol,
                {
                    "method": "textDocument/didChange",
                    "params": {
                        "textDocument": {"uri": uri, "version": version},
                        "contentChanges": [{"text": "x = 2\n"}],
                    },
                },
            )
            receive(
                protocol,
                {
                    "method": "textDocument/didClose",
                    "params": {"textDocument": {"uri": uri}},
                },
            )
        for _ in range(5):
            await asyncio.sleep(0)
        return len(protocol._request_futures)

    assert asyncio.run(run()) == 0


def test_a_code_action_on_a_buffer_over_the_size_limit_never_parses_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, _protocol, _sink = in_process_server()
    uri = "file:///big/a.ex"
    text = "def a(xs), do: length(xs) == 0\n" * (MAX_BYTES // 30 + 10)
    server.session.open(uri, text, 1)

    def refuse(*_args: object) -> None:
        raise AssertionError("parsed a buffer over the size limit")

    monkeypatch.setattr(syntax, "parse", refuse)
    from lsprotocol import types

    whole = types.Range(types.Position(0, 0), types.Position(5, 0))
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=whole,
        context=types.CodeActionContext(diagnostics=[]),
    )
    assert asyncio.run(code_actions.code_actions(server, params)) == []
