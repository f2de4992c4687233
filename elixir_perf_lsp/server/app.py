"""Server assembly: one `ElixirPerfServer`, features registered from their modules."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from typing import BinaryIO

from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer

from elixir_perf_lsp import __version__
from elixir_perf_lsp.server import code_actions, debug, hover, lifecycle, logs, sync
from elixir_perf_lsp.server.protocol import ElixirPerfProtocol
from elixir_perf_lsp.server.session import Session
from elixir_perf_lsp.server.state import ServerState
from elixir_perf_lsp.server.transport import CHUNK, pump, stdin_reader

log = logging.getLogger(__name__)


class ElixirPerfServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("elixir-perf-lsp", __version__, protocol_cls=ElixirPerfProtocol)
        self.session = Session()
        # Everything else it keeps between messages: nothing lives in module globals.
        self.state = ServerState()
        # The loop serving the client, for work in other threads to send through.
        self.event_loop: asyncio.AbstractEventLoop | None = None

    # Our own message loop (transport.py) in place of pygls's reader.
    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        protocol = self.protocol
        assert isinstance(protocol, ElixirPerfProtocol)
        self._stop_event = stop = threading.Event()
        protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

        async def serve() -> None:
            self.event_loop = asyncio.get_running_loop()
            await pump(stdin_reader(stdin or sys.stdin.buffer), protocol, stop)

        try:
            asyncio.run(serve())
        except BrokenPipeError:
            log.error("the client is gone; stopping")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]

    def start_tcp(self, host: str, port: int) -> None:
        protocol = self.protocol
        assert isinstance(protocol, ElixirPerfProtocol)
        self._stop_event = stop = threading.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            protocol.set_writer(writer)
            await pump(lambda: reader.read(CHUNK), protocol, stop)
            self.shutdown()  # type: ignore[no-untyped-call]

        async def serve() -> None:
            self.event_loop = asyncio.get_running_loop()
            self._server = await asyncio.start_server(connection, host, port)
            async with self._server:
                await self._server.serve_forever()

        with contextlib.suppress(asyncio.CancelledError, KeyboardInterrupt, SystemExit):
            asyncio.run(serve())


def create_server() -> ElixirPerfServer:
    server = ElixirPerfServer()
    for module in (lifecycle, sync, code_actions, hover, debug):
        module.register(server)
    return server


def run(tcp: str | None = None) -> int:
    logs.setup_stderr()
    server = create_server()
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    # LSP: exit code 0 only after a `shutdown` request; 1 for a bare `exit` or a
    # client that vanished.
    protocol = server.protocol
    return 0 if isinstance(protocol, ElixirPerfProtocol) and protocol.shut_down else 1
