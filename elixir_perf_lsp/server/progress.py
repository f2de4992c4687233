"""Server-initiated work-done progress (`$/progress`) for the workspace scan and the
project index build."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from lsprotocol import types

from elixir_perf_lsp.server.guard import log_to_client

if TYPE_CHECKING:
    from elixir_perf_lsp.server.app import ElixirPerfServer

PROGRESS_CREATE_TIMEOUT_S = 5.0


class Progress:
    """Server-initiated work-done progress, when the client supports it."""

    def __init__(self, ls: ElixirPerfServer, token: str | None) -> None:
        self.ls, self.token = ls, token
        self._last = -1

    @classmethod
    async def start(cls, ls: ElixirPerfServer, title: str) -> Progress:
        window = ls.client_capabilities.window
        if not (window and window.work_done_progress):
            return cls(ls, None)
        token = f"elixir-perf/workspace/{next(ls.state.progress_tokens)}"
        try:
            await asyncio.wait_for(
                ls.work_done_progress.create_async(token), PROGRESS_CREATE_TIMEOUT_S
            )
        except Exception as exc:  # no progress shown; the scan still runs
            log_to_client(
                ls, f"elixir-perf: cannot show progress: {exc!r}", types.MessageType.Warning
            )
            return cls(ls, None)
        ls.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title=title, cancellable=True, message="finding files", percentage=0
            ),
        )
        return cls(ls, token)

    @property
    def cancelled(self) -> bool:
        if self.token is None:
            return False
        future = self.ls.work_done_progress.tokens.get(self.token)
        return future is not None and future.cancelled()

    def report(self, done: int, total: int) -> None:
        percentage = done * 100 // total if total else 100
        if self.token is None or percentage == self._last:
            return
        self._last = percentage
        self.ls.work_done_progress.report(
            self.token,
            types.WorkDoneProgressReport(message=f"{done}/{total} files", percentage=percentage),
        )

    def end(self, message: str) -> None:
        if self.token is None:
            return
        with contextlib.suppress(Exception):  # the transport may be gone at shutdown
            self.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))
        self.ls.work_done_progress.tokens.pop(self.token, None)
