"""Document sync and diagnostics: push (debounced) or pull, never both."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from elixir_perf_lsp.document import Document, TextChange
from elixir_perf_lsp.server import project, workspace
from elixir_perf_lsp.server.guard import guarded, guarded_async, log_to_client
from elixir_perf_lsp.server.linting import cancel_lint, diagnostics_for, schedule_lint
from elixir_perf_lsp.server.messages import flush_errors

if TYPE_CHECKING:
    from elixir_perf_lsp.server.app import ElixirPerfServer


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
        cancel_lint(ls, uri)
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
        flush_errors(ls)
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)
