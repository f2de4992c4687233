"""EP402 read-whole-file-to-split: edge cases."""

from __future__ import annotations

import pytest

from tests.helpers import findings

CODE = "EP402"


@pytest.mark.parametrize(
    "source",
    [
        'lines = File.read!(p) |> String.split("\\n")\n',
        'lines = String.split(File.read!(p), "\\n")\n',
        'lines = p |> File.read!() |> String.split("\\n")\n',
        'lines = File.read!(p) |> String.split("\\r\\n")\n',
        'lines = File.read!(p) |> String.split("\\n", trim: true)\n',
        'lines = File.read!(p) |> String.split(["\\r\\n", "\\n"])\n',
        "lines = File.read!(p) |> String.split(~r/\\n/)\n",
        "lines = File.read!(p) |> String.split(~r/\\r?\\n/)\n",
        "lines = File.read!(p) |> String.split(~r/\\R/, trim: true)\n",
        'lines = File.read!(p) |> String.split("\n")\n',  # a raw newline in the literal
        'lines = File.read!(p) |> String.trim() |> String.split("\\n")\n',
        'lines = String.split(String.trim_trailing(File.read!(p)), "\\n")\n',
    ],
)
def test_reports_reading_a_whole_file_to_split_it_into_lines(source: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.fix is None
    assert "File.stream!(p)" in finding.message
    assert "String.trim_trailing" in finding.message


@pytest.mark.parametrize(
    "source",
    [
        "words = File.read!(p) |> String.split()\n",
        "words = String.split(File.read!(p))\n",
        'cells = File.read!(p) |> String.split(",")\n',
        "cells = File.read!(p) |> String.split(~r/\\s*,\\s*/)\n",
        'lines = String.split(contents, "\\n")\n',
        '{:ok, body} = File.read(p)\nlines = String.split(body, "\\n")\n',
        'lines = File.stream!(p) |> Enum.map(&String.trim_trailing(&1, "\\n"))\n',
        "lines = File.read!(p) |> String.split(sep)\n",
        'lines = File.read!(p) |> String.split("\\n" <> "x")\n',
        'lines = File.read!(p) |> String.upcase() |> String.split("\\n")\n',
    ],
)
def test_does_not_report(source: str) -> None:
    assert findings(source, CODE) == []


def test_reports_the_whole_pipeline() -> None:
    source = 'lines = p |> File.read!() |> String.split("\\n")\n'
    [finding] = findings(source, CODE)
    assert source[finding.start : finding.end] == 'p |> File.read!() |> String.split("\\n")'
