"""Keystroke → fresh diagnostics latency on a ~10k-line real file.

Drives the real server over stdio. Each round makes a one-character edit at a
random place and immediately pulls diagnostics (`textDocument/diagnostic`), so
no debounce is counted. Prints p50/p95/max beside the median time of one full
tree-sitter parse of the same file, measured in this run. Target: p95 below one
full parse.

    python benchmarks/latency.py [--edits 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lsp import large_real_file, open_document, start_server, stop_server
from lsprotocol import types

from elixir_perf_lsp import syntax

URI = "file:///bench/large.ex"


def full_parse_median(source: bytes, runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        syntax.parse(source)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def measure(edits: int, seed: int) -> None:
    text, origin = large_real_file()
    lines = text.split("\n")
    rng = random.Random(seed)
    client, startup = await start_server()
    open_document(client, URI, text)
    first = time.perf_counter()
    await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    first_analysis = time.perf_counter() - first
    latencies = []
    for version in range(2, edits + 2):
        line = rng.randrange(len(lines))
        column = rng.randrange(len(lines[line]) + 1)
        char = rng.choice("abx_ (),.")
        lines[line] = lines[line][:column] + char + lines[line][column:]
        began = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            types.Position(line, column), types.Position(line, column)
                        ),
                        text=char,
                    )
                ],
            )
        )
        await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI))
        )
        latencies.append(time.perf_counter() - began)
    await stop_server(client)
    parse = full_parse_median("\n".join(lines).encode())
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    print(f"file: {origin}, {len(lines)} lines, {len(text.encode()) // 1024} KiB")
    print(f"server start → initialize answered: {startup * 1000:.0f} ms")
    print(f"first full analysis on open: {first_analysis * 1000:.1f} ms")
    print(f"{edits} one-character edits → fresh pulled diagnostics:")
    print(
        f"  p50 {p50 * 1000:.1f} ms   p95 {p95 * 1000:.1f} ms   max {max(latencies) * 1000:.1f} ms"
    )
    print(f"one full tree-sitter parse (median): {parse * 1000:.1f} ms")
    verdict = "met" if p95 < parse else "NOT met"
    print(f"p95 / full parse = {p95 / parse:.2f}  (target < 1: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(measure(args.edits, args.seed))


if __name__ == "__main__":
    main()
