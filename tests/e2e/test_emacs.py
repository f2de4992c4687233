"""Eglot (batch) against the real server, set up by editors/emacs/elixir-perf-lsp.el:
Emacs 28 + Eglot 1.9 (bookworm, on this machine), Emacs 30 + its built-in Eglot 1.17 (trixie chroot
from .ci/editor-clients.sh), and Emacs 30 + Eglot talking to elixir-perf-lsp next to a second server
through the `rass` multiplexer (rassumfrassum, PyPI), configured as editors/emacs/README.md says.

The journey (tests/e2e/eglot_journey.el) opens a file whose flagged lines carry multi-byte text
before the flagged range, waits for the server's publishDiagnostics, checks what Flymake shows,
runs `M-x eglot-code-actions` at the diagnostic and accepts the default (preferred) action, types
a new footgun line character by character (incremental didChange with multi-byte text), and fixes
it with `C-u M-x eglot-code-actions RET quickfix`. The Lisp side only records; this file asserts.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.second_server import SOURCE as SECOND_SOURCE
from tests.e2e.support import (
    HERE,
    ROOT,
    SERVER_CMD,
    Chroot,
    columns,
    eglot_missing,
    in_chroot,
    opt_into_every_rule,
    require_or_skip,
    run_editor,
    server_env,
    server_on_path,
)

pytestmark = pytest.mark.e2e

# Client name -> the chroot variable it runs in (None: this machine's Emacs).
CLIENTS = {
    "emacs28": None,
    "emacs30": "ELIXIR_PERF_CHROOT_TRIXIE",
    "emacs30-rass": "ELIXIR_PERF_CHROOT_TRIXIE",
}

LINE_A = '  def a(xs), do: {"😀😀😀😀😀😀😀😀é", length(xs) == 0}'
LINE_B = '  def b(s), do: {"ü→", String.length(s) == 0, "ß"}'
NEW_LINE = '  def c(ys), do: {"ñ😀", length(ys) > 0}'
SOURCE = ["defmodule Demo do", LINE_A, "", LINE_B, "end", ""]
FIXED_A = '  def a(xs), do: {"😀😀😀😀😀😀😀😀é", xs == []}'
FIXED_NEW = '  def c(ys), do: {"ñ😀", ys != []}'


# LSP position encoding -> the unit `columns` counts in.
UNITS = {"utf-16": "utf-16", "absent": "utf-16", "utf-8": "utf-8", "utf-32": "chars"}


def assert_lsp_range(
    diag: dict[str, Any], line: int, text: str, needle: str, encoding: str = "utf-16"
) -> None:
    """The server's range, in the negotiated encoding's units."""
    start, end = columns(text, needle)[UNITS[encoding]]
    assert diag["range"] == {
        "start": {"line": line, "character": start},
        "end": {"line": line, "character": end},
    }, f"server range for {needle!r} in {text!r} ({encoding} columns {start}-{end})"


def assert_flymake(diag: dict[str, Any], line: int, text: str, needle: str) -> None:
    """Flymake's region, as Eglot converted it to buffer positions (Emacs counts characters)."""
    start, end = columns(text, needle)["chars"]
    got = (diag["line"], diag["col"], diag["end_line"], diag["end_col"], diag["text"])
    assert got == (line, start, line, end, needle), f"Flymake region for {needle!r} in {text!r}"
    assert diag["source"] == "elixir-perf"
    assert diag["has_data"], "the diagnostic lost its `data` in Eglot"


def runner(client: str) -> Chroot | None:
    """Where `client`'s Emacs runs (None: this machine); skips or fails when it is missing."""
    variable = CLIENTS[client]
    if variable is None:
        require_or_skip(eglot_missing())
        return None
    found = in_chroot(variable, "emacs")
    require_or_skip(found if isinstance(found, str) else None)
    assert isinstance(found, Chroot)
    if client.endswith("-rass"):
        require_or_skip(None if rass() else "rass (pip install rassumfrassum) not found")
    return found


