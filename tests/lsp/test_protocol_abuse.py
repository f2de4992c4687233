"""Protocol abuse gets the LSP-correct answer or a logged error, never a dead server."""

from __future__ import annotations

import subprocess
import sys
import time

from .jsonrpc import SERVER, RawServer

URI = "file:///abuse/a.ex"
TEXT = "def a(xs), do: length(xs) == 0\n"


def open_doc(raw: RawServer, text: str = TEXT, version: int = 1, uri: str = URI) -> None:
    raw.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "elixir", "version": version, "text": text}},
    )


def alive(raw: RawServer) -> bool:
    open_doc(raw, uri="file:///abuse/probe.ex")
    report = raw.request(
        "textDocument/diagnostic", {"textDocument": {"uri": "file:///abuse/probe.ex"}}
    )
    return [d["code"] for d in report["result"]["items"]] == ["EP102"]


def state(raw: RawServer, uri: str = URI) -> dict[str, object] | None:
    return raw.request("elixirPerf/documentState", {"uri": uri})["result"]  # type: ignore[no-any-return]


def test_changes_to_unknown_or_closed_documents_are_ignored_with_a_log() -> None:
    raw = RawServer()
    raw.initialize()
    raw.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": "file:///nowhere.ex", "version": 2},
            "contentChanges": [{"text": "x"}],
        },
    )
    open_doc(raw)
    raw.notify("textDocument/didClose", {"textDocument": {"uri": URI}})
    raw.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"text": "y"}]},
    )
    assert alive(raw)
    logs = [n["params"]["message"] for n in raw.notifications if n["method"] == "window/logMessage"]
    assert any("not open" in m for m in logs)
    assert raw.close() == 0


def test_versions_going_backwards_still_apply_the_client_text() -> None:
    raw = RawServer()
    raw.initialize()
    open_doc(raw, version=10)
    raw.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"text": "x = 1\n"}]},
    )
    assert state(raw) == {"uri": URI, "version": 3, "text": "x = 1\n", "encoding": "utf-16"}
    assert raw.close() == 0


def test_code_actions_and_hovers_on_closed_documents_answer_empty() -> None:
    raw = RawServer()
    raw.initialize()
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 5}}
    actions = raw.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": URI}, "range": whole, "context": {"diagnostics": []}},
    )
    assert actions.get("result") in ([], None) and "error" not in actions
    hover = raw.request(
        "textDocument/hover", {"textDocument": {"uri": URI}, "position": whole["start"]}
    )
    assert hover.get("result") is None and "error" not in hover
    assert alive(raw)
    assert raw.close() == 0


def test_out_of_range_positions_are_clamped() -> None:
    raw = RawServer()
    raw.initialize()
    open_doc(raw, text="ab\ncd")
    far = {"line": 99, "character": 99}
    raw.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": URI, "version": 2},
            "contentChanges": [
                {"range": {"start": {"line": 0, "character": 99}, "end": far}, "text": "!"},
            ],
        },
    )
    assert state(raw)["text"] == "ab!"  # type: ignore[index]
    assert raw.close() == 0


def test_cancel_request_is_harmless() -> None:
    raw = RawServer()
    raw.initialize()
    open_doc(raw)
    raw.notify("$/cancelRequest", {"id": 12345})
    assert alive(raw)
    assert raw.close() == 0


def test_requests_after_shutdown_get_an_error_and_exit_code_is_0() -> None:
    raw = RawServer()
    raw.initialize()
    assert "error" not in raw.request("shutdown")
    late = raw.request(
        "textDocument/hover",
        {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}},
    )
    assert "error" in late
    raw.notify("exit")
    assert raw.proc.wait(timeout=10) == 0


def test_exit_without_shutdown_exits_with_code_1() -> None:
    raw = RawServer()
    raw.initialize()
    raw.notify("exit")
    assert raw.proc.wait(timeout=10) == 1


def test_a_vanishing_client_makes_the_server_exit() -> None:
    raw = RawServer()
    raw.initialize()
    assert raw.proc.stdin is not None
    raw.proc.stdin.close()
    assert raw.proc.wait(timeout=10) in (0, 1)


def test_garbage_on_the_wire_does_not_kill_the_server() -> None:
    raw = RawServer()
    raw.initialize()
    assert raw.proc.stdin is not None
    body = b"{not json"
    raw.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    raw.proc.stdin.flush()
    raw.send({"id": 999, "method": "textDocument/unknownThing", "params": {}})
    assert alive(raw)
    assert raw.close() == 0


def test_concurrent_requests_while_linting_all_get_answers() -> None:
    raw = RawServer()
    raw.initialize()
    big = "defmodule A do\n" + "  def a(xs), do: length(xs) == 0\n" * 3000 + "end\n"
    open_doc(raw, text=big)
    for i in range(5):
        raw.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": URI, "version": i + 2},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": 1, "character": 0},
                            "end": {"line": 1, "character": 0},
                        },
                        "text": " ",
                    }
                ],
            },
        )
    began = time.monotonic()
    report = raw.request("textDocument/diagnostic", {"textDocument": {"uri": URI}})
    hover = raw.request(
        "textDocument/hover",
        {"textDocument": {"uri": URI}, "position": {"line": 1, "character": 25}},
    )
    assert len(report["result"]["items"]) == 3000
    assert "EP102" in hover["result"]["contents"]["value"]
    assert time.monotonic() - began < 60
    assert raw.close() == 0


