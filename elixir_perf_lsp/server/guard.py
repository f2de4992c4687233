"""Handlers never take the server down: an exception is logged to the client."""

from __future__ import annotations

import asyncio
import functools
import logging
import traceback
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from elixir_perf_lsp.server import logs

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


def log_to_client(
    ls: LanguageServer,
    message: str,
    kind: types.MessageType = types.MessageType.Error,
    to_file: bool = True,
) -> None:
    """`window/logMessage`, when `kind` is at or above `logLevel`; with a copy in
    the `logFile` unless the caller logged it there already."""
    if not logs.wanted(kind):
        return
    loop = getattr(ls, "event_loop", None)
    if isinstance(loop, asyncio.AbstractEventLoop) and not _running(loop):
        # From a worker thread (an analysis): writing here could interleave two
        # messages on the wire, so the event loop sends it.
        loop.call_soon_threadsafe(log_to_client, ls, message, kind, to_file)
        return
    if to_file:
        logs.record(kind, message)
    try:
        ls.window_log_message(types.LogMessageParams(type=kind, message=message))
    except Exception:  # the transport may be gone; stderr is all we have left
        log.exception("could not log to the client: %s", message)


def _running(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def guarded(default: Any = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Wrap a handler `(ls, params)` so an exception becomes a logged error and `default`."""

    def decorate(handler: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(handler)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return handler(*args, **kwargs)
            except Exception:
                _report(handler, args[0])
                return default  # type: ignore[no-any-return]

        return wrapper

    return decorate


def guarded_async(
    default: Any = None,
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """`guarded` for a coroutine handler."""

    def decorate(handler: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(handler)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await handler(*args, **kwargs)
            except Exception:
                _report(handler, args[0])
                return default  # type: ignore[no-any-return]

        return wrapper

    return decorate


def _report(handler: Callable[..., Any], ls: object) -> None:
    text = f"elixir-perf: {handler.__name__} failed:\n{traceback.format_exc()}"
    log.error(text)
    if isinstance(ls, LanguageServer):
        log_to_client(ls, text, to_file=False)
