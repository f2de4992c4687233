"""Plain data the engine produces: findings, fixes, edits."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from elixir_perf_lsp.positions import Encoding, decode, units


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"
    HINT = "hint"


class Applicability(enum.Enum):
    """Decided per fix: safe fixes keep behaviour for every input that did not raise."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class FixAvailability(enum.Enum):
    """A fact about a rule: does it ever come with a fix?"""

    ALWAYS = "always"
    SOMETIMES = "sometimes"
    NONE = "none"


@dataclass(frozen=True, order=True)
class Edit:
    """Replace bytes [start, end) of the source with `content`."""

    start: int
    end: int
    content: str


@dataclass(frozen=True)
class Fix:
    message: str
    applicability: Applicability
    edits: tuple[Edit, ...]

    @property
    def is_safe(self) -> bool:
        return self.applicability is Applicability.SAFE

    def shifted(self, delta: int) -> Fix:
        edits = tuple(Edit(e.start + delta, e.end + delta, e.content) for e in self.edits)
        return Fix(self.message, self.applicability, edits)


@dataclass(frozen=True)
class Place:
    """A span in some file, kept in a form any position encoding can be read from:
    its 0-based row, byte columns on that row, and the row's text (so a file that
    is not open can still be pointed at). `path` "" means the analysed file."""

    path: str
    row: int
    start_column: int
    end_column: int
    line: bytes

    def columns(self, encoding: Encoding) -> tuple[int, int]:
        """Start and end columns on `row`, in code units of `encoding`."""
        before = decode(self.line[: self.start_column])
        inside = decode(self.line[self.start_column : self.end_column])
        start = units(before, encoding)
        return start, start + units(inside, encoding)


@dataclass(frozen=True)
class Related:
    """Where the cost a finding reports really is (LSP `relatedInformation`)."""

    place: Place
    message: str


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    message: str
    start: int
    end: int
    severity: Severity
    fix: Fix | None = None
    # Worth showing in test code (see `Rule.in_tests`).
    in_tests: bool = False
    # Findings about a call whose cost lies in another function: where that cost is.
    related: tuple[Related, ...] = ()

    def shifted(self, delta: int) -> Finding:
        fix = self.fix.shifted(delta) if self.fix else None
        return replace(self, start=self.start + delta, end=self.end + delta, fix=fix)
