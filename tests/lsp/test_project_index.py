"""The project index in the server (issue 15): with only the caller open, findings
across modules arrive once the background index is built, with related information,
and follow edits of the callee's file."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from .conftest import SERVER, capabilities
from .test_workspace_diagnostics import progress_ends, uri, wait_until

SHOP = Path(__file__).resolve().parent.parent / "fixtures" / "projects" / "shop"
CONTROLLER = "lib/shop_web/controllers/user_controller.ex"
ACCOUNTS = "lib/shop/accounts.ex"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient) -> None:  # type: ignore[misc]
    yield lsp_client
    await lsp_client.shutdown_session()


def caps() -> types.ClientCapabilities:
    out = capabilities()
    out.window = types.WindowClientCapabilities(work_done_progress=True)
    assert out.workspace is not None
    out.workspace.did_change_watched_files = types.DidChangeWatchedFilesClientCapabilities(
        dynamic_registration=True
    )
    return out


def codes(client: LanguageClient, target: str) -> list[tuple[str, int]]:
    return [(str(d.code), d.range.start.line) for d in client.diagnostics.get(target, [])]


async def test_only_the_caller_open_gets_cross_module_findings_then_follows_the_callee(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root)
    registered: list[types.RegistrationParams] = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        registered.append(params)

    await client.initialize_session(types.InitializeParams(capabilities=caps(), root_uri=uri(root)))
    controller = uri(root / CONTROLLER)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(
                controller, "elixir", 1, (root / CONTROLLER).read_text(encoding="utf-8")
            )
        )
    )
    await wait_until(lambda: bool(progress_ends(client)))
    await wait_until(lambda: ("EP604", 4) in codes(client, controller))
    assert codes(client, controller) == [("EP604", 4), ("EP604", 5), ("EP604", 17)]
    first = client.diagnostics[controller][0]
    assert "`Shop.Accounts.get_user!/1` runs `Repo.get!/2`" in first.message
    assert first.related_information is not None
    (related,) = first.related_information
    assert related.location.uri == uri(root / ACCOUNTS)
    assert related.location.range.start == types.Position(5, 25)
    await wait_until(lambda: bool(registered))
    assert registered[0].registrations[0].method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES

    # get_user!/1 no longer queries: saved on disk, announced as a watched-file change.
    accounts = root / ACCOUNTS
    text = accounts.read_text(encoding="utf-8")
    accounts.write_text(text.replace("Repo.get!(User, id)", "%User{id: id}"), encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(accounts), types.FileChangeType.Changed)]
        )
    )
    await wait_until(lambda: ("EP604", 4) not in codes(client, controller))
    assert codes(client, controller) == [("EP604", 5), ("EP604", 17)]

    # An open buffer wins over its disk copy: opening accounts.ex with the query
    # back brings the finding back, before anything is saved.
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri(accounts), "elixir", 1, text))
    )
    await wait_until(lambda: ("EP604", 4) in codes(client, controller))

    # Closing the buffer puts the disk copy (no query) back in the index.
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri(accounts)))
    )
    await wait_until(lambda: ("EP604", 4) not in codes(client, controller))


async def test_a_pull_client_gets_the_findings_across_modules_once_the_index_is_ready(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root)
    pull_caps = caps()
    assert pull_caps.text_document is not None
    pull_caps.text_document.diagnostic = types.DiagnosticClientCapabilities()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        pass

    await client.initialize_session(
        types.InitializeParams(capabilities=pull_caps, root_uri=uri(root))
    )
    controller = uri(root / CONTROLLER)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(
                controller, "elixir", 1, (root / CONTROLLER).read_text(encoding="utf-8")
            )
        )
    )
    await wait_until(lambda: bool(progress_ends(client)))
    params = types.DocumentDiagnosticParams(types.TextDocumentIdentifier(controller))
    first = await client.text_document_diagnostic_async(params)
    assert isinstance(first, types.RelatedFullDocumentDiagnosticReport)
    # Whatever the first answer held, the same version of the same buffer must not be
    # "unchanged" when the index has changed what it says since.
    accounts = root / ACCOUNTS
    text = accounts.read_text(encoding="utf-8")
    accounts.write_text(text.replace("Repo.get!(User, id)", "%User{id: id}"), encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(uri(accounts), types.FileChangeType.Changed)]
        )
    )

    async def lines_now() -> list[int]:
        params.previous_result_id = first.result_id
        report = await client.text_document_diagnostic_async(params)
        if isinstance(report, types.RelatedUnchangedDocumentDiagnosticReport):
            return [d.range.start.line for d in first.items if d.code == "EP604"]
        return [d.range.start.line for d in report.items if d.code == "EP604"]

    assert 4 in [d.range.start.line for d in first.items if d.code == "EP604"]
    for _ in range(200):
        if 4 not in await lines_now():
            break
        await asyncio.sleep(0.05)
    assert await lines_now() == [5, 17]


async def test_closed_files_get_findings_across_modules_with_workspace_diagnostics(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root)
    # The scan reaches the controller first and the index takes a while (many files):
    # the controller is analysed before the index is ready, and must be again after.
    first = root / "lib" / "a_user_controller.ex"
    (root / CONTROLLER).rename(first)
    for n in range(300):
        filler = root / "lib" / "filler" / f"f{n}.ex"
        filler.parent.mkdir(exist_ok=True)
        body = "".join(f"  def f{k}(x), do: g(x, {k})\n" for k in range(100))
        filler.write_text(f"defmodule Filler{n} do\n{body}end\n")

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        pass

    await client.initialize_session(
        types.InitializeParams(
            capabilities=caps(),
            initialization_options={"elixirPerf": {"workspaceDiagnostics": True}},
            root_uri=uri(root),
        )
    )
    controller = uri(first)
    # Nothing is open: the controller is reported from disk, with the index once built.
    await wait_until(lambda: ("EP604", 4) in codes(client, controller))
    assert codes(client, controller) == [("EP604", 4), ("EP604", 5), ("EP604", 17)]


async def test_fix_all_keeps_a_suppression_only_the_index_shows_in_use(
    client: LanguageClient, tmp_path: Path
) -> None:
    # Fix all analysed the buffer alone: the EP604 a range silences was not seen, so
    # the range was removed as unused (EP001) on every fix-all-on-save.
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root)
    text = (root / CONTROLLER).read_text(encoding="utf-8")
    text = text.replace(
        "    users = Enum.map", "    # elixir-perf:disable EP604 -- few ids\n    users = Enum.map"
    ).replace("    render(conn, :index", "    # elixir-perf:enable EP604\n    render(conn, :index")

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        pass

    await client.initialize_session(types.InitializeParams(capabilities=caps(), root_uri=uri(root)))
    controller = uri(root / CONTROLLER)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(controller, "elixir", 1, text))
    )
    await wait_until(lambda: bool(progress_ends(client)))
    await wait_until(lambda: ("EP604", 19) in codes(client, controller))
    assert [c for c in codes(client, controller) if c[0] == "EP001"] == []
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=controller),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.elixir-perf"]),
        )
    )
    assert not actions
