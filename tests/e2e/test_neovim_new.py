"""Neovim 0.10 (Debian trixie) and 0.12 (sid) against the real server, set up only from the shipped
editors/neovim/lsp/elixir_perf_lsp.lua (`vim.lsp.enable` where it exists, 0.10's `vim.lsp.start`
otherwise) with `elixir-perf-lsp` on PATH.

These clients negotiate utf-8 positions and pull diagnostics (textDocument/diagnostic); the journey
(tests/e2e/nvim_enable_journey.lua) waits on pulled reports keyed on the buffer version it sent.
The chroots come from .ci/editor-clients.sh.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from tests.e2e.support import (
    HERE,
    ROOT,
    Chroot,
    columns,
    in_chroot,
    opt_into_every_rule,
    require_or_skip,
    run_editor,
    server_env,
    server_on_path,
)

pytestmark = pytest.mark.e2e

LINE_A = '  def a(xs), do: {"😀😀😀é", length(xs) == 0}'
LINE_B = '  def b(s), do: {"ü→", String.length(s) == 0, "ß"}'
SOURCE = ["defmodule Demo do", LINE_A, "", LINE_B, "end"]
FIXED_A = '  def a(xs), do: {"😀😀😀é", xs == []}'
TYPED_LINE = '  def c(ys), do: {"ñ😀", length(ys) != 0}'
FIXED_TYPED = '  def c(ys), do: {"ñ😀", ys != []}'

CLIENTS = {"0.10": "ELIXIR_PERF_CHROOT_TRIXIE", "0.12": "ELIXIR_PERF_CHROOT_SID"}


@pytest.fixture(scope="module", params=sorted(CLIENTS))
def journey(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    found = in_chroot(CLIENTS[request.param], "nvim")
    require_or_skip(found if isinstance(found, str) else None)
    assert isinstance(found, Chroot)
    tmp = tmp_path_factory.mktemp(f"nvim{request.param}")
    project = tmp / "demo"
    (project / "lib").mkdir(parents=True)
    opt_into_every_rule(project)
    (project / "mix.exs").write_text("defmodule Demo.MixProject do\nend\n", encoding="utf-8")
    source = project / "lib" / "demo.ex"
    source.write_text("\n".join(SOURCE) + "\n", encoding="utf-8")
    result = tmp / "result.json"
    spec = {
        "config_dir": str(ROOT / "editors" / "neovim"),
        "file": str(source),
        "result": str(result),
        "fix_line": 1,
        "insert_at": 4,
        "typed_line": TYPED_LINE,
    }
    (tmp / "input.json").write_text(json.dumps(spec), encoding="utf-8")
    env = server_env()
    env["PATH"] = os.pathsep.join([str(server_on_path(tmp / "bin").parent), env["PATH"]])
    env["E2E_INPUT"] = str(tmp / "input.json")
    env["E2E_SCRIPT"] = str(HERE / "nvim_enable_journey.lua")
    env["HOME"] = str(tmp / "home")
    for xdg in ("STATE", "CACHE", "DATA", "CONFIG"):
        env[f"XDG_{xdg}_HOME"] = str(tmp / xdg.lower())
    args = ["nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n"]
    args += ["-c", "lua dofile(vim.env.E2E_SCRIPT)"]
    data = run_editor(found.command(args, project), result, env, project)
    data["_version"] = request.param
    data["_project"] = str(project)
    return data


def step(journey: dict[str, Any], name: str) -> dict[str, Any]:
    for s in journey["steps"]:
        if s["name"] == name:
            return dict(s)
    raise AssertionError(
        f"Neovim never reached step {name!r}: {journey.get('error')}\n{journey['_output']}"
    )


def assert_at(diag: dict[str, Any], line: int, text: str, needle: str) -> None:
    """vim.diagnostic's entry: 0-based line, byte columns (whatever the wire encoding)."""
    start, end = columns(text, needle)["utf-8"]
    got = (diag["lnum"], diag["col"], diag["end_lnum"], diag["end_col"])
    assert got == (line, start, line, end), f"{needle!r} in {text!r}: bytes {start}-{end}"
    assert diag["source"] == "elixir-perf"


