"""End-to-end: the real server over stdio, driven like an editor would."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import start

URI = "file:///tmp/elixir-perf-test/lib/a.ex"
GUARDED = (
    "defmodule A do\n  def f(items) when length(items) > 0 do\n    Enum.sum(items)\n  end\nend\n"
)


def open_doc(client: LanguageClient, text: str, uri: str = URI, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="elixir", version=version, text=text
            )
        )
    )


def change(
    client: LanguageClient,
    version: int,
    changes: list[types.TextDocumentContentChangeEvent],
    uri: str = URI,
) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=changes,
        )
    )


def edit(sl: int, sc: int, el: int, ec: int, text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(sl, sc), types.Position(el, ec)), text=text
    )


async def diagnostics_after(
    client: LanguageClient, action: object = None, uri: str = URI
) -> list[types.Diagnostic]:
    params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    while params.uri != uri:
        params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(params.diagnostics)


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply utf-16 LSP edits to text (test-side reference implementation)."""
    lines = text.split("\n")

    def offset(p: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: p.line])
        line = lines[p.line] if p.line < len(lines) else ""
        units = 0
        chars = 0
        for ch in line:
            if units >= p.character:
                break
            units += 2 if ord(ch) > 0xFFFF else 1
            chars += 1
        return before + chars

    for e in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


def edits_of(action: types.CodeAction, uri: str = URI) -> list[types.TextEdit]:
    assert action.edit is not None
    if action.edit.document_changes:
        change = action.edit.document_changes[0]
        assert isinstance(change, types.TextDocumentEdit)
        return [e for e in change.edits if isinstance(e, types.TextEdit)]
    assert action.edit.changes is not None
    return list(action.edit.changes[uri])


async def test_reports_length_guard_on_open_and_quick_fix_removes_it(
    client: LanguageClient,
) -> None:
    await start(client)
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, GUARDED)
    await waiter
    diagnostics = client.diagnostics[URI]
    assert [d.code for d in diagnostics] == ["EP101"]
    d = diagnostics[0]
    assert d.source == "elixir-perf"
    assert d.range == types.Range(types.Position(1, 20), types.Position(1, 37))
    assert d.code_description is not None and d.code_description.href.endswith("length-in-guard.md")

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    assert actions is not None
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and "[_ | _]" in a.title)
    assert fix.kind == "quickfix"
    new_text = apply_text_edits(GUARDED, edits_of(fix))
    assert new_text.startswith("defmodule A do\n  def f([_ | _] = items) do\n")

    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    change(client, 2, [types.TextDocumentContentChangeWholeDocument(text=new_text)])
    await waiter
    assert client.diagnostics[URI] == () or list(client.diagnostics[URI]) == []


async def test_diagnostics_follow_incremental_edits(client: LanguageClient) -> None:
    await start(client)
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, "defmodule A do\nend\n")
    await waiter
    assert list(client.diagnostics[URI]) == []
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    change(client, 2, [edit(1, 0, 1, 0, "  def e(x), do: length(x) == 0\n")])
    await waiter
    assert [d.code for d in client.diagnostics[URI]] == ["EP102"]
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    # Replace "length(x) == 0" with "x == []" in two keystroke-like edits.
    change(client, 3, [edit(1, 17, 1, 31, "x == []")])
    await waiter
    assert list(client.diagnostics[URI]) == []


async def test_fix_all_applies_only_safe_fixes(client: LanguageClient) -> None:
    await start(client)
    text = (
        "defmodule A do\n"
        "  def a(xs), do: length(xs) == 0\n"
        "  def b(xs) when length(xs) > 0, do: xs\n"
        "end\n"
    )
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, text)
    await waiter
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert actions is not None and len(actions) == 1
    action = actions[0]
    assert isinstance(action, types.CodeAction) and action.kind == "source.fixAll.elixir-perf"
    fixed = apply_text_edits(text, edits_of(action))
    assert "def a(xs), do: xs == []" in fixed
    assert "when length(xs) > 0" in fixed  # unsafe: improper lists


async def test_disable_for_this_line_inserts_a_suppression_that_silences_the_rule(
    client: LanguageClient,
) -> None:
    await start(client)
    text = "defmodule A do\n  def a(xs), do: length(xs) == 0\nend\n"
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, text)
    await waiter
    d = client.diagnostics[URI][0]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    assert actions is not None
    disable = next(
        a
        for a in actions
        if isinstance(a, types.CodeAction) and a.title == "Disable EP102 for this line"
    )
    new_text = apply_text_edits(text, edits_of(disable))
    assert new_text == (
        "defmodule A do\n  # elixir-perf:disable-for-next-line EP102\n  def a(xs), do: length(xs) == 0\nend\n"
    )
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    change(client, 2, [types.TextDocumentContentChangeWholeDocument(text=new_text)])
    await waiter
    assert list(client.diagnostics[URI]) == []


