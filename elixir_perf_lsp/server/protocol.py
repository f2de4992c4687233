"""pygls protocol tweaks: our own document store, the encoding we prefer, and
the JSON-RPC/LSP rules pygls 2 does not enforce.

pygls keeps its own copy of every document and applies changes to it before our
handlers run. We keep bytes + tree ourselves (architecture §3.3), so pygls's copy would be
a second copy of every buffer and a second place to crash on a bad range: these
overrides skip it and hand the notifications straight to our handlers.

Messages arrive through `receive` (see framing.py and transport.py), which answers
what pygls would leave unanswered: batches and malformed messages
(InvalidRequest), params that do not decode (InvalidParams), requests before
`initialize` (ServerNotInitialized) and a second `initialize` (InvalidRequest).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Generator
from concurrent.futures import Future
from typing import Any

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
    JsonRpcServerNotInitialized,
)
from pygls.protocol import LanguageServerProtocol, lsp_method

log = logging.getLogger(__name__)

# Architecture §3.3: take utf-8 or utf-32 when the client offers them, else utf-16.
_PREFERENCE = (
    types.PositionEncodingKind.Utf8,
    types.PositionEncodingKind.Utf32,
    types.PositionEncodingKind.Utf16,
)


class ElixirPerfProtocol(LanguageServerProtocol):
    _initialize_received = False

    @property
    def shut_down(self) -> bool:
        return bool(self._shutdown)

    def receive(self, content: Any) -> None:
        """One decoded JSON value from the client."""
        if isinstance(content, list):
            # LSP has no batches; answer each request in one so no client waits.
            ids = [m.get("id") for m in content if isinstance(m, dict) and "method" in m]
            for msg_id in [i for i in ids if i is not None] or [None]:
                self._send_error(msg_id, JsonRpcInvalidRequest("batches are not supported"))
            return
        if not isinstance(content, dict):
            self._send_error(None, JsonRpcInvalidRequest("a message must be a JSON object"))
            return
        msg_id = content.get("id")
        method = content.get("method")
        is_response = method is None and ("result" in content or "error" in content)
        if content.get("jsonrpc") != "2.0" or not (isinstance(method, str) or is_response):
            self._send_error(msg_id, JsonRpcInvalidRequest("not a JSON-RPC 2.0 message"))
            return
        if method == types.INITIALIZE and self._initialize_received:
            self._send_error(msg_id, JsonRpcInvalidRequest("initialize was already received"))
            return
        if not self._initialize_received and method not in (types.INITIALIZE, types.EXIT):
            if msg_id is not None and not is_response:
                self._send_error(msg_id, JsonRpcServerNotInitialized("initialize first"))
            return  # notifications before initialize are dropped (LSP)
        try:
            message = self.structure_message(content)
        except JsonRpcException as exc:
            log.warning("undecodable %s: %s", method, exc)
            if msg_id is not None and not is_response:
                self._send_error(msg_id, JsonRpcInvalidParams(f"invalid params for {method}"))
            return
        if method == types.INITIALIZE:
            self._initialize_received = True
        self.handle_message(message)

    def report_fault(self, text: str, parse_error: bool) -> None:
        """A framing fault (framing.py): logged; a body that was not JSON gets ParseError."""
        log.error("JSON-RPC stream: %s", text)
        if parse_error:
            self._send_error(None, JsonRpcParseError(text))

    def _send_error(self, msg_id: Any, error: JsonRpcException) -> None:
        if msg_id is not None and not isinstance(msg_id, int | str):
            msg_id = None
        response = error.to_response_error()
        self._send_data(
            {
                "jsonrpc": "2.0",
                "id": msg_id,
                "error": {"code": response.code, "message": response.message},
            }
        )

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Callable[..., Any],
        callback: Callable[[Future[Any]], None],
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        # pygls 2 files a generator handler's future under a fresh id and only a
        # request's response removes it: every notification handled by a
        # generator (our didOpen/didChange/didClose overrides) left one behind,
        # ~1.5 KB per keystroke. Forget each future once it is done, from the
        # loop (callbacks run inside `shutdown`'s walk over these futures, or in
        # worker threads).
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a handler run directly): nothing walks the futures
            future.add_done_callback(lambda done: self._forget(msg_id, done))
            return
        future.add_done_callback(lambda done: self._forget_later(loop, msg_id, done))

    def _forget_later(self, loop: asyncio.AbstractEventLoop, msg_id: Any, done: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: the session is over
            loop.call_soon_threadsafe(self._forget, msg_id, done)

    def _forget(self, msg_id: Any, done: Any) -> None:
        if self._request_futures.get(msg_id) is done:
            del self._request_futures[msg_id]

    def handle_message(self, message: Any) -> None:
        # pygls drops requests after `shutdown` silently, so the client waits forever;
        # LSP says they must fail with InvalidRequest.
        method = getattr(message, "method", None)
        msg_id = getattr(message, "id", None)
        if self._shutdown and method and msg_id is not None and method != types.EXIT:
            error = JsonRpcInvalidRequest("the server is shut down").to_response_error()
            self._send_response(msg_id, None, error)
            return
        super().handle_message(message)

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(
        self, params: types.InitializeParams
    ) -> Generator[Any, Any, types.InitializeResult]:
        general = params.capabilities.general
        if general is not None and general.position_encodings:
            offered = list(general.position_encodings)
            general.position_encodings = sorted(
                offered,
                key=lambda e: _PREFERENCE.index(e) if e in _PREFERENCE else len(_PREFERENCE),
            )
        return (yield from super().lsp_initialize(params))

    def _user(self, method: str, params: Any) -> Generator[Any, Any, None]:
        handler = self.fm.features.get(method)
        if handler is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: types.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user(types.TEXT_DOCUMENT_DID_CLOSE, params)
