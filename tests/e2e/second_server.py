"""A second, trivial language server for the multiplexer journey (tests/e2e/test_emacs.py).

It stands in for ElixirLS/Expert next to elixir-perf-lsp behind `rass`: on every open or change it
publishes one diagnostic of its own (source `second-server`) on the document's first line, so the
journey can see that both servers' diagnostics reach the editor.
"""

from __future__ import annotations

from lsprotocol import types
from pygls.lsp.server import LanguageServer

SOURCE = "second-server"

server = LanguageServer("second-server", "1")


def _publish(uri: str, version: int) -> None:
    server.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(
            uri=uri,
            version=version,
            diagnostics=[
                types.Diagnostic(
                    range=types.Range(types.Position(0, 0), types.Position(0, 9)),
                    message="a second server's note",
                    severity=types.DiagnosticSeverity.Hint,
                    source=SOURCE,
                    code="S1",
                )
            ],
        )
    )


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(params: types.DidOpenTextDocumentParams) -> None:
    _publish(params.text_document.uri, params.text_document.version)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(params: types.DidChangeTextDocumentParams) -> None:
    _publish(params.text_document.uri, params.text_document.version)


if __name__ == "__main__":
    server.start_io()
