"""What the server knows between messages: open documents, settings, analyses."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

from pygls.uris import to_fs_path

from elixir_perf_lsp.config import ConfigError, Resolved, merge, resolve_for_file
from elixir_perf_lsp.document import Document
from elixir_perf_lsp.engine import Analysis, Options, analyze
from elixir_perf_lsp.engine.incremental import reanalyze
from elixir_perf_lsp.engine.limits import too_large
from elixir_perf_lsp.positions import Encoding
from elixir_perf_lsp.project.build import index_key
from elixir_perf_lsp.project.index import ProjectIndex
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

    def open(self, uri: str, text: str, version: int | None) -> Document:
        from elixir_perf_lsp.positions import encode

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
        self._failed_rules.pop(uri, None)
        self._seen_generation.pop(uri, None)
        self.documents.pop(uri, None)
        self._analyses.pop(uri, None)
        self._recent.pop(uri, None)

    def stale(self) -> list[Document]:
        """Open documents whose last analysis saw an older project index."""
        generation = self.project.generation if self.project is not None else -1
        return [
            doc
            for uri, doc in self.documents.items()
            if uri in self._analyses and self._seen_generation.get(uri, -1) != generation
        ]

    def invalidate(self) -> None:
        """Settings changed: every analysis must be redone."""
        self._analyses.clear()
        self.generation += 1

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

    def analysis(self, doc: Document) -> Analysis:
        cached = self._analyses.get(doc.uri)
        generation = self.project.generation if self.project is not None else -1
        if (
            cached is not None
            and cached[0] == doc.version
            and self._seen_generation.get(doc.uri, -1) == generation
        ):
            return cached[1]
        self.touch(doc)
        pending, doc.pending = doc.pending, None
        reason = too_large(doc.source)
        if not self.settings.enable:
            result = Analysis([])
        elif reason is not None:
            # Checked before touching the tree: a 10 MB buffer is never parsed.
            result = Analysis([], skipped=reason)
        else:
            options = self._options_for(doc.uri)
            previous = cached[1] if cached is not None else None
            path = project_path(doc.uri)
            project = self.project if path else None  # an untitled buffer is no module of it
            if previous is not None and pending is not None and previous.skipped is None:
                result = reanalyze(previous, doc.source, doc.tree, pending, options, project, path)
            else:
                result = analyze(doc.source, doc.tree, options, project, path)
        self._note(doc, result)
        self._analyses[doc.uri] = (doc.version, result)
        # After the analysis: it put this buffer's own summary in the index.
        self._seen_generation[doc.uri] = self.project.generation if self.project is not None else -1
        return result

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
