"""What the server knows between messages: open documents, settings, analyses."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

from pygls.uris import to_fs_path

from elixir_perf_lsp import syntax
from elixir_perf_lsp.config import ConfigError, Resolved, merge, resolve_for_file
from elixir_perf_lsp.document import ByteEdit, Document
from elixir_perf_lsp.engine import Analysis, Options, analyze
from elixir_perf_lsp.engine.analyze import compile_all_rules
from elixir_perf_lsp.engine.incremental import reanalyze
from elixir_perf_lsp.engine.limits import too_large
from elixir_perf_lsp.positions import Encoding, encode
from elixir_perf_lsp.project.build import index_key
from elixir_perf_lsp.project.index import IndexView, ProjectIndex
from elixir_perf_lsp.server.settings import EditorSettings

log = logging.getLogger(__name__)

# Source bytes of the buffers whose trees stay in memory (trees take ~20x that).
TREE_BUDGET_BYTES = 2 * 1024 * 1024


def project_path(uri: str) -> str:
    """How the project index names the file behind `uri` ("" when it has none)."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return index_key(path) if path else ""


@dataclass
class Session:
    encoding: Encoding = Encoding.UTF16
    settings: EditorSettings = field(default_factory=EditorSettings)
    workspace_root: Path | None = None
    pull_diagnostics: bool = False
    versioned_edits: bool = False
    documents: dict[str, Document] = field(default_factory=dict)
    # Documents holding a parsed tree, least recently used first.
    _recent: OrderedDict[str, None] = field(default_factory=OrderedDict)
    _analyses: dict[str, tuple[int | None, Analysis]] = field(default_factory=dict)
    # The project index once built in the background (server/project.py), and the
    # index generation each cached analysis saw: findings across modules go stale
    # when another file's summary changes.
    project: ProjectIndex | None = None
    _seen_generation: dict[str, int] = field(default_factory=dict)
    _reported_errors: set[str] = field(default_factory=set)
    # User-visible messages not yet shown: (level, text), level "error" or "warning".
    pending_messages: list[tuple[str, str]] = field(default_factory=list)
    # Rules that raised on a document stay off for it (one message, not one per keystroke).
    _failed_rules: dict[str, set[str]] = field(default_factory=dict)
    # Bumped when settings change, so pull clients see new result ids.
    generation: int = 0
    # One analysis at a time per document (see `analysis`).
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    # The query for every rule, compiled once the first diagnostics are out.
    _all_rules_compiled: asyncio.TimerHandle | None = None

    def open(self, uri: str, text: str, version: int | None) -> Document:
        doc = Document(uri, encode(text), version, self.encoding)
        self.documents[uri] = doc
        self._analyses.pop(uri, None)
        self.touch(doc)
        return doc

    def touch(self, doc: Document) -> None:
        """Mark `doc` as in use; drop the trees of the least recently used buffers.

        Trees are ~20x their source in memory. Keeping them only for recently
        used buffers bounds memory with hundreds of open files, at the cost of one
        full parse (a few ms for 1k lines) when an idle buffer is touched again.
        """
        self._recent.pop(doc.uri, None)
        self._recent[doc.uri] = None
        budget = TREE_BUDGET_BYTES
        for uri in reversed(list(self._recent)):
            other = self.documents.get(uri)
            if other is None:
                del self._recent[uri]
                continue
            if budget <= 0 and other is not doc:
                other.drop_tree()
                del self._recent[uri]
                continue
            budget -= len(other.source)

    def close(self, uri: str) -> None:
        self._locks.pop(uri, None)
        self._failed_rules.pop(uri, None)
        self._seen_generation.pop(uri, None)
        self.documents.pop(uri, None)
        self._analyses.pop(uri, None)
        self._recent.pop(uri, None)

    def stale(self) -> list[Document]:
        """Open documents whose last analysis saw an older project index."""
        return [
            doc
            for uri, doc in self.documents.items()
            if uri in self._analyses and not self.current(uri)
        ]

    def invalidate(self) -> None:
        """Settings changed: every analysis must be redone."""
        self._analyses.clear()
        self.generation += 1

    def config_changed(self) -> None:
        """A configuration file changed on disk: analyses are redone, and its
        errors shown again (the user may have broken it the same way twice)."""
        self.invalidate()
        self._reported_errors.clear()

    def resolve(self, uri: str) -> Resolved:
        path_text = to_fs_path(uri) if uri.startswith("file:") else None
        if path_text is None:
            return merge([self.settings.layer])
        try:
            return resolve_for_file(
                Path(path_text),
                editor=self.settings.layer,
                config_override=self.settings.config_file,
                base=self.workspace_root,
            )
        except ConfigError as exc:
            self.report_error(f"elixir-perf: {exc}; using defaults until it is fixed")
            return merge([self.settings.layer])

    def report_error(self, message: str, level: str = "error") -> None:
        """Queue a user-visible message, once per distinct text."""
        if message not in self._reported_errors:
            self._reported_errors.add(message)
            self.pending_messages.append((level, message))

    def current(self, uri: str) -> bool:
        """Whether `uri`'s last analysis saw the project index as it is now."""
        generation = self.project.generation if self.project is not None else -1
        return self._seen_generation.get(uri, -1) == generation

    async def analysis(self, doc: Document) -> Analysis:
        """`doc`'s analysis at its current version, computed off the event loop.

        A slow buffer (up to the time budget) then never holds up requests on
        other buffers. Analyses of one buffer run one at a time, in order, each
        reusing the last (incremental analysis needs the edits since it). The
        worker reads a read-only view of the project index; the buffer's summary
        it returns is put in the index here, on the event loop.
        """
        lock = self._locks.setdefault(doc.uri, asyncio.Lock())
        async with lock:
            redone = False
            while True:
                cached = self._analyses.get(doc.uri)
                if (
                    cached is not None
                    and cached[0] == doc.version
                    and (redone or self.current(doc.uri))
                ):
                    return cached[1]
                job = self._job(doc, cached[1] if cached is not None else None)
                started = time.perf_counter()
                result = await asyncio.to_thread(job.run)
                log.debug(
                    "analysed %s version %s: %d findings in %.1f ms",
                    doc.uri,
                    job.version,
                    len(result.findings),
                    (time.perf_counter() - started) * 1000,
                )
                if self.documents.get(doc.uri) is not doc:
                    return result  # closed meanwhile: nothing to keep
                if doc.source is job.source and not doc.has_tree and job.tree is not None:
                    doc.adopt_tree(job.tree)
                self._note(doc, result)
                self._analyses[doc.uri] = (job.version, result)
                self._seen_generation[doc.uri] = self._index_summary(doc, job, result)
                redone = True
                if self._all_rules_compiled is None:
                    self._all_rules_compiled = asyncio.get_running_loop().call_later(
                        COMPILE_ALL_AFTER_SECONDS, _compile_all_rules_off_loop
                    )
                # Edited while we worked: go again, incrementally, from this result.

    def _index_summary(self, doc: Document, job: _Job, result: Analysis) -> int:
        """Put the buffer's summary in the index (the buffer wins over its disk copy);
        the index generation the analysis is current with."""
        seen = job.generation
        index = self.project
        if index is None or not job.path or result.summary is None or doc.source is not job.source:
            return seen  # an older text's summary: the analysis of the newer one will do
        current = index.generation == job.generation  # nothing else changed meanwhile
        index.update(result.summary)
        return index.generation if current else seen

    def _job(self, doc: Document, previous: Analysis | None) -> _Job:
        """A snapshot of what analysing `doc` needs; taken on the event loop."""
        self.touch(doc)
        pending, doc.pending = doc.pending, None
        reason = too_large(doc.source)
        options = self._options_for(doc.uri) if self.settings.enable and not reason else None
        path = project_path(doc.uri)
        view = self.project_view(doc.uri)
        return _Job(
            doc.source,
            # A copy: the buffer's own tree is edited in place by the next change.
            doc.tree_if_parsed(copy=True) if options is not None else None,
            pending,
            previous,
            options,
            reason if self.settings.enable else None,
            doc.version,
            path,
            view,
            view.generation if view is not None else -1,
        )

    def project_view(self, uri: str) -> IndexView | None:
        """The project index as it is now, for analysing `uri` (None before it is
        built, and for an untitled buffer, which is no module of the project)."""
        return self.project.view() if self.project is not None and project_path(uri) else None

    def _options_for(self, uri: str) -> Options:
        options = self.resolve(uri).options
        failed = self._failed_rules.get(uri)
        if not failed:
            return options
        selection = replace(options.selection, ignore=(*options.selection.ignore, *sorted(failed)))
        return replace(options, selection=selection)

    def _note(self, doc: Document, result: Analysis) -> None:
        name = doc.uri.rsplit("/", 1)[-1]
        if result.skipped is not None:
            self.report_error(f"elixir-perf: {name}: {result.skipped}", "warning")
        if result.failed_rules:
            self._failed_rules.setdefault(doc.uri, set()).update(result.failed_rules)
        for message in result.rule_errors:
            if message != result.skipped:
                self.report_error(f"elixir-perf: {name}: {message}; disabled for this file")


