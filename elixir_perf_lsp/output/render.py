"""Text and JSON renderings of located findings."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from elixir_perf_lsp.engine.model import Applicability, Related
from elixir_perf_lsp.output.records import LocatedFinding
from elixir_perf_lsp.positions import Encoding
from elixir_perf_lsp.urls import rule_url


def as_json_object(item: LocatedFinding) -> dict[str, Any]:
    f = item.finding
    fix: dict[str, Any] | None = None
    if f.fix is not None:
        fix = {
            "applicability": f.fix.applicability.value,
            "message": f.fix.message,
            "edits": [
                {"content": e.content, "location": s.as_json(), "end_location": t.as_json()}
                for e, s, t in item.edits
            ],
        }
    out: dict[str, Any] = {
        "filename": item.filename,
        "code": f.code,
        "name": f.name,
        "message": f.message,
        "severity": f.severity.value,
        "location": item.start.as_json(),
        "end_location": item.end.as_json(),
        "fix": fix,
        "url": rule_url(f.name),
    }
    if f.related:
        out["related"] = [_related(item.filename, r) for r in f.related]
    return out


def _related(filename: str, related: Related) -> dict[str, Any]:
    """Where a finding's cost is: another place, 1-based rows and code-point columns."""
    place = related.place
    start, end = place.columns(Encoding.UTF32)
    return {
        "filename": display_path(place.path) if place.path else filename,
        "location": {"row": place.row + 1, "column": start + 1},
        "end_location": {"row": place.row + 1, "column": end + 1},
        "message": related.message,
    }


def display_path(path: str) -> str:
    """`path` relative to the working directory when it lies below it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else path
    except ValueError:  # another drive, on Windows
        return path


def render_json(items: Sequence[LocatedFinding]) -> str:
    return json.dumps([as_json_object(i) for i in items], indent=2, ensure_ascii=False) + "\n"


def render_text(items: Sequence[LocatedFinding], show_unsafe: bool) -> str:
    lines = []
    for item in items:
        f = item.finding
        fixable = f.fix is not None and (f.fix.applicability is Applicability.SAFE or show_unsafe)
        mark = " [*]" if fixable else ""
        lines.append(
            f"{item.filename}:{item.start.row}:{item.start.column}: {f.code} {f.message}{mark}"
        )
    return "".join(line + "\n" for line in lines)