async def test_stale_diagnostic_data_gets_no_quick_fix(client: LanguageClient) -> None:
    await start(client)
    text = "defmodule A do\n  def a(xs), do: length(xs) == 0\nend\n"
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, text)
    await waiter
    d = client.diagnostics[URI][0]
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    change(client, 2, [edit(0, 0, 0, 0, "# moved\n")])
    await waiter
    far_away = types.Range(types.Position(0, 0), types.Position(0, 1))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=far_away,
            context=types.CodeActionContext(diagnostics=[d], only=["quickfix"]),
        )
    )
    assert not actions


async def test_pull_client_gets_no_pushed_diagnostics(client: LanguageClient) -> None:
    result = await start(client, pull=True)
    assert result.capabilities.diagnostic_provider is not None
    open_doc(client, GUARDED)
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in report.items] == ["EP101"]
    again = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=URI), previous_result_id=report.result_id
        )
    )
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    assert URI not in client.diagnostics


async def test_positions_follow_the_negotiated_encoding(client: LanguageClient) -> None:
    result = await start(client, encodings=["utf-16", "utf-8"])
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    text = 'defmodule A do\n  def a(xs), do: {"😀é", length(xs) == 0}\nend\n'
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, text)
    await waiter
    d = client.diagnostics[URI][0]
    line = text.split("\n")[1]
    byte_col = len(line[: line.index("length")].encode())
    assert d.range.start == types.Position(1, byte_col)


async def test_utf32_client_counts_code_points(client: LanguageClient) -> None:
    result = await start(client, encodings=["utf-32"])
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf32
    text = 'defmodule A do\n  def a(xs), do: {"😀é", length(xs) == 0}\nend\n'
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, text)
    await waiter
    line = text.split("\n")[1]
    assert client.diagnostics[URI][0].range.start == types.Position(1, line.index("length"))


async def test_utf16_client_counts_surrogate_pairs(client: LanguageClient) -> None:
    result = await start(client)
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16
    text = 'defmodule A do\n  def a(xs), do: {"😀é", length(xs) == 0}\nend\n'
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, text)
    await waiter
    line = text.split("\n")[1]
    assert client.diagnostics[URI][0].range.start == types.Position(1, line.index("length") + 1)


async def test_half_typed_file_still_reports_intact_functions(client: LanguageClient) -> None:
    await start(client)
    text = (
        "defmodule A do\n"
        "  def ok(xs), do: length(xs) == 0\n"
        "  def broken(xs) do\n"
        "    Enum.map(xs, fn x ->\n"
        "  end\n"
        "end\n"
    )
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, text)
    await waiter
    assert [(d.code, d.range.start.line) for d in client.diagnostics[URI]] == [("EP102", 1)]


async def test_closing_clears_diagnostics(client: LanguageClient) -> None:
    await start(client)
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, GUARDED)
    await waiter
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    await waiter
    assert list(client.diagnostics[URI]) == []


async def test_hover_explains_the_rule_and_its_cost(client: LanguageClient) -> None:
    await start(client)
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, GUARDED)
    await waiter
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(1, 25)
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "EP101 length-in-guard" in hover.contents.value
    assert "Measured" in hover.contents.value
    assert "unsafe" in hover.contents.value


async def test_unknown_document_change_does_not_kill_the_server(client: LanguageClient) -> None:
    await start(client)
    change(client, 5, [edit(0, 0, 0, 0, "x")], uri="file:///nowhere.ex")
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, GUARDED)
    await waiter
    assert [d.code for d in client.diagnostics[URI]] == ["EP101"]


async def test_extract_regex_refactoring_is_offered_without_a_diagnostic(
    client: LanguageClient,
) -> None:
    await start(client)
    text = (
        "defmodule A do\n  def extract_emails(text), do: Regex.scan(~r/[a-z]+@[a-z]+/, text)\nend\n"
    )
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, text)
    await waiter
    assert list(client.diagnostics[URI]) == []
    column = text.split("\n")[1].index("~r") + 2
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=types.Range(types.Position(1, column), types.Position(1, column)),
            context=types.CodeActionContext(diagnostics=[], only=["refactor.extract"]),
        )
    )
    assert actions is not None and len(actions) == 1
    action = actions[0]
    assert isinstance(action, types.CodeAction) and action.kind == "refactor.extract"
    new_text = apply_text_edits(text, edits_of(action))
    assert "@extract_emails_regex ~r/[a-z]+@[a-z]+/" in new_text
    assert "Regex.scan(@extract_emails_regex, text)" in new_text


async def test_fix_all_is_idempotent(client: LanguageClient) -> None:
    await start(client)
    text = (
        "defmodule A do\n  def a(xs), do: length(xs) == 0\n  def b(ys), do: length(ys) > 0\nend\n"
    )
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, text)
    await waiter
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=URI),
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.elixir-perf"]),
    )
    actions = await client.text_document_code_action_async(params)
    assert actions is not None and len(actions) == 1
    assert isinstance(actions[0], types.CodeAction)
    fixed = apply_text_edits(text, edits_of(actions[0]))
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    change(client, 2, [types.TextDocumentContentChangeWholeDocument(text=fixed)])
    await waiter
    assert not await client.text_document_code_action_async(params)
