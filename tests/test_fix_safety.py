"""`check --fix` never loses a save, and reading never hangs (issue 20, items 1 and 2).

Each test here failed before the shared reader/writer (`elixir_perf_lsp.fileio`):
the fix was renamed over whatever the file held by then, as root and through any
symlink, and files were read whole whatever they were.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from elixir_perf_lsp import checker
from elixir_perf_lsp.cli import main
from elixir_perf_lsp.engine.fixes import fix_all as real_fix_all
from elixir_perf_lsp.engine.limits import MAX_BYTES
from elixir_perf_lsp.fileio import TooLarge, Unreadable, read_source

GUARD = "def f(items) when length(items) == 0, do: :empty\n"
FIXED = "def f([]), do: :empty\n"
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (to chown)")


def run_check(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # A hang is a failure, not a stuck suite.
    return subprocess.run(
        [sys.executable, "-m", "elixir_perf_lsp", "check", "--no-progress", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=60,
    )


def during_analysis(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> None:
    """Run `action` between `check --fix` reading a file and writing it back."""

    def fix_all_then_act(source: bytes, run: Any, unsafe: bool = False) -> tuple[bytes, int]:
        result = real_fix_all(source, run, unsafe)
        action()
        return result

    monkeypatch.setattr(checker, "fix_all", fix_all_then_act)


# --- a save is never lost ------------------------------------------------------------


def test_a_save_made_while_the_file_was_analysed_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.ex"
    path.write_text(GUARD)
    saved = GUARD + "# typed while check ran\n"
    during_analysis(monkeypatch, lambda: path.write_text(saved))
    code = main(["check", "--fix", "--no-progress", str(path)])
    assert path.read_text() == saved
    assert "changed on disk since it was read; fixes not written" in capsys.readouterr().err
    assert code == 1  # the finding is still there


def test_a_same_size_save_in_the_same_clock_tick_still_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mtime and size can both be unchanged; the bytes are compared."""
    path = tmp_path / "a.ex"
    path.write_text(GUARD)
    before = path.stat()
    saved = GUARD.replace(":empty", ":blank")
    assert len(saved) == len(GUARD)

    def save_keeping_stat() -> None:
        path.write_text(saved)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    during_analysis(monkeypatch, save_keeping_stat)
    main(["check", "--fix", "--no-progress", str(path)])
    assert path.read_text() == saved


def test_a_file_deleted_while_it_was_analysed_is_not_resurrected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.ex"
    path.write_text(GUARD)
    during_analysis(monkeypatch, path.unlink)
    main(["check", "--fix", "--no-progress", str(path)])
    assert not path.exists()
    assert "deleted since it was read" in capsys.readouterr().err


