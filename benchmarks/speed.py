"""Every speed target, measured side by side in one run (issue 17).

Sources come from the bare git mirrors in `/work/.mirror` (`--mirror DIR`),
extracted with `git archive` into a temporary directory: phoenix, ecto and hexpm
(`lib/` of each) and, for the 10k-line editing file, Elixir's own `enum.ex` +
`kernel.ex`. Credo is compared when a Credo escript is at hand (`--credo PATH`,
default `/tmp/credo-build/credo/credo`; see README "Performance" for how to build
it offline); only its performance checks run, from a generated config.

Targets:
1. `check` on one small file: <= 150 ms wall; >= 4x faster than Credo on it;
2. whole project (phoenix + ecto + hexpm, lib/): >= 3x faster than Credo;
   `check` <= 2x the bare parse time on a 50k-line directory (hexpm/lib);
3. first diagnostics after didOpen of a 4k-line file in a fresh server: <= 2x one
   full parse; server start-up that is ours (initialize minus importing pygls and
   lsprotocol, which any pygls server pays): < 100 ms;
4. keystroke -> diagnostics p95 on a 10k-line file: <= 1.0x one full parse and
   <= 1.5x tree-sitter's own incremental re-parse of the same edits.

Wall times are medians of `--runs`; CPU seconds (user + sys of the child) are
printed beside them because on a shared machine wall time includes waiting.

    python benchmarks/speed.py [--runs 5] [--edits 200] [--credo PATH] [--mirror DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lsp import open_document, start_server, stop_server
from latency import full_parse_median, percentile
from lsprotocol import types
from throughput import bare_parse, elixir_files

from elixir_perf_lsp import syntax

PROJECTS = ("phoenixframework+phoenix", "elixir-ecto+ecto", "hexpm+hexpm")
SMALL_FILE = ("phoenixframework+phoenix", "lib/phoenix/param.ex")
FOUR_K_FILE = ("elixir-ecto+ecto", "lib/ecto/changeset.ex")
TEN_K_FILES = ("lib/elixir/lib/enum.ex", "lib/elixir/lib/kernel.ex")
CREDO_CHECKS = (
    "Credo.Check.Refactor.AppendSingleItem",
    "Credo.Check.Refactor.FilterCount",
    "Credo.Check.Refactor.FilterFilter",
    "Credo.Check.Refactor.FilterReject",
    "Credo.Check.Refactor.MapJoin",
    "Credo.Check.Refactor.MapMap",
    "Credo.Check.Refactor.RejectFilter",
    "Credo.Check.Refactor.RejectReject",
    "Credo.Check.Warning.ExpensiveEmptyEnumCheck",
    "Credo.Check.Warning.UnsafeToAtom",
)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def extract(mirror: Path, project: str, paths: Sequence[str], into: Path) -> Path:
    git_dir = mirror / project / "repo"
    if not git_dir.is_dir():
        sys.exit(f"no mirror at {git_dir}: bring github:{project.replace('+', '/')} with fetch")
    target = into / project
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "--git-dir", str(git_dir), "archive", "HEAD", *paths],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def use_bytecode_caches() -> None:
    """Run children as users run: bytecode caches written and used.

    Without them (PYTHONDONTWRITEBYTECODE=1, as in some sandboxes) every process
    compiles our ~100 modules from source, ~0.3 s that no installed wheel pays.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    import elixir_perf_lsp

    package = Path(elixir_perf_lsp.__file__).parent
    command = [sys.executable, "-m", "compileall", "-q", str(package)]
    subprocess.run(command, capture_output=True, check=True)


class Timed:
    """Median wall and CPU seconds of a command run `runs` times."""

    def __init__(self, command: Sequence[str], runs: int, cwd: Path | None = None) -> None:
        walls, cpus = [], []
        self.returncode = 0
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            began = time.perf_counter()
            done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
            walls.append(time.perf_counter() - began)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            self.returncode = done.returncode
            self.stdout = done.stdout
        self.wall = statistics.median(walls)
        self.cpu = statistics.median(cpus)

    def __str__(self) -> str:
        return f"{self.wall * 1000:7.0f} ms wall {self.cpu * 1000:7.0f} ms CPU"


