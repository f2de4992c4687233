"""`check` remembers directory lookups for one run; everything else looks afresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_perf_lsp import config
from elixir_perf_lsp.config import discovery_cached, find_upward

# Not the config file name: the suite's autouse fixture writes one in tmp_path.
MARKER = "marker.toml"


def _count_is_file(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    original = Path.is_file

    def counting(self: Path) -> bool:
        calls.append(self)
        return original(self)

    monkeypatch.setattr(Path, "is_file", counting)
    return calls


def test_one_run_asks_each_directory_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = tmp_path / "app" / "lib"
    lib.mkdir(parents=True)
    (tmp_path / "app" / "mix.exs").write_text("")
    files = [lib / "a.ex", lib / "b.ex"]
    for f in files:
        f.write_text("")
    calls = _count_is_file(monkeypatch)
    with discovery_cached():
        first = find_upward(files[0], ["mix.exs"])
        asked = len(calls)
        second = find_upward(files[1], ["mix.exs"])
    assert first == second == config.real_path(tmp_path / "app" / "mix.exs")
    assert asked > 0 and len(calls) == asked  # the second file's walk is all remembered


def test_outside_a_run_a_new_config_file_is_seen(tmp_path: Path) -> None:
    # A long-lived server must see a config file created after it started.
    source = tmp_path / "lib" / "a.ex"
    source.parent.mkdir()
    source.write_text("")
    assert find_upward(source, [MARKER]) is None
    (tmp_path / MARKER).write_text("")
    assert find_upward(source, [MARKER]) == config.real_path(tmp_path / MARKER)


def test_the_memory_ends_with_the_run(tmp_path: Path) -> None:
    source = tmp_path / "a.ex"
    source.write_text("")
    with discovery_cached():
        assert find_upward(source, [MARKER]) is None
    (tmp_path / MARKER).write_text("")
    assert find_upward(source, [MARKER]) is not None
