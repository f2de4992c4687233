"""Server assembly: one `ElixirPerfServer`, features registered from their modules."""

from __future__ import annotations

import logging
import sys

from pygls.lsp.server import LanguageServer

from elixir_perf_lsp import __version__
from elixir_perf_lsp.server.protocol import ElixirPerfProtocol
from elixir_perf_lsp.server.session import Session


class ElixirPerfServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("elixir-perf-lsp", __version__, protocol_cls=ElixirPerfProtocol)
        self.session = Session()


def create_server() -> ElixirPerfServer:
    from elixir_perf_lsp.server import (
        code_actions,
        debug,
        hover,
        lifecycle,
        project,
        sync,
        workspace,
    )

    server = ElixirPerfServer()
    for module in (lifecycle, sync, code_actions, hover, debug, workspace, project):
        module.register(server)
    return server


def run(tcp: str | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
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