def test_a_write_failure_is_reported_with_exit_2_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.ex").write_text(GUARD)
    (tmp_path / "b.ex").write_text(GUARD)
    real_mkstemp = tempfile.mkstemp

    def disk_full_for_a(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if str(kwargs.get("prefix", "")).startswith(".a.ex"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", disk_full_for_a)
    code = main(["check", "--fix", "--no-progress", str(tmp_path)])
    assert code == 2
    assert "a.ex: cannot write: No space left on device" in capsys.readouterr().err
    assert (tmp_path / "a.ex").read_text() == GUARD
    assert (tmp_path / "b.ex").read_text() == FIXED


def test_a_directory_refusing_new_files_gets_the_fix_written_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only directory with a writable file: no temp file, so no rename."""
    path = tmp_path / "a.ex"
    path.write_text(GUARD)
    inode = path.stat().st_ino

    def read_only_directory(*args: Any, **kwargs: Any) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "mkstemp", read_only_directory)
    assert main(["check", "--fix", "--no-progress", str(path)]) == 0
    assert path.read_text() == FIXED
    assert path.stat().st_ino == inode


def test_a_crash_on_one_file_is_reported_and_the_others_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.ex").write_text(GUARD)
    (tmp_path / "b.ex").write_text(GUARD)
    real_check_file = checker.check_file

    def crash_on_a(path: Path | str, *args: Any, **kwargs: Any) -> checker.FileResult:
        if Path(path).name == "a.ex":
            raise RecursionError("maximum recursion depth exceeded")
        return real_check_file(path, *args, **kwargs)

    from elixir_perf_lsp.commands import check

    monkeypatch.setattr(check, "check_file", crash_on_a)
    code = main(["check", "--no-progress", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2
    assert "a.ex: internal error: RecursionError" in captured.err
    assert "b.ex:1:19: EP101" in captured.out


# --- what a rename would change is kept ------------------------------------------------


@as_root
def test_a_root_run_fix_keeps_the_files_owner(tmp_path: Path) -> None:
    path = tmp_path / "a.ex"
    path.write_text(GUARD)
    os.chown(path, 65534, 65534)
    assert run_check("--fix", str(path)).returncode == 0
    assert path.read_text() == FIXED
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)


def test_a_fix_keeps_hard_links_together(tmp_path: Path) -> None:
    path = tmp_path / "a.ex"
    path.write_text(GUARD)
    other = tmp_path / "elsewhere.txt"
    os.link(path, other)
    assert run_check("--fix", str(path)).returncode == 0
    assert path.read_text() == FIXED
    assert other.read_text() == FIXED
    assert path.stat().st_ino == other.stat().st_ino


def test_a_fix_keeps_an_unusual_mode(tmp_path: Path) -> None:
    path = tmp_path / "a.ex"
    path.write_text(GUARD)
    path.chmod(0o640)
    assert run_check("--fix", str(path)).returncode == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_fix_keeps_extended_attributes(tmp_path: Path) -> None:
    path = tmp_path / "a.ex"
    path.write_text(GUARD)
    try:
        os.setxattr(path, "user.origin", b"kept")
    except (OSError, AttributeError):
        pytest.skip("no user extended attributes here")
    assert run_check("--fix", str(path)).returncode == 0
    assert path.read_text() == FIXED
    assert os.getxattr(path, "user.origin") == b"kept"


def test_read_only_files_are_left_alone_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "a.ex"
    path.write_text(GUARD)
    path.chmod(0o444)
    result = run_check("--fix", str(tmp_path))
    assert path.read_text() == GUARD
    assert "a.ex: read-only; fixes not written" in result.stderr
    assert result.returncode == 1


def test_no_fix_is_written_through_a_symlink_leaving_the_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside.ex"
    outside.write_text(GUARD)
    project = tmp_path / "project"
    (project / "lib").mkdir(parents=True)
    (project / "lib" / "shared.ex").symlink_to(outside)
    (project / "lib" / "own.ex").write_text(GUARD)
    (project / "lib" / "alias.ex").symlink_to(project / "lib" / "own.ex")
    result = run_check("--fix", "project", cwd=tmp_path)
    assert outside.read_text() == GUARD
    assert "shared.ex: a symlink to" in result.stderr
    assert "outside project; fixes not written" in result.stderr
    # Links that stay inside the tree are fixed as before.
    assert (project / "lib" / "own.ex").read_text() == FIXED


# --- reading never hangs or reads without bound ---------------------------------------------


def test_a_fifo_named_like_elixir_does_not_hang_check(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.ex")
    (tmp_path / "ok.ex").write_text(GUARD)
    result = run_check(str(tmp_path))
    assert "x.ex: not a regular file (a FIFO); not read" in result.stderr
    assert "ok.ex:1:19: EP101" in result.stdout
    assert result.returncode == 2
    named = run_check(str(tmp_path / "x.ex"))
    assert "not a regular file (a FIFO)" in named.stderr and named.returncode == 2


def test_a_symlink_to_dev_zero_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "zero.ex").symlink_to("/dev/zero")
    result = run_check(str(tmp_path))
    assert "zero.ex: not a regular file (a character device); not read" in result.stderr
    assert result.returncode == 2


def test_a_huge_sparse_file_is_skipped_before_reading(tmp_path: Path) -> None:
    with (tmp_path / "huge.ex").open("wb") as handle:
        handle.truncate(8 * 1024**3)  # 8 GB of holes: reading it whole would not fit
    result = run_check(str(tmp_path))
    assert "huge.ex: not analysed: 8192.0 MB is over the 2 MB limit" in result.stderr
    assert result.returncode == 0


def test_the_reader_is_bounded_by_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "a.ex"
    path.write_bytes(b"x" * 101)
    with pytest.raises(TooLarge):
        read_source(path, limit=100)
    assert read_source(path, limit=101).data == b"x" * 101
    assert read_source(path).stamp == (path.stat().st_mtime_ns, 101)
    with pytest.raises(Unreadable, match="a directory"):
        read_source(tmp_path)
    with pytest.raises(Unreadable, match="cannot read"):
        read_source(tmp_path / "missing.ex")
    assert MAX_BYTES > 101


def test_stdin_is_read_only_up_to_the_size_limit() -> None:
    with Path("/dev/zero").open("rb") as zeros:
        result = subprocess.run(
            [sys.executable, "-m", "elixir_perf_lsp", "check", "--stdin-filename", "a.ex"],
            stdin=zeros,
            capture_output=True,
            check=False,
            timeout=60,
        )
    assert b"a.ex: not analysed: over the 2 MB limit" in result.stderr
    assert result.returncode == 0


def test_stdin_over_the_limit_with_fix_is_passed_through_unchanged() -> None:
    source = b"x = length(xs) == 0\n" * (MAX_BYTES // 20 + 1000)
    result = subprocess.run(
        [sys.executable, "-m", "elixir_perf_lsp", "check", "--fix", "--stdin-filename", "a.ex"],
        input=source,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert result.stdout == source
    assert b"not analysed" in result.stderr
