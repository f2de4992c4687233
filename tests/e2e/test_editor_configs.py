"""Static checks of the editor configurations under editors/ (no server involved)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.support import ROOT, nvim_version, require_or_skip

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10
    import tomli as tomllib

pytestmark = pytest.mark.e2e

EDITORS = ROOT / "editors"


def test_helix_languages_toml() -> None:
    data = tomllib.loads((EDITORS / "helix" / "languages.toml").read_text(encoding="utf-8"))
    server = data["language-server"]["elixir-perf-lsp"]
    assert server["command"] == "elixir-perf-lsp"
    assert server["args"] == ["serve"]
    elixir = [lang for lang in data["language"] if lang["name"] == "elixir"]
    assert len(elixir) == 1, elixir
    servers = elixir[0]["language-servers"]
    # Setting language-servers replaces Helix's default list: elixir-ls must stay in it.
    assert "elixir-ls" in servers, servers
    assert "elixir-perf-lsp" in servers, servers


# Loads each Lua file the way a user would (dofile), with a stand-in for nvim-lspconfig's util
# module when nvim-lspconfig is not installed, and reports what each returned as JSON.
LOAD_LUA = r"""
local out = {}
package.loaded['lspconfig.util'] = package.loaded['lspconfig.util'] or {
  root_pattern = function(...)
    local markers = { ... }
    return function() return markers end
  end,
}
for _, path in ipairs(vim.fn.json_decode(vim.env.E2E_FILES)) do
  local ok, value = pcall(dofile, path)
  local entry = { ok = ok }
  if not ok then
    entry.error = tostring(value)
  elseif type(value) == 'table' then
    local config = value.default_config or value
    entry.kind = value.default_config and 'lspconfig' or 'config'
    entry.cmd = config.cmd
    entry.filetypes = config.filetypes
    entry.settings_json = config.settings and vim.fn.json_encode(config.settings)
    entry.root_dir_type = type(config.root_dir)
    entry.root_markers = config.root_markers
  else
    entry.type = type(value)
  end
  out[path] = entry
end
vim.fn.writefile({ vim.fn.json_encode(out) }, vim.env.E2E_RESULT)
"""


@pytest.fixture(scope="module")
def lua_loads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if nvim_version() is None:
        require_or_skip("nvim not found on PATH")
    tmp = tmp_path_factory.mktemp("lua")
    script = tmp / "load.lua"
    script.write_text(LOAD_LUA, encoding="utf-8")
    result = tmp / "result.json"
    files = [
        str(EDITORS / "neovim" / "lsp" / "elixir_perf_lsp.lua"),
        str(EDITORS / "neovim" / "lspconfig" / "elixir_perf_lsp.lua"),
    ]
    proc = subprocess.run(
        [
            "nvim",
            "--headless",
            "-u",
            "NONE",
            "-i",
            "NONE",
            "-n",
            "-c",
            f"luafile {script}",
            "-c",
            "qall!",
        ],
        env={
            **os.environ,
            "E2E_FILES": json.dumps(files),
            "E2E_RESULT": str(result),
            "XDG_CACHE_HOME": str(tmp / "cache"),
            "XDG_STATE_HOME": str(tmp / "state"),
        },
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.exists(), f"nvim wrote nothing: exit {proc.returncode}\n{proc.stderr}"
    data: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    assert proc.returncode == 0 and "Error" not in proc.stderr, proc.stderr
    return {Path(k).relative_to(EDITORS).as_posix(): v for k, v in data.items()}


def test_neovim_011_config_loads(lua_loads: dict[str, Any]) -> None:
    # lsp/elixir_perf_lsp.lua is for Neovim >= 0.11 (vim.lsp.config); it must still load as a
    # plain table in older versions, which is all we can check with those.
    entry = lua_loads["neovim/lsp/elixir_perf_lsp.lua"]
    assert entry["ok"], entry.get("error")
    assert entry["kind"] == "config"
    assert entry["cmd"][0] == "elixir-perf-lsp"
    assert entry["cmd"] == ["elixir-perf-lsp", "serve"]
    assert entry["filetypes"] == ["elixir"]
    # Must reach the server as a JSON object, not `[]`.
    assert json.loads(entry["settings_json"]) == {"elixirPerf": {}}


def test_nvim_lspconfig_definition_loads(lua_loads: dict[str, Any]) -> None:
    entry = lua_loads["neovim/lspconfig/elixir_perf_lsp.lua"]
    assert entry["ok"], entry.get("error")
    assert entry["kind"] == "lspconfig"
    assert entry["cmd"] == ["elixir-perf-lsp", "serve"]
    assert entry["filetypes"] == ["elixir"]
    assert entry["root_dir_type"] == "function"
    assert json.loads(entry["settings_json"]) == {"elixirPerf": {}}
