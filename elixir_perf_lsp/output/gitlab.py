"""GitLab Code Quality report (a subset of the Code Climate issue format).

GitLab reads `description`, `check_name`, `fingerprint`, `severity` (info, minor,
major, critical, blocker), `location.path` (relative to the repository) and
`location.lines.begin`. It compares the fingerprints of a merge request's base and
head to tell new findings from old ones, so a fingerprint must not move with the
line number (an edit above a finding would make it look new) yet must differ
between two identical findings in one file (GitLab shows only one per fingerprint):
it hashes path, rule and message with the finding's rank among its identical twins.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from elixir_perf_lsp.engine.model import Severity
from elixir_perf_lsp.output.records import LocatedFinding

_SEVERITY = {
    Severity.ERROR: "critical",
    Severity.WARNING: "major",
    Severity.INFORMATION: "minor",
    Severity.HINT: "info",
}


def report_path(filename: str, cwd: Path | None = None) -> str:
    """`/`-separated and relative to where `check` ran (the CI job's checkout)."""
    path = Path(filename)
    base = cwd or Path.cwd()
    if path.is_absolute() and path.is_relative_to(base):
        path = path.relative_to(base)
    text = path.as_posix()
    while text.startswith("./"):
        text = text[2:]
    return text


def gitlab(items: Sequence[LocatedFinding], cwd: Path | None = None) -> list[dict[str, Any]]:
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for item in items:
        f = item.finding
        path = report_path(item.filename, cwd)
        key = (path, f.code, f.message)
        rank = seen[key]
        seen[key] += 1
        digest = hashlib.sha256("\0".join((*key, str(rank))).encode("utf-8", "surrogatepass"))
        out.append(
            {
                "type": "issue",
                "description": f"{f.code} {f.message}",
                "check_name": f.code,
                "fingerprint": digest.hexdigest(),
                "severity": _SEVERITY[f.severity],
                "categories": ["Performance"],
                "location": {
                    "path": path,
                    "lines": {"begin": item.start.row, "end": item.end.row},
                },
            }
        )
    return out


def render_gitlab(items: Sequence[LocatedFinding]) -> str:
    return json.dumps(gitlab(items), indent=2, ensure_ascii=False) + "\n"
