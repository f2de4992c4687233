"""lsp-mode 9 (Debian trixie's elpa-lsp-mode) on Emacs 30 against the real server, registered as an
add-on client by editors/emacs/elixir-perf-lsp.el. Runs in the trixie chroot that
.ci/editor-clients.sh builds; the journey is tests/e2e/lsp_mode_journey.el.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.support import (
    HERE,
    ROOT,
    SERVER_CMD,
    Chroot,
    columns,
    in_chroot,
    opt_into_every_rule,
    require_or_skip,
    run_editor,
    server_env,
)

pytestmark = pytest.mark.e2e

LINE_A = '  def a(xs), do: {"😀😀😀😀é", length(xs) == 0}'
LINE_B = '  def b(s), do: {"ü→", String.length(s) == 0, "ß"}'
NEW_LINE = '  def c(ys), do: {"ñ😀", length(ys) > 0}'
SOURCE = ["defmodule Demo do", LINE_A, "", LINE_B, "end", ""]
FIXED_A = '  def a(xs), do: {"😀😀😀😀é", xs == []}'
FIXED_NEW = '  def c(ys), do: {"ñ😀", ys != []}'


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    found = in_chroot("ELIXIR_PERF_CHROOT_TRIXIE", "emacs")
    require_or_skip(found if isinstance(found, str) else None)
    assert isinstance(found, Chroot)
    if not found.has("/usr/share/emacs/site-lisp/elpa-src"):
        require_or_skip(f"elpa-lsp-mode is not installed in {found.root}")
    tmp = tmp_path_factory.mktemp("lsp-mode")
    project = tmp / "demo"
    (project / "lib").mkdir(parents=True)
    opt_into_every_rule(project)
    (project / "mix.exs").write_text("defmodule Demo.MixProject do\nend\n", encoding="utf-8")
    source = project / "lib" / "demo.ex"
    source.write_text("\n".join(SOURCE), encoding="utf-8")
    result = tmp / "result.json"
    spec = {
        "cmd": SERVER_CMD,
        "file": str(source),
        "root": str(project),
        "result": str(result),
        "package": str(ROOT / "editors" / "emacs" / "elixir-perf-lsp.el"),
        "fix_line": 1,
        "insert_at": 4,
        "new_line": NEW_LINE,
    }
    (tmp / "input.json").write_text(json.dumps(spec), encoding="utf-8")
    env = server_env()
    env["E2E_INPUT"] = str(tmp / "input.json")
    env["HOME"] = str(tmp / "home")
    (tmp / "home").mkdir()
    args = ["emacs", "--batch", "-l", str(HERE / "lsp_mode_journey.el")]
    return run_editor(found.command(args, project), result, env, project)


def step(journey: dict[str, Any], name: str) -> dict[str, Any]:
    for s in journey["steps"] or []:
        if s["name"] == name:
            return dict(s)
    raise AssertionError(
        f"lsp-mode never reached step {name!r}: {journey.get('error')}\n{journey['_output']}"
    )


def codes(diagnostics: list[dict[str, Any]]) -> list[str]:
    return [d["code"] for d in diagnostics]


def assert_flymake(diag: dict[str, Any], line: int, text: str, needle: str) -> None:
    start, end = columns(text, needle)["chars"]
    got = (diag["line"], diag["col"], diag["end_line"], diag["end_col"], diag["text"])
    assert got == (line, start, line, end, needle), f"Flymake region for {needle!r} in {text!r}"
    assert diag["source"] == "elixir-perf"


def assert_lsp_range(diag: dict[str, Any], line: int, text: str, needle: str) -> None:
    start, end = columns(text, needle)["chars"]  # utf-32: code points
    assert diag["range"] == {
        "start": {"line": line, "character": start},
        "end": {"line": line, "character": end},
    }


def test_journey_completes(journey: dict[str, Any]) -> None:
    assert journey.get("error") is None, f"{journey['error']}\n{journey['_output']}"
    assert journey["emacs"].startswith("30.")
    assert journey["servers"] == ["elixir-perf-lsp"]
    # lsp-mode 9 offers utf-32 (it counts characters, as Emacs does); the server takes it.
    assert journey["position_encoding"] == "utf-32"
    assert journey.get("stopped") is True
    errors = [m for m in journey.get("shown") or [] if m["type"] <= 2]
    assert errors == [], errors


def test_diagnostics_on_open(journey: dict[str, Any]) -> None:
    opened = step(journey, "opened")
    assert opened["lines"] == SOURCE
    assert opened["published"]["version"] == opened["version"]
    raw = sorted(opened["published"]["diagnostics"], key=lambda d: d["range"]["start"]["line"])
    assert codes(raw) == ["EP102", "EP802"]
    assert_lsp_range(raw[0], 1, LINE_A, "length(xs) == 0")
    assert codes(opened["flymake"]) == ["EP102", "EP802"]
    assert_flymake(opened["flymake"][0], 1, LINE_A, "length(xs) == 0")
    assert_flymake(opened["flymake"][1], 3, LINE_B, "String.length(s) == 0")
    assert any("walks the whole list to test emptiness" in m for m in opened["messages"])


def test_code_action_menu_fixes_and_the_diagnostic_goes(journey: dict[str, Any]) -> None:
    fixed = step(journey, "fixed")
    assert fixed["menu"][0] == "Replace with `xs == []`", fixed["menu"]
    assert "Disable EP102 for this line" in fixed["menu"]
    assert fixed["lines"] == ["defmodule Demo do", FIXED_A, "", LINE_B, "end", ""]
    after = step(journey, "fixed_diagnostics")
    assert codes(after["published"]["diagnostics"]) == ["EP802"]
    assert codes(after["flymake"]) == ["EP802"]


def test_typing_a_footgun_brings_a_new_diagnostic_then_its_fix_clears_it(
    journey: dict[str, Any],
) -> None:
    typed = step(journey, "typed")
    assert typed["lines"] == ["defmodule Demo do", FIXED_A, "", LINE_B, NEW_LINE, "end", ""]
    assert typed["published"]["version"] == typed["version"]
    assert codes(typed["flymake"]) == ["EP802", "EP102"]
    assert_flymake(typed["flymake"][1], 4, NEW_LINE, "length(ys) > 0")
    done = step(journey, "command_fixed")
    assert done["menu"][0] == "Replace with `ys != []`", done["menu"]
    assert done["lines"] == ["defmodule Demo do", FIXED_A, "", LINE_B, FIXED_NEW, "end", ""]
    assert codes(done["flymake"]) == ["EP802"]
