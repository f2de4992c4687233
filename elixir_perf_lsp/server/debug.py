"""`elixirPerf/documentState`: what the server holds for a document.

A debugging aid for editor integrators and the fuzz tests: it lets a client check
that the server's text is exactly its own after any sequence of edits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from elixir_perf_lsp.positions import decode
from elixir_perf_lsp.server.guard import guarded

if TYPE_CHECKING:
    from elixir_perf_lsp.server.app import ElixirPerfServer

METHOD = "elixirPerf/documentState"


def document_state(ls: ElixirPerfServer, params: Any) -> dict[str, Any] | None:
    uri = params.get("uri") if isinstance(params, dict) else getattr(params, "uri", None)
    doc = ls.session.documents.get(uri) if isinstance(uri, str) else None
    if doc is None:
        return None
    return {
        "uri": doc.uri,
        "version": doc.version,
        "text": decode(doc.source),
        "encoding": doc.encoding.value,
    }


def register(server: ElixirPerfServer) -> None:
    server.feature(METHOD)(guarded(None)(document_state))
