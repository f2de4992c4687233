"""A minimal LSP client over stdio for the benchmarks (pygls's client)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ELIXIR_SOURCES = Path("/work/corpus/elixir-lang+elixir/lib/elixir/lib")


def capabilities() -> types.ClientCapabilities:
    return types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            diagnostic=types.DiagnosticClientCapabilities(),
        ),
    )


async def start_server() -> tuple[LanguageClient, float]:
    """Spawn `elixir-perf-lsp serve`; return the client and spawn→initialize seconds."""
    client = LanguageClient("elixir-perf-bench", "0")
    began = time.perf_counter()
    await client.start_io(sys.executable, "-m", "elixir_perf_lsp", "serve")
    await client.initialize_async(types.InitializeParams(capabilities=capabilities()))
    elapsed = time.perf_counter() - began
    client.initialized(types.InitializedParams())
    return client, elapsed


async def stop_server(client: LanguageClient) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def open_document(client: LanguageClient, uri: str, text: str) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="elixir", version=1, text=text
            )
        )
    )


def large_real_file(min_lines: int = 10_000) -> tuple[str, str]:
    """About 10k lines of real Elixir (enum.ex + kernel.ex), or generated code as a fallback."""
    parts = [ELIXIR_SOURCES / "enum.ex", ELIXIR_SOURCES / "kernel.ex"]
    if all(p.is_file() for p in parts):
        text = "\n".join(p.read_text(encoding="utf-8") for p in parts)
        return text, "elixir-lang/elixir lib/elixir/lib/enum.ex + kernel.ex"
    return generated_module(min_lines), "generated"


def generated_module(lines: int) -> str:
    body = []
    i = 0
    while len(body) < lines:
        body += [
            f"  def f{i}(items) when length(items) > 0 do",
            f"    Enum.reduce(items, [], fn x, acc -> acc ++ [x * {i}] end)",
            "  end",
            "",
        ]
        i += 1
    return "defmodule Generated do\n" + "\n".join(body) + "\nend\n"
