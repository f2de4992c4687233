"""pygls protocol tweaks: our own document store and the encoding we prefer.

pygls keeps its own copy of every document and applies changes to it before our
handlers run. We keep bytes + tree ourselves (DESIGN 6), so pygls's copy would be
a second copy of every buffer and a second place to crash on a bad range: these
overrides skip it and hand the notifications straight to our handlers.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol, lsp_method

# DESIGN 3.3: take utf-8 or utf-32 when the client offers them, else utf-16.
_PREFERENCE = (
    types.PositionEncodingKind.Utf8,
    types.PositionEncodingKind.Utf32,
    types.PositionEncodingKind.Utf16,
)


class ElixirPerfProtocol(LanguageServerProtocol):
    @property
    def shut_down(self) -> bool:
        return bool(self._shutdown)

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