def ours(paths: Sequence[Path], runs: int) -> Timed:
    command = [sys.executable, "-m", "elixir_perf_lsp", "check", "--no-progress"]
    return Timed([*command, *map(str, paths)], runs)


def credo(credo_bin: Path, root: Path, included: Sequence[str], runs: int) -> Timed:
    """Credo's performance checks only, on `included` (paths relative to `root`)."""
    checks = ",\n".join(f"          {{{name}, []}}" for name in CREDO_CHECKS)
    config = root / ".credo-perf.exs"
    config.write_text(
        '%{configs: [%{name: "default", strict: true,\n'
        f"  files: %{{included: {list(included)!r}, excluded: []}},\n".replace("'", '"')
        + f"  checks: %{{enabled: [\n{checks}\n  ]}}}}]}}\n"
    )
    command = [str(credo_bin), "suggest", "--config-file", str(config), "--strict"]
    return Timed([*command, "--mute-exit-status", "--format", "oneline"], runs, cwd=root)


def small_file(work: Path, credo_bin: Path | None, runs: int) -> None:
    project, path = SMALL_FILE
    root = work / project
    file = root / path
    lines = file.read_bytes().count(b"\n")
    print(f"\n1. check on one small file ({project} {path}, {lines} lines)")
    mine = ours([file], runs)
    print(f"   elixir-perf-lsp {mine}   (target <= 150 ms wall: {verdict(mine.wall <= 0.150)})")
    if credo_bin is None:
        print("   Credo: no build at hand, comparison skipped")
        return
    theirs = credo(credo_bin, root, [path], runs)
    ratio, cpu_ratio = theirs.wall / mine.wall, theirs.cpu / mine.cpu
    print(f"   Credo            {theirs}")
    print(f"   Credo / ours = {ratio:.1f}x wall, {cpu_ratio:.1f}x CPU")
    print(f"   (target >= 4x: {verdict(ratio >= 4)} on wall, {verdict(cpu_ratio >= 4)} on CPU)")


def whole_project(work: Path, credo_bin: Path | None, runs: int) -> None:
    roots = [work / p / "lib" for p in PROJECTS]
    lines = sum(f.read_bytes().count(b"\n") for r in roots for f in elixir_files(r))
    print(
        f"\n2. whole project: {' + '.join(PROJECTS)} lib/ ({lines} lines, {os.cpu_count()} cores)"
    )
    mine = ours(roots, runs)
    print(f"   elixir-perf-lsp {mine}")
    if credo_bin is None:
        print("   Credo: no build at hand, comparison skipped")
    else:
        theirs = credo(credo_bin, work, [f"{p}/lib/" for p in PROJECTS], runs)
        ratio, cpu_ratio = theirs.wall / mine.wall, theirs.cpu / mine.cpu
        print(f"   Credo            {theirs}   ({len(CREDO_CHECKS)} performance checks)")
        print(f"   Credo / ours = {ratio:.1f}x wall, {cpu_ratio:.1f}x CPU")
        print(f"   (target >= 3x: {verdict(ratio >= 3)} on wall, {verdict(cpu_ratio >= 3)} on CPU)")
    big = work / "hexpm+hexpm" / "lib"
    files = elixir_files(big)
    parse_s, big_lines = bare_parse(files)
    check = ours([big], runs)
    ratio = check.wall / parse_s
    print(f"   hexpm/lib ({len(files)} files, {big_lines} lines):")
    print(f"   bare tree-sitter parse (1 process) {parse_s * 1000:7.0f} ms")
    print(f"   elixir-perf-lsp check            {check}")
    print(f"   check / bare parse = {ratio:.2f} wall  (target <= 2: {verdict(ratio <= 2)})")
    print(f"   check CPU / bare parse = {check.cpu / parse_s:.2f} (all processes' CPU)")


