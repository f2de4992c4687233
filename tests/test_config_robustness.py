"""Malformed and extreme configs (issue 20, item 6): located errors with exit 2,
each once; strict editor settings; excludes compiled once; one config search."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elixir_perf_lsp.cli import main
from elixir_perf_lsp.config import ConfigError, compile_globs, resolve_for_file
from elixir_perf_lsp.server.settings import parse_settings

GUARD = "def f(items) when length(items) == 0, do: :empty\n"


def run_check(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "elixir_perf_lsp", "check", "--no-progress", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=120,
    )


# --- located errors, exit 2, no traceback ------------------------------------------------


def test_a_deeply_nested_config_is_a_located_error_not_a_traceback(tmp_path: Path) -> None:
    depth = 2000
    (tmp_path / ".elixir-perf.toml").write_text(
        'select = ["EP"]\nexclude = ' + "[" * depth + "]" * depth + "\n"
    )
    (tmp_path / "a.ex").write_text(GUARD)
    result = run_check(str(tmp_path))
    assert "Traceback" not in result.stderr
    assert ".elixir-perf.toml:2: invalid TOML: nested too deeply" in result.stderr
    assert result.returncode == 2


def test_a_config_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    (tmp_path / ".elixir-perf.toml").write_bytes(b'\xef\xbb\xbfignore = ["EP101"]\n')
    (tmp_path / "a.ex").write_text(GUARD)
    result = run_check(str(tmp_path))
    assert result.stderr.count("error") == 0, result.stderr
    assert result.returncode == 0


def test_invalid_utf8_in_a_config_names_its_line(tmp_path: Path) -> None:
    (tmp_path / ".elixir-perf.toml").write_bytes(b'select = ["EP"]\n# caf\xe9\n')
    (tmp_path / "a.ex").write_text(GUARD)
    result = run_check(str(tmp_path))
    assert ".elixir-perf.toml:2: invalid UTF-8" in result.stderr
    assert result.returncode == 2


def test_a_config_that_is_not_a_regular_file_is_an_error_not_a_hang(tmp_path: Path) -> None:
    (tmp_path / "a.ex").write_text(GUARD)
    config = tmp_path / "conf.toml"
    config.symlink_to("/dev/zero")
    result = run_check("--config", str(config), str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_each_config_error_is_reported_once_per_run(tmp_path: Path) -> None:
    (tmp_path / ".elixir-perf.toml").write_text('select = ["EP"]\nbogus = 1\n')
    for name in ("a", "b", "c", "d"):
        (tmp_path / f"{name}.ex").write_text(GUARD)
    result = run_check(str(tmp_path))
    assert result.stderr.count("`bogus`: unknown key") == 1, result.stderr
    assert ".elixir-perf.toml:2:" in result.stderr
    assert result.returncode == 2


# --- excludes: compiled once, same meaning as before -------------------------------------


def test_twenty_thousand_excludes_are_compiled_once_not_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past fnmatch's own cache (32768 patterns): it used to compile them all per file.
    patterns = [f"lib/generated_{i}/**" for i in range(15_000)]
    patterns += [f"lib/gen_{i}_*.ex" for i in range(5_000)]
    lines = ",\n".join(f'  "{p}"' for p in patterns)
    (tmp_path / ".elixir-perf.toml").write_text(f'select = ["ALL"]\nexclude = [\n{lines}\n]\n')
    (tmp_path / "lib").mkdir()
    for i in range(10):
        (tmp_path / "lib" / f"file_{i}.ex").write_text(GUARD)
    (tmp_path / "lib" / "gen_7_x.ex").write_text(GUARD)  # excluded

    translated: list[str] = []
    real_translate = fnmatch.translate

    def counting_translate(pattern: str) -> str:
        translated.append(pattern)
        return real_translate(pattern)

    monkeypatch.setattr(fnmatch, "translate", counting_translate)
    code = main(["check", "--no-progress", "--format", "json", str(tmp_path)])
    assert code == 1
    # Each wildcard glob is translated once for the run, not once per file.
    assert len(translated) <= len(patterns) + 10


GLOB_PARTS = st.sampled_from(["lib", "a", "b.ex", "*", "**", "*.ex", "a?", "[ab]", "gen", "", "/"])
PATH_PARTS = st.sampled_from(["lib", "a", "b", "b.ex", "a.ex", "gen", "ab", "x.exs"])


def reference_match(rel: PurePosixPath, patterns: tuple[str, ...]) -> bool:
    """The per-pattern fnmatch rule that excludes have always followed."""
    parts = rel.as_posix()
    return any(
        fnmatch.fnmatchcase(parts, p)
        or any(fnmatch.fnmatchcase(d, p.rstrip("/*")) for d in rel.parts[:-1])
        or fnmatch.fnmatchcase(rel.name, p)
        for p in patterns
    )


@given(
    st.lists(st.lists(GLOB_PARTS, min_size=1, max_size=4).map("/".join), max_size=6),
    st.lists(PATH_PARTS, min_size=1, max_size=4),
    st.booleans(),
)
def test_compiled_globs_match_exactly_what_fnmatch_did(
    globs: list[str], parts: list[str], absolute: bool
) -> None:
    rel = PurePosixPath("/" if absolute else "", *parts)
    patterns = tuple(globs)
    assert compile_globs(patterns).matches(rel) == reference_match(rel, patterns)


# --- editor settings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [("enable", "false"), ("enable", 0), ("workspaceDiagnostics", "true"), ("configFile", 3)],
)
def test_editor_settings_of_the_wrong_type_are_reported(key: str, value: object) -> None:
    with pytest.raises(ConfigError, match=f"elixirPerf.{key}"):
        parse_settings({key: value})


def test_a_relative_config_file_setting_is_relative_to_the_workspace(tmp_path: Path) -> None:
    settings = parse_settings({"configFile": "conf/perf.toml"}, tmp_path)
    assert settings.config_file == tmp_path / "conf" / "perf.toml"
    assert parse_settings({"configFile": "/abs/perf.toml"}, tmp_path).config_file == Path(
        "/abs/perf.toml"
    )


# --- one config search for the CLI and the server ------------------------------------------


def test_a_config_above_the_workspace_root_applies_in_the_server_as_in_check(
    tmp_path: Path,
) -> None:
    (tmp_path / ".elixir-perf.toml").write_text('ignore = ["EP101"]\n')
    workspace = tmp_path / "apps" / "web"
    (workspace / "lib").mkdir(parents=True)
    file = workspace / "lib" / "a.ex"
    file.write_text(GUARD)
    # `check` from inside the workspace, and the server's resolution with its root.
    assert run_check(str(file), cwd=workspace).returncode == 0
    server_view = resolve_for_file(file, base=workspace)
    assert "EP101" in server_view.options.selection.ignore
