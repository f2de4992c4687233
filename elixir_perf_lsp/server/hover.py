"""Hover on a flagged range: what the rule says, why, what it costs, fix safety."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from elixir_perf_lsp.engine.registry import find_rule
from elixir_perf_lsp.ruledocs import render_hover
from elixir_perf_lsp.server.convert import lsp_range
from elixir_perf_lsp.server.guard import guarded_async

if TYPE_CHECKING:
    from elixir_perf_lsp.server.app import ElixirPerfServer


async def hover(ls: ElixirPerfServer, params: types.HoverParams) -> types.Hover | None:
    doc = ls.session.documents.get(params.text_document.uri)
    if doc is None:
        return None
    analysis = await ls.session.analysis(doc)  # returns for the current version
    p = params.position
    offset = doc.line_index.offset(p.line, p.character, doc.encoding)
    hits = [f for f in analysis.findings if f.start <= offset <= f.end]
    if not hits:
        return None
    parts = []
    for f in hits:
        rule = find_rule(f.code)
        if rule is not None:
            text = render_hover(rule, f.message)
            if f.fix is not None:
                safety = "safe" if f.fix.is_safe else "unsafe"
                text += f"\n\n*Quick fix ({safety}):* {f.fix.message}"
            parts.append(text)
    first = hits[0]
    return types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)
        ),
        range=lsp_range(doc, first.start, first.end),
    )


def register(server: ElixirPerfServer) -> None:
    server.feature(types.TEXT_DOCUMENT_HOVER)(guarded_async(None)(hover))
