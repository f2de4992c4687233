"""A server's state outside the documents (those are `session.py`'s): the tasks it
runs in the background and what the workspace scan found.

One per server, made with it (`app.py`): two servers in one process (the tests run
several) share nothing. No module in `server/` keeps state of its own.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types


@dataclass
class ScannedFile:
    path: Path
    stamp: tuple[int, int]  # (mtime_ns, size) when analysed
    diagnostics: list[types.Diagnostic]
    result_id: str


@dataclass
class WorkspaceState:
    """The workspace scan (`workspace.py`)."""

    files: dict[str, ScannedFile] = field(default_factory=dict)
    # URIs whose scan findings were published (push model), so they can be cleared.
    published: set[str] = field(default_factory=set)
    task: asyncio.Task[None] | None = None


@dataclass
class ServerState:
    # The debounced lint waiting or running for each buffer (`linting.py`).
    lints: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    workspace: WorkspaceState = field(default_factory=WorkspaceState)
    # The background build of the project index (`project.py`): at most one per server.
    indexing: asyncio.Task[None] | None = None
    # Project index updates from disk in flight (kept referenced so they are not collected).
    index_updates: set[asyncio.Task[None]] = field(default_factory=set)
    # Numbers for this server's `$/progress` tokens (`progress.py`).
    progress_tokens: Iterator[int] = field(default_factory=lambda: itertools.count(1))