def import_seconds(module: str, runs: int) -> float:
    """Median seconds a fresh interpreter spends importing `module`."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout)
        for _ in range(runs)
    ]
    return statistics.median(times)


async def first_diagnostics(text: str) -> tuple[float, float]:
    client, startup = await start_server()
    uri = "file:///bench/four_k.ex"
    began = time.perf_counter()
    open_document(client, uri, text)
    await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    first = time.perf_counter() - began
    await stop_server(client)
    return startup, first


def fresh_server(work: Path, runs: int) -> None:
    project, path = FOUR_K_FILE
    text = (work / project / path).read_text(encoding="utf-8")
    print(f"\n3. fresh server, didOpen of {project} {path} ({text.count(chr(10))} lines)")
    results = [asyncio.run(first_diagnostics(text)) for _ in range(runs)]
    startup = statistics.median(r[0] for r in results)
    first = statistics.median(r[1] for r in results)
    parse = full_parse_median(text.encode())
    pygls = import_seconds("pygls.lsp.server", runs)
    print(f"   spawn -> initialize answered  {startup * 1000:6.0f} ms")
    print(f"   of which importing pygls + lsprotocol {pygls * 1000:6.0f} ms (not ours)")
    mine = startup - pygls
    print(
        f"   ours (the rest, incl. interpreter start) {mine * 1000:6.0f} ms"
        f"  (target < 100 ms: {verdict(mine < 0.100)})"
    )
    ratio = first / parse
    print(f"   didOpen -> first diagnostics  {first * 1000:6.1f} ms")
    print(f"   one full parse (median)       {parse * 1000:6.1f} ms")
    print(f"   first diagnostics / full parse = {ratio:.2f}  (target <= 2: {verdict(ratio <= 2)})")


def _change(
    line: int, column: int, char: str, version: int, uri: str
) -> types.DidChangeTextDocumentParams:
    return types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[
            types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(line, column), types.Position(line, column)),
                text=char,
            )
        ],
    )


Edit = tuple[int, int, str]  # line, column, inserted character (ASCII)


async def keystrokes(text: str, edits: int, seed: int) -> tuple[list[float], list[Edit]]:
    lines = text.split("\n")
    rng = random.Random(seed)
    client, _startup = await start_server()
    uri = "file:///bench/ten_k.ex"
    open_document(client, uri, text)
    pull = types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    await client.text_document_diagnostic_async(pull)
    latencies, done = [], []
    for version in range(2, edits + 2):
        line = rng.randrange(len(lines))
        column = rng.randrange(len(lines[line]) + 1)
        char = rng.choice("abx_ (),.")
        lines[line] = lines[line][:column] + char + lines[line][column:]
        began = time.perf_counter()
        client.text_document_did_change(_change(line, column, char, version, uri))
        await client.text_document_diagnostic_async(pull)
        latencies.append(time.perf_counter() - began)
        done.append((line, column, char))
    await stop_server(client)
    return latencies, done


def tree_sitter_reparse(text: str, edits: list[Edit]) -> list[float]:
    """Seconds tree-sitter takes to re-parse after each edit, reusing the old tree."""
    lines = text.split("\n")
    source = text.encode()
    tree = syntax.parse(source)
    times = []
    for line, column, char in edits:
        start = sum(len(x.encode()) + 1 for x in lines[:line]) + len(lines[line][:column].encode())
        lines[line] = lines[line][:column] + char + lines[line][column:]
        source = source[:start] + char.encode() + source[start:]
        syntax.edit_tree(
            tree, start, start, start + 1, (line, column), (line, column), (line, column + 1)
        )
        began = time.perf_counter()
        tree = syntax.parse(source, tree)
        times.append(time.perf_counter() - began)
    return times


def keystroke_cpu(text: str, edits: list[Edit]) -> tuple[list[float], list[float]]:
    """CPU seconds of each step the server takes per keystroke, in this process:
    applying the edit (tree-sitter's incremental re-parse) and re-analysing."""
    from elixir_perf_lsp.document import Document, TextChange
    from elixir_perf_lsp.engine.analyze import analyze, compile_all_rules
    from elixir_perf_lsp.engine.incremental import reanalyze
    from elixir_perf_lsp.engine.options import Options
    from elixir_perf_lsp.positions import Encoding

    doc = Document("file:///bench/ten_k.ex", text.encode(), 1, next(iter(Encoding)))
    options = Options()
    compile_all_rules()  # as the server does after the first diagnostics
    previous = analyze(doc.source, doc.tree, options)
    reparse, reanalysis = [], []
    for line, column, char in edits:
        began = time.process_time()
        doc.apply(TextChange(((line, column), (line, column)), char))
        parsed = time.process_time()
        pending, doc.pending = doc.pending, None
        assert pending is not None
        previous = reanalyze(previous, doc.source, doc.tree, pending, options)
        reparse.append(parsed - began)
        reanalysis.append(time.process_time() - parsed)
    return reparse, reanalysis


def typing(mirror: Path, work: Path, edits: int, seed: int) -> None:
    root = extract(mirror, "elixir-lang+elixir", TEN_K_FILES, work)
    text = "\n".join((root / p).read_text(encoding="utf-8") for p in TEN_K_FILES)
    print(
        f"\n4. typing in Elixir's enum.ex + kernel.ex ({text.count(chr(10)) + 1} lines), {edits} keystrokes"
    )
    latencies, done = asyncio.run(keystrokes(text, edits, seed))
    reparse = tree_sitter_reparse(text, done)
    final = text.split("\n")
    for line, column, char in done:
        final[line] = final[line][:column] + char + final[line][column:]
    parse = full_parse_median("\n".join(final).encode())
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    floor = percentile(reparse, 95)
    print(f"   keystroke -> diagnostics  p50 {p50 * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms")
    print(f"   tree-sitter incremental re-parse of the same edits  p95 {floor * 1000:6.1f} ms")
    print(f"   one full parse (median)  {parse * 1000:6.1f} ms")
    print(f"   p95 / full parse = {p95 / parse:.2f}  (target <= 1.0: {verdict(p95 <= parse)})")
    print(
        f"   p95 / incremental re-parse p95 = {p95 / floor:.2f}"
        f"  (target <= 1.5: {verdict(p95 <= 1.5 * floor)})"
    )
    reparse_cpu, reanalysis_cpu = keystroke_cpu(text, done)
    total_cpu = [a + b for a, b in zip(reparse_cpu, reanalysis_cpu, strict=True)]
    began = time.process_time()
    syntax.parse("\n".join(final).encode())
    parse_cpu = time.process_time() - began
    print("   the same keystrokes in this process, CPU time (no waiting for a core):")
    for name, values in (
        ("re-parse", reparse_cpu),
        ("re-analysis", reanalysis_cpu),
        ("both", total_cpu),
    ):
        p50_cpu, p95_cpu = percentile(values, 50), percentile(values, 95)
        print(f"     {name:12} p50 {p50_cpu * 1000:6.1f} ms  p95 {p95_cpu * 1000:6.1f} ms")
    p95_cpu = percentile(total_cpu, 95)
    print(
        f"     one full parse {parse_cpu * 1000:6.1f} ms; p95 / full parse = {p95_cpu / parse_cpu:.2f},"
        f" p95 / re-parse p95 = {p95_cpu / percentile(reparse_cpu, 95):.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--credo", type=Path, default=Path("/tmp/credo-build/credo/credo"))
    args = parser.parse_args()
    credo_bin = args.credo if args.credo.is_file() else None
    load = os.getloadavg()[0]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {load:.1f}")
    use_bytecode_caches()
    with tempfile.TemporaryDirectory(prefix="speed-") as tmp:
        work = Path(tmp)
        for project in PROJECTS:
            extract(args.mirror, project, ["lib"], work)
        small_file(work, credo_bin, args.runs)
        whole_project(work, credo_bin, args.runs)
        fresh_server(work, args.runs)
        typing(args.mirror, work, args.edits, args.seed)


if __name__ == "__main__":
    main()
