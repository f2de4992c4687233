"""Quick fixes, suppressions, fix-all, documentation links, and the regex extraction refactoring.

Ranges the client echoes back are never trusted (Neovim 0.7 sends byte columns):
a diagnostic is matched through its `data` against our own analysis of the
current version, and the request range is converted with our own line index.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from elixir_perf_lsp import syntax
from elixir_perf_lsp.document import Document
from elixir_perf_lsp.engine import Finding, Options, analyze
from elixir_perf_lsp.engine.fixes import fix_all
from elixir_perf_lsp.engine.limits import TIME_BUDGET_SECONDS, too_large
from elixir_perf_lsp.engine.model import Edit, Fix
from elixir_perf_lsp.engine.registry import find_rule
from elixir_perf_lsp.engine.suppression import directive
from elixir_perf_lsp.positions import line_start
from elixir_perf_lsp.project.index import IndexView
from elixir_perf_lsp.server.convert import minimal_edit, to_diagnostic, workspace_edit
from elixir_perf_lsp.server.guard import guarded_async
from elixir_perf_lsp.server.session import project_path
from elixir_perf_lsp.urls import rule_url

if TYPE_CHECKING:
    from elixir_perf_lsp.server.app import ElixirPerfServer

FIX_ALL_KIND = "source.fixAll.elixir-perf"
SHOW_DOCUMENTATION = "elixirPerf.showDocumentation"
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL_KIND, types.CodeActionKind.RefactorExtract]


def _wanted(kind: str, only: list[str] | None) -> bool:
    if not only:
        return True
    return any(kind == o or kind.startswith(f"{o}.") for o in map(str, only))


def _requested_findings(
    doc: Document, findings: list[Finding], params: types.CodeActionParams
) -> list[Finding]:
    keys: set[tuple[Any, Any, Any]] = set()
    for diagnostic in params.context.diagnostics:
        data = diagnostic.data
        if isinstance(data, dict) and "code" in data:
            # Data from an older version points at old offsets: ignore it. The
            # request range is in the current version's coordinates (clients send
            # pending changes first), so matching by range below stays right.
            if data.get("uri", doc.uri) != doc.uri or data.get("version") != doc.version:
                continue
            keys.add((data.get("code"), data.get("start"), data.get("end")))
    index = doc.line_index
    r = params.range
    start = index.offset(r.start.line, r.start.character, doc.encoding)
    end = index.offset(r.end.line, r.end.character, doc.encoding)
    chosen = []
    for f in findings:
        by_data = (f.code, f.start, f.end) in keys
        by_range = f.start <= end and start <= f.end
        if by_data or by_range:
            chosen.append(f)
    return chosen


def _eol(source: bytes) -> str:
    return "\r\n" if b"\r\n" in source else "\n"


def disable_line_edit(doc: Document, finding: Finding) -> Edit:
    """`# elixir-perf:disable-for-next-line CODE` above the finding's line, indented
    like it. No reason placeholder: a workspace edit cannot leave the cursor in a
    tabstop, so placeholder text would stay in the code unless edited by hand."""
    start = line_start(doc.source, finding.start)
    indent = doc.source[start : finding.start]
    indent = indent[: len(indent) - len(indent.lstrip(b" \t"))]
    text = f"{indent.decode()}{directive('next-line', [finding.code])}{_eol(doc.source)}"
    return Edit(start, start, text)


def disable_file_edit(doc: Document, finding: Finding) -> Edit:
    return Edit(0, 0, f"{directive('this-file', [finding.code])}{_eol(doc.source)}")


def fix_all_edit(
    source: bytes, options: Options, project: IndexView | None = None, path: str = ""
) -> Edit | None:
    """Runs in a worker thread. Each round is one analysis under the time budget;
    no round starts once the budget is spent. With `project`, as diagnostics are:
    alone, EP001 would take a suppression of a finding across modules for unused."""
    deadline = time.monotonic() + TIME_BUDGET_SECONDS

    def findings(data: bytes) -> list[Finding]:
        if time.monotonic() >= deadline:
            return []
        return analyze(data, options=options, project=project, path=path).findings

    new, applied = fix_all(source, findings)
    if not applied or new == source:
        return None
    return minimal_edit(source, new)


def _action(
    ls: ElixirPerfServer,
    doc: Document,
    title: str,
    kind: str,
    edits: list[Edit],
    finding: Finding | None = None,
    preferred: bool = False,
) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=kind,
        diagnostics=[to_diagnostic(doc, finding)] if finding else None,
        is_preferred=preferred or None,
        edit=workspace_edit(doc, edits, ls.session.versioned_edits),
    )


async def code_actions(
    ls: ElixirPerfServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    doc = ls.session.documents.get(params.text_document.uri)
    if doc is None:
        return []
    only = [
        str(k.value if isinstance(k, types.CodeActionKind) else k)
        for k in params.context.only or []
    ]
    analysis = await ls.session.analysis(doc)  # returns for the current version
    actions: list[types.CodeAction] = []
    requested = _requested_findings(doc, analysis.findings, params)
    if _wanted(types.CodeActionKind.QuickFix.value, only):
        for f in requested:
            if f.fix is not None:
                title = (
                    f.fix.message
                    if f.fix.is_safe
                    else f"{f.fix.message} (unsafe: may change behaviour)"
                )
                actions.append(
                    _action(
                        ls, doc, title, "quickfix", list(f.fix.edits), f, preferred=f.fix.is_safe
                    )
                )
        for f in requested:
            actions.append(
                _action(
                    ls,
                    doc,
                    f"Disable {f.code} for this line",
                    "quickfix",
                    [disable_line_edit(doc, f)],
                    f,
                )
            )
            actions.append(
                _action(
                    ls,
                    doc,
                    f"Disable {f.code} for this file",
                    "quickfix",
                    [disable_file_edit(doc, f)],
                    f,
                )
            )
        if requested and can_show_documents(ls):
            actions += _documentation_actions(doc, requested)
    if too_large(doc.source) is not None:
        return actions  # a buffer over the size limits is never parsed, by any feature
    # The rest parses or re-analyses: off the event loop, on a snapshot; a result
    # for a version the buffer has left is dropped.
    version, source = doc.version, doc.source
    options = ls.session.resolve(doc.uri).options
    if _wanted(FIX_ALL_KIND, only) and (
        only or any(f.fix and f.fix.is_safe for f in analysis.findings)
    ):
        view, path = ls.session.project_view(doc.uri), project_path(doc.uri)
        edit = await asyncio.to_thread(fix_all_edit, source, options, view, path)
        if edit is not None and doc.version == version:
            actions.append(
                _action(ls, doc, "Fix all safe elixir-perf issues", FIX_ALL_KIND, [edit])
            )
    if _wanted(types.CodeActionKind.RefactorExtract.value, only) and doc.version == version:
        start = params.range.start
        offset = doc.line_index.offset(start.line, start.character, doc.encoding)
        tree = doc.tree_if_parsed(copy=True)
        fix = await asyncio.to_thread(_extract, source, tree, offset, options)
        if fix is not None and doc.version == version:
            kind = types.CodeActionKind.RefactorExtract.value
            actions.append(_action(ls, doc, fix.message, kind, list(fix.edits)))
    return actions


def can_show_documents(ls: LanguageServer) -> bool:
    """`window.showDocument.support`: without it the action would do nothing, so it is
    not offered (the diagnostic's `codeDescription.href` still links the page)."""
    window = ls.client_capabilities.window
    return bool(window and window.show_document and window.show_document.support)


def _documentation_actions(doc: Document, findings: list[Finding]) -> list[types.CodeAction]:
    """One per rule among `findings`; the command opens the page in the browser."""
    first = {f.code: f for f in reversed(findings)}
    actions = []
    for code in sorted(first):
        title = f"Show documentation for {code}"
        actions.append(
            types.CodeAction(
                title=title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[to_diagnostic(doc, first[code])],
                command=types.Command(title=title, command=SHOW_DOCUMENTATION, arguments=[code]),
            )
        )
    return actions


async def show_documentation(ls: LanguageServer, code: str) -> bool:
    """`workspace/executeCommand` for the action above: True when the client opened it.

    The argument is a rule code, not a URL: the server opens only its own pages."""
    rule = find_rule(code) if isinstance(code, str) else None
    if rule is None or not can_show_documents(ls):
        return False
    params = types.ShowDocumentParams(uri=rule_url(rule.name), external=True)
    result = await ls.window_show_document_async(params)
    return bool(result and result.success)


def _extract(source: bytes, tree: syntax.Tree | None, offset: int, options: Options) -> Fix | None:
    """The regex extraction at `offset`; runs in a worker thread."""
    try:
        # Lazy: optional, as the refactoring ships with the regex rules.
        from elixir_perf_lsp.refactors.extract_regex import extract_regex
    except ImportError:
        return None
    return extract_regex(source, tree or syntax.parse(source), offset, options.target)


def register(server: ElixirPerfServer) -> None:
    server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=False),
    )(guarded_async([])(code_actions))
    server.command(SHOW_DOCUMENTATION)(show_documentation)
