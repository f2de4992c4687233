"""Editor settings: initializationOptions, workspace/configuration, didChangeConfiguration."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import capabilities
from .test_server import URI, open_doc

# EP101 and EP102 are opt-in rules, EP803 is in the default set.
TEXT = (
    "defmodule A do\n"
    "  def a(xs), do: length(xs) == 0\n"
    "  def b(xs) when length(xs) == 0, do: xs\n"
    '  def c(%{"k" => k}), do: String.to_atom(k)\n'
    "end\n"
)


async def codes_after_open(client: LanguageClient, uri: str = URI, text: str = TEXT) -> list[str]:
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, text, uri=uri)
    await waiter
    return [str(d.code) for d in client.diagnostics[uri]]


async def test_initialization_options_select_rules(client: LanguageClient) -> None:
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(),
            initialization_options={"elixirPerf": {"select": ["EP102"]}},
        )
    )
    assert await codes_after_open(client) == ["EP102"]


async def test_severity_override_from_settings(client: LanguageClient) -> None:
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(),
            initialization_options={
                "severity": {"EP102": "error"},
                "select": ["EP102", "EP101"],
                "ignore": ["EP101"],
            },
        )
    )
    await codes_after_open(client)
    [d] = client.diagnostics[URI]
    assert d.severity == types.DiagnosticSeverity.Error


async def test_bad_setting_shows_one_error_and_keeps_linting(client: LanguageClient) -> None:
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(), initialization_options={"select": ["EP9"], "bogus": 1}
        )
    )
    assert sorted(await codes_after_open(client)) == ["EP803"]  # the defaults
    errors = [m for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1
    assert "elixirPerf.bogus" in errors[0].message


async def test_configuration_is_pulled_and_changes_relint_open_documents(
    client: LanguageClient,
) -> None:
    client.set_configuration({"select": ["EP101"]}, section="elixirPerf")
    caps = capabilities()
    assert caps.workspace is not None
    caps.workspace.configuration = True
    await client.initialize_session(types.InitializeParams(capabilities=caps))
    await codes_after_open(client)
    if [d.code for d in client.diagnostics[URI]] != ["EP101"]:
        # Opened before the pulled settings arrived: a re-lint follows.
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert [d.code for d in client.diagnostics[URI]] == ["EP101"]

    client.set_configuration({"select": ["EP102"]}, section="elixirPerf")
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await waiter
    assert [d.code for d in client.diagnostics[URI]] == ["EP102"]


async def test_config_file_next_to_the_document_wins_over_editor_settings(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / ".elixir-perf.toml").write_text('select = ["EP101"]\n')
    (tmp_path / "lib").mkdir()
    uri = (tmp_path / "lib" / "a.ex").as_uri()
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(),
            root_uri=tmp_path.as_uri(),
            initialization_options={"select": ["EP102"]},
        )
    )
    assert await codes_after_open(client, uri) == ["EP101"]


async def test_broken_config_file_is_reported_once_and_defaults_apply(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / ".elixir-perf.toml").write_text("select = [\n")
    uri = (tmp_path / "a.ex").as_uri()
    await client.initialize_session(
        types.InitializeParams(capabilities=capabilities(), root_uri=tmp_path.as_uri())
    )
    assert sorted(await codes_after_open(client, uri)) == ["EP803"]  # the defaults
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=TEXT + "\n")],
        )
    )
    await waiter
    errors = [m for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 1
    assert ".elixir-perf.toml" in errors[0].message and "invalid TOML" in errors[0].message


async def test_neovim_empty_table_settings_are_an_empty_section(client: LanguageClient) -> None:
    # Neovim encodes an empty Lua table as a JSON array.
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(), initialization_options={"elixirPerf": []}
        )
    )
    assert sorted(await codes_after_open(client)) == ["EP803"]  # the defaults
    assert not [m for m in client.messages if m.type == types.MessageType.Error]


async def test_other_servers_settings_in_did_change_configuration_are_ignored(
    client: LanguageClient,
) -> None:
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(), initialization_options={"select": ["EP101"]}
        )
    )
    assert await codes_after_open(client) == ["EP101"]
    # Eglot sends every server's settings; ours are absent, so nothing changes.
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"elixirLS": {"dialyzerEnabled": False}})
    )
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=TEXT + "\n")],
        )
    )
    await waiter
    assert [d.code for d in client.diagnostics[URI]] == ["EP101"]
    assert not [m for m in client.messages if m.type == types.MessageType.Error]
