"""Every `check --format`, by name: one place for the CLI's choices and dispatch."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from elixir_perf_lsp.output.records import LocatedFinding

# `text` is the old name of `concise`, kept so scripts that pass it keep working.
FORMATS = (
    "concise",
    "text",
    "full",
    "grouped",
    "json",
    "json-lines",
    "junit",
    "gitlab",
    "sarif",
    "github",
)
# Formats a person reads: they get the summary line on stderr.
HUMAN_FORMATS = frozenset({"concise", "text", "full", "grouped"})


def render(
    fmt: str,
    items: Sequence[LocatedFinding],
    show_unsafe: bool = False,
    sources: Mapping[str, bytes] | None = None,
) -> str:
    """The report for `items`; `sources` (file name → text) feeds `full`."""
    from elixir_perf_lsp.output import ci_formats, gitlab, human, junit
    from elixir_perf_lsp.output.render import as_json_object, render_json, render_text

    if fmt in ("concise", "text"):
        return render_text(items, show_unsafe)
    if fmt == "full":
        return human.render_full(items, sources or {}, show_unsafe)
    if fmt == "grouped":
        return human.render_grouped(items, show_unsafe)
    if fmt == "json":
        return render_json(items)
    if fmt == "json-lines":
        return "".join(json.dumps(as_json_object(i), ensure_ascii=False) + "\n" for i in items)
    if fmt == "junit":
        return junit.junit(items)
    if fmt == "gitlab":
        return gitlab.render_gitlab(items)
    return ci_formats.render(fmt, items)
