"""Text and JSON renderings of located findings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from elixir_perf_lsp.engine.model import Applicability
from elixir_perf_lsp.output.records import LocatedFinding
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
    return {
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
