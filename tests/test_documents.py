"""Our document store against a reference model, under random edit sequences."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from functools import partial
from types import FrameType

from hypothesis import given, settings
from hypothesis import strategies as st

from elixir_perf_lsp import syntax
from elixir_perf_lsp.analysis.nodes import descendants
from elixir_perf_lsp.document import Document, TextChange
from elixir_perf_lsp.positions import Encoding, LineIndex

PIECES = [
    "def f(x) when length(x) > 0, do: x\n",
    "Enum.reduce(xs, [], fn x, acc -> acc ++ [x] end)",
    "é",
    "😀",
    "日本",
    "\r\n",
    "\n",
    "\r",
    "do",
    "end",
    " ",
    "(",
    ")",
    '"',
    "fn",
    "->",
    "#",
    "x",
]
text_strategy = st.lists(st.sampled_from(PIECES), max_size=25).map("".join)


def reference_lines(text: str) -> list[tuple[int, int]]:
    """(start, end-without-break) str indices of each LSP line."""
    spans = []
    start = 0
    for m in re.finditer(r"\r\n|\r|\n", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def width(ch: str, encoding: Encoding) -> int:
    if encoding is Encoding.UTF8:
        return len(ch.encode())
    if encoding is Encoding.UTF16:
        return 2 if ord(ch) > 0xFFFF else 1
    return 1


def reference_index(text: str, line: int, character: int, encoding: Encoding) -> int:
    lines = reference_lines(text)
    if line >= len(lines):
        return len(text)
    start, end = lines[line]
    units = 0
    i = start
    while i < end and units + width(text[i], encoding) <= character:
        units += width(text[i], encoding)
        i += 1
    return i


@st.composite
def edit_sequences(draw: st.DrawFn) -> tuple[str, Encoding, list[tuple[int, int, int, int, str]]]:
    initial = draw(text_strategy)
    encoding = draw(st.sampled_from(list(Encoding)))
    edits = []
    for _ in range(draw(st.integers(1, 8))):
        sl = draw(st.integers(0, 6))
        el = draw(st.integers(sl, sl + 3))
        edits.append(
            (sl, draw(st.integers(0, 40)), el, draw(st.integers(0, 40)), draw(text_strategy))
        )
    return initial, encoding, edits


def same_tree(a: syntax.Tree, b: syntax.Tree) -> bool:
    if str(a.root_node) != str(b.root_node):
        return False
    left = [(n.type, n.start_byte, n.end_byte) for n in descendants(a.root_node)]
    right = [(n.type, n.start_byte, n.end_byte) for n in descendants(b.root_node)]
    return left == right


@settings(max_examples=300, deadline=None)
@given(edit_sequences())
def test_incremental_edits_keep_text_and_tree_equal_to_a_fresh_parse(
    case: tuple[str, Encoding, list[tuple[int, int, int, int, str]]],
) -> None:
    text, encoding, edits = case
    doc = Document("file:///t.ex", text.encode(), 1, encoding)
    for sl, sc, el, ec, new in edits:
        start = reference_index(text, sl, sc, encoding)
        end = reference_index(text, el, ec, encoding)
        if end < start:
            start, end = end, start
        text = text[:start] + new + text[end:]
        doc.apply(TextChange(((sl, sc), (el, ec)), new))
        assert doc.source == text.encode()
    assert same_tree(doc.tree, syntax.parse(doc.source))


def test_whole_document_replacement_resets_the_text() -> None:
    doc = Document("u", b"old", 1, Encoding.UTF16)
    doc.apply(TextChange(None, "new 😀"))
    assert doc.source == "new 😀".encode()


def test_a_position_inside_a_surrogate_pair_snaps_to_the_character_start() -> None:
    index = LineIndex("a😀b".encode())
    assert index.offset(0, 2, Encoding.UTF16) == 1
    assert index.offset(0, 3, Encoding.UTF16) == 5


def test_positions_past_the_end_of_a_line_clamp_to_the_line_end() -> None:
    index = LineIndex(b"ab\r\ncd")
    assert index.offset(0, 99, Encoding.UTF16) == 2
    assert index.offset(9, 0, Encoding.UTF16) == 6


def test_lone_carriage_return_ends_a_line() -> None:
    index = LineIndex(b"ab\rcd")
    assert index.position(4, Encoding.UTF16) == (1, 1)


def test_form_feed_and_line_separator_do_not_end_lines() -> None:
    source = "a\fb\u2028c\nd".encode()
    index = LineIndex(source)
    assert index.line_count == 2
    assert index.position(len(source) - 1, Encoding.UTF32) == (1, 0)


def test_byte_offsets_convert_back_and_forth_in_every_encoding() -> None:
    source = "x😀é\r\ny日\n".encode()
    index = LineIndex(source)
    for encoding in Encoding:
        for offset in (0, 1, 5, 7, 9, 10, 13):
            line, character = index.position(offset, encoding)
            assert index.offset(line, character, encoding) == offset


def _python_lines_run(call: Callable[[], object]) -> int:
    """How many Python lines `call` executes (C work is not counted)."""
    count = 0

    def trace(frame: FrameType, event: str, arg: object) -> Callable[..., object] | None:
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(None)
    return count


def test_position_conversion_does_not_loop_over_the_line_in_python() -> None:
    # Typing at the end of a 1 MB non-ASCII line cost ~1 s per keystroke in utf-16:
    # the offset was found one character at a time in Python.
    for encoding in (Encoding.UTF16, Encoding.UTF32):
        short, long = ("é" * 10 + "😀") * 10, ("é" * 10 + "😀") * 1000
        costs = []
        for line in (short, long):
            index = LineIndex(line.encode())
            width = len(line) + (line.count("😀") if encoding is Encoding.UTF16 else 0)
            index.offset(0, width - 1, encoding)  # warm up: codec lookups run Python once
            costs.append(_python_lines_run(partial(index.offset, 0, width - 1, encoding)))
            costs.append(_python_lines_run(partial(index.position, len(line.encode()), encoding)))
        assert costs[2:] == costs[:2]  # the same Python work for a line 100x longer
