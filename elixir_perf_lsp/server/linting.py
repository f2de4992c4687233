"""Linting open buffers again: debounced publishing (push clients) or a refresh
request (pull clients). Shared by the handlers that change what a buffer's findings
depend on: its text (`sync.py`), the settings (`lifecycle.py`) and the project index
(`project.py`)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types

from elixir_perf_lsp.document import Document
from elixir_perf_lsp.server.client_requests import refresh_diagnostics
from elixir_perf_lsp.server.convert import to_diagnostic
from elixir_perf_lsp.server.guard import log_to_client
from elixir_perf_lsp.server.messages import flush_errors

if TYPE_CHECKING:
    from elixir_perf_lsp.server.app import ElixirPerfServer


async def diagnostics_for(ls: ElixirPerfServer, doc: Document) -> list[types.Diagnostic]:
    analysis = await ls.session.analysis(doc)
    refresh_stale(ls)  # this buffer's summary may have changed what others call
    return [to_diagnostic(doc, f) for f in analysis.findings]


async def publish(ls: ElixirPerfServer, doc: Document) -> None:
    diagnostics = await diagnostics_for(ls, doc)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=doc.uri, version=doc.version, diagnostics=diagnostics)
    )
    flush_errors(ls)


def schedule_lint(ls: ElixirPerfServer, uri: str, delay_ms: int) -> None:
    """Publish diagnostics for the latest version after `delay_ms` of quiet."""
    cancel_lint(ls, uri)
    if ls.session.pull_diagnostics:
        return  # the client asks when it wants them
    ls.state.lints[uri] = asyncio.ensure_future(_lint_later(ls, uri, delay_ms))


def cancel_lint(ls: ElixirPerfServer, uri: str) -> None:
    previous = ls.state.lints.pop(uri, None)
    if previous is not None:
        previous.cancel()


async def _lint_later(ls: ElixirPerfServer, uri: str, delay_ms: int) -> None:
    try:
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)
        doc = ls.session.documents.get(uri)
        if doc is not None:  # closed meanwhile: nothing to say
            await publish(ls, doc)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log_to_client(ls, f"elixir-perf: linting {uri} failed: {exc!r}")
    finally:
        lints = ls.state.lints
        if lints.get(uri) is asyncio.current_task():
            lints.pop(uri, None)


def relint_all(ls: ElixirPerfServer) -> None:
    if ls.session.pull_diagnostics:
        refresh_diagnostics(ls)
        return
    for uri in list(ls.session.documents):
        schedule_lint(ls, uri, 0)


def refresh_stale(ls: ElixirPerfServer) -> None:
    """Lint again the open documents analysed against an older project index."""
    stale = ls.session.stale()
    if not stale:
        return
    if ls.session.pull_diagnostics:
        relint_all(ls)  # asks the client to pull again
        return
    for doc in stale:
        schedule_lint(ls, doc.uri, ls.session.settings.debounce_ms)
