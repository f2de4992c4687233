"""The project index: every file's summary, and effects propagated through calls.

It is a dict of per-file summaries; replacing one file's summary is a dict update
plus a re-link of that file's functions, and the propagated answers (memoised)
are dropped only when some summary really changed.

Propagation is a breadth-first search over resolved call edges from the called
function to the nearest function that performs the effect itself, so recursion
and cycles end (each function is visited once) and the chain found is a shortest
one. Calls that resolve to nothing in the index (library code, dynamic calls,
function values) contribute nothing.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from elixir_perf_lsp.project.summary import (
    CallRef,
    Effect,
    FileSummary,
    FunctionSummary,
    Key,
)


@dataclass(frozen=True)
class Chain:
    """`functions[0]` calls `functions[1]` … whose last performs `effect`."""

    functions: tuple[Key, ...]
    effect: Effect


class ProjectIndex:
    def __init__(self) -> None:
        self.files: dict[str, FileSummary] = {}
        self._functions: dict[Key, FunctionSummary] = {}
        self._owner: dict[Key, str] = {}
        self._defined_in: dict[Key, list[str]] = {}
        self._chains: dict[tuple[Key, str], Chain | None] = {}
        # Bumped whenever what a summary says changes (not where it says it): lets
        # callers tell whether their findings across modules may be stale.
        self.generation = 0

    def update(self, summary: FileSummary) -> bool:
        """Put `summary` in place of its file's previous one; whether what it says
        changed (effects or calls; a moved call only refreshes its location)."""
        previous = self.files.get(summary.path)
        if previous == summary:
            return False
        moved_only = previous is not None and previous.shape() == summary.shape()
        if previous is not None:
            self._unlink(previous)
            del self.files[summary.path]
        self.files[summary.path] = summary
        for key, function in summary.functions.items():
            self._functions[key] = function
            self._owner[key] = summary.path
            self._defined_in.setdefault(key, []).append(summary.path)
        self._chains.clear()
        if moved_only:
            return False
        self.generation += 1
        return True

    def remove(self, path: str) -> bool:
        previous = self.files.get(path)
        if previous is None:
            return False
        self._unlink(previous)
        del self.files[path]
        self._chains.clear()
        self.generation += 1
        return True

    def _unlink(self, summary: FileSummary) -> None:
        for key in summary.functions:
            paths = self._defined_in.get(key, [])
            if summary.path in paths:
                paths.remove(summary.path)
            if self._owner.get(key) != summary.path:
                continue
            del self._functions[key]
            del self._owner[key]
            # A key defined in two files (a stale copy, a module split by mistake)
            # falls back to the other file's definition.
            if paths:
                self._owner[key] = paths[-1]
                self._functions[key] = self.files[paths[-1]].functions[key]

    def resolve(self, ref: CallRef) -> FunctionSummary | None:
        for module in ref.modules:
            found = self._functions.get((module, ref.name, ref.arity))
            if found is not None:
                return found
        return None

    def path_of(self, key: Key) -> str | None:
        return self._owner.get(key)

    def chain(self, key: Key, kind: str) -> Chain | None:
        """The shortest call chain from `key` to a function performing `kind` itself."""
        memo_key = (key, kind)
        if memo_key in self._chains:
            return self._chains[memo_key]
        found = self._search(key, kind)
        self._chains[memo_key] = found
        return found

    def _search(self, start: Key, kind: str) -> Chain | None:
        if start not in self._functions:
            return None
        came_from: dict[Key, Key | None] = {start: None}
        queue = deque([start])
        while queue:
            key = queue.popleft()
            function = self._functions[key]
            effect = next((e for e in function.effects if e.kind == kind), None)
            if effect is not None:
                path: list[Key] = []
                at: Key | None = key
                while at is not None:
                    path.append(at)
                    at = came_from[at]
                return Chain(tuple(reversed(path)), effect)
            for ref in function.calls:
                callee = self.resolve(ref)
                if callee is not None and callee.key not in came_from:
                    came_from[callee.key] = key
                    queue.append(callee.key)
        return None

    def __len__(self) -> int:
        return len(self.files)
