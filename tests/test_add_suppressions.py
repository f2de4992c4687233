"""`check --add-suppressions` (issue 18, item 2): a legacy codebase goes into CI today.

Every current finding gets a disable comment with a reason placeholder; no user text
is lost, a second run adds nothing, and a plain `check` afterwards passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_perf_lsp.cli import main
from elixir_perf_lsp.engine import analyze
from elixir_perf_lsp.engine.options import Options, RuleSelection

LEGACY = (
    "defmodule Legacy do\n"
    "  def f(items) when length(items) == 0, do: :empty\n"
    "\n"
    "  def g(xs) do\n"
    "    Enum.map(xs, fn x -> Repo.get(User, x) end)\n"
    "  end\n"
    "\n"
    '  @doc """\n'
    "  Text of a heredoc.\n"
    '  """\n'
    "  def h(items), do: {length(items) == 0, length(items) == 0}\n"
    "end\n"
)
SUPPRESSED = (
    "defmodule Legacy do\n"
    "  # elixir-perf:disable-for-next-line EP101 -- TODO: reason\n"
    "  def f(items) when length(items) == 0, do: :empty\n"
    "\n"
    "  def g(xs) do\n"
    "    # elixir-perf:disable-for-next-line EP602 -- TODO: reason\n"
    "    Enum.map(xs, fn x -> Repo.get(User, x) end)\n"
    "  end\n"
    "\n"
    '  @doc """\n'
    "  Text of a heredoc.\n"
    '  """\n'
    "  # elixir-perf:disable-for-next-line EP102 -- TODO: reason\n"
    "  def h(items), do: {length(items) == 0, length(items) == 0}\n"
    "end\n"
)


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-progress", *args])
    out, err = capsys.readouterr()
    return code, out, err


def without_added_lines(text: str) -> str:
    return "".join(
        line
        for line in text.splitlines(keepends=True)
        if "-- TODO: reason" not in line or not line.lstrip().startswith("#")
    )


def test_adds_a_comment_per_line_then_check_passes_and_nothing_more_is_added(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "lib" / "legacy.ex"
    path.parent.mkdir()
    path.write_text(LEGACY)
    code, out, err = check(capsys, str(tmp_path), "--add-suppressions")
    assert code == 0, out + err
    assert "Added suppressions for 4 findings in 1 file." in err
    assert path.read_text() == SUPPRESSED
    assert without_added_lines(path.read_text()) == LEGACY  # nothing of the user's lost
    assert check(capsys, str(tmp_path))[0] == 0
    assert check(capsys, str(tmp_path), "--add-suppressions")[0] == 0
    assert path.read_text() == SUPPRESSED


def test_crlf_files_get_crlf_comments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.ex"
    path.write_bytes(LEGACY.replace("\n", "\r\n").encode())
    check(capsys, str(path), "--add-suppressions")
    assert path.read_bytes() == SUPPRESSED.replace("\n", "\r\n").encode()
    assert check(capsys, str(path))[0] == 0


def test_a_line_starting_inside_a_heredoc_gets_a_trailing_comment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.ex"
    source = 'x = """\nfoo\n""" <> to_string(length(l) == 0)\n'
    path.write_text(source)
    check(capsys, str(path), "--add-suppressions")
    assert path.read_text() == (
        'x = """\nfoo\n""" <> to_string(length(l) == 0)'
        "  # elixir-perf:disable-for-this-line EP102 -- TODO: reason\n"
    )
    assert check(capsys, str(path))[0] == 0


def test_a_line_under_an_existing_next_line_suppression_gets_a_trailing_comment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.ex"
    source = (
        "# elixir-perf:disable-for-next-line EP102\n"
        "def f(items) when length(items) == 0, do: length(items) == 0\n"
    )
    path.write_text(source)
    check(capsys, str(path), "--add-suppressions")
    assert path.read_text() == (
        "# elixir-perf:disable-for-next-line EP102\n"
        "def f(items) when length(items) == 0, do: length(items) == 0"
        "  # elixir-perf:disable-for-this-line EP101 -- TODO: reason\n"
    )
    assert check(capsys, str(path))[0] == 0


def test_a_line_with_no_room_is_left_reported_and_the_file_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.ex"
    source = (
        'x = """\nfoo\n""" <> to_string(length(l) == 0) <> """\nbar\n"""\n'
        "# elixir-perf:disable-for-next-line EP503\n"
        "y = length(l) == 0 # a note\n"
    )
    path.write_text(source)
    code, out, err = check(capsys, str(path), "--add-suppressions")
    assert code == 1
    assert path.read_text() == source
    assert f"{path}:3: no room for a suppression comment" in err
    assert f"{path}:7: no room for a suppression comment" in err
    assert f"{path}:3:" in out and f"{path}:7:" in out


def test_unused_suppressions_are_not_suppressed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.ex"
    source = "# elixir-perf:disable-for-next-line EP101\nx = 1\n"
    path.write_text(source)
    code, out, _ = check(capsys, str(path), "--add-suppressions")
    assert code == 1 and "EP001" in out
    assert path.read_text() == source


def test_a_file_changed_meanwhile_is_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from elixir_perf_lsp import checker

    path = tmp_path / "a.ex"
    path.write_text(LEGACY)
    real = checker.suppression_edits

    def edit_meanwhile(*args: object, **kwargs: object) -> object:
        path.write_text(LEGACY + "# saved in the editor meanwhile\n")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checker, "suppression_edits", edit_meanwhile)
    _, _, err = check(capsys, str(path), "--add-suppressions")
    assert path.read_text() == LEGACY + "# saved in the editor meanwhile\n"
    assert "a.ex" in err


@pytest.mark.parametrize(
    "flags",
    [["--fix"], ["--diff"], ["--stdin-filename", "a.ex"]],
)
def test_add_suppressions_refuses_flags_that_write_otherwise(
    flags: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = check(capsys, str(tmp_path), "--add-suppressions", *flags)
    assert code == 2 and "--add-suppressions" in err


@pytest.mark.parametrize(
    "comment",
    [
        "# elixir-perf:disable-for-next-line EP102 -- legacy, list is tiny",
        "# elixir-perf:disable-for-next-line EP102 --",
        "# elixir-perf:disable-for-next-line expensive-empty-check -- see #123",
    ],
)
def test_a_reason_after_two_dashes_names_no_code(comment: str) -> None:
    source = f"{comment}\nx = length(items) == 0\n".encode()
    options = Options(selection=RuleSelection(("ALL",)))
    assert analyze(source, options=options).findings == []


def test_a_comment_among_call_arguments_is_not_an_argument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Plug.MIME's shape: the comment --add-suppressions puts above the second argument
    # used to count as one, so EP202 no longer matched and EP001 called it unused.
    path = tmp_path / "a.ex"
    path.write_text(
        "defmodule A do\n"
        "  def f(name) do\n"
        "    IO.puts(\n"
        "      :stderr,\n"
        '      "hello " <> name\n'
        "    )\n"
        "  end\n"
        "end\n"
    )
    assert check(capsys, str(path), "--select", "ALL", "--add-suppressions")[0] == 0
    assert "disable-for-next-line EP202" in path.read_text()
    code, out, err = check(capsys, str(path), "--select", "ALL")
    assert code == 0, out + err