# The first file compiles only the rules it can match; typing `Repo` later must
# not pay a compile on that keystroke, so every rule is compiled soon after. Not at
# once: compiling holds the GIL (~0.1 s), which would delay sending the first
# diagnostics.
COMPILE_ALL_AFTER_SECONDS = 1.0


def _compile_all_rules_off_loop() -> None:
    asyncio.get_running_loop().run_in_executor(None, compile_all_rules)


@dataclass
class _Job:
    """One analysis, run in a worker thread on a snapshot of a document."""

    source: bytes
    tree: syntax.Tree | None  # None: parse it here, off the event loop
    pending: ByteEdit | None  # edits since `previous`
    previous: Analysis | None
    options: Options | None  # None: not analysed (disabled, or `skipped` says why)
    skipped: str | None
    version: int | None
    path: str  # the file as the project index names it ("" when none)
    project: IndexView | None  # read-only: the worker never changes the index
    generation: int  # the index generation `project` shows (-1: no index)

    def run(self) -> Analysis:
        if self.options is None:
            # Checked before any parse: a 10 MB buffer is never parsed.
            return Analysis([], skipped=self.skipped)
        if self.tree is None:
            self.tree = syntax.parse(self.source)
        previous = self.previous
        if previous is not None and self.pending is not None and previous.skipped is None:
            return reanalyze(
                previous,
                self.source,
                self.tree,
                self.pending,
                self.options,
                self.project,
                self.path,
            )
        return analyze(self.source, self.tree, self.options, self.project, self.path)
