"""Cost of the project index (issue 15), single process, printing figures.

    python benchmarks/index.py PROJECT_DIR [PROJECT_DIR ...]

For each project (a checkout with a mix.exs; bring one with the `fetch` tool and
`git archive`, never commit it):
- plain analysis of every indexed file (what `check` did before the index);
- what `check` does now: each file analysed alone with its summary made in the same
  pass, then the files whose loops call functions reaching an effect analysed again
  with the index;
- building the index alone (parse + summarise every file: the server's background job);
- re-summarising the largest module after a one-character edit;
- the index's memory (tracemalloc, Python allocations).
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from unittest import mock

from elixir_perf_lsp import syntax
from elixir_perf_lsp.engine import Options, analyze
from elixir_perf_lsp.engine.analyze import Across
from elixir_perf_lsp.engine.options import RuleSelection
from elixir_perf_lsp.project import summary as summary_module
from elixir_perf_lsp.project.build import build_index, index_key, project_files
from elixir_perf_lsp.project.index import ProjectIndex
from elixir_perf_lsp.project.summary import summarise
from elixir_perf_lsp.project.through_calls import has_effects

NEWLINE = b"\n"
# Every rule, opt-in ones included: the index serves EP601/EP401 (opt-in) and EP602.
EVERY = Options(selection=RuleSelection(select=("ALL",)))
# The module, not the function `elixir_perf_lsp.engine.analyze` that shadows it.
analyze_module = sys.modules["elixir_perf_lsp.engine.analyze"]


ROUNDS = 3


def best(run: Callable[[], object]) -> float:
    """Fastest of ROUNDS runs: the machine is shared, the minimum is the least noisy."""
    times = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def plain_analysis(sources: dict[Path, bytes]) -> None:
    """What `check` cost before the index: no summaries, no loop calls across functions."""
    with mock.patch.object(analyze_module, "across_functions", lambda *a: Across([])):
        for source in sources.values():
            analyze(source, options=EVERY)


def check_with_index(sources: dict[Path, bytes]) -> tuple[float, float, int, int]:
    """What `check` does now (commands/check.py `with_project`), in one process:
    (total s, first pass s, files analysed again, findings across modules there)."""
    summary_module._CACHE.clear()
    began = time.perf_counter()
    analyses = {
        path: analyze(source, options=EVERY, path=index_key(path))
        for path, source in sources.items()
    }
    first = time.perf_counter() - began
    index = ProjectIndex()
    for analysis in analyses.values():
        if analysis.summary is not None:
            index.update(analysis.summary)
    view = index.view()
    again = [
        p
        for p, a in analyses.items()
        if a.unresolved and has_effects(view, list(a.unresolved), EVERY)
    ]
    found = 0
    for path in again:
        result = analyze(sources[path], options=EVERY, project=view, path=index_key(path))
        found += sum(1 for f in result.findings if f.related)
    return time.perf_counter() - began, first, len(again), found


def cold_build(files: list[Path]) -> None:
    summary_module._CACHE.clear()
    build_index(files, workers=1)


def main(roots: list[str]) -> None:
    for raw in roots:
        root = Path(raw)
        files = project_files(root)
        sources = {f: f.read_bytes() for f in files}
        lines = sum(s.count(b"\n") for s in sources.values())
        print(f"== {root}: {len(files)} .ex files, {lines} lines")

        plain = best(partial(plain_analysis, sources))
        print(f"plain analysis (before the index):     {plain:6.2f} s (best of {ROUNDS})")
        total, first, again, found = min(check_with_index(sources) for _ in range(ROUNDS))
        print(
            f"check with the index:                  {total:6.2f} s = {total / plain - 1:+.0%} "
            f"over plain (first pass {first:.2f} s; {again} files analysed again; "
            f"{found} findings across modules there)"
        )
        build = best(partial(cold_build, files))
        print(
            f"index build alone (parse + summarise): {build:6.2f} s ({build / plain:.0%} of plain)"
        )

        index = build_index(files, workers=1)  # warm: as in the server, after the build
        largest = max(sources, key=lambda p: sources[p].count(b"\n"))
        source = sources[largest]
        middle = source.index(b"\n", len(source) // 2) + 1
        edited = source[:middle] + b" " + source[middle:]  # re-indents one line
        tree = syntax.parse(edited)
        rounds = 20
        began = time.perf_counter()
        for _ in range(rounds):
            index.update(summarise(index_key(largest), edited, tree.root_node))
            index.update(summarise(index_key(largest), source, syntax.parse(source).root_node))
        parse_began = time.perf_counter()
        for _ in range(rounds):
            syntax.parse(source)
        parse_only = time.perf_counter() - parse_began
        each = ((parse_began - began) - parse_only) / (2 * rounds)
        print(
            f"re-summarise {largest.name} ({source.count(NEWLINE)} lines) after a one-character "
            f"edit: {each * 1000:.1f} ms (tree given; index update included)"
        )

        summary_module._CACHE.clear()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        kept = build_index(files, workers=1)
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        print(
            f"index memory: {(after - before) / 1e6:.1f} MB for {lines} lines "
            f"({len(kept)} files; {(after - before) / max(lines, 1) * 300_000 / 1e6:.0f} MB per 300k lines)"
        )


if __name__ == "__main__":
    main(sys.argv[1:] or ["."])
