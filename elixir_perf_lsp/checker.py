"""`check` over files: discovery, per-file analysis, fixing and safe writing.

Per-file work is a pure function of (path, settings) so it can run in a process
pool and still give deterministic output.
"""

from __future__ import annotations

import difflib
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from elixir_perf_lsp import syntax
from elixir_perf_lsp.config import (
    ALWAYS_EXCLUDED,
    ConfigError,
    Layer,
    Resolved,
    is_excluded,
    real_path,
    resolve_for_file,
)
from elixir_perf_lsp.engine import Analysis, Finding, Options, analyze
from elixir_perf_lsp.engine.fixes import apply_edits, fix_all, pick_fixes
from elixir_perf_lsp.engine.suppress_findings import suppression_edits
from elixir_perf_lsp.fileio import (
    NotWritten,
    Snapshot,
    TooLarge,
    Unreadable,
    read_source,
    write_if_unchanged,
)
from elixir_perf_lsp.output.records import LocatedFinding, locate
from elixir_perf_lsp.project.build import index_key
from elixir_perf_lsp.project.index import IndexView
from elixir_perf_lsp.project.summary import CallRef, FileSummary

EXTENSIONS = (".ex", ".exs")
SKIP_DIRS = frozenset({".git", "node_modules", *(p.split("/")[0] for p in ALWAYS_EXCLUDED)})


@dataclass(frozen=True)
class CheckSettings:
    cli: Layer = Layer()
    config_override: Path | None = None
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    # Insert a suppression comment for every finding (`--add-suppressions`).
    add_suppressions: bool = False
    # Hand the final text back in the result (`--format full` shows source lines).
    keep_source: bool = False


