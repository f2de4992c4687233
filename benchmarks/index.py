"""Cost of the project index (issue 15), single process, printing figures.

    python benchmarks/index.py PROJECT_DIR [PROJECT_DIR ...]

For each project (a checkout with a mix.exs; bring one with the `fetch` tool and
`git archive`, never commit it):
- plain analysis of every indexed file (what `check` does, without an index);
- building the index (parse + summarise every file);
- analysis with the index (what `check` does now);
- re-summarising the largest module after a one-character edit;
- the index's memory (tracemalloc, Python allocations).
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

from elixir_perf_lsp import syntax
from elixir_perf_lsp.engine import analyze
from elixir_perf_lsp.project.build import build_index, index_key, project_files
from elixir_perf_lsp.project.summary import summarise

NEWLINE = b"\n"


def main(roots: list[str]) -> None:
    for raw in roots:
        root = Path(raw)
        files = project_files(root)
        sources = {f: f.read_bytes() for f in files}
        lines = sum(s.count(b"\n") for s in sources.values())
        print(f"== {root}: {len(files)} .ex files, {lines} lines")

        began = time.perf_counter()
        for source in sources.values():
            analyze(source)
        plain = time.perf_counter() - began
        print(f"plain analysis (no index):      {plain:7.2f} s")

        began = time.perf_counter()
        index = build_index(files, workers=1)
        build = time.perf_counter() - began
        print(f"index build:                    {build:7.2f} s ({build / plain:.0%} of plain)")

        began = time.perf_counter()
        found = 0
        for path, source in sources.items():
            found += sum(
                1
                for f in analyze(source, project=index, path=index_key(path)).findings
                if f.related
            )
        with_index = time.perf_counter() - began
        total = build + with_index
        print(
            f"analysis with the index:        {with_index:7.2f} s; build + analysis "
            f"{total:.2f} s = +{total / plain - 1:.0%} over plain; {found} findings across functions"
        )

        largest = max(sources, key=lambda p: sources[p].count(b"\n"))
        source = sources[largest]
        middle = source.index(b"\n", len(source) // 2) + 1
        edited = source[:middle] + b"#" + source[middle:]
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
