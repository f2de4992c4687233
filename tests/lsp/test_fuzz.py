"""Random edit streams through the real server: it stays up, its text equals the
client's, and its findings on the final text equal `check` on the same text."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elixir_perf_lsp.engine import analyze
from elixir_perf_lsp.positions import Encoding, LineIndex
from tests.test_documents import reference_index

from .jsonrpc import RawServer

PIECES = [
    "def f(x) when length(x) > 0, do: x\n",
    "Enum.reduce(xs, [], fn x, acc -> acc ++ [x] end)",
    "x = length(items) == 0\n",
    "é",
    "😀",
    "\r\n",
    "\n",
    "\r",
    "do",
    "end",
    " ",
    "fn",
    "->",
    '"',
    "#",
    "\t",
]
text = st.lists(st.sampled_from(PIECES), max_size=20).map("".join)
position = st.tuples(st.integers(0, 8), st.integers(0, 50))


@st.composite
def streams(draw: st.DrawFn) -> tuple[str, list[tuple[Any, ...]]]:
    initial = draw(text)
    changes: list[tuple[Any, ...]] = []
    for _ in range(draw(st.integers(1, 10))):
        if draw(st.integers(0, 9)) == 0:
            changes.append(("full", draw(text)))
        else:
            changes.append(("edit", draw(position), draw(position), draw(text)))
    return initial, changes


ENCODINGS = {"utf-8": Encoding.UTF8, "utf-16": Encoding.UTF16, "utf-32": Encoding.UTF32}
_uris: Iterator[int] = itertools.count()


@pytest.fixture(scope="module", params=list(ENCODINGS))
def server(request: pytest.FixtureRequest) -> Iterator[tuple[RawServer, Encoding]]:
    raw = RawServer()
    result = raw.initialize(encodings=[request.param])
    assert result["result"]["capabilities"]["positionEncoding"] == request.param
    yield raw, ENCODINGS[request.param]
    assert raw.close() == 0


def expected_diagnostics(source: str, encoding: Encoding) -> list[tuple[str, int, int, int, int]]:
    data = source.encode("utf-8", "surrogatepass")
    index = LineIndex(data)
    out = []
    for f in analyze(data).findings:
        sl, sc = index.position(f.start, encoding)
        el, ec = index.position(f.end, encoding)
        out.append((f.code, sl, sc, el, ec))
    return sorted(out)


# benchmarks/fuzz.py raises the budget and collects figures through these.
EXAMPLES = int(os.environ.get("ELIXIR_PERF_FUZZ_EXAMPLES", "25"))
STATS = os.environ.get("ELIXIR_PERF_FUZZ_STATS")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(streams())
def test_random_edit_streams_keep_the_server_in_step(
    server: tuple[RawServer, Encoding], stream: tuple[str, list[tuple[Any, ...]]]
) -> None:
    raw, encoding = server
    initial, changes = stream
    uri = f"file:///fuzz/{next(_uris)}.ex"
    raw.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "elixir", "version": 1, "text": initial}},
    )
    current = initial
    for version, change in enumerate(changes, start=2):
        if change[0] == "full":
            current = change[1]
            content = {"text": change[1]}
        else:
            _kind, (sl, sc), (el, ec), new = change
            a = reference_index(current, sl, sc, encoding)
            b = reference_index(current, el, ec, encoding)
            a, b = min(a, b), max(a, b)
            current = current[:a] + new + current[b:]
            content = {
                "range": {
                    "start": {"line": sl, "character": sc},
                    "end": {"line": el, "character": ec},
                },
                "text": new,
            }
        raw.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [content]},
        )
    state = raw.request("elixirPerf/documentState", {"uri": uri})["result"]
    assert state["text"] == current
    assert state["version"] == len(changes) + 1
    report = raw.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})["result"]
    got = sorted(
        (
            d["code"],
            d["range"]["start"]["line"],
            d["range"]["start"]["character"],
            d["range"]["end"]["line"],
            d["range"]["end"]["character"],
        )
        for d in report["items"]
    )
    assert got == expected_diagnostics(current, encoding)
    raw.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    if STATS:
        with Path(STATS).open("a", encoding="utf-8") as out:
            out.write(f"{encoding.value} {len(changes)} {len(current)}\n")