def rass() -> str | None:
    """The multiplexer next to the interpreter running the tests (a venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / "rass"
    return str(beside) if beside.exists() else shutil.which("rass")


@pytest.fixture(scope="module", params=sorted(CLIENTS))
def journey(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    client: str = request.param
    where = runner(client)
    tmp = tmp_path_factory.mktemp(client)
    project = tmp / "demo"
    (project / "lib").mkdir(parents=True)
    opt_into_every_rule(project)
    (project / "mix.exs").write_text(
        "defmodule Demo.MixProject do\n  use Mix.Project\n"
        '  def project, do: [app: :demo, version: "0.1.0", elixir: "~> 1.14"]\nend\n',
        encoding="utf-8",
    )
    source = project / "lib" / "demo.ex"
    source.write_text("\n".join(SOURCE), encoding="utf-8")
    result = tmp / "result.json"
    spec = {
        "cmd": SERVER_CMD,
        "file": str(source),
        "result": str(result),
        "package": str(ROOT / "editors" / "emacs" / "elixir-perf-lsp.el"),
        "fix_line": 1,
        "insert_at": 4,
        "new_line": NEW_LINE,
    }
    env = server_env()
    if client.endswith("-rass"):
        # editors/emacs/README.md's multiplexer setup, the second server in ElixirLS's place.
        second = [sys.executable, str(HERE / "second_server.py")]
        spec["multiplexer"] = [rass(), "--", *second, "--", "elixir-perf-lsp", "serve"]
        env["PATH"] = os.pathsep.join([str(server_on_path(tmp / "bin").parent), env["PATH"]])
    (tmp / "input.json").write_text(json.dumps(spec), encoding="utf-8")
    env["E2E_INPUT"] = str(tmp / "input.json")
    env["HOME"] = str(tmp / "home")  # no user init, no ~/.emacs.d writes
    args = ["emacs", "--batch", "-l", str(HERE / "eglot_journey.el")]
    data = run_editor(where.command(args, project) if where else args, result, env, project)
    data["_client"] = client
    return data


def ours(diagnostics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Our diagnostics among what the editor got (the multiplexer adds the second server's)."""
    return [d for d in diagnostics if d.get("source") != SECOND_SOURCE]


def step(journey: dict[str, Any], name: str) -> dict[str, Any]:
    for s in journey["steps"] or []:
        if s["name"] == name:
            return dict(s)
    raise AssertionError(
        f"Emacs never reached step {name!r}: {journey.get('error')}\n{journey['_output']}"
    )


def codes(diagnostics: list[dict[str, Any]]) -> list[str]:
    return [d["code"] for d in ours(diagnostics)]


def encoding(journey: dict[str, Any]) -> str:
    return str(journey["position_encoding"])


def test_journey_completes(journey: dict[str, Any]) -> None:
    assert journey.get("error") is None, f"{journey['error']}\n{journey['_output']}"
    assert journey.get("stopped") is True
    assert [s["name"] for s in journey["steps"]] == [
        "opened",
        "fixed",
        "fixed_diagnostics",
        "typed",
        "command_fixed",
    ]
    errors = [m for m in journey["shown"] or [] if m["type"] <= 2]
    assert errors == [], f"the server showed errors/warnings: {errors}"
    # Failing handlers are logged (window/logMessage, type Error), not raised: look for them.
    logged = [m for m in journey["log"] or [] if m["type"] <= 2]
    assert logged == [], f"the server logged errors/warnings: {logged}"


def test_eglot_starts_our_server_in_the_negotiated_encoding(journey: dict[str, Any]) -> None:
    client = journey["_client"]
    if client.endswith("-rass"):
        assert journey["contact"][0].endswith("rass") and journey["contact"][-2:] == [
            "elixir-perf-lsp",
            "serve",
        ]
    else:
        # editors/emacs/elixir-perf-lsp.el maps elixir-mode to elixir-perf-lsp-command.
        assert journey["contact"] == SERVER_CMD
    if client == "emacs28":
        # Eglot 1.9 offers no positionEncodings: utf-16 (stated or implied).
        assert encoding(journey) in ("utf-16", "absent")
    elif client.endswith("-rass"):
        # rass answers `initialize` itself and settles on utf-16 for all its servers.
        assert encoding(journey) == "utf-16"
    else:
        # Eglot 1.17 offers utf-32, utf-8, utf-16; the server takes utf-8.
        assert encoding(journey) == "utf-8"


