"""The message loop: bytes from stdio or TCP through the framer to the protocol.

Replaces pygls's reader (see framing.py for why). stdin is read by a daemon
thread, so a client that stops writing never keeps the process from exiting.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from typing import BinaryIO

from elixir_perf_lsp.server.framing import Fault, Framer, Message
from elixir_perf_lsp.server.protocol import ElixirPerfProtocol

log = logging.getLogger(__name__)
CHUNK = 64 * 1024
QUEUED_CHUNKS = 4


async def pump(
    read: Callable[[], Awaitable[bytes]], protocol: ElixirPerfProtocol, stop: threading.Event
) -> None:
    """Hand every message to `protocol` until end of input or `stop`."""
    framer = Framer()
    while not stop.is_set():
        data = await read()
        if not data:
            return
        for event in framer.feed(data):
            if isinstance(event, Message):
                try:
                    protocol.receive(event.content)
                except Exception:  # one bad message must not end the session
                    log.exception("could not handle a message")
            elif isinstance(event, Fault):
                protocol.report_fault(event.text, event.parse_error)


def stdin_reader(stdin: BinaryIO) -> Callable[[], Awaitable[bytes]]:
    """`read()` for `pump`: chunks of stdin as they arrive, b"" at its end.

    The queue is short and the reading thread waits for room, so a client that
    writes faster than we handle messages is held back by the pipe instead of
    filling our memory.
    """
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[bytes] = asyncio.Queue(maxsize=QUEUED_CHUNKS)
    fd = stdin.fileno()

    def run() -> None:
        while True:
            try:
                data = os.read(fd, CHUNK)
            except OSError:
                data = b""
            try:
                asyncio.run_coroutine_threadsafe(chunks.put(data), loop).result()
            except (RuntimeError, concurrent.futures.CancelledError):
                return  # the loop is gone: the session is over
            if not data:
                return

    threading.Thread(target=run, name="stdin", daemon=True).start()
    return chunks.get