def assert_wire_range(
    item: dict[str, Any], line: int, text: str, needle: str, encoding: str
) -> None:
    start, end = columns(text, needle)[encoding]
    assert item["range"] == {
        "start": {"line": line, "character": start},
        "end": {"line": line, "character": end},
    }


def test_journey_completes_with_the_shipped_config(journey: dict[str, Any]) -> None:
    assert journey.get("error") is None, f"{journey['error']}\n{journey['_output']}"
    assert journey["nvim"].startswith(journey["_version"] + ".")
    assert journey["setup"] == (
        "vim.lsp.start" if journey["_version"] == "0.10" else "vim.lsp.enable"
    )
    assert journey["filetype"] == "elixir"
    assert journey["cmd"] == ["elixir-perf-lsp", "serve"]
    assert journey["root_dir"] == journey["_project"]
    assert journey["stopped"] is True
    assert [m for m in journey["shown"] + journey["log"] if m["type"] <= 2] == []


def test_positions_and_pull_diagnostics_are_negotiated(journey: dict[str, Any]) -> None:
    # 0.10 offers only utf-16; 0.11+ offers utf-8 first, which the server prefers.
    assert journey["offset_encoding"] == ("utf-16" if journey["_version"] == "0.10" else "utf-8")
    assert journey["pull_provider"] is True
    assert journey["pulled"] and journey["pushed"] == []


def test_no_errors_or_deprecations_in_the_editor(journey: dict[str, Any]) -> None:
    # Before the fix Neovim logged: "no handler found for workspace/diagnostic/refresh".
    errors = [
        line
        for line in journey["lsp_log"]
        if ("[ERROR]" in line or "[WARN]" in line)
        # pygls warns on stderr when Neovim cancels a pull it already answered; harmless.
        and "Cancel notification for unknown message id" not in line
    ]
    assert errors == [], errors
    assert "deprecated" not in journey["messages"], journey["messages"]


def test_diagnostics_on_open(journey: dict[str, Any]) -> None:
    opened = step(journey, "opened")
    assert opened["lines"] == SOURCE
    assert opened["server"]["version"] == opened["version"]
    items = sorted(opened["server"]["items"], key=lambda d: d["range"]["start"]["line"])
    assert [d["code"] for d in items] == ["EP102", "EP802"]
    encoding = journey["offset_encoding"]
    assert_wire_range(items[0], 1, LINE_A, "length(xs) == 0", encoding)
    assert_wire_range(items[1], 3, LINE_B, "String.length(s) == 0", encoding)
    diags = opened["diagnostics"]
    assert [d["code"] for d in diags] == ["EP102", "EP802"]
    assert_at(diags[0], 1, LINE_A, "length(xs) == 0")
    assert_at(diags[1], 3, LINE_B, "String.length(s) == 0")
    assert "use `list == []`" in diags[0]["message"] or "== []" in diags[0]["message"]


def test_quick_fix_through_code_action_command(journey: dict[str, Any]) -> None:
    fixed = step(journey, "fixed")
    assert any("Replace with `xs == []`" in label for label in fixed["menu"]), fixed["menu"]
    assert fixed["lines"] == ["defmodule Demo do", FIXED_A, "", LINE_B, "end"]
    after = step(journey, "fixed_diagnostics")
    assert [d["code"] for d in after["diagnostics"]] == ["EP802"]
    assert_at(after["diagnostics"][0], 3, LINE_B, "String.length(s) == 0")


def test_typing_a_footgun_brings_a_new_diagnostic_then_its_fix_clears_it(
    journey: dict[str, Any],
) -> None:
    typed = step(journey, "typed")
    assert typed["lines"] == ["defmodule Demo do", FIXED_A, "", LINE_B, TYPED_LINE, "end"]
    assert typed["server"]["version"] == typed["version"]
    diags = typed["diagnostics"]
    assert [d["code"] for d in diags] == ["EP802", "EP102"]
    assert_at(diags[1], 4, TYPED_LINE, "length(ys) != 0")
    done = step(journey, "command_fixed")
    assert done["lines"] == ["defmodule Demo do", FIXED_A, "", LINE_B, FIXED_TYPED, "end"]
    assert [d["code"] for d in done["diagnostics"]] == ["EP802"]
