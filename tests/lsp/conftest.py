"""Start the real server over stdio for each test (pytest-lsp)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = [sys.executable, "-m", "elixir_perf_lsp", "serve"]
EVERY_RULE = {"elixirPerf": {"select": ["ALL"]}}


def capabilities(
    encodings: list[str] | None = None, pull: bool = False, versioned: bool = True
) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind(e) for e in encodings]
            if encodings
            else None
        ),
        text_document=types.TextDocumentClientCapabilities(
            diagnostic=types.DiagnosticClientCapabilities() if pull else None,
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=["quickfix", "source", "refactor"]
                    )
                )
            ),
        ),
        workspace=types.WorkspaceClientCapabilities(
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=versioned),
        ),
    )


async def start(
    client: LanguageClient,
    encodings: list[str] | None = None,
    pull: bool = False,
    options: Any = None,
    root_uri: str | None = None,
) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings, pull),
            # Every rule, opt-in ones included, unless the test chooses.
            initialization_options=options if options is not None else EVERY_RULE,
            root_uri=root_uri,
        )
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    yield lsp_client
    await lsp_client.shutdown_session()
