"""The upstream-ready Neovim packaging: the mason-registry package definition and the
nvim-lspconfig `lsp/elixir_perf_lsp.lua` config.

PACKAGE_SCHEMA transcribes the rules of mason-org/registry-schema (schemas/package.schema.json and
the components a PyPI package uses, at a27bd8c) that apply to this definition.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.e2e.support import ROOT, Chroot, in_chroot, require_or_skip

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10
    import tomli as tomllib

pytestmark = pytest.mark.e2e

NEOVIM = ROOT / "editors" / "neovim"
PACKAGE = NEOVIM / "mason" / "packages" / "elixir-perf-lsp" / "package.yaml"
LSP_CONFIG = NEOVIM / "lsp" / "elixir_perf_lsp.lua"

PACKAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "name",
        "description",
        "homepage",
        "licenses",
        "languages",
        "categories",
        "source",
    ],
    "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "homepage": {"type": "string", "pattern": "^https?://"},
        "licenses": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "languages": {"type": "array", "items": {"type": "string"}},
        "categories": {
            "type": "array",
            "items": {"enum": ["Compiler", "DAP", "Formatter", "LSP", "Linter", "Runtime"]},
        },
        "source": {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string", "pattern": "^pkg:pypi/.+@.+"},
                "extra_packages": {"type": "array", "items": {"type": "string"}},
            },
        },
        "bin": {
            "type": "object",
            "patternProperties": {r"^[a-zA-Z0-9_\-\.]+$": {"type": "string"}},
            "additionalProperties": False,
        },
        "neovim": {"type": "object", "properties": {"lspconfig": {"type": "string"}}},
        "schemas": {"type": "object"},
        "share": {"type": "object"},
        "opt": {"type": "object"},
        "deprecation": {"type": "object"},
        "ci_skip": {},
    },
}


@pytest.fixture(scope="module")
def package() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(PACKAGE.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def project() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]


def test_package_definition_follows_the_registry_schema(package: dict[str, Any]) -> None:
    jsonschema.validate(package, PACKAGE_SCHEMA)
    # The registry's layout: packages/<name>/package.yaml.
    assert package["name"] == PACKAGE.parent.name
    assert PACKAGE.parent.parent.name == "packages"
    assert "Elixir" in package["languages"]
    assert "LSP" in package["categories"]


def test_package_installs_this_project_from_pypi(
    package: dict[str, Any], project: dict[str, Any]
) -> None:
    # The released version: mason pins it in the purl (Renovate bumps it upstream).
    assert package["source"]["id"] == f"pkg:pypi/{project['name']}@{project['version']}"
    assert package["licenses"] == [project["license"]]
    # Each executable is one of the distribution's console scripts, linked from mason's venv.
    assert package["bin"], "no executable"
    for exe, target in package["bin"].items():
        assert exe in project["scripts"], (exe, sorted(project["scripts"]))
        assert target == f"pypi:{exe}"


def test_package_points_at_the_lspconfig_config(package: dict[str, Any]) -> None:
    assert package["neovim"]["lspconfig"] == LSP_CONFIG.stem
    # The homepage is the URL nvim-lspconfig's docs show first.
    assert f"--- {package['homepage']}\n" in LSP_CONFIG.read_text(encoding="utf-8")


def test_package_text_fits_the_registry_line_length() -> None:
    long = [line for line in PACKAGE.read_text(encoding="utf-8").splitlines() if len(line) > 120]
    assert long == []


def test_lspconfig_file_has_nvim_lspconfig_shape() -> None:
    """nvim-lspconfig's lsp/<name>.lua: a `---@brief` doc block (its docs generator reads it),
    then `---@type vim.lsp.Config` on the returned table, and nothing else at top level."""
    text = LSP_CONFIG.read_text(encoding="utf-8")
    assert text.startswith("---@brief\n---\n--- https://")
    assert re.search(r"^---@type vim\.lsp\.Config\nreturn \{\n", text, re.M)
    top_level = [
        line
        for line in text.splitlines()
        if line and not line.startswith(("---", " ", "}", "return {"))
    ]
    assert top_level == []


# Loads the config through vim.lsp.config (Neovim >= 0.11 validates the fields) and reports the
# resolved config as JSON.
RESOLVE = r"""
local ok, err = pcall(function()
  vim.lsp.config('elixir_perf_lsp', dofile(vim.env.E2E_CONFIG))
  local c = vim.lsp.config.elixir_perf_lsp
  vim.fn.writefile({ vim.json.encode({
    cmd = c.cmd, filetypes = c.filetypes, root_markers = c.root_markers,
    settings = vim.json.encode(c.settings),
  }) }, vim.env.E2E_RESULT)
end)
if not ok then
  vim.fn.writefile({ vim.json.encode({ error = tostring(err) }) }, vim.env.E2E_RESULT)
end
vim.cmd('qall!')
"""


def test_lspconfig_file_loads_in_neovim_012(tmp_path: Path) -> None:
    found = in_chroot("ELIXIR_PERF_CHROOT_SID", "nvim")
    require_or_skip(found if isinstance(found, str) else None)
    assert isinstance(found, Chroot)
    script = tmp_path / "resolve.lua"
    script.write_text(RESOLVE, encoding="utf-8")
    result = tmp_path / "result.json"
    env = {
        **os.environ,
        "E2E_CONFIG": str(LSP_CONFIG),
        "E2E_RESULT": str(result),
        "HOME": str(tmp_path),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    args = ["nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {script}"]
    proc = subprocess.run(
        found.command(args, tmp_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.exists(), f"exit {proc.returncode}: {proc.stderr}"
    resolved = json.loads(result.read_text(encoding="utf-8"))
    assert resolved.get("error") is None, resolved["error"]
    assert resolved["cmd"] == ["elixir-perf-lsp", "serve"]
    assert resolved["filetypes"] == ["elixir"]
    assert resolved["root_markers"] == ["mix.exs", ".git"]
    assert json.loads(resolved["settings"]) == {"elixirPerf": {}}
