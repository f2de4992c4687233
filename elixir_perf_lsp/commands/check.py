"""`elixir-perf-lsp check`."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from elixir_perf_lsp.checker import Candidate, CheckSettings, FileResult, check_file, discover
from elixir_perf_lsp.config import (
    ConfigError,
    Layer,
    parse_elixir_version,
    parse_otp_version,
    resolve_for_file,
)
from elixir_perf_lsp.engine.limits import MAX_BYTES
from elixir_perf_lsp.engine.model import Severity
from elixir_perf_lsp.engine.options import Options
from elixir_perf_lsp.output.records import LocatedFinding
from elixir_perf_lsp.output.render import render_json, render_text
from elixir_perf_lsp.project.build import (
    build_index,
    index_for,
    index_key,
    project_files,
    project_root,
)
from elixir_perf_lsp.project.index import IndexView
from elixir_perf_lsp.project.through_calls import has_effects

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# Below this many files per worker, a process pool costs more than it saves.
PER_WORKER = 16
# A single file (an editor's on-save run, one file from pre-commit) needs no bar.
PROGRESS_MIN_FILES = 2


def _cli_layer(args: argparse.Namespace) -> Layer:
    from elixir_perf_lsp.config import layer_from_mapping

    data: dict[str, object] = {}
    if args.select:
        data["select"] = list(args.select)
    if args.ignore:
        data["ignore"] = list(args.ignore)
    if args.extend_select:
        data["extend-select"] = list(args.extend_select)
    layer = layer_from_mapping(data)
    target_elixir = parse_elixir_version(args.target_elixir) if args.target_elixir else None
    target_otp = parse_otp_version(args.target_otp) if args.target_otp else None
    return Layer(
        select=layer.select,
        ignore=layer.ignore,
        extend_select=layer.extend_select,
        target_elixir=target_elixir,
        target_otp=target_otp,
    )


def run_check(args: argparse.Namespace) -> int:
    try:
        cli = _cli_layer(args)
    except (ConfigError, ValueError) as exc:
        sys.stderr.write(f"elixir-perf-lsp: {exc}\n")
        return EXIT_ERROR
    if args.config is not None and not args.config.is_file():
        sys.stderr.write(f"elixir-perf-lsp: config file {args.config} not found\n")
        return EXIT_ERROR
    settings = CheckSettings(cli, args.config, args.fix, args.unsafe_fixes, args.diff)
    results = list(_results(args, settings))
    # A bad config fails every file under it: say so once, not once per file.
    errors = list(dict.fromkeys(e for r in results for e in r.errors))
    for error in errors:
        sys.stderr.write(f"elixir-perf-lsp: {error}\n")
    for r in results:
        for message in r.rule_errors:
            sys.stderr.write(f"elixir-perf-lsp: {r.filename}: {message}\n")
        for notice in r.notices:
            sys.stderr.write(f"elixir-perf-lsp: {notice}\n")
    items = sorted((f for r in results for f in r.findings), key=lambda f: f.sort_key)
    if args.diff or (args.stdin_filename is not None and args.fix):
        sys.stdout.write("".join(r.diff for r in results))
    else:
        _emit(args.format, items, args.unsafe_fixes)
    _summary(results, items, args)
    if errors:
        return EXIT_ERROR
    if args.diff:
        return EXIT_FINDINGS if any(r.diff for r in results) else EXIT_CLEAN
    return EXIT_FINDINGS if items else EXIT_CLEAN


def _results(args: argparse.Namespace, settings: CheckSettings) -> Iterable[FileResult]:
    paths = list(args.paths)
    if args.stdin_filename is not None or paths == ["-"]:
        yield _check_stdin(args.stdin_filename or "-", settings)
        return
    found = list(discover(paths, settings.cli, settings.config_override))
    for item in found:
        if isinstance(item, str):
            yield FileResult(item.split(":")[0], errors=[item])
    jobs = [item for item in found if not isinstance(item, str)]
    if args.force_exclude:
        # Tools that pass file names (pre-commit, editors) want excludes honoured too.
        jobs = [job._replace(explicit=False) for job in jobs]
    with _progress(len(jobs), enabled=_wants_progress(args, len(jobs))) as advance:
        results = []
        for result in _run_jobs(jobs, settings, None):
            advance()
            results.append(result)
    yield from (r for r in with_project(results, jobs, settings) if not r.excluded)


def with_project(
    results: list[FileResult], jobs: list[Candidate], settings: CheckSettings
) -> list[FileResult]:
    """Results once the whole project is known: its loops may call any module.

    Each file was analysed alone (its summary made in the same pass); the other
    files of the project are summarised, and only the files whose loops call a
    function of another file that reaches an effect are analysed again, with the index.
    """
    waiting = [i for i, r in enumerate(results) if r.unresolved]
    if not waiting:
        return results
    roots = {root for job in jobs if (root := project_root(job.path)) is not None}
    if not roots:
        return results
    known = {index_key(r.filename): r.summary for r in results if r.summary is not None}
    others = [f for root in roots for f in project_files(root) if index_key(f) not in known]
    index = build_index(others)
    for summary in known.values():
        index.update(summary)
    project = index.view()
    again = [
        i
        for i in waiting
        if has_effects(project, list(results[i].unresolved), _options(results[i], settings))
    ]
    redo = [jobs[i] for i in again]
    for i, result in zip(again, _run_jobs(redo, settings, project), strict=True):
        # With --fix the first pass already wrote the fixes: keep its account of them.
        result.fixed, result.diff = results[i].fixed, results[i].diff or result.diff
        results[i] = result
    return results


def _options(result: FileResult, settings: CheckSettings) -> Options:
    return resolve_for_file(
        Path(result.filename), settings.cli, config_override=settings.config_override
    ).options


def _check_stdin(name: str, settings: CheckSettings) -> FileResult:
    """Stdin, read up to the size limit: a pipe from `/dev/zero` must not fill memory."""
    source = sys.stdin.buffer.read(MAX_BYTES + 1)
    if len(source) <= MAX_BYTES:
        # The whole project is indexed even for one buffer: its loops may call any module.
        index = index_for([Path(name)]) if name != "-" else None
        project = index.view() if index is not None else None
        return check_file(name, settings, stdin=source, project=project)
    if settings.fix and not settings.diff:
        # The caller (an editor's formatter) expects the fixed text on stdout: with
        # nothing analysed, that is the input, passed through without holding it.
        sys.stdout.flush()
        sys.stdout.buffer.write(source)
        shutil.copyfileobj(sys.stdin.buffer, sys.stdout.buffer, 1 << 20)
        sys.stdout.buffer.flush()
    limit = MAX_BYTES // 1024 // 1024
    return FileResult(name, notices=[f"{name}: not analysed: over the {limit} MB limit"])


def _wants_progress(args: argparse.Namespace, files: int) -> bool:
    """A bar only for a person watching: stderr a terminal, several files, not
    switched off. CI logs, pipes and pre-commit (which captures stderr) get none."""
    if args.no_progress or files < PROGRESS_MIN_FILES:
        return False
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


@contextlib.contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Callable[[], None]]:
    """A tqdm bar on stderr; yields the function that counts one file done."""
    if not enabled:
        yield lambda: None
        return
    from tqdm import tqdm  # only when shown: importing it takes tens of ms

    # leave=False: the bar is erased when done, and the summary line takes its place.
    with tqdm(
        total=total,
        file=sys.stderr,
        unit="file",
        leave=False,
        dynamic_ncols=True,
        desc="checking",
    ) as bar:

        def advance() -> None:
            bar.update(1)

        yield advance


# A worker's copy of the project index, sent once per worker rather than per file.
_worker_project: IndexView | None = None


def _set_project(project: IndexView | None) -> None:
    global _worker_project
    _worker_project = project


def _check_job(job: tuple[Candidate, CheckSettings]) -> FileResult:
    candidate, settings = job
    try:
        return check_file(
            candidate.path,
            settings,
            explicit=candidate.explicit,
            tree=candidate.tree,
            project=_worker_project,
        )
    except Exception as exc:  # one file's bug must not cost the rest of the run
        return FileResult(
            str(candidate.path), errors=[f"{candidate.path}: internal error: {exc!r}"]
        )


def _run_jobs(
    jobs: list[Candidate], settings: CheckSettings, project: IndexView | None
) -> Iterator[FileResult]:
    """Check files on every core; results come back in input order."""
    _set_project(project)
    workers = min(os.cpu_count() or 1, max(1, len(jobs) // PER_WORKER))
    if workers <= 1:
        for job in jobs:
            yield _check_job((job, settings))
        return
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_set_project, initargs=(project,)
    ) as pool:
        yield from pool.map(_check_job, [(job, settings) for job in jobs], chunksize=8)


def _emit(fmt: str, items: list[LocatedFinding], show_unsafe: bool) -> None:
    if fmt == "json":
        sys.stdout.write(render_json(items))
    elif fmt == "text":
        sys.stdout.write(render_text(items, show_unsafe))
    else:
        from elixir_perf_lsp.output import ci_formats

        sys.stdout.write(ci_formats.render(fmt, items))


def _summary(
    results: list[FileResult], items: list[LocatedFinding], args: argparse.Namespace
) -> None:
    if args.format != "text" or args.diff:
        return
    fixed = sum(r.fixed for r in results)
    sys.stderr.write(summary_line(len(results), items, fixed, args.unsafe_fixes) + "\n")


_SEVERITY_WORDS = {
    Severity.ERROR: ("error", "errors"),
    Severity.WARNING: ("warning", "warnings"),
    Severity.INFORMATION: ("information", "information"),
    Severity.HINT: ("hint", "hints"),
}


def _count(n: int, words: tuple[str, str]) -> str:
    return f"{n} {words[0] if n == 1 else words[1]}"


def summary_line(
    files: int, items: list[LocatedFinding], fixed: int = 0, unsafe_fixes: bool = False
) -> str:
    """`12 files checked: 3 warnings, 5 information, 1 hint; 4 fixable with `--fix`.`"""
    head = _count(files, ("file", "files")) + " checked"
    by_severity = Counter(i.finding.severity for i in items)
    counts = [_count(by_severity[s], w) for s, w in _SEVERITY_WORDS.items() if by_severity[s]]
    parts = [", ".join(counts) if counts else "no findings"]
    if fixed:
        parts.append(f"{fixed} fixed")
    fixes = [i.finding.fix for i in items if i.finding.fix is not None]
    safe = sum(1 for f in fixes if f.is_safe)
    unsafe = len(fixes) - safe
    if unsafe_fixes and fixes:
        parts.append(f"{len(fixes)} fixable with `--fix --unsafe-fixes`")
    else:
        if safe:
            parts.append(f"{safe} fixable with `--fix`")
        if unsafe:
            more = "more " if safe else ""
            parts.append(f"{unsafe} {more}with `--fix --unsafe-fixes`")
    return f"{head}: {'; '.join(parts)}."
