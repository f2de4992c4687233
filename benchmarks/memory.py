"""Server memory with many open buffers: 200 buffers of ~1k lines each.

Opens the buffers in the real server over stdio, pulls diagnostics for each (so
every buffer holds its tree and analysis), then reads the server's resident set
size from /proc. Target: under 150 MB.

    python benchmarks/memory.py [--buffers 200] [--lines 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lsp import ELIXIR_SOURCES, generated_module, open_document, start_server, stop_server
from lsprotocol import types


def buffers(count: int, lines: int) -> list[str]:
    """Real ~1k-line slices of Elixir's own sources, or generated modules."""
    sources = sorted(ELIXIR_SOURCES.rglob("*.ex")) if ELIXIR_SOURCES.is_dir() else []
    big = [p.read_text(encoding="utf-8").split("\n") for p in sources]
    big = [b for b in big if len(b) >= lines] or [generated_module(lines).split("\n")]
    out = []
    for i in range(count):
        text = big[i % len(big)]
        start = (i * 97) % max(1, len(text) - lines)
        out.append("\n".join(text[start : start + lines]))
    return out


def rss_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(count: int, lines: int) -> None:
    client, _startup = await start_server()
    server = client._server  # the subprocess
    assert server is not None
    pid = server.pid
    idle = rss_mb(pid, "VmRSS")
    texts = buffers(count, lines)
    for i, text in enumerate(texts):
        uri = f"file:///bench/buffer{i}.ex"
        open_document(client, uri, text)
        await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
    total_lines = sum(t.count("\n") + 1 for t in texts)
    resident, peak = rss_mb(pid, "VmRSS"), rss_mb(pid, "VmHWM")
    await stop_server(client)
    print(f"server idle after initialize: {idle:.0f} MB")
    print(
        f"{count} open buffers, {total_lines} lines: {resident:.0f} MB resident (peak {peak:.0f} MB)"
    )
    print(f"target < 150 MB: {'met' if resident < 150 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--buffers", type=int, default=200)
    parser.add_argument("--lines", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(measure(args.buffers, args.lines))


if __name__ == "__main__":
    main()
