"""Document sync and diagnostics: push (debounced) or pull, never both."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types

from elixir_perf_lsp.document import Document, TextChange
from elixir_perf_lsp.server import project, workspace
from elixir_perf_lsp.server.client_requests import refresh_diagnostics
from elixir_perf_lsp.server.convert import to_diagnostic
from elixir_perf_lsp.server.guard import guarded, guarded_async, log_to_client

if TYPE_CHECKING:
    from elixir_perf_lsp.server.app import ElixirPerfServer

_pending: dict[str, asyncio.Task[None]] = {}


async def diagnostics_for(ls: ElixirPerfServer, doc: Document) -> list[types.Diagnostic]:
    analysis = await ls.session.analysis(doc)
    project.refresh_stale(ls)  # this buffer's summary may have changed what others call
    return [to_diagnostic(doc, f) for f in analysis.findings]


async def publish(ls: ElixirPerfServer, doc: Document) -> None:
    from elixir_perf_lsp.server.lifecycle import flush_errors

    diagnostics = await diagnostics_for(ls, doc)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=doc.uri, version=doc.version, diagnostics=diagnostics)
    )
    flush_errors(ls)


def schedule_lint(ls: ElixirPerfServer, uri: str, delay_ms: int) -> None:
    """Publish diagnostics for the latest version after `delay_ms` of quiet."""
    previous = _pending.pop(uri, None)
    if previous is not None:
        previous.cancel()
    if ls.session.pull_diagnostics:
        return  # the client asks when it wants them
    _pending[uri] = asyncio.ensure_future(_lint_later(ls, uri, delay_ms))


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
        if _pending.get(uri) is asyncio.current_task():
            _pending.pop(uri, None)


def relint_all(ls: ElixirPerfServer) -> None:
    if ls.session.pull_diagnostics:
        refresh_diagnostics(ls)
        return
    for uri in list(ls.session.documents):
        schedule_lint(ls, uri, 0)


def _result_id(ls: ElixirPerfServer, doc: Document) -> str:
    """What a pulled report depends on: the text, the settings and (findings across
    modules) the project index."""
    index = ls.session.project
    return f"{doc.version}:{ls.session.generation}:{index.generation if index else -1}"


def _change(change: types.TextDocumentContentChangeEvent) -> TextChange:
    if isinstance(change, types.TextDocumentContentChangePartial):
        r = change.range
        return TextChange(
            ((r.start.line, r.start.character), (r.end.line, r.end.character)), change.text
        )
    return TextChange(None, change.text)


def register(server: ElixirPerfServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded()
    def did_open(ls: ElixirPerfServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        ls.session.open(item.uri, item.text, item.version)
        schedule_lint(ls, item.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded()
    def did_change(ls: ElixirPerfServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        doc = ls.session.documents.get(uri)
        if doc is None:
            log_to_client(ls, f"elixir-perf: didChange for {uri}, which is not open; ignored")
            return
        for change in params.content_changes:
            doc.apply(_change(change))
        doc.version = params.text_document.version
        schedule_lint(ls, uri, ls.session.settings.debounce_ms)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded()
    def did_close(ls: ElixirPerfServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        pending = _pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        ls.session.close(uri)
        if not ls.session.pull_diagnostics:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )
        workspace.file_closed(ls, uri)  # with workspace diagnostics on: report it from disk
        project.file_closed(ls, uri)  # the disk copy is the project's again

    # pygls sets `workspace_diagnostics` from whether workspace/diagnostic has a
    # handler: workspace.py registers one at initialize when the setting is on.
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="elixir-perf", inter_file_dependencies=False, workspace_diagnostics=False
        ),
    )
    @guarded_async(types.RelatedFullDocumentDiagnosticReport(items=[]))
    async def pull(
        ls: ElixirPerfServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        doc = ls.session.documents.get(params.text_document.uri)
        if doc is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        if params.previous_result_id == _result_id(ls, doc) and ls.session.current(doc.uri):
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=_result_id(ls, doc))
        items = await diagnostics_for(ls, doc)
        result_id = _result_id(ls, doc)  # after: the analysis may have moved the index on
        from elixir_perf_lsp.server.lifecycle import flush_errors

        flush_errors(ls)
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)
