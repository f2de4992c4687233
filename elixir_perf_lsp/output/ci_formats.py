"""CI renderings: SARIF 2.1.0 for code scanning, GitHub workflow commands."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from elixir_perf_lsp import __version__
from elixir_perf_lsp.engine.model import Severity
from elixir_perf_lsp.engine.registry import all_rules
from elixir_perf_lsp.output.records import LocatedFinding, Location
from elixir_perf_lsp.urls import rule_url

_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "note",
    Severity.HINT: "note",
}
_GITHUB_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "notice",
    Severity.HINT: "notice",
}


def render(fmt: str, items: Sequence[LocatedFinding]) -> str:
    if fmt == "sarif":
        return json.dumps(sarif(items), indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        return github(items)
    raise ValueError(f"unknown format {fmt!r}")


def _region(start: Location, end: Location) -> dict[str, int]:
    return {
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": end.row,
        "endColumn": end.column,
    }


def sarif(items: Sequence[LocatedFinding]) -> dict[str, Any]:
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    driver_rules = [
        {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.sections().get("What it does", r.summary)},
            "helpUri": rule_url(r.name),
            "help": {"text": r.sections().get("Why is this bad?", r.summary)},
            "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
            "properties": {"fix": r.fix_availability.value},
        }
        for r in rules
    ]
    results = []
    for item in items:
        f = item.finding
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(item.filename)},
                        "region": _region(item.start, item.end),
                    }
                }
            ],
        }
        if f.fix is not None:
            result["fixes"] = [
                {
                    "description": {"text": f"{f.fix.message} ({f.fix.applicability.value})"},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": _uri(item.filename)},
                            "replacements": [
                                {
                                    "deletedRegion": _region(s, t),
                                    "insertedContent": {"text": e.content},
                                }
                                for e, s, t in item.edits
                            ],
                        }
                    ],
                }
            ]
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "elixir-perf-lsp",
                        "version": __version__,
                        "informationUri": "https://github.com/elixir-perf-lsp/elixir-perf-lsp",
                        "rules": driver_rules,
                    }
                },
                # Our columns count code points, not SARIF's default UTF-16 units.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _uri(filename: str) -> str:
    return filename.replace("\\", "/").removeprefix("./")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(items: Sequence[LocatedFinding]) -> str:
    lines = []
    for item in items:
        f = item.finding
        props = ",".join(
            [
                f"file={_escape_property(item.filename)}",
                f"line={item.start.row}",
                f"col={item.start.column}",
                f"endLine={item.end.row}",
                f"endColumn={item.end.column}",
                f"title={_escape_property(f.code)}",
            ]
        )
        lines.append(
            f"::{_GITHUB_LEVEL[f.severity]} {props}::{_escape_data(f.code + ' ' + f.message)}"
        )
    return "".join(line + "\n" for line in lines)
