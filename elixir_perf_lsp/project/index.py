"""The project index: every file's summary, and effects propagated through calls.

It is a dict of per-file summaries (`ProjectIndex`, changed by one thread only);
replacing one file's summary is a dict update plus a re-link of that file's
functions. Analyses read an `IndexView`: a read-only copy made when asked after a
change, seen through the analysed text's own summary (`IndexView.with_file`), and
memoising the propagated answers.

Propagation is a breadth-first search over resolved call edges from the called
function to the nearest function that performs the effect itself, so recursion
and cycles end (each function is visited once) and the chain found is a shortest
one. Calls that resolve to nothing in the index (library code, dynamic calls,
function values) contribute nothing.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
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


class IndexView:
    """The index at one moment, read-only: what analyses read.

    Nothing changes it after it is made, so worker threads (the server) and worker
    processes (`check`, which pickles it) may share it; the chains it finds are
    memoised in it (a memo entry is the same whoever computes it first).
    """

    def __init__(
        self,
        files: Mapping[str, FileSummary],
        functions: Mapping[Key, FunctionSummary],
        owner: Mapping[Key, str],
        generation: int,
    ) -> None:
        self.files = files
        self._functions = functions
        self._owner = owner
        self.generation = generation
        self._chains: dict[tuple[Key, str], Chain | None] = {}

    @classmethod
    def empty(cls) -> IndexView:
        return cls({}, {}, {}, 0)

    def with_file(self, summary: FileSummary) -> IndexView:
        """This view as the text being analysed sees it: `summary` in place of what
        the view holds for its file (an open buffer wins over its disk copy)."""
        if self.files.get(summary.path) == summary:
            return self  # the usual case in `check`: the memo stays shared
        return _Overlay(self, summary)

    def function(self, key: Key) -> FunctionSummary | None:
        return self._functions.get(key)

    def path_of(self, key: Key) -> str | None:
        return self._owner.get(key)

    def resolve(self, ref: CallRef) -> FunctionSummary | None:
        for module in ref.modules:
            found = self.function((module, ref.name, ref.arity))
            if found is not None:
                return found
        return None

    def chain(self, key: Key, kind: str) -> Chain | None:
        """The shortest call chain from `key` to a function performing `kind` itself."""
        memo_key = (key, kind)
        if memo_key in self._chains:
            return self._chains[memo_key]
        found = self._search(key, kind)
        self._chains[memo_key] = found
        return found

    def _search(self, start: Key, kind: str) -> Chain | None:
        first = self.function(start)
        if first is None:
            return None
        came_from: dict[Key, Key | None] = {start: None}
        queue = deque([first])
        while queue:
            function = queue.popleft()
            effect = next((e for e in function.effects if e.kind == kind), None)
            if effect is not None:
                path: list[Key] = []
                at: Key | None = function.key
                while at is not None:
                    path.append(at)
                    at = came_from[at]
                return Chain(tuple(reversed(path)), effect)
            for ref in function.calls:
                callee = self.resolve(ref)
                if callee is not None and callee.key not in came_from:
                    came_from[callee.key] = function.key
                    queue.append(callee)
        return None

    def __len__(self) -> int:
        return len(self.files)


class _Overlay(IndexView):
    """`base` with one file's summary replaced by `own` (the buffer being analysed)."""

    def __init__(self, base: IndexView, own: FileSummary) -> None:
        files = _Files(base.files, own)
        super().__init__(files, {}, {}, base.generation)
        self._base = base
        self._own = own

    def function(self, key: Key) -> FunctionSummary | None:
        found = self._own.functions.get(key)
        if found is not None:
            return found
        if self._base.path_of(key) == self._own.path:
            return None  # deleted from the buffer since the base was made
        return self._base.function(key)

    def path_of(self, key: Key) -> str | None:
        if key in self._own.functions:
            return self._own.path
        owner = self._base.path_of(key)
        return None if owner == self._own.path else owner


class _Files(Mapping[str, FileSummary]):
    def __init__(self, base: Mapping[str, FileSummary], own: FileSummary) -> None:
        self._base, self._own = base, own

    def __getitem__(self, path: str) -> FileSummary:
        return self._own if path == self._own.path else self._base[path]

    def __iter__(self) -> Iterator[str]:
        yield from (p for p in self._base if p != self._own.path)
        yield self._own.path

    def __len__(self) -> int:
        return len(self._base) + (0 if self._own.path in self._base else 1)


class ProjectIndex:
    """The index being kept: every file's summary, updated as files change.

    Only one thread changes it (the server's event loop; `check`'s main process);
    analyses read a `view()` of it, never the index itself, so no reader sees a
    half-made update.
    """

    def __init__(self) -> None:
        self.files: dict[str, FileSummary] = {}
        self._functions: dict[Key, FunctionSummary] = {}
        self._owner: dict[Key, str] = {}
        self._defined_in: dict[Key, list[str]] = {}
        # Bumped whenever what a summary says changes (not where it says it): lets
        # callers tell whether their findings across modules may be stale.
        self.generation = 0
        self._view: IndexView | None = None

    def view(self) -> IndexView:
        """The index as it is now, read-only (copied once per change, when asked)."""
        if self._view is None:
            self._view = IndexView(
                dict(self.files), dict(self._functions), dict(self._owner), self.generation
            )
        return self._view

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
        self._view = None
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
        self._view = None
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

    def __len__(self) -> int:
        return len(self.files)
