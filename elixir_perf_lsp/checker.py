"""`check` over files: discovery, per-file analysis, fixing and safe writing.

Per-file work is a pure function of (path, settings) so it can run in a process
pool and still give deterministic output.
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
from elixir_perf_lsp.engine.fixes import fix_all
from elixir_perf_lsp.output.records import LocatedFinding, locate
from elixir_perf_lsp.project.build import index_key
from elixir_perf_lsp.project.index import ProjectIndex
from elixir_perf_lsp.project.summary import CallRef, FileSummary

EXTENSIONS = (".ex", ".exs")
_SKIP_DIRS = frozenset({".git", "node_modules", *(p.split("/")[0] for p in ALWAYS_EXCLUDED)})


@dataclass(frozen=True)
class CheckSettings:
    cli: Layer = Layer()
    config_override: Path | None = None
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False


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


def discover(
    paths: Sequence[str], cli: Layer, config_override: Path | None
) -> Iterator[tuple[Path, bool] | str]:
    """(file, named explicitly) to check, in a stable order; a str is an error for a path."""
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            yield f"{raw}: no such file or directory"
            continue
        if path.is_file() or (path.is_symlink() and not path.is_dir()):
            key = real_path(path)
            if key not in seen:
                seen.add(key)
                yield path, True
            continue
        for found in _walk(path, cli, config_override):
            key = real_path(found)
            if key not in seen:
                seen.add(key)
                yield found, False


def _walk(root: Path, cli: Layer, config_override: Path | None) -> Iterator[Path]:
    excludes = cli.exclude
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
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
    project: ProjectIndex | None = None,
) -> FileResult:
    """Check one file; `explicit` files were named on the command line, so config
    excludes do not apply to them (as in ruff). With `project`, loops calling
    functions of other files are judged by their summaries."""
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
    if stdin is not None:
        source = stdin
    else:
        try:
            source = Path(path).read_bytes()
        except OSError as exc:
            result.errors.append(f"{filename}: cannot read: {exc.strerror or exc}")
            return result
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

    if settings.fix or settings.diff:
        new_source, applied = fix_all(source, run, unsafe=settings.unsafe_fixes)
        if applied and _breaks_parse(source, new_source):
            result.errors.append(
                f"{filename}: fixes would leave code that does not parse; file left unchanged"
            )
        elif applied:
            if settings.diff:
                result.diff = _unified_diff(filename, source, new_source)
                result.fixed = applied
            else:
                if stdin is None:
                    write_atomically(Path(path), new_source)
                result.fixed = applied
                source = new_source
    analysis = analysis_of(source)
    result.rule_errors = [e for e in analysis.rule_errors if e != analysis.skipped]
    if analysis.skipped:
        result.notices.append(f"{filename}: {analysis.skipped}")
    result.findings = locate(filename, source, analysis.findings)
    result.summary, result.unresolved = analysis.summary, analysis.unresolved
    if stdin is not None and settings.fix and not settings.diff:
        result.diff = source.decode("utf-8", "surrogatepass")  # the fixed text, for stdout
    return result


# One `check` run resolves settings per directory, not per file: the walk up for
# `.elixir-perf.toml`, `mix.exs` and `.tool-versions` is the same for siblings.
_resolved: dict[tuple[str, str], Resolved | ConfigError] = {}


def _resolve(path: Path, settings: CheckSettings) -> Resolved:
    key = (str(path.parent), repr((settings.cli, settings.config_override)))
    cached = _resolved.get(key)
    if cached is None:
        try:
            cached = resolve_for_file(path, settings.cli, config_override=settings.config_override)
        except ConfigError as exc:
            cached = exc
        _resolved[key] = cached
    if isinstance(cached, ConfigError):
        raise cached
    return cached


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


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path`'s content without a window where it is half written."""
    target = path.resolve()
    mode = stat.S_IMODE(target.stat().st_mode)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).chmod(mode)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = ["CheckSettings", "FileResult", "Options", "Resolved", "check_file", "discover"]
