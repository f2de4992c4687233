"""Findings ↔ LSP types, in the negotiated position encoding. The only place that
turns byte offsets into LSP positions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types

from elixir_perf_lsp.document import Document
from elixir_perf_lsp.engine import Finding, Severity
from elixir_perf_lsp.engine.model import Edit, Related
from elixir_perf_lsp.positions import Encoding
from elixir_perf_lsp.urls import rule_url

SOURCE = "elixir-perf"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFORMATION: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def encoding_of(kind: types.PositionEncodingKind | str | None) -> Encoding:
    value = kind.value if isinstance(kind, types.PositionEncodingKind) else kind
    return {"utf-8": Encoding.UTF8, "utf-32": Encoding.UTF32}.get(value or "", Encoding.UTF16)


def lsp_range(doc: Document, start: int, end: int) -> types.Range:
    index = doc.line_index
    sl, sc = index.position(start, doc.encoding)
    el, ec = index.position(end, doc.encoding)
    return types.Range(types.Position(sl, sc), types.Position(el, ec))


def finding_key(finding: Finding) -> dict[str, Any]:
    return {"code": finding.code, "start": finding.start, "end": finding.end}


def to_diagnostic(doc: Document, finding: Finding) -> types.Diagnostic:
    return types.Diagnostic(
        range=lsp_range(doc, finding.start, finding.end),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=rule_url(finding.name)),
        source=SOURCE,
        data={**finding_key(finding), "version": doc.version, "uri": doc.uri},
        related_information=[_related(doc, r) for r in finding.related] or None,
    )


def _related(doc: Document, related: Related) -> types.DiagnosticRelatedInformation:
    place = related.place
    start, end = place.columns(doc.encoding)
    uri = Path(place.path).as_uri() if place.path else doc.uri
    range_ = types.Range(types.Position(place.row, start), types.Position(place.row, end))
    return types.DiagnosticRelatedInformation(types.Location(uri, range_), related.message)


def to_text_edit(doc: Document, edit: Edit) -> types.TextEdit:
    return types.TextEdit(range=lsp_range(doc, edit.start, edit.end), new_text=edit.content)


def workspace_edit(doc: Document, edits: list[Edit], versioned: bool) -> types.WorkspaceEdit:
    text_edits = [to_text_edit(doc, e) for e in sorted(edits)]
    if versioned:
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(
                        uri=doc.uri, version=doc.version
                    ),
                    edits=list(text_edits),
                )
            ]
        )
    return types.WorkspaceEdit(changes={doc.uri: text_edits})


def minimal_edit(old: bytes, new: bytes) -> Edit:
    """One edit turning `old` into `new`, trimmed to the span that differs."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    # Never split a UTF-8 sequence: back up to character boundaries.
    while prefix > 0 and (old[prefix] if prefix < len(old) else 0) & 0xC0 == 0x80:
        prefix -= 1
    while suffix > 0 and old[len(old) - suffix] & 0xC0 == 0x80:
        suffix -= 1
    content = new[prefix : len(new) - suffix].decode("utf-8", "surrogatepass")
    return Edit(prefix, len(old) - suffix, content)
