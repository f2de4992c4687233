"""The server finds config like `check` does (issue 20, item 6): a config above the
workspace root applies, and a relative `configFile` is relative to the workspace."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient

from .conftest import capabilities
from .test_settings import TEXT, codes_after_open


async def start_in(client: LanguageClient, root: Path, options: object = None) -> None:
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(),
            root_uri=from_fs_path(str(root)),
            initialization_options=options,
        )
    )


def uri_of(path: Path) -> str:
    uri = from_fs_path(str(path))
    assert uri is not None
    return uri


async def test_a_config_above_the_workspace_root_applies(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / ".elixir-perf.toml").write_text('select = ["ALL"]\nignore = ["EP101", "EP803"]\n')
    root = tmp_path / "apps" / "web"
    (root / "lib").mkdir(parents=True)
    await start_in(client, root)
    assert await codes_after_open(client, uri_of(root / "lib" / "a.ex"), TEXT) == ["EP102"]


async def test_a_relative_config_file_setting_is_found_in_the_workspace(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "perf.toml").write_text('select = ["ALL"]\nignore = ["EP102", "EP803"]\n')
    await start_in(client, tmp_path, {"elixirPerf": {"configFile": "conf/perf.toml"}})
    assert await codes_after_open(client, uri_of(tmp_path / "lib" / "a.ex"), TEXT) == ["EP101"]
    assert not [m for m in client.messages if m.type == types.MessageType.Error]
