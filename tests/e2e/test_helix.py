"""Helix (Debian trixie's `hx`, run on this machine through its own glibc) against the real server,
configured only by the shipped editors/helix/languages.toml with `elixir-perf-lsp` on PATH.

Driven like a user through tmux: `]d` selects the next diagnostic (its popup shows message and
code; `:pipe-to` writes the selected text out so the range can be checked), `space a` opens the
code actions and Enter takes the first (preferred) one, `:w` saves the buffer, `o` types a new
line, `space d` lists the diagnostics. .ci/editor-clients.sh helix fetches hx.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.support import (
    ROOT,
    opt_into_every_rule,
    require_or_skip,
    server_env,
    server_on_path,
)
from tests.e2e.tmux import ScreenTimeout, Tmux

pytestmark = pytest.mark.e2e

LINE_A = '  def a(xs), do: {"😀😀😀é", length(xs) == 0}'
LINE_B = '  def b(s), do: {"ü→", String.length(s) == 0, "ß"}'
SOURCE = ["defmodule Demo do", LINE_A, "", LINE_B, "end"]
FIXED_A = '  def a(xs), do: {"😀😀😀é", xs == []}'
TYPED = 'def c(ys), do: {"ñ😀", length(ys) != 0}'  # after `o`, Helix indents like line 4
TYPED_LINE = "  " + TYPED
FIXED_TYPED = '  def c(ys), do: {"ñ😀", ys != []}'

TYPING_S = 0.03  # between keys

GUTTER = re.compile(r"^(\S?)\s+(\d+) ")


def helix_missing() -> str | None:
    root = os.environ.get("ELIXIR_PERF_HELIX_ROOT")
    if not root:
        return "ELIXIR_PERF_HELIX_ROOT is not set (.ci/editor-clients.sh helix DIR fetches hx)"
    if not (Path(root) / "usr/bin/hx").exists():
        return f"no usr/bin/hx under ELIXIR_PERF_HELIX_ROOT={root}"
    if shutil.which("tmux") is None:
        return "tmux not found on PATH"
    return None


def hx_command(root: Path) -> list[str]:
    """trixie's hx needs glibc 2.39: its own loader and libraries, not this machine's."""
    return [
        str(root / "usr/lib64/ld-linux-x86-64.so.2"),
        "--library-path",
        str(root / "usr/lib/x86_64-linux-gnu"),
        str(root / "usr/bin/hx"),
    ]


def marked_lines(screen: str) -> set[int]:
    """1-based line numbers with a diagnostic marker in Helix's gutter."""
    marked = set()
    for row in screen.splitlines():
        match = GUTTER.match(row)
        if match and match.group(1):
            marked.add(int(match.group(2)))
    return marked