@dataclass
class FileResult:
    filename: str
    findings: list[LocatedFinding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    fixed: int = 0
    diff: str = ""
    rule_errors: list[str] = field(default_factory=list)
    excluded: bool = False
    # Not errors, but worth saying: a file skipped for its size, a time budget hit.
    notices: list[str] = field(default_factory=list)
    # For `check`'s project pass: the file's summary, and the calls in its loops that
    # the file alone could not resolve (see `Analysis.unresolved`).
    summary: FileSummary | None = None
    unresolved: tuple[CallRef, ...] = ()
    # Fixes applied (or, with `--diff`, that would be), per rule code.
    fixed_codes: dict[str, int] = field(default_factory=dict)
    suppressed: int = 0  # findings given a suppression comment
    source: bytes | None = None  # the final text, when `keep_source` asked for it


class Candidate(NamedTuple):
    """A file to check; `tree` bounds where `--fix` may write through a symlink."""

    path: Path
    explicit: bool  # named on the command line, so config excludes do not apply
    tree: Path  # the directory walked, or for a named file the one it was named from


def discover(
    paths: Sequence[str], cli: Layer, config_override: Path | None
) -> Iterator[Candidate | str]:
    """Files to check, in a stable order; a str is an error for a path."""
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            yield f"{raw}: no such file or directory"
            continue
        if not path.is_dir():
            # Anything but a directory is checked as a file: the reader says why a
            # FIFO or a device is not read, rather than skipping it silently.
            key = real_path(path)
            if key not in seen:
                seen.add(key)
                yield Candidate(path, True, Path.cwd())
            continue
        for found in _walk(path, cli, config_override):
            key = real_path(found)
            if key not in seen:
                seen.add(key)
                yield Candidate(found, False, path)


def _walk(root: Path, cli: Layer, config_override: Path | None) -> Iterator[Path]:
    excludes = cli.exclude
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name.endswith(EXTENSIONS):
                path = Path(directory) / name
                if not is_excluded(path, excludes, root):
                    found.append(path)
    yield from sorted(found)


def check_file(
    path: Path | str,
    settings: CheckSettings,
    stdin: bytes | None = None,
    explicit: bool = True,
    tree: Path | None = None,
    project: IndexView | None = None,
) -> FileResult:
    """Check one file; `explicit` files were named on the command line, so config
    excludes do not apply to them (as in ruff). `--fix` writes through a symlink
    only to a file inside `tree` (default: the working directory). With `project`,
    loops calling functions of other files are judged by their summaries."""
    filename = str(path)
    result = FileResult(filename)
    try:
        resolved = resolve_for_file(
            Path(path), settings.cli, config_override=settings.config_override
        )
    except ConfigError as exc:
        result.errors.append(str(exc))
        return result
    if not explicit and resolved.excludes(Path(path)):
        result.excluded = True
        return result
    snapshot: Snapshot | None = None
    if stdin is not None:
        source = stdin
    else:
        try:
            snapshot = read_source(path)
        except TooLarge as exc:
            result.notices.append(f"{filename}: {exc}")
            return result
        except Unreadable as exc:
            result.errors.append(f"{filename}: {exc}")
            return result
        source = snapshot.data
    problem = _unfit(source)
    if problem:
        result.errors.append(f"{filename}: {problem}")
        return result
    options = resolved.options
    key = index_key(path)

    # fix_all's last round analyses the final text; `check` reports on that same
    # text, so each distinct text is analysed once.
    analyses: dict[bytes, Analysis] = {}

    def analysis_of(data: bytes) -> Analysis:
        if data not in analyses:
            analyses[data] = analyze(data, options=options, project=project, path=key)
        return analyses[data]

    def run(data: bytes) -> list[Finding]:
        return analysis_of(data).findings

    fixed_codes: Counter[str] = Counter()

    def run_counting(data: bytes) -> list[Finding]:
        # fix_all applies every fix pick_fixes chooses from each round's findings.
        findings = run(data)
        chosen = {id(fix) for fix in pick_fixes(findings, settings.unsafe_fixes)}
        fixed_codes.update(f.code for f in findings if f.fix is not None and id(f.fix) in chosen)
        return findings

    if settings.fix or settings.diff:
        new_source, applied = fix_all(source, run_counting, unsafe=settings.unsafe_fixes)
        if applied and _breaks_parse(source, new_source):
            result.errors.append(
                f"{filename}: fixes would leave code that does not parse; file left unchanged"
            )
        elif applied:
            if settings.diff:
                result.diff = _unified_diff(filename, source, new_source)
                result.fixed = applied
                result.fixed_codes = dict(fixed_codes)
            elif snapshot is None or _write(result, path, snapshot, new_source, tree):
                result.fixed = applied
                result.fixed_codes = dict(fixed_codes)
                source = new_source
    if settings.add_suppressions and snapshot is not None:
        source = _add_suppressions(result, path, snapshot, analysis_of(source).findings, tree)
    analysis = analysis_of(source)
    result.rule_errors = [e for e in analysis.rule_errors if e != analysis.skipped]
    if analysis.skipped:
        result.notices.append(f"{filename}: {analysis.skipped}")
    result.findings = locate(filename, source, analysis.findings)
    result.summary, result.unresolved = analysis.summary, analysis.unresolved
    if settings.keep_source:
        result.source = source
    if stdin is not None and settings.fix and not settings.diff:
        result.diff = source.decode("utf-8", "surrogatepass")  # the fixed text, for stdout
    return result


def _add_suppressions(
    result: FileResult,
    path: Path | str,
    snapshot: Snapshot,
    findings: list[Finding],
    tree: Path | None,
) -> bytes:
    """Write a suppression comment above each finding; returns the text now on disk."""
    source = snapshot.data
    placement = suppression_edits(source, syntax.parse(source).root_node, findings)
    for line in placement.left:
        result.notices.append(
            f"{result.filename}:{line}: no room for a suppression comment "
            "(the line is inside a string or already carries a comment); still reported"
        )
    if not placement.edits:
        return source
    new_source = apply_edits(source, placement.edits)
    if _breaks_parse(source, new_source):
        result.errors.append(f"{result.filename}: suppressions would break the parse; unchanged")
        return source
    if not _write(result, path, snapshot, new_source, tree):
        return source
    result.suppressed = placement.suppressed
    return new_source


def _unfit(source: bytes) -> str | None:
    if b"\0" in source[:8192]:
        return "skipped: looks like a binary file (NUL bytes)"
    try:
        source.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = source.count(b"\n", 0, exc.start) + 1
        return f"invalid UTF-8 at line {line} (byte {exc.start})"
    return None


def _breaks_parse(before: bytes, after: bytes) -> bool:
    return syntax.parse(after).root_node.has_error and not syntax.parse(before).root_node.has_error


def _unified_diff(filename: str, before: bytes, after: bytes) -> str:
    a = before.decode("utf-8", "surrogatepass").splitlines(keepends=True)
    b = after.decode("utf-8", "surrogatepass").splitlines(keepends=True)
    return "".join(difflib.unified_diff(a, b, f"a/{filename}", f"b/{filename}"))


def _write(
    result: FileResult, path: Path | str, before: Snapshot, data: bytes, tree: Path | None
) -> bool:
    """Write the fixed text; a skip or a failure is reported and the run goes on."""
    try:
        write_if_unchanged(path, before, data, tree or Path.cwd())
    except NotWritten as exc:
        result.notices.append(f"{result.filename}: {exc}")
        return False
    except OSError as exc:
        result.errors.append(f"{result.filename}: cannot write: {exc.strerror or exc}")
        return False
    return True


__all__ = [
    "Candidate",
    "CheckSettings",
    "FileResult",
    "Options",
    "Resolved",
    "check_file",
    "discover",
]
