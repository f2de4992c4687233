"""Findings located in a file: 1-based rows and code-point columns (architecture §3.2)."""

from __future__ import annotations

from dataclasses import dataclass

from elixir_perf_lsp.engine import Finding
from elixir_perf_lsp.engine.model import Edit
from elixir_perf_lsp.positions import Encoding, LineIndex


@dataclass(frozen=True)
class Location:
    row: int
    column: int

    def as_json(self) -> dict[str, int]:
        return {"row": self.row, "column": self.column}


@dataclass(frozen=True)
class LocatedFinding:
    filename: str
    finding: Finding
    start: Location
    end: Location
    edits: tuple[tuple[Edit, Location, Location], ...]

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.filename, self.start.row, self.start.column, self.finding.code)


def locate(filename: str, source: bytes, findings: list[Finding]) -> list[LocatedFinding]:
    index = LineIndex(source)

    def at(offset: int) -> Location:
        line, column = index.position(offset, Encoding.UTF32)
        return Location(line + 1, column + 1)

    out = []
    for f in findings:
        edits = tuple((e, at(e.start), at(e.end)) for e in f.fix.edits) if f.fix else ()
        out.append(LocatedFinding(filename, f, at(f.start), at(f.end), edits))
    return out
