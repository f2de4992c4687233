"""The server sends a server-to-client request only when the client declared it handles it.

Neovim >= 0.10 pulls diagnostics but declares no `workspace.diagnostics.refreshSupport`; an
unannounced `workspace/diagnostic/refresh` shows up in its log as "no handler found".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .test_workspace_diagnostics import (
    client_caps,
    progress_ends,
    start,
    uri,
    wait_until,
    workspace,
)

TEXT = "defmodule A do\n  def a(xs), do: length(xs) == 0\nend\n"


def pull_caps(refresh: bool | None) -> types.ClientCapabilities:
    """A pull client; `refresh` None: no `workspace.diagnostics` at all (Neovim 0.10-0.12)."""
    caps = client_caps(pull=True)
    assert caps.workspace is not None
    caps.workspace.diagnostics = (
        None
        if refresh is None
        else types.DiagnosticWorkspaceClientCapabilities(refresh_support=refresh)
    )
    return caps


async def round_trip(client: LanguageClient, doc: str) -> None:
    """A request answered after the server handled everything sent before it."""
    await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=doc))
    )


async def open_and_reconfigure(client: LanguageClient, root: Path) -> None:
    doc = uri(root / "lib" / "open.ex")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=doc, language_id="elixir", version=1, text=TEXT
            )
        )
    )
    await round_trip(client, doc)
    # New settings: every open document's diagnostics are stale, pull clients must pull again.
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"elixirPerf": {"ignore": ["EP102"]}})
    )
    await round_trip(client, doc)
    await round_trip(client, doc)


@pytest.mark.parametrize("refresh", [None, False])
async def test_no_refresh_after_settings_change_unless_declared(
    client: LanguageClient, tmp_path: Path, refresh: bool | None
) -> None:
    await start(client, tmp_path, pull_caps(refresh), options={})
    await open_and_reconfigure(client, tmp_path)
    assert client.diagnostic_refresh_count == 0


async def test_refresh_after_settings_change_when_declared(
    client: LanguageClient, tmp_path: Path
) -> None:
    await start(client, tmp_path, pull_caps(True), options={})
    await open_and_reconfigure(client, tmp_path)
    await wait_until(lambda: client.diagnostic_refresh_count >= 1)


async def stop_workspace_scan(client: LanguageClient, root: Path) -> None:
    """Scan the workspace, then turn the scan off: its results are withdrawn."""
    await wait_until(lambda: bool(progress_ends(client)))
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"elixirPerf": {}})
    )
    doc = uri(root / "lib" / "a.ex")
    await round_trip(client, doc)
    await round_trip(client, doc)


async def test_no_refresh_when_the_workspace_scan_stops_unless_declared(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = workspace(tmp_path)
    await start(client, root, pull_caps(False))
    await stop_workspace_scan(client, root)
    assert client.diagnostic_refresh_count == 0


async def test_refresh_when_the_workspace_scan_stops_when_declared(
    client: LanguageClient, tmp_path: Path
) -> None:
    root = workspace(tmp_path)
    await start(client, root, pull_caps(True))
    await stop_workspace_scan(client, root)
    await wait_until(lambda: client.diagnostic_refresh_count >= 1)