def test_the_second_server_is_heard_through_the_multiplexer(journey: dict[str, Any]) -> None:
    expected = 1 if journey["_client"].endswith("-rass") else 0
    for name in ("opened", "typed", "command_fixed"):
        shown = [d["source"] for d in step(journey, name)["flymake"]]
        assert shown.count(SECOND_SOURCE) == expected, (name, shown)


def test_diagnostics_on_open(journey: dict[str, Any]) -> None:
    opened = step(journey, "opened")
    assert opened["lines"] == SOURCE
    raw = sorted(
        ours(opened["published"]["diagnostics"]), key=lambda d: d["range"]["start"]["line"]
    )
    assert codes(raw) == ["EP102", "EP802"], raw
    assert opened["published"]["version"] == opened["version"]
    assert_lsp_range(raw[0], 1, LINE_A, "length(xs) == 0", encoding(journey))
    assert_lsp_range(raw[1], 3, LINE_B, "String.length(s) == 0", encoding(journey))
    flymake = ours(opened["flymake"])
    assert codes(flymake) == ["EP102", "EP802"]
    assert_flymake(flymake[0], 1, LINE_A, "length(xs) == 0")
    assert_flymake(flymake[1], 3, LINE_B, "String.length(s) == 0")


def test_code_actions_command_applies_the_preferred_fix(journey: dict[str, Any]) -> None:
    fixed = step(journey, "fixed")
    # flymake-goto-next-error put point on the diagnostic (a character column).
    assert fixed["point"] == {"line": 1, "col": columns(LINE_A, "length(xs) == 0")["chars"][0]}
    sent = fixed["request"]["params"]["context"]["diagnostics"]
    assert codes(sent) == ["EP102"]
    menu = fixed["menu"]
    assert "Replace with `xs == []`" in menu["menu"], menu
    assert "Disable EP102 for this line" in menu["menu"], menu
    assert menu["default"] == "Replace with `xs == []`", "the preferred action is not the default"
    assert fixed["lines"] == ["defmodule Demo do", FIXED_A, "", LINE_B, "end", ""]
    after = step(journey, "fixed_diagnostics")
    assert codes(after["published"]["diagnostics"]) == ["EP802"]
    assert codes(after["flymake"]) == ["EP802"]
    assert_flymake(ours(after["flymake"])[0], 3, LINE_B, "String.length(s) == 0")


def test_typing_a_new_footgun_updates_diagnostics(journey: dict[str, Any]) -> None:
    typed = step(journey, "typed")
    assert typed["lines"] == ["defmodule Demo do", FIXED_A, "", LINE_B, NEW_LINE, "end", ""]
    assert typed["published"]["version"] == typed["version"]
    raw = sorted(ours(typed["published"]["diagnostics"]), key=lambda d: d["range"]["start"]["line"])
    assert codes(raw) == ["EP802", "EP102"], raw
    assert_lsp_range(raw[0], 3, LINE_B, "String.length(s) == 0", encoding(journey))
    assert_lsp_range(raw[1], 4, NEW_LINE, "length(ys) > 0", encoding(journey))
    assert codes(typed["flymake"]) == ["EP802", "EP102"]
    assert_flymake(ours(typed["flymake"])[1], 4, NEW_LINE, "length(ys) > 0")


def test_quickfix_kind_command_fixes_the_typed_line(journey: dict[str, Any]) -> None:
    done = step(journey, "command_fixed")
    assert done["menu"]["kind_prompt"], "the action-kind prompt was not shown"
    assert done["request"]["params"]["context"]["only"] == ["quickfix"]
    assert done["menu"]["default"] == "Replace with `ys != []`", done["menu"]
    assert done["lines"] == ["defmodule Demo do", FIXED_A, "", LINE_B, FIXED_NEW, "end", ""]
    assert codes(done["published"]["diagnostics"]) == ["EP802"]
    assert codes(done["flymake"]) == ["EP802"]
