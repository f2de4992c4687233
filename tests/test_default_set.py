"""The default rule set is the one users keep on: chosen by measured precision on
real projects (`benchmarks/precision/`); every other rule is opt-in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from elixir_perf_lsp.engine.registry import all_rules

OPT_IN_FOOTGUN = "defmodule A do\n  def f(items) when length(items) == 0, do: :empty\nend\n"
DEFAULT_FOOTGUN = 'defmodule B do\n  def c(%{"k" => k}), do: String.to_atom(k)\nend\n'


def check(path: Path, *extra: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "elixir_perf_lsp", "check", "--format", "json", *extra, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return sorted(d["code"] for d in json.loads(done.stdout))


def test_without_a_config_only_the_default_set_runs(tmp_path: Path) -> None:
    (tmp_path / ".elixir-perf.toml").write_text("")  # replaces the test suite's ALL
    (tmp_path / "a.ex").write_text(OPT_IN_FOOTGUN + DEFAULT_FOOTGUN)
    assert check(tmp_path) == ["EP803"]
    assert check(tmp_path, "--extend-select", "EP101") == ["EP101", "EP803"]
    assert check(tmp_path, "--select", "ALL") == ["EP101", "EP803"]


def test_every_rule_states_its_measured_precision() -> None:
    for rule in all_rules():
        if rule.code != "EP001":
            assert rule.precision, f"{rule.code}: no measured precision in its docs"


def test_reads_behind_a_helper_are_opt_in(tmp_path: Path) -> None:
    # EP602 is in the default set; the same N+1 behind a project function is EP604,
    # opt-in: 2 of 32 sampled real-project findings were worth changing.
    (tmp_path / ".elixir-perf.toml").write_text("")
    (tmp_path / "a.ex").write_text(
        "defmodule A do\n"
        "  def get_user!(id), do: Repo.get!(User, id)\n"
        "  def users(ids), do: Enum.map(ids, &get_user!/1)\n"
        "  def direct(ids), do: Enum.map(ids, &Repo.get!(User, &1))\n"
        "end\n"
    )
    assert check(tmp_path) == ["EP602"]
    assert check(tmp_path, "--extend-select", "EP604") == ["EP602", "EP604"]
