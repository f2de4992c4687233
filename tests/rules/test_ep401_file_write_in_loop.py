"""EP401 file-write-in-loop: edge cases."""

from __future__ import annotations

from functools import partial

import pytest

from tests.helpers import findings, fixed

CODE = "EP401"


unsafe_fix = partial(fixed, code=CODE, unsafe=True)


@pytest.mark.parametrize(
    "source",
    [
        "Enum.each(xs, fn x -> File.write!(p, x, [:append]) end)\n",
        "Enum.map(xs, fn x -> File.write(p, x, [:append]) end)\n",
        "for x <- xs do\n  File.write!(p, x, [:append])\nend\n",
        'Enum.each(xs, fn x -> File.write!("log/#{x.day}.txt", x.line, [:append]) end)\n',
        "defp go([h | t], p) do\n  File.write!(p, h, [:append])\n  go(t, p)\nend\n",
        "Stream.each(xs, &File.write!(p, &1, [:append, :binary]))\n",
    ],
)
def test_reports_appending_writes_in_a_loop(source: str) -> None:
    [finding] = findings(source, CODE)
    assert ":append" in finding.message


def test_reports_rewriting_the_same_file_in_a_loop() -> None:
    [finding] = findings("Enum.each(xs, fn x -> File.write!(@state, x) end)\n", CODE)
    assert "truncates" in finding.message
    assert finding.fix is None


@pytest.mark.parametrize(
    "source",
    [
        "File.write!(p, data, [:append])\n",
        "Enum.each(xs, fn x -> File.write!(x.path, x.body) end)\n",
        "Enum.each(xs, fn {p, d} -> File.write!(p, d) end)\n",
        "for {p, d} <- xs, do: File.write!(p, d)\n",
        'Enum.each(xs, &File.write!(&1, ""))\n',
        "Enum.each(xs, fn x -> File.write!(path_for(x), x) end)\n",
        "Enum.each(xs, fn x ->\n  p = Path.join(dir, x)\n  File.write!(p, x)\nend)\n",
        "Enum.each(xs, fn x -> IO.binwrite(file, x) end)\n",
    ],
)
def test_does_not_report(source: str) -> None:
    assert findings(source, CODE) == []


def test_fix_is_not_applied_without_unsafe_fixes() -> None:
    source = "Enum.each(xs, fn x -> File.write!(p, x, [:append]) end)\n"
    assert fixed(source, CODE) == source


def test_fixes_a_capture_callback() -> None:
    assert unsafe_fix("Enum.each(xs, &File.write!(p, &1, [:append]))\n") == (
        "File.open!(p, [:append, :binary], fn file -> Enum.each(xs, &IO.binwrite(file, &1)) end)\n"
    )


def test_fixes_a_non_bang_write_and_keeps_binary_mode() -> None:
    assert unsafe_fix(
        "Enum.each(xs, fn x -> File.write(p, [x, ?\\n], [:binary, :append]) end)\n"
    ) == (
        "File.open!(p, [:append, :binary], fn file -> "
        "Enum.each(xs, fn x -> IO.binwrite(file, [x, ?\\n]) end) end)\n"
    )


def test_fixes_with_a_loop_invariant_computed_path() -> None:
    source = 'Enum.each(xs, fn x -> File.write!(Path.join(dir, "a.log"), x, [:append]) end)\n'
    assert unsafe_fix(source).startswith('File.open!(Path.join(dir, "a.log"), [:append, :binary]')


def test_picks_a_file_variable_name_unused_nearby() -> None:
    source = (
        "def f(file, xs) do\n  Enum.each(xs, fn x -> File.write!(file, x, [:append]) end)\nend\n"
    )
    assert unsafe_fix(source) == (
        "def f(file, xs) do\n  File.open!(file, [:append, :binary], fn file_2 -> "
        "Enum.each(xs, fn x -> IO.binwrite(file_2, x) end) end)\nend\n"
    )


def test_reindents_a_multi_line_each() -> None:
    source = (
        "def f(xs, p) do\n"
        "  :ok =\n"
        "    Enum.each(xs, fn x ->\n"
        "      File.write!(p, x, [:append])\n"
        "    end)\n"
        "end\n"
    )
    assert unsafe_fix(source) == (
        "def f(xs, p) do\n"
        "  :ok =\n"
        "    File.open!(p, [:append, :binary], fn file ->\n"
        "      Enum.each(xs, fn x ->\n"
        "        IO.binwrite(file, x)\n"
        "      end)\n"
        "    end)\n"
        "end\n"
    )


@pytest.mark.parametrize(
    "source",
    [
        # other modes change how the data is written
        "Enum.each(xs, fn x -> File.write!(p, x, [:append, :utf8]) end)\n",
        # the callback does more than write
        "Enum.each(xs, fn x ->\n  IO.puts(x)\n  File.write!(p, x, [:append])\nend)\n",
        # several clauses
        "Enum.each(xs, fn\n  nil -> :ok\n  x -> File.write!(p, x, [:append])\nend)\n",
        # not Enum.each: the result would change
        "Enum.map(xs, fn x -> File.write!(p, x, [:append]) end)\n",
        "for x <- xs do\n  File.write!(p, x, [:append])\nend\n",
        # the path changes per element
        "Enum.each(xs, fn x -> File.write!(x.path, x.line, [:append]) end)\n",
        # the path is computed by a local function that may not be pure
        "Enum.each(xs, fn x -> File.write!(log_path(), x, [:append]) end)\n",
        # a multi-line string would be re-indented
        'Enum.each(xs, fn x ->\n  File.write!(p, "#{x}\n  ", [:append])\nend)\n',
        # piped path
        "Enum.each(xs, fn x -> p |> File.write!(x, [:append]) end)\n",
    ],
)
def test_reports_without_a_fix(source: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.fix is None
