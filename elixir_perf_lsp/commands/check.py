"""`elixir-perf-lsp check`."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from elixir_perf_lsp.checker import Candidate, CheckSettings, FileResult, check_file, discover
from elixir_perf_lsp.config import (
    ConfigError,
    Layer,
    discovery_cached,
    parse_elixir_version,
    parse_otp_version,
    resolve_for_file,
)
from elixir_perf_lsp.engine.analyze import SUBSETS_BEFORE_ALL, compile_all_rules
from elixir_perf_lsp.engine.limits import MAX_BYTES
from elixir_perf_lsp.engine.model import Severity
from elixir_perf_lsp.engine.options import Options
from elixir_perf_lsp.engine.registry import all_rules
from elixir_perf_lsp.output.records import LocatedFinding
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
# Below this much source per worker, a process pool costs more than it saves
# (~50 ms to start and feed a worker; analysis runs at ~2-3 MB/s per core).
BYTES_PER_WORKER = 512 * 1024
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
    conflict = _conflicting_flags(args)
    if conflict:
        sys.stderr.write(f"elixir-perf-lsp: {conflict}\n")
        return EXIT_ERROR
    if args.show_settings is not None:
        return _show_settings(args, cli)
    if not args.watch:
        return _check_once(args, cli)
    from elixir_perf_lsp.commands.watch import project_files, stamps, watch

    try:
        return watch(
            lambda: _check_once(args, cli),
            lambda: stamps(args.paths, project_files(args.paths, args.config)),
        )
    except KeyboardInterrupt:  # how a watch ends
        return EXIT_CLEAN


def _conflicting_flags(args: argparse.Namespace) -> str | None:
    stdin = args.stdin_filename is not None or list(args.paths) == ["-"]
    if args.add_suppressions:
        for flag, given in (("--fix", args.fix), ("--diff", args.diff), ("--watch", args.watch)):
            if given:
                return f"--add-suppressions cannot be combined with {flag}"
        if stdin:
            return "--add-suppressions writes files: it cannot read stdin"
    if args.watch and stdin:
        return "--watch cannot read stdin"
    return None


def _check_once(args: argparse.Namespace, cli: Layer) -> int:
    settings = CheckSettings(
        cli,
        args.config,
        args.fix,
        args.unsafe_fixes,
        args.diff,
        add_suppressions=args.add_suppressions,
        keep_source=args.format == "full" and not args.statistics,
    )
    with discovery_cached():  # one run: config files do not come and go meanwhile
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
        report = "".join(r.diff for r in results)
    else:
        report = _report(args, results, items)
    if not _deliver(report, args.output_file):
        return EXIT_ERROR
    if args.show_fixes:
        sys.stderr.write(fixes_listing(results, items, args))
    if args.add_suppressions:
        added = sum(r.suppressed for r in results)
        files = sum(1 for r in results if r.suppressed)
        sys.stderr.write(f"Added suppressions for {_count(added, ('finding', 'findings'))} ")
        sys.stderr.write(f"in {_count(files, ('file', 'files'))}.\n")
    _summary(results, items, args)
    if errors:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_CLEAN
    if args.exit_non_zero_on_fix and any(r.fixed for r in results):
        return EXIT_FINDINGS
    if args.diff:
        return EXIT_FINDINGS if any(r.diff for r in results) else EXIT_CLEAN
    return EXIT_FINDINGS if items else EXIT_CLEAN


def _report(
    args: argparse.Namespace, results: list[FileResult], items: list[LocatedFinding]
) -> str:
    from elixir_perf_lsp.output import formats, human

    if args.statistics:
        rows = human.statistics(items, args.unsafe_fixes)
        if args.format == "json":
            return json.dumps(rows, indent=2) + "\n"
        if args.format == "json-lines":
            return "".join(json.dumps(row) + "\n" for row in rows)
        return human.render_statistics(rows)
    sources = {r.filename: r.source for r in results if r.source is not None}
    return formats.render(args.format, items, args.unsafe_fixes, sources)


def _deliver(report: str, output_file: Path | None) -> bool:
    """The report to stdout, or to `--output-file`; False (said on stderr) if it cannot be written."""
    if output_file is None:
        sys.stdout.write(report)
        sys.stdout.flush()
        return True
    try:
        output_file.write_text(report, encoding="utf-8")
    except OSError as exc:
        sys.stderr.write(f"elixir-perf-lsp: cannot write {output_file}: {exc.strerror or exc}\n")
        return False
    return True


def fixes_listing(
    results: list[FileResult], items: list[LocatedFinding], args: argparse.Namespace
) -> str:
    """`--show-fixes`: per file, `2 x EP101 (length-in-guard)`, for the fixes applied
    (`--fix`), that would be (`--diff`), or that `--fix` would apply (neither)."""
    from elixir_perf_lsp.engine.registry import find_rule
    from elixir_perf_lsp.output.human import is_fixable

    per_file: dict[str, Counter[str]] = {}
    if args.fix or args.diff:
        for r in results:
            if r.fixed_codes:
                per_file[r.filename] = Counter(r.fixed_codes)
        verb = "Would fix" if args.diff else "Fixed"
    else:
        for item in items:
            if is_fixable(item, args.unsafe_fixes):
                per_file.setdefault(item.filename, Counter())[item.finding.code] += 1
        verb = "Fixable with `--fix`" + (" --unsafe-fixes" if args.unsafe_fixes else "")
    total = sum(sum(c.values()) for c in per_file.values())
    if not total:
        return "No fixes to show.\n"
    lines = [f"{verb}: {_count(total, ('finding', 'findings'))}"]
    for filename in sorted(per_file):
        lines.append(f"- {filename}:")
        for code, n in sorted(per_file[filename].items()):
            rule = find_rule(code)
            lines.append(f"    {n} x {code} ({rule.name if rule else code})")
    return "\n".join(lines) + "\n"


def _show_settings(args: argparse.Namespace, cli: Layer) -> int:
    from elixir_perf_lsp.provenance import render_settings, settings_for

    file = Path(args.show_settings)
    try:
        shown = settings_for(file, cli, args.config)
    except ConfigError as exc:
        sys.stderr.write(f"elixir-perf-lsp: {exc}\n")
        return EXIT_ERROR
    fmt = "json" if args.format == "json" else "text"
    return (
        EXIT_CLEAN if _deliver(render_settings(file, shown, fmt), args.output_file) else EXIT_ERROR
    )


def _results(args: argparse.Namespace, settings: CheckSettings) -> Iterable[FileResult]:
    paths = list(args.paths)
    if args.stdin_filename is not None or paths == ["-"]:
        result = _check_stdin(args.stdin_filename or "-", settings, args.force_exclude)
        if not result.excluded:
            yield result
        return
    found = list(discover(paths, settings.cli, settings.config_override))
    for item in found:
        if isinstance(item, str):
            yield FileResult(item.split(":")[0], errors=[item])
    jobs = [item for item in found if not isinstance(item, str)]
    if args.force_exclude:
        # Tools that pass file names (pre-commit, editors) want excludes honoured too.
        jobs = [job._replace(explicit=False) for job in jobs]
    # --fix and --diff act on the first pass: judged on the file alone, EP001 would
    # remove a suppression whose finding only the rest of the project shows.
    fixing = (settings.fix or settings.diff) and _follows_calls(jobs, settings)
    index = index_for(job.path for job in jobs) if fixing else None
    project = index.view() if index is not None else None
    with _progress(len(jobs), enabled=_wants_progress(args, len(jobs))) as advance:
        results = []
        for result in _run_jobs(jobs, settings, project):
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
        first = results[i]
        result.fixed, result.diff = first.fixed, first.diff or result.diff
        result.fixed_codes = first.fixed_codes or result.fixed_codes
        # --add-suppressions: the first pass commented the findings the file alone
        # shows, this one those across modules.
        result.suppressed += first.suppressed
        results[i] = result
    return results


def _follows_calls(jobs: list[Candidate], settings: CheckSettings) -> bool:
    """Whether a rule that follows calls into other files (EP604…) is on for a job."""
    codes = [r.code for r in all_rules() if r.effect]
    for job in jobs:
        try:
            options = resolve_for_file(
                job.path, settings.cli, config_override=settings.config_override
            ).options
        except ConfigError:
            continue  # the job itself reports it
        if any(options.selection.enables(code) for code in codes):
            return True
    return False


def _options(result: FileResult, settings: CheckSettings) -> Options:
    return resolve_for_file(
        Path(result.filename), settings.cli, config_override=settings.config_override
    ).options


def _check_stdin(name: str, settings: CheckSettings, force_exclude: bool) -> FileResult:
    """Stdin, read up to the size limit: a pipe from `/dev/zero` must not fill memory.
    With `force_exclude`, config excludes apply to `name` (then nothing is reported)."""
    source = sys.stdin.buffer.read(MAX_BYTES + 1)
    if len(source) <= MAX_BYTES:
        # The whole project is indexed even for one buffer: its loops may call any module.
        index = index_for([Path(name)]) if name != "-" else None
        project = index.view() if index is not None else None
        result = check_file(
            name, settings, stdin=source, explicit=not force_exclude, project=project
        )
        if result.excluded and settings.fix and not settings.diff:
            sys.stdout.flush()
            sys.stdout.buffer.write(source)  # the fixed text expected on stdout: unchanged
            sys.stdout.buffer.flush()
        return result
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
    workers = min(os.cpu_count() or 1, _source_bytes(jobs) // BYTES_PER_WORKER)
    if len(jobs) >= SUBSETS_BEFORE_ALL or workers > 1:
        # Several files would each tailor a query to their own rules; one query
        # for all costs less. Compiled here, forked workers inherit it.
        compile_all_rules()
    if workers <= 1:
        for job in jobs:
            yield _check_job((job, settings))
        return
    # Imported only here: multiprocessing costs ~12 ms to import, a tenth of a
    # one-file run.
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(
        max_workers=workers, initializer=_set_project, initargs=(project,)
    ) as pool:
        yield from pool.map(_check_job, [(job, settings) for job in jobs], chunksize=8)


def _source_bytes(jobs: list[Candidate]) -> int:
    total = 0
    for job in jobs:
        with contextlib.suppress(OSError):
            total += job.path.stat().st_size
    return total


def _summary(
    results: list[FileResult], items: list[LocatedFinding], args: argparse.Namespace
) -> None:
    from elixir_perf_lsp.output.formats import HUMAN_FORMATS

    if args.format not in HUMAN_FORMATS or args.diff:
        return
    fixed = sum(r.fixed for r in results)
    # A file missing, unreadable or under a broken config was not checked: its error
    # says so, and the count must not say otherwise. (A failed write was checked.)
    checked = sum(1 for r in results if r.findings or r.fixed or not r.errors)
    sys.stderr.write(summary_line(checked, items, fixed, args.unsafe_fixes) + "\n")


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
