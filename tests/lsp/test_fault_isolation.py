"""A rule that raises is disabled for that document, once, and the others still report."""

from __future__ import annotations

import sys

from .jsonrpc import RawServer

URI = "file:///faulty/a.ex"
TEXT = "def f(xs) when length(xs) == 0, do: 1\ndef a(xs), do: length(xs) == 0\n"


def test_a_raising_rule_is_disabled_for_the_document_with_one_message() -> None:
    raw = RawServer([sys.executable, "-m", "tests.lsp.faulty_server"])
    raw.initialize()
    raw.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": URI, "languageId": "elixir", "version": 1, "text": TEXT}},
    )
    first = raw.request("textDocument/diagnostic", {"textDocument": {"uri": URI}})
    assert [d["code"] for d in first["result"]["items"]] == ["EP102"]
    for version in range(2, 5):
        raw.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": URI, "version": version},
                "contentChanges": [{"text": TEXT + "\n" * version}],
            },
        )
        again = raw.request("textDocument/diagnostic", {"textDocument": {"uri": URI}})
        assert [d["code"] for d in again["result"]["items"]] == ["EP102"]
    shown = [
        n["params"]["message"] for n in raw.notifications if n["method"] == "window/showMessage"
    ]
    assert len(shown) == 1
    assert "EP101" in shown[0] and "disabled for this file" in shown[0]
    assert raw.close() == 0