def test_tcp_mode_serves_a_session() -> None:
    import json
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "elixir_perf_lsp", "serve", "--tcp", f"127.0.0.1:{port}"]
    )
    try:
        for _ in range(100):
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("server did not listen")
        with conn:
            body = json.dumps(
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "initialize",
                    "params": {"processId": None, "rootUri": None, "capabilities": {}},
                }
            ).encode()
            conn.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            data = b""
            while b"capabilities" not in data:
                chunk = conn.recv(65536)
                assert chunk
                data += chunk
    finally:
        proc.kill()
        proc.wait()


def test_serve_accepts_the_stdio_flag_clients_append() -> None:
    # vscode-languageclient appends `--stdio` for `TransportKind.stdio`; rejecting it left VS Code silent.
    raw = RawServer([*SERVER, "--stdio"])
    result = raw.initialize()
    assert "capabilities" in result["result"]
    assert raw.close() == 0


# --- framing and JSON-RPC rules (issue 20): each used to wedge or leave the client waiting


def _write(raw: RawServer, data: bytes) -> None:
    assert raw.proc.stdin is not None
    raw.proc.stdin.write(data)
    raw.proc.stdin.flush()


def _body(message: dict[str, object]) -> bytes:
    import json

    return json.dumps({"jsonrpc": "2.0", **message}).encode()


def test_a_wrong_content_length_is_survived() -> None:
    raw = RawServer()
    raw.initialize()
    probe = _body({"method": "$/probe", "params": {}})
    _write(raw, b"Content-Length: %d\r\n\r\n" % (len(probe) + 40) + probe)  # too long
    _write(raw, b"Content-Length: 7\r\n\r\n" + probe)  # too short
    assert alive(raw)
    assert raw.close() == 0


def test_a_negative_content_length_is_survived() -> None:
    raw = RawServer()
    raw.initialize()
    _write(raw, b"Content-Length: -5\r\n\r\n" + _body({"method": "$/probe", "params": {}}))
    assert alive(raw)
    assert raw.close() == 0


def test_header_names_are_case_insensitive_and_lf_only_lines_accepted() -> None:
    raw = RawServer()
    raw.initialize()
    body = _body({"id": 77, "method": "elixirPerf/documentState", "params": {"uri": URI}})
    _write(raw, b"content-length: %d\n\n" % len(body) + body)
    body = _body({"id": 78, "method": "elixirPerf/documentState", "params": {"uri": URI}})
    _write(raw, b"CONTENT-LENGTH: %d\r\n\r\n" % len(body) + body)
    assert "result" in raw.wait_for_id(77) and "result" in raw.wait_for_id(78)
    assert alive(raw)
    assert raw.close() == 0


def test_a_huge_content_length_is_refused_without_allocating_it() -> None:
    raw = RawServer()
    raw.initialize()
    _write(raw, b"Content-Length: 99999999999999\r\n\r\n" + _body({"method": "$/x", "params": {}}))
    assert alive(raw)
    assert raw.close() == 0


def test_exit_is_obeyed_after_a_bad_frame() -> None:
    raw = RawServer()
    raw.initialize()
    _write(raw, b"Content-Length: 9999\r\n\r\n{")
    raw.send({"method": "exit"})
    assert raw.proc.wait(timeout=20) == 1


def _error_code(reply: dict[str, object]) -> object:
    error = reply.get("error")
    return error.get("code") if isinstance(error, dict) else None


def test_undecodable_params_get_invalid_params() -> None:
    raw = RawServer()
    raw.initialize()
    open_doc(raw)
    bad_hover = {"textDocument": {"uri": URI}, "position": {"line": -1, "character": 0}}
    assert _error_code(raw.request("textDocument/hover", bad_hover)) == -32602
    assert _error_code(raw.request("textDocument/codeAction", None)) == -32602
    assert _error_code(raw.request("textDocument/diagnostic", {})) == -32602
    assert alive(raw)
    assert raw.close() == 0


def test_requests_before_initialize_get_server_not_initialized() -> None:
    raw = RawServer()
    hover = {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}
    assert _error_code(raw.request("textDocument/hover", hover)) == -32002
    open_doc(raw)  # a notification before initialize is dropped
    raw.initialize()
    assert state(raw) is None
    assert raw.close() == 0


def test_a_second_initialize_is_an_invalid_request() -> None:
    raw = RawServer()
    raw.initialize()
    again = raw.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    assert _error_code(again) == -32600
    assert alive(raw)
    assert raw.close() == 0


def test_a_batch_gets_invalid_request_answers() -> None:
    raw = RawServer()
    raw.initialize()
    batch = [
        {"jsonrpc": "2.0", "id": 501, "method": "elixirPerf/documentState", "params": {}},
        {"jsonrpc": "2.0", "method": "$/probe", "params": {}},
    ]
    import json

    body = json.dumps(batch).encode()
    _write(raw, b"Content-Length: %d\r\n\r\n" % len(body) + body)
    reply = raw.wait_for_id(501)
    assert _error_code(reply) == -32600
    assert raw.close() == 0