class Journey:
    def __init__(self, hx: Tmux, file: Path, tmp: Path) -> None:
        self.hx, self.file, self.tmp = hx, file, tmp
        self.record: dict[str, Any] = {"steps": {}}

    def snap(self, name: str, screen: str, **extra: Any) -> None:
        self.record["steps"][name] = {"screen": screen, **extra}

    def command(self, text: str) -> None:
        self.hx.keys(":")
        self.hx.type(text)
        self.hx.keys("Enter")

    def selection(self, name: str) -> str:
        """The selected text, as Helix pipes it to a shell command."""
        out = self.tmp / f"{name}.sel"
        # Renamed into place so the file appears only once complete.
        self.command(f"pipe-to cat > {out}.part && mv {out}.part {out}")
        self.hx.wait(f"{out} to be written", lambda _: out.exists())
        return out.read_text(encoding="utf-8")

    def saved(self, expected_lines: int) -> list[str]:
        """`:w`, then the file's lines once Helix says it wrote them."""
        before = self.file.stat().st_mtime_ns
        self.command("w")
        self.hx.wait(
            "the write", lambda s: "written" in s and self.file.stat().st_mtime_ns != before
        )
        return self.file.read_text(encoding="utf-8").splitlines()

    def code_action(self, title: str) -> str:
        self.hx.keys("Space", "a")
        menu = self.hx.wait(f"the code action {title!r}", lambda s: title in s)
        self.hx.keys("Enter")
        return menu

    def run(self) -> None:
        hx = self.hx
        opened = hx.wait("diagnostics on lines 2 and 4", lambda s: marked_lines(s) == {2, 4})
        self.snap("opened", opened)

        hx.keys("]", "d")  # from 1:1, the first diagnostic: line 2
        popup = hx.wait("the diagnostic popup", lambda s: "(EP102)" in s)
        self.snap("diagnostic", popup, selected=self.selection("first"))

        menu = self.code_action("Replace with `xs == []`")
        fixed = hx.wait("line 2's diagnostic to go", lambda s: marked_lines(s) == {4})
        self.snap("fixed", fixed, menu=menu, lines=self.saved(5))

        self.command("4")
        hx.keys("o")
        # At a fast typist's pace: Helix 25.01 fed a burst of keys (all in one tmux write) sent
        # its per-key didChange notifications out of order, which no server can follow.
        hx.type(TYPED, per_key_s=TYPING_S)
        hx.keys("Escape")
        typed = hx.wait("a diagnostic on the typed line 5", lambda s: marked_lines(s) == {4, 5})
        hx.keys("Space", "d")
        picker = hx.wait("the diagnostics picker", lambda s: "EP102" in s and "EP802" in s)
        hx.keys("Escape")
        self.snap("typed", typed, picker=picker, lines=self.saved(6))

        self.command("5")
        hx.keys("g", "h", "]", "d")
        hx.wait("the typed line's diagnostic popup", lambda s: "(EP102)" in s)
        selected = self.selection("typed")
        menu = self.code_action("Replace with `ys != []`")
        done = hx.wait("line 5's diagnostic to go", lambda s: marked_lines(s) == {4})
        self.snap("command_fixed", done, menu=menu, selected=selected, lines=self.saved(6))
        self.command("q!")


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_or_skip(helix_missing())
    root = Path(os.environ["ELIXIR_PERF_HELIX_ROOT"])
    tmp = tmp_path_factory.mktemp("helix")
    project = tmp / "demo"
    (project / "lib").mkdir(parents=True)
    opt_into_every_rule(project)
    (project / "mix.exs").write_text("defmodule Demo.MixProject do\nend\n", encoding="utf-8")
    (project / ".git").mkdir()  # Helix's workspace root
    source = project / "lib" / "demo.ex"
    source.write_text("\n".join(SOURCE) + "\n", encoding="utf-8")
    config = tmp / "config" / "helix"
    config.mkdir(parents=True)
    shutil.copy(ROOT / "editors" / "helix" / "languages.toml", config / "languages.toml")
    env = server_env()
    env["PATH"] = os.pathsep.join([str(server_on_path(tmp / "bin").parent), env["PATH"]])
    env.update(
        HOME=str(tmp / "home"),
        XDG_CONFIG_HOME=str(tmp / "config"),
        XDG_CACHE_HOME=str(tmp / "cache"),
        XDG_DATA_HOME=str(tmp / "data"),
        HELIX_RUNTIME=str(root / "usr/lib/hx/runtime"),
    )
    hx = Tmux([*hx_command(root), "-v", "lib/demo.ex"], env, project)
    run = Journey(hx, source, tmp)
    try:
        run.run()
    except ScreenTimeout as exc:
        run.record["error"] = str(exc)
    finally:
        hx.close()
    log = tmp / "cache" / "helix" / "helix.log"
    run.record["log"] = log.read_text(encoding="utf-8") if log.exists() else ""
    return run.record


def step(journey: dict[str, Any], name: str) -> dict[str, Any]:
    if name not in journey["steps"]:
        raise AssertionError(f"Helix never reached step {name!r}: {journey.get('error')}")
    return dict(journey["steps"][name])


def test_journey_completes(journey: dict[str, Any]) -> None:
    assert journey.get("error") is None, journey["error"]
    assert list(journey["steps"]) == ["opened", "diagnostic", "fixed", "typed", "command_fixed"]
    ours = [line for line in journey["log"].splitlines() if "elixir-perf" in line]
    assert not [line for line in ours if " ERROR " in line or " WARN " in line], ours


def test_diagnostic_shows_code_message_and_exact_range(journey: dict[str, Any]) -> None:
    shown = step(journey, "diagnostic")
    assert "`length(xs) == 0` walks the whole list to test emptiness" in shown["screen"]
    assert "(EP102)" in shown["screen"]
    # `]d` selects the diagnostic's range: multi-byte text before it must not shift it.
    assert shown["selected"] == "length(xs) == 0"


def test_quick_fix_applies_and_the_diagnostic_goes(journey: dict[str, Any]) -> None:
    fixed = step(journey, "fixed")
    menu = fixed["menu"]
    for title in ("Replace with `xs == []`", "Disable EP102 for this line"):
        assert title in menu, menu
    # The preferred fix is listed first, so Enter takes it.
    assert menu.index("Replace with `xs == []`") < menu.index("Disable EP102 for this line")
    assert fixed["lines"] == ["defmodule Demo do", FIXED_A, "", LINE_B, "end"]
    assert marked_lines(fixed["screen"]) == {4}


def test_typing_a_footgun_brings_a_new_diagnostic_then_its_fix_clears_it(
    journey: dict[str, Any],
) -> None:
    typed = step(journey, "typed")
    assert typed["lines"] == ["defmodule Demo do", FIXED_A, "", LINE_B, TYPED_LINE, "end"]
    assert "`length(ys) != 0` walks the whole list" in typed["picker"]
    done = step(journey, "command_fixed")
    assert done["selected"] == "length(ys) != 0"
    assert done["lines"] == ["defmodule Demo do", FIXED_A, "", LINE_B, FIXED_TYPED, "end"]
    assert marked_lines(done["screen"]) == {4}
