"""Incremental re-analysis equals a full analysis, whatever the edit."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from elixir_perf_lsp.document import Document, TextChange
from elixir_perf_lsp.engine import Options, analyze
from elixir_perf_lsp.engine.incremental import reanalyze
from elixir_perf_lsp.positions import Encoding

ROOT = Path(__file__).resolve().parent.parent
SEED = "\n".join(p.read_text() for p in sorted((ROOT / "examples").glob("*.ex")))
SNIPPETS = [
    "length(xs) == 0",
    "def g(xs) when length(xs) > 1, do: xs\n",
    "Enum.reduce(xs, [], fn x, acc -> acc ++ [x] end)\n",
    "fn x ->",
    "end\n",
    "do\n",
    "# elixir-perf:disable-for-next-line\n",
    "defmodule B do\n",
    "@re ~r/ab+/\n",
    "@extract_emails_regex 1\n",
    'Regex.compile!("a+b")',
    "Enum.each(xs, fn x -> x =~ @re end)\n",
    "Enum.map(users, fn u -> Enum.find(ds, fn d -> d.id == u.d end) end)\n",
    "ds = load()\n",
    'def extract_emails(t), do: Regex.scan(Regex.compile!("x+"), t)\n',
    "defp go([h | t], ids), do: [h in ids | go(t, ids)]\n",
    "defp go([], ids), do: ids\n",
    "@doc false\n",
    "@spec f(t) :: t\n",
    "# a comment\n",
    '@doc """\nText.\n"""\n',
    "x in list",
    "Enum.at(list, i)",
    '"😀" <> acc',
    "\n",
    "",
]


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[int, int, str]]:
    out = []
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(SEED)))
        length = draw(st.sampled_from([0, 0, 1, 2, 5, 20, 80]))
        out.append((start, length, draw(st.sampled_from(SNIPPETS))))
    return out


def key(analysis_findings: list) -> list[tuple]:  # type: ignore[type-arg]
    return [(f.code, f.start, f.end, f.message, f.severity, f.fix) for f in analysis_findings]


@settings(max_examples=60, deadline=None)
@given(edits())
def test_incremental_analysis_equals_full_analysis(changes: list[tuple[int, int, str]]) -> None:
    options = Options()
    doc = Document("file:///t.ex", SEED.encode(), 1, Encoding.UTF32)
    previous = analyze(doc.source, doc.tree, options)
    for start, length, text in changes:
        index = doc.line_index
        size = len(doc.source.decode())
        a = min(start, size)
        b = min(a + length, size)
        prefix = doc.source.decode()
        sl, sc = index.position(len(prefix[:a].encode()), Encoding.UTF32)
        el, ec = index.position(len(prefix[:b].encode()), Encoding.UTF32)
        doc.apply(TextChange(((sl, sc), (el, ec)), text))
    # All edits since the last analysis, composed into one covering edit.
    edit = doc.pending
    assert edit is not None
    incremental = reanalyze(previous, doc.source, doc.tree, edit, options)
    full = analyze(doc.source, doc.tree, options)
    assert key(incremental.findings) == key(full.findings)


@settings(max_examples=60, deadline=None)
@given(edits())
def test_incremental_analysis_after_each_edit_equals_full_analysis(
    changes: list[tuple[int, int, str]],
) -> None:
    options = Options()
    doc = Document("file:///t.ex", SEED.encode(), 1, Encoding.UTF32)
    previous = analyze(doc.source, doc.tree, options)
    for start, length, text in changes:
        index = doc.line_index
        prefix = doc.source.decode()
        a = min(start, len(prefix))
        b = min(a + length, len(prefix))
        sl, sc = index.position(len(prefix[:a].encode()), Encoding.UTF32)
        el, ec = index.position(len(prefix[:b].encode()), Encoding.UTF32)
        edit = doc.apply(TextChange(((sl, sc), (el, ec)), text))
        previous = reanalyze(previous, doc.source, doc.tree, edit, options)
        full = analyze(doc.source, doc.tree, options)
        assert key(previous.findings) == key(full.findings)
