"""End to end: "Show documentation" actions, `logLevel`/`logFile`, and config files
watched through a dynamically registered `workspace/didChangeWatchedFiles`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Union

from lsprotocol import types
from pytest_lsp import LanguageClient

from elixir_perf_lsp.urls import rule_url

from .conftest import EVERY_RULE, capabilities
from .test_server import URI, open_doc

EMPTY_CHECK = "defmodule A do\n  def a(xs), do: length(xs) == 0\nend\n"  # EP102
SHOW_DOCUMENTATION = "elixirPerf.showDocumentation"


def with_show_document(caps: types.ClientCapabilities) -> types.ClientCapabilities:
    caps.window = types.WindowClientCapabilities(
        show_document=types.ShowDocumentClientCapabilities(support=True)
    )
    return caps


def watching(caps: types.ClientCapabilities, dynamic: bool = True) -> types.ClientCapabilities:
    assert caps.workspace is not None
    caps.workspace.did_change_watched_files = types.DidChangeWatchedFilesClientCapabilities(
        dynamic_registration=dynamic
    )
    return caps


async def init(
    client: LanguageClient,
    caps: types.ClientCapabilities,
    options: object = None,
    root: Path | None = None,
) -> types.InitializeResult:
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            initialization_options=options if options is not None else EVERY_RULE,
            root_uri=root.as_uri() if root is not None else None,
        )
    )
    return result


async def open_and_wait(client: LanguageClient, text: str, uri: str = URI) -> list[str]:
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    open_doc(client, text, uri=uri)
    await waiter
    return [str(d.code) for d in client.diagnostics[uri]]


def read_code_actions_like_an_editor(client: LanguageClient) -> None:
    """lsprotocol reads any code action that has a `command` as a bare Command (its
    `command` then a stringified object); editors tell them apart by whether
    `command` is a string, as LSP says."""
    converter = client.protocol._converter

    def structure(value: Any, _: type) -> types.Command | types.CodeAction:
        if isinstance(value.get("command"), str):
            return converter.structure(value, types.Command)
        return converter.structure(value, types.CodeAction)

    converter.register_structure_hook(types.Command | types.CodeAction, structure)
    converter.register_structure_hook(Union[types.Command, types.CodeAction], structure)  # noqa: UP007


async def actions_for_first_diagnostic(
    client: LanguageClient, uri: str = URI
) -> list[types.CodeAction]:
    read_code_actions_like_an_editor(client)
    d = client.diagnostics[uri][0]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    return [a for a in actions or [] if isinstance(a, types.CodeAction)]


# --- Show documentation ------------------------------------------------------------------


async def test_show_documentation_opens_the_rules_page_in_the_browser(
    client: LanguageClient,
) -> None:
    result = await init(client, with_show_document(capabilities()))
    provider = result.capabilities.execute_command_provider
    assert provider is not None and SHOW_DOCUMENTATION in provider.commands
    assert await open_and_wait(client, EMPTY_CHECK) == ["EP102"]
    [action] = [
        a for a in await actions_for_first_diagnostic(client) if a.title.startswith("Show doc")
    ]
    assert action.title == "Show documentation for EP102"
    assert action.edit is None and action.command is not None
    assert action.diagnostics and action.diagnostics[0].code == "EP102"
    # What an editor does with the action's command:
    opened = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command=action.command.command, arguments=action.command.arguments
        )
    )
    assert opened is True
    [shown] = client.shown_documents
    assert shown.uri == rule_url("expensive-empty-check") and shown.external is True


async def test_show_documentation_is_not_offered_to_a_client_that_cannot_show_documents(
    client: LanguageClient,
) -> None:
    await init(client, capabilities())
    await open_and_wait(client, EMPTY_CHECK)
    titles = [a.title for a in await actions_for_first_diagnostic(client)]
    assert "Disable EP102 for this line" in titles
    assert not [t for t in titles if t.startswith("Show documentation")]


async def test_show_documentation_opens_only_our_own_pages(client: LanguageClient) -> None:
    await init(client, with_show_document(capabilities()))
    for argument in ("https://example.com/", "EP999"):
        opened = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=SHOW_DOCUMENTATION, arguments=[argument])
        )
        assert opened is False
    assert client.shown_documents == []


# --- logLevel / logFile --------------------------------------------------------------------


async def test_log_file_receives_settings_and_per_analysis_lines_at_debug(
    client: LanguageClient, tmp_path: Path
) -> None:
    log_file = tmp_path / "logs" / "perf.log"
    options = {"elixirPerf": {"select": ["ALL"], "logLevel": "debug", "logFile": str(log_file)}}
    await init(client, capabilities(), options)
    await open_and_wait(client, EMPTY_CHECK)
    text = log_file.read_text(encoding="utf-8")
    assert "INFO elixir_perf_lsp.server.lifecycle: settings applied" in text
    assert f"DEBUG elixir_perf_lsp.server.session: analysed {URI} version 1: 1 findings" in text


async def test_a_relative_log_file_is_relative_to_the_workspace(
    client: LanguageClient, tmp_path: Path
) -> None:
    options = {"logLevel": "info", "logFile": "perf.log", "select": ["ALL"]}
    await init(client, capabilities(), options, root=tmp_path)
    await open_and_wait(client, EMPTY_CHECK, uri=(tmp_path / "a.ex").as_uri())
    assert "settings applied" in (tmp_path / "perf.log").read_text(encoding="utf-8")


async def test_log_level_filters_what_the_client_is_sent(
    client: LanguageClient, tmp_path: Path
) -> None:
    # An info message (a config file changed), sent only at "info" and below.
    config = tmp_path / ".elixir-perf.toml"
    config.write_text('select = ["ALL"]\n')
    uri = (tmp_path / "a.ex").as_uri()
    await init(client, capabilities(), {"logLevel": "info"}, root=tmp_path)
    await open_and_wait(client, EMPTY_CHECK, uri=uri)
    await notify_changed(client, config)
    assert any("changed; linting 1 open documents again" in m.message for m in client.log_messages)

    client.log_messages.clear()
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"elixirPerf": {"logLevel": "warning"}})
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    await notify_changed(client, config)
    assert not [m for m in client.log_messages if "changed; linting" in m.message]


async def test_bad_log_settings_are_errors_that_name_the_setting(
    client: LanguageClient, tmp_path: Path
) -> None:
    options = {"select": ["ALL"], "logLevel": "verbose"}
    await init(client, capabilities(), options)
    # Like any bad setting: shown once, and the previous settings (the defaults) kept.
    assert await open_and_wait(client, EMPTY_CHECK) == []
    [error] = [m.message for m in client.messages if m.type == types.MessageType.Error]
    assert "elixirPerf.logLevel" in error and "verbose" in error


async def test_an_unwritable_log_file_is_reported_and_the_server_keeps_linting(
    client: LanguageClient, tmp_path: Path
) -> None:
    options = {"select": ["ALL"], "logFile": str(tmp_path)}  # a directory
    await init(client, capabilities(), options)
    assert await open_and_wait(client, EMPTY_CHECK) == ["EP102"]
    [error] = [m.message for m in client.messages if m.type == types.MessageType.Error]
    assert "elixirPerf.logFile" in error and str(tmp_path) in error


# --- .elixir-perf.toml watched -------------------------------------------------------------


def record_registrations(client: LanguageClient) -> list[types.Registration]:
    seen: list[types.Registration] = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        seen.extend(params.registrations)

    return seen


async def notify_changed(
    client: LanguageClient, path: Path, kind: types.FileChangeType = types.FileChangeType.Changed
) -> list[types.Diagnostic]:
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=path.as_uri(), type=kind)])
    )
    params = await asyncio.wait_for(waiter, 10)
    return list(params.diagnostics)


async def test_config_file_changes_are_watched_and_relint_open_documents(
    client: LanguageClient, tmp_path: Path
) -> None:
    registrations = record_registrations(client)
    config = tmp_path / ".elixir-perf.toml"
    config.write_text('select = ["ALL"]\nignore = ["EP102"]\n')
    uri = (tmp_path / "lib" / "a.ex").as_uri()
    await init(client, watching(capabilities()), {}, root=tmp_path)
    assert await open_and_wait(client, EMPTY_CHECK, uri=uri) == []
    [registration] = registrations
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    options = registration.register_options
    patterns = [w["globPattern"] for w in options["watchers"]]  # type: ignore[index]
    assert "**/.elixir-perf.toml" in patterns and "**/mix.exs" in patterns

    config.write_text('select = ["ALL"]\nignore = []\n')
    assert [d.code for d in await notify_changed(client, config)] == ["EP102"]

    config.unlink()  # the defaults again: EP102 is opt-in
    assert await notify_changed(client, config, types.FileChangeType.Deleted) == []


async def test_a_config_file_broken_twice_is_reported_each_time(
    client: LanguageClient, tmp_path: Path
) -> None:
    config = tmp_path / ".elixir-perf.toml"
    config.write_text('select = ["ALL"]\n')
    uri = (tmp_path / "a.ex").as_uri()
    record_registrations(client)
    await init(client, watching(capabilities()), {}, root=tmp_path)
    assert await open_and_wait(client, EMPTY_CHECK, uri=uri) == ["EP102"]
    for _ in range(2):
        config.write_text("select = [\n")
        await notify_changed(client, config)
        config.write_text('select = ["ALL"]\n')
        assert [d.code for d in await notify_changed(client, config)] == ["EP102"]
    errors = [m.message for m in client.messages if m.type == types.MessageType.Error]
    assert len(errors) == 2 and all("invalid TOML" in e for e in errors)


async def test_other_watched_files_do_not_relint(client: LanguageClient, tmp_path: Path) -> None:
    record_registrations(client)
    await init(client, watching(capabilities()), {}, root=tmp_path)
    await open_and_wait(client, EMPTY_CHECK, uri=(tmp_path / "a.ex").as_uri())
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=(tmp_path / "b.ex").as_uri(), type=types.FileChangeType.Changed)
            ]
        )
    )
    done, _ = await asyncio.wait({asyncio.ensure_future(waiter)}, timeout=0.5)
    assert not done


async def test_no_registration_without_dynamic_registration(
    client: LanguageClient, tmp_path: Path
) -> None:
    registrations = record_registrations(client)
    await init(client, watching(capabilities(), dynamic=False), {}, root=tmp_path)
    await open_and_wait(client, EMPTY_CHECK, uri=(tmp_path / "a.ex").as_uri())
    assert registrations == []
