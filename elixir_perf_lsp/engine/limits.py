"""Documented bounds on what one analysis may cost.

Pathological inputs (a 10 MB generated file, a 100k-line function, 100k-deep
nesting, a 30k-term operator chain) must not freeze an editor or a CI run.

Three kinds of bound, because three kinds of code run:
- sizes checked before parsing (`too_large`): a buffer over them is never parsed;
- bounds on what one tree-sitter call may do (`MAX_DEPTH`, `MATCH_LIMIT`): a C
  call cannot be interrupted, so its cost must be bounded by its input;
- a time budget (`time_budget`) that interrupts the Python code of rules
  wherever it is, not only between query matches.
"""

from __future__ import annotations

import _thread
import ctypes
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

# The bound on in-progress query matches lives with the query code.
from elixir_perf_lsp.syntax import MATCH_LIMIT as MATCH_LIMIT

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 40_000
# tree-sitter keeps a query state's depth in 16 bits: past 65,535 levels its
# matching never ends (70k levels: minutes), in one uninterruptible C call.
MAX_DEPTH = 50_000
# An analysis that runs longer stops and says so; findings so far are kept.
TIME_BUDGET_SECONDS = 10.0

# Every message saying a file was not (fully) analysed starts with one of these.
LIMIT_PREFIXES = ("not analysed:", "analysis stopped", "analysis incomplete")


def is_limit_message(text: str) -> bool:
    return text.startswith(LIMIT_PREFIXES)


def too_many_bytes(size: int) -> str | None:
    """Why a file of `size` bytes is not analysed (known before reading it), or None."""
    if size > MAX_BYTES:
        return (
            f"not analysed: {size / 1024 / 1024:.1f} MB is over the "
            f"{MAX_BYTES // 1024 // 1024} MB limit"
        )
    return None


def too_large(source: bytes) -> str | None:
    """Why `source` is not analysed, or None when it is within the limits."""
    reason = too_many_bytes(len(source))
    if reason is not None:
        return reason
    lines = source.count(b"\n") + 1
    if lines > MAX_LINES:
        return f"not analysed: {lines} lines is over the {MAX_LINES} line limit"
    return None


def too_deep_message() -> str:
    return f"not analysed: code nested more than {MAX_DEPTH} levels deep"


def timeout_message(seconds: float) -> str:
    return f"analysis stopped after {seconds:.0f} s; findings may be incomplete"


def match_limit_message() -> str:
    return (
        f"analysis incomplete: over {MATCH_LIMIT} nested operators or calls matched at "
        "once; findings inside them may be missing"
    )


class BudgetExceeded(BaseException):
    """Raised inside the analysing thread when its time is up.

    A BaseException, like KeyboardInterrupt, so that the `except Exception` that
    isolates a failing rule does not mistake it for that rule's bug.
    """


_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc


class _Alarm:
    """Raises BudgetExceeded in the thread that armed it, once, unless disarmed first."""

    def __init__(self, deadline: float) -> None:
        self.thread = threading.get_ident()
        self.deadline = deadline
        self.fired = False


class _Watchdog:
    """One thread for every budget in the process.

    A `threading.Timer` per budget started a thread per analysis; on a loaded
    machine waiting for each to be scheduled cost more than analysing a small
    file. This thread sleeps until the earliest deadline and is woken only when a
    new alarm is due before the time it already sleeps until.
    """

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._alarms: list[_Alarm] = []
        self._wake_at: float | None = None  # None: asleep with nothing due
        self._started = False

    def arm(self, seconds: float) -> _Alarm:
        alarm = _Alarm(time.monotonic() + seconds)
        with self._lock:
            self._alarms.append(alarm)
            if not self._started:
                # The low-level start does not wait for the thread to be scheduled,
                # which on a busy machine took longer than a small file's analysis.
                # Like a daemon thread, it does not hold up interpreter exit.
                self._started = True
                self._wake_at = None
                _thread.start_new_thread(self._run, ())
            elif self._wake_at is None or alarm.deadline < self._wake_at:
                self._lock.notify()
        return alarm

    def disarm(self, alarm: _Alarm) -> None:
        with self._lock:
            if alarm in self._alarms:
                self._alarms.remove(alarm)
            if alarm.fired:
                # Raised already, or still pending: a pending one must not escape
                # into whatever the thread does next.
                _set_async_exc(ctypes.c_ulong(alarm.thread), None)

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                for alarm in [a for a in self._alarms if a.deadline <= now]:
                    self._alarms.remove(alarm)
                    alarm.fired = True
                    _set_async_exc(ctypes.c_ulong(alarm.thread), ctypes.py_object(BudgetExceeded))
                self._wake_at = min((a.deadline for a in self._alarms), default=None)
                self._lock.wait(None if self._wake_at is None else self._wake_at - now)


_WATCHDOG = _Watchdog()


def _reset_after_fork() -> None:
    # A forked worker has no watchdog thread, and its lock may have been copied held.
    global _WATCHDOG
    _WATCHDOG = _Watchdog()


if hasattr(os, "register_at_fork"):  # POSIX only; Windows has no fork
    os.register_at_fork(after_in_child=_reset_after_fork)


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Interrupt the block with BudgetExceeded after `seconds`.

    The exception is delivered between Python bytecodes, so rule code is stopped
    wherever it is; a C call (a parse, a query) finishes first, which is why those
    are bounded by input limits instead. Catch BudgetExceeded outside the `with`.
    """
    alarm = _WATCHDOG.arm(seconds)
    try:
        yield
    finally:
        _WATCHDOG.disarm(alarm)
