"""Workspace diagnostics (`elixirPerf.workspaceDiagnostics`): the whole workspace is
scanned after `initialized`, with `$/progress`, cancellation and excludes; results
are published per file, or pulled with `workspace/diagnostic`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import SERVER, capabilities

GUARD = "defmodule A do\n  def f(items) when length(items) == 0, do: :empty\nend\n"
EMPTY_CHECK = "x = length(ys) == 0\n"
CLEAN = "defmodule C do\n  def f([]), do: :empty\nend\n"
OPTIONS = {"workspaceDiagnostics": True, "select": ["ALL"]}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def unmanaged(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    """A client whose test shuts the server down itself."""
    yield lsp_client


def uri(path: Path) -> str:
    value = from_fs_path(str(path))
    assert value is not None
    return value


def workspace(root: Path) -> Path:
    files = {
        "lib/a.ex": GUARD,
        "lib/b.exs": EMPTY_CHECK,
        "lib/clean.ex": CLEAN,
        "lib/generated/skip.ex": GUARD,  # excluded by .elixir-perf.toml
        "deps/dep/lib/dep.ex": GUARD,  # always excluded
        "_build/dev/lib/x.ex": GUARD,  # always excluded
        "README.md": GUARD,  # not Elixir
        ".elixir-perf.toml": 'exclude = ["lib/generated/**"]\n',
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def client_caps(pull: bool = False, progress: bool = True) -> types.ClientCapabilities:
    caps = capabilities(pull=pull)
    caps.window = types.WindowClientCapabilities(work_done_progress=progress)
    assert caps.workspace is not None
    if pull:
        caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
            refresh_support=True
        )
    return caps


async def start(
    client: LanguageClient, root: Path, caps: types.ClientCapabilities, options: Any = OPTIONS
) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=caps, initialization_options=options, root_uri=uri(root)
        )
    )


async def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


def progress_ends(client: LanguageClient) -> list[types.WorkDoneProgressEnd]:
    return [
        v
        for values in client.progress_reports.values()
        for v in values
        if isinstance(v, types.WorkDoneProgressEnd)
    ]


def progress_under_way(client: LanguageClient) -> list[Any]:
    """Tokens whose progress has reported at least one file done."""
    return [
        token
        for token, values in client.progress_reports.items()
        if any(isinstance(v, types.WorkDoneProgressReport) for v in values)
    ]


async def test_scan_reports_progress_and_publishes_findings_of_included_files(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = workspace(tmp_path)
    await start(client, root, client_caps())
    await wait_until(lambda: bool(progress_ends(client)))

    (token,) = client.progress_reports
    reports = client.progress_reports[token]
    begin, *middle, end = reports
    assert isinstance(begin, types.WorkDoneProgressBegin)
    assert begin.title == "elixir-perf: checking the workspace"
    assert begin.cancellable is True
    assert middle and all(isinstance(r, types.WorkDoneProgressReport) for r in middle)
    percentages = [r.percentage for r in middle]
    assert percentages == sorted(percentages) and percentages[-1] == 100
    assert isinstance(end, types.WorkDoneProgressEnd)
    assert end.message == "3 files checked, 2 findings"

    await wait_until(lambda: len(client.diagnostics) >= 2)
    assert set(client.diagnostics) == {uri(root / "lib/a.ex"), uri(root / "lib/b.exs")}
    assert [d.code for d in client.diagnostics[uri(root / "lib/a.ex")]] == ["EP101"]
    b = client.diagnostics[uri(root / "lib/b.exs")]
    assert [d.code for d in b] == ["EP102"]
    assert b[0].source == "elixir-perf"
    assert b[0].range == types.Range(types.Position(0, 4), types.Position(0, 19))


async def test_open_buffers_win_and_closing_reports_the_file_from_disk_again(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = workspace(tmp_path)
    a = uri(root / "lib/a.ex")
    await start(client, root, client_caps())
    await wait_until(lambda: bool(progress_ends(client)) and a in client.diagnostics)
    assert [d.code for d in client.diagnostics[a]] == ["EP101"]

    # The buffer differs from the disk: its (clean) analysis is what the client sees.
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=a, language_id="elixir", version=1, text=CLEAN)
        )
    )
    await wait_until(lambda: list(client.diagnostics[a]) == [])

    # Closed without saving: the file on disk still has the finding, reported again.
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=a))
    )
    await wait_until(lambda: [d.code for d in client.diagnostics[a]] == ["EP101"])


async def test_setting_off_means_no_scan_and_no_workspace_pull(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = workspace(tmp_path)
    result = await start(client, root, client_caps(pull=True), options={"select": ["ALL"]})
    provider = result.capabilities.diagnostic_provider
    assert isinstance(provider, types.DiagnosticOptions)
    assert provider.workspace_diagnostics is False
    a = uri(root / "lib/a.ex")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=a, language_id="elixir", version=1, text=GUARD)
        )
    )
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=a))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in report.items] == ["EP101"]
    await asyncio.sleep(0.3)
    assert client.progress_reports == {}
    assert client.diagnostics == {}


async def test_pull_clients_get_workspace_reports_and_no_pushes(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = workspace(tmp_path)
    result = await start(client, root, client_caps(pull=True))
    provider = result.capabilities.diagnostic_provider
    assert isinstance(provider, types.DiagnosticOptions)
    assert provider.workspace_diagnostics is True

    # Asked straight away, the request waits for the scan to finish.
    report = await client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    a, b = uri(root / "lib/a.ex"), uri(root / "lib/b.exs")
    full = {
        item.uri: item
        for item in report.items
        if isinstance(item, types.WorkspaceFullDocumentDiagnosticReport)
    }
    assert set(full) == {a, b}
    assert [d.code for d in full[a].items] == ["EP101"]
    assert [d.code for d in full[b].items] == ["EP102"]
    assert all(item.result_id for item in full.values())
    assert progress_ends(client)  # progress is shown for pull clients too
    assert client.diagnostics == {}  # never both models

    # Same files, same settings: "unchanged".
    previous = [types.PreviousResultId(uri=u, value=str(r.result_id)) for u, r in full.items()]
    again = await client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=previous)
    )
    assert {type(i) for i in again.items} == {types.WorkspaceUnchangedDocumentDiagnosticReport}
    assert {i.uri for i in again.items} == {a, b}

    # Fixed on disk: a full, empty report; an open file is left to document pulls.
    (root / "lib/b.exs").write_text("x = ys == []\n")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=a, language_id="elixir", version=1, text=GUARD)
        )
    )
    third = await client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=previous)
    )
    assert [(i.uri, i.kind) for i in third.items] == [(b, "full")]
    item = third.items[0]
    assert isinstance(item, types.WorkspaceFullDocumentDiagnosticReport)
    assert list(item.items) == []


def many_files(root: Path, count: int = 400) -> Path:
    for i in range(count):
        (root / "lib" / f"m{i:03}.ex").parent.mkdir(parents=True, exist_ok=True)
        (root / "lib" / f"m{i:03}.ex").write_text(GUARD)
    return root


async def test_client_can_cancel_the_scan(client: LanguageClient, tmp_path: Path) -> None:
    root = many_files(tmp_path)
    await start(client, root, client_caps())
    await wait_until(lambda: bool(progress_under_way(client)))
    (token,) = progress_under_way(client)
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    await wait_until(lambda: bool(progress_ends(client)))
    (end,) = progress_ends(client)
    assert end.message is not None and end.message.startswith("cancelled after ")
    checked = int(end.message.split()[2])
    assert 0 < checked < 400
    # Every file checked before the cancel was published; nothing after it.
    await asyncio.sleep(0.3)
    assert len(client.diagnostics) == checked


async def test_shutdown_stops_the_scan(unmanaged: LanguageClient, tmp_path: Path) -> None:
    root = many_files(tmp_path)
    await start(unmanaged, root, client_caps())
    try:
        await wait_until(lambda: bool(progress_under_way(unmanaged)))
        await unmanaged.shutdown_async(None)
        await wait_until(lambda: bool(progress_ends(unmanaged)), timeout=5)
        (end,) = progress_ends(unmanaged)
        assert end.message is not None and end.message.startswith("cancelled after ")
        checked = int(end.message.split()[2])
        await asyncio.sleep(0.3)
        # Nothing is published after shutdown.
        assert len(unmanaged.diagnostics) == checked < 400
    finally:
        unmanaged.exit(None)


async def test_turned_on_and_off_later_the_scan_publishes_then_clears(
    client: LanguageClient, tmp_path: Path
) -> None:
    """Enabled after `initialize`, workspace/diagnostic was not offered: even a pull
    client gets the scan's findings published. Disabled again, they are cleared."""
    root = workspace(tmp_path)
    await start(client, root, client_caps(pull=True), options={"select": ["ALL"]})
    a, b = uri(root / "lib/a.ex"), uri(root / "lib/b.exs")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"elixirPerf": {"workspaceDiagnostics": True, "select": ["ALL"]}}
        )
    )
    await wait_until(lambda: bool(progress_ends(client)) and len(client.diagnostics) == 2)
    assert set(client.diagnostics) == {a, b}

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"elixirPerf": {}})
    )
    await wait_until(lambda: all(list(d) == [] for d in client.diagnostics.values()))
