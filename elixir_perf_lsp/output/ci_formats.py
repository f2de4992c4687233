"""CI renderings: SARIF 2.1.0 for code scanning, GitHub workflow commands.

SARIF output validates against the OASIS SARIF 2.1.0 schema (errata 01), which
tests/fixtures/sarif-schema-2.1.0.json holds a copy of. Regions are 1-based and
their columns count Unicode code points (`columnKind`), as in the JSON output;
`endColumn` is the column just after the region, as SARIF defines it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from elixir_perf_lsp import __version__
from elixir_perf_lsp.engine.model import Severity
from elixir_perf_lsp.engine.registry import all_rules
from elixir_perf_lsp.output.records import LocatedFinding, Location
from elixir_perf_lsp.ruledocs import render_rule
from elixir_perf_lsp.urls import rule_url

SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
# Relative paths are relative to where `check` ran; SARIF names that place with a
# uriBaseId, and GitHub code scanning resolves it against the checkout.
SRCROOT = "%SRCROOT%"
INFORMATION_URI = "https://github.com/elixir-perf-lsp/elixir-perf-lsp"

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


# --- SARIF -------------------------------------------------------------------------


def _region(start: Location, end: Location) -> dict[str, int]:
    return {
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": end.row,
        "endColumn": end.column,
    }


def artifact_location(filename: str) -> dict[str, str]:
    """A SARIF artifactLocation: `file:` URI for absolute paths, else a relative
    reference (percent-encoded, `/`-separated) against %SRCROOT%."""
    if Path(filename).is_absolute():
        return {"uri": Path(filename).as_uri()}
    path = filename.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def _driver_rules() -> list[dict[str, Any]]:
    out = []
    for r in all_rules():
        sections = r.sections()
        out.append(
            {
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": sections.get("What it does", r.summary)},
                "helpUri": rule_url(r.name),
                "help": {
                    "text": sections.get("Why is this bad?", r.summary),
                    "markdown": render_rule(r),
                },
                "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
                "properties": {
                    "tags": ["performance"],
                    "severity": r.severity.value,
                    "fix": r.fix_availability.value,
                },
            }
        )
    return out


def _result(item: LocatedFinding, index: dict[str, int]) -> dict[str, Any]:
    f = item.finding
    where = artifact_location(item.filename)
    result: dict[str, Any] = {
        "ruleId": f.code,
        "level": _SARIF_LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": where,
                    "region": _region(item.start, item.end),
                }
            }
        ],
        # Our own severity, which SARIF's three levels flatten (hint and information).
        "properties": {"severity": f.severity.value},
    }
    if f.code in index:
        result["ruleIndex"] = index[f.code]
    if f.fix is not None and item.edits:
        result["fixes"] = [
            {
                "description": {"text": f"{f.fix.message} ({f.fix.applicability.value})"},
                "artifactChanges": [
                    {
                        "artifactLocation": where,
                        "replacements": [
                            {
                                "deletedRegion": _region(s, t),
                                "insertedContent": {"text": e.content},
                            }
                            for e, s, t in item.edits
                        ],
                    }
                ],
                "properties": {"applicability": f.fix.applicability.value},
            }
        ]
    return result


def sarif(items: Sequence[LocatedFinding], cwd: Path | None = None) -> dict[str, Any]:
    """One SARIF log with one run; `cwd` is what relative paths are relative to."""
    index = {r.code: i for i, r in enumerate(all_rules())}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "elixir-perf-lsp",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": _driver_rules(),
            }
        },
        "originalUriBaseIds": {
            SRCROOT: {"uri": (cwd or Path.cwd()).absolute().as_uri().rstrip("/") + "/"}
        },
        # Our columns count code points, not SARIF's default UTF-16 units.
        "columnKind": "unicodeCodePoints",
        "results": [_result(item, index) for item in items],
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


# --- GitHub workflow commands -------------------------------------------------------


def _escape_data(text: str) -> str:
    # As @actions/core does: the message may hold anything but these three.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(items: Sequence[LocatedFinding]) -> str:
    """`::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=EP101::EP101 message`,
    one line per finding; information and hint findings become notices. The code
    is repeated in the message because the job log shows the message alone."""
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
        message = _escape_data(f"{f.code} {f.message}")
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {props}::{message}")
    return "".join(line + "\n" for line in lines)
