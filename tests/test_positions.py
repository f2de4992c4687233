"""Line starts and indentation in bytes, for every line break LSP counts."""

from __future__ import annotations

import pytest

from elixir_perf_lsp.positions import indent_before, line_start


@pytest.mark.parametrize(
    ("source", "offset", "expected"),
    [
        (b"abc", 2, 0),
        (b"a\nbc", 3, 2),
        (b"a\r\nbc", 4, 3),
        (b"a\rbc", 3, 2),  # a lone CR ends a line too (old Mac files)
        (b"a\r\n\rb", 4, 4),
        (b"a\n", 2, 2),
        (b"a\nb", 1, 0),  # the offset of the break itself belongs to its line
    ],
)
def test_line_start(source: bytes, offset: int, expected: int) -> None:
    assert line_start(source, offset) == expected


@pytest.mark.parametrize(
    ("source", "offset", "expected"),
    [
        (b"x\n  \tfoo", 5, "  \t"),
        (b"x\r  foo", 4, "  "),
        (b"x\r\n    foo", 7, "    "),
        (b"foo", 0, ""),
        (b"x = foo", 4, None),
        (b"x\ry = foo", 6, None),
    ],
)
def test_indent_before(source: bytes, offset: int, expected: str | None) -> None:
    assert indent_before(source, offset) == expected
