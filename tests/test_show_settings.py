"""`check --show-settings FILE` and `explain`'s per-file-ignores (issue 18, item 4):
the resolved configuration of a file, each value with where it came from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from elixir_perf_lsp.cli import main

CONFIG = """\
select = ["EP"]
extend-select = ["EP503"]
[severity]
EP101 = "warning"
[per-file-ignores]
"lib/release.ex" = ["EP6"]
"test/**" = ["EP1", "EP503"]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".elixir-perf.toml").write_text(CONFIG)
    (tmp_path / "mix.exs").write_text('def project, do: [elixir: "~> 1.15"]\n')
    (tmp_path / ".tool-versions").write_text("erlang 26.2\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "release.ex").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def settings(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, list[dict[str, object]]]:
    assert main(["check", "--format", "json", *args]) == 0
    out = json.loads(capsys.readouterr().out)
    by_key: dict[str, list[dict[str, object]]] = {}
    for s in out["settings"]:
        by_key.setdefault(s["key"], []).append(s)
    return by_key


def test_each_value_names_its_origin(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(project / ".elixir-perf.toml")
    got = settings(capsys, "--show-settings", "lib/release.ex", "--ignore", "EP102")
    assert got["config-file"] == [
        {"key": "config-file", "value": config, "origin": "nearest .elixir-perf.toml upward"}
    ]
    assert got["select"][0]["origin"] == f"{config}:1"
    assert got["extend-select"][0] == {
        "key": "extend-select",
        "value": ["EP503"],
        "origin": f"{config}:2",
    }
    assert got["ignore"] == [{"key": "ignore", "value": ["EP102"], "origin": "--ignore"}]
    assert got["exclude"][0]["origin"] == "default"
    assert got["severity.EP101"][0]["value"] == "warning"
    assert got["severity.EP101"][0]["origin"] == f"{config}:4"
    assert got["target-elixir"][0] == {
        "key": "target-elixir",
        "value": "1.15",
        "origin": str(project / "mix.exs"),
    }
    assert got["target-otp"][0]["origin"] == str(project / ".tool-versions")
    assert got["test-files"][0]["origin"] == "default"
    release, tests = got["per-file-ignores"]
    assert release["value"] == {
        "glob": "lib/release.ex",
        "codes": ["EP6"],
        "applies-to-this-file": True,
    }
    assert release["origin"] == f"{config}:6"
    assert tests["value"]["applies-to-this-file"] is False  # type: ignore[index]
    rules = got["rules"][0]["value"]
    assert isinstance(rules, list)
    assert "EP503" in rules and "EP301" in rules
    assert "EP602" not in rules  # per-file-ignores
    assert "EP102" not in rules  # --ignore


def test_cli_flags_win_and_say_so(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = settings(
        capsys,
        "--show-settings",
        "lib/release.ex",
        "--select",
        "EP1",
        "--target-elixir",
        "1.17",
        "--target-otp",
        "27",
    )
    assert (got["select"][0]["value"], got["select"][0]["origin"]) == (["EP1"], "--select")
    assert got["target-elixir"][0]["origin"] == "--target-elixir"
    assert (got["target-otp"][0]["value"], got["target-otp"][0]["origin"]) == (27, "--target-otp")


def test_without_a_config_everything_is_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".elixir-perf.toml").unlink()
    (tmp_path / "a.ex").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    got = settings(capsys, "--show-settings", "a.ex")
    assert got["config-file"][0]["value"] is None
    assert {s["origin"] for k, v in got.items() for s in v if k in ("select", "ignore")} == {
        "default"
    }


def test_text_output_lines_up_key_value_origin(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--show-settings", "lib/release.ex"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Settings for lib/release.ex"
    select = next(line for line in lines if line.lstrip().startswith("select "))
    assert select.split()[1:] == ['["EP"]', f"({project / '.elixir-perf.toml'}:1)"]


def test_a_bad_config_is_an_error_naming_the_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".elixir-perf.toml").write_text("bogus = 1\n")
    assert main(["check", "--show-settings", "lib/release.ex"]) == 2
    assert ".elixir-perf.toml:1: `bogus`" in capsys.readouterr().err


def test_explain_under_a_bad_config_still_prints_the_page(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".elixir-perf.toml").write_text("bogus = 1\n")
    assert main(["explain", "EP602"]) == 2
    out, err = capsys.readouterr()
    assert out.startswith("# repo-read-in-loop (EP602)")
    assert ".elixir-perf.toml:1: `bogus`" in err


def test_explain_names_the_globs_that_turn_the_rule_off(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = project / ".elixir-perf.toml"
    assert main(["explain", "EP602"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# repo-read-in-loop (EP602)")
    assert out.endswith(
        f"## In this project ({config})\n\n"
        "`[per-file-ignores]` turns EP602 off in files matching:\n\n"
        f"- `lib/release.ex` (by EP6; {config}:6)\n"
    )
    assert main(["explain", "EP503"]) == 0
    assert f"- `test/**` (by EP503; {config}:7)\n" in capsys.readouterr().out
    assert main(["explain", "EP301"]) == 0
    assert capsys.readouterr().out.endswith("No `[per-file-ignores]` entry turns EP301 off.\n")


def test_explain_outside_a_project_is_the_plain_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from elixir_perf_lsp.engine.registry import find_rule
    from elixir_perf_lsp.ruledocs import render_rule

    (tmp_path / ".elixir-perf.toml").unlink()
    monkeypatch.chdir(tmp_path)
    assert main(["explain", "EP101"]) == 0
    rule = find_rule("EP101")
    assert rule is not None
    assert capsys.readouterr().out == render_rule(rule)


def test_explain_with_config_flag(
    project: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    assert main(["explain", "EP101", "--config", str(elsewhere / "missing.toml")]) == 2
    assert "missing.toml: config file not found" in capsys.readouterr().err
    other = elsewhere / "other.toml"
    other.write_text('[per-file-ignores]\n"gen/*.ex" = ["ALL"]\n')
    assert main(["explain", "EP101", "--config", str(other)]) == 0
    assert f"- `gen/*.ex` (by ALL; {other}:2)\n" in capsys.readouterr().out
