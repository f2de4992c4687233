"""Reading and rewriting the user's source files: never hang, never blow memory,
never lose a save.

Both `check` and the server's workspace scan read through `read_source`: regular
files only (a FIFO named `x.ex` would block a plain `open`, a symlink to
`/dev/zero` would be read forever), the size checked with `fstat` before reading,
and at most the size limit plus one byte read, so a file growing meanwhile is
still bounded.

`check --fix` writes through `write_if_unchanged`, which re-reads the file just
before replacing it and leaves it alone when its bytes are no longer the ones
analysed: an editor's save in between wins over our fix.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from elixir_perf_lsp.engine.limits import MAX_BYTES, too_many_bytes

_CHUNK = 1 << 20
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# Opening a FIFO for reading blocks until a writer appears, unless non-blocking.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | _O_CLOEXEC
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class Unreadable(Exception):
    """Why a file was not read (the message names no path: callers prefix it)."""


class TooLarge(Unreadable):
    """Over the size limit: skipped with a notice, not an error."""


class NotWritten(Exception):
    """Why fixes were deliberately not written (a skip, not a failure)."""


@dataclass(frozen=True)
class Snapshot:
    """A file's bytes and the identity of the version they were read from."""

    data: bytes
    mtime_ns: int
    size: int

    @property
    def stamp(self) -> tuple[int, int]:
        return (self.mtime_ns, self.size)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = os.read(fd, min(remaining, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_source(path: Path | str, limit: int = MAX_BYTES) -> Snapshot:
    """The file's bytes; raises `TooLarge` over `limit`, `Unreadable` otherwise."""
    try:
        # stat before open: opening some devices has effects (a tape rewinds).
        mode = Path(path).stat().st_mode
        if not stat.S_ISREG(mode):
            raise Unreadable(f"not a regular file ({_kind(mode)}); not read")
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)  # the file may have been swapped since the stat above
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(f"not a regular file ({_kind(info.st_mode)}); not read")
        reason = too_many_bytes(info.st_size) if info.st_size > limit else None
        if reason is not None:
            raise TooLarge(reason)
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew after the fstat
        raise TooLarge(too_many_bytes(len(data)) or f"over {limit} bytes")
    return Snapshot(data, info.st_mtime_ns, info.st_size)


# --- writing ------------------------------------------------------------------------


def _inside(real: str, tree: Path) -> bool:
    root = os.path.realpath(tree)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _current(fd: int, expected: bytes) -> bool:
    """Whether the open file still holds exactly `expected`."""
    os.lseek(fd, 0, os.SEEK_SET)
    return _read_at_most(fd, len(expected) + 1) == expected


# A new file in the same directory gets the same SELinux label by default; every
# file has one there, and writing them all in place would give up atomic renames.
_RENEWED_XATTRS = frozenset({"security.selinux"})


def _has_xattrs(path: str) -> bool:
    """Extended attributes (ACLs, user attributes) would not follow a rename."""
    listxattr = getattr(os, "listxattr", None)
    if listxattr is None:
        return False
    try:
        return bool(set(listxattr(path, follow_symlinks=False)) - _RENEWED_XATTRS)
    except OSError:
        return False


def write_if_unchanged(path: Path | str, before: Snapshot, data: bytes, tree: Path) -> None:
    """Replace the file's content with `data` if it still holds `before.data`.

    Raises `NotWritten` when the file changed or vanished since it was read, is
    read-only, or is reached through a symlink leading outside `tree` (the
    directory being checked); `OSError` when writing fails. Owner, group, mode,
    hard links and extended attributes are kept: the new text is renamed over the
    old file when that changes none of them, else written into the same inode.
    """
    real = os.path.realpath(path)
    if real != os.path.normpath(Path(path).absolute()) and not _inside(real, tree):
        raise NotWritten(f"a symlink to {real}, outside {tree}; fixes not written")
    try:
        fd = os.open(real, _READ_FLAGS | _O_NOFOLLOW)
    except FileNotFoundError:
        raise NotWritten("deleted since it was read; fixes not written") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotWritten(f"replaced by {_kind(info.st_mode)}; fixes not written")
        if not _current(fd, before.data):
            raise NotWritten("changed on disk since it was read; fixes not written (run again)")
    finally:
        os.close(fd)
    if not info.st_mode & 0o222:
        raise NotWritten("read-only; fixes not written")
    if not os.access(real, os.W_OK):
        raise NotWritten("not writable by you; fixes not written")
    if info.st_nlink > 1 or _has_xattrs(real) or not _replace(real, info, before.data, data):
        _write_in_place(real, info, before.data, data)


def _replace(real: str, info: os.stat_result, expected: bytes, data: bytes) -> bool:
    """Write a sibling temp file and rename it over `real`; False when that would
    not keep the owner (we may not chown) or the directory refuses new files."""
    directory, name = os.path.split(real)
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    except PermissionError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            created = os.fstat(handle.fileno())
            if (created.st_uid, created.st_gid) != (info.st_uid, info.st_gid):
                try:
                    os.fchown(handle.fileno(), info.st_uid, info.st_gid)
                except (PermissionError, AttributeError):
                    Path(tmp).unlink()
                    return False
            # After the chown, which clears set-id bits.
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), stat.S_IMODE(info.st_mode))
            else:  # Windows before Python 3.13
                Path(tmp).chmod(stat.S_IMODE(info.st_mode))
            os.fsync(handle.fileno())
        # Last look before the rename: a save since the first check wins.
        check = os.open(real, _READ_FLAGS | _O_NOFOLLOW)
        try:
            if os.fstat(check).st_ino != info.st_ino or not _current(check, expected):
                raise NotWritten("changed on disk since it was read; fixes not written (run again)")
        finally:
            os.close(check)
        Path(tmp).replace(real)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_directory(directory)
    return True


def _write_in_place(real: str, info: os.stat_result, expected: bytes, data: bytes) -> None:
    """Overwrite the same inode: keeps every link, owner and attribute, at the cost
    of a moment where a crash leaves the file half written."""
    fd = os.open(real, os.O_RDWR | _O_NOFOLLOW | _O_CLOEXEC)
    try:
        if os.fstat(fd).st_ino != info.st_ino or not _current(fd, expected):
            raise NotWritten("changed on disk since it was read; fixes not written (run again)")
        os.lseek(fd, 0, os.SEEK_SET)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.ftruncate(fd, len(data))
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable (best effort: not every system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | _O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
