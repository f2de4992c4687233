"""One file's contribution to the project index: its functions and what they do.

`summarise` reads a parsed file in one query pass (tree-sitter walks it in C) and
returns, per function (module, name, arity), the costly effects its body performs
itself (database reads and writes through a repo, appending file writes, HTTP
requests) and the project functions it calls, with module names resolved through
`alias`, `import` and `__MODULE__`. Propagation through the call graph is the
index's job (`project.index`); a summary depends on its own file only, so an edit
re-summarises one file.

Not effects: a repo call inside `Repo.transaction(...)` or an `Ecto.Multi` call
(the work is wrapped in one transaction), and the batch writes `insert_all`,
`update_all`, `delete_all` (one statement for many rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from elixir_perf_lsp import syntax
from elixir_perf_lsp.analysis.ecto import is_repo_module, repo_call
from elixir_perf_lsp.analysis.nodes import (
    DEF_KEYWORDS,
    Definition,
    call_args,
    call_name,
    capture_of,
    effective_args,
    int_value,
    keyword_value,
    operator,
    pipe_source,
    text,
)
from elixir_perf_lsp.engine.model import Place
from elixir_perf_lsp.syntax import Node

EffectKind = Literal["db_write", "db_read", "file_append", "http"]
Key = tuple[str, str, int]  # (module, function, arity)

DB_WRITES = frozenset(
    {
        "insert",
        "insert!",
        "update",
        "update!",
        "delete",
        "delete!",
        "insert_or_update",
        "insert_or_update!",
    }
)
DB_READS = frozenset(
    {
        "get",
        "get!",
        "get_by",
        "get_by!",
        "one",
        "one!",
        "all",
        "preload",
        "exists?",
        "aggregate",
        "reload",
        "reload!",
    }
)
_HTTP_VERBS = frozenset(
    f"{verb}{bang}"
    for verb in ("get", "post", "put", "patch", "delete", "head", "options", "request", "run")
    for bang in ("", "!")
)
_HTTP: dict[str, frozenset[str]] = {
    "Req": _HTTP_VERBS,
    "HTTPoison": _HTTP_VERBS,
    "Tesla": _HTTP_VERBS,
    "Finch": frozenset({"request", "request!", "stream", "stream_while"}),
    ":httpc": frozenset({"request"}),
    "Mint.HTTP": frozenset({"request"}),
    "Mint.HTTP1": frozenset({"request"}),
    "Mint.HTTP2": frozenset({"request"}),
}
# Calls whose arguments run once, inside one transaction.
_TRANSACTION = frozenset({"transaction", "transact"})
# Unqualified names that are never project functions: not worth a call edge.
_NOT_CALLS = frozenset(
    {
        *DEF_KEYWORDS,
        "defmodule",
        "defdelegate",
        "defstruct",
        "defimpl",
        "defprotocol",
        "defguard",
        "defguardp",
        "alias",
        "import",
        "require",
        "use",
        "if",
        "unless",
        "case",
        "cond",
        "with",
        "for",
        "fn",
        "receive",
        "try",
        "raise",
        "reraise",
        "quote",
        "unquote",
        "super",
        "send",
        "throw",
        "is_nil",
        "is_map",
        "is_list",
        "is_binary",
        "is_atom",
        "is_integer",
        "to_string",
        "elem",
        "length",
        "map_size",
        "inspect",
        "from",
    }
)


# Library modules whose functions are neither project functions nor effects.
_LIBRARY = frozenset(
    {
        "Enum",
        "Map",
        "List",
        "Keyword",
        "String",
        "Integer",
        "Float",
        "Kernel",
        "Stream",
        "MapSet",
        "Tuple",
        "Atom",
        "Access",
        "Path",
        "IO",
        "Logger",
        "DateTime",
        "NaiveDateTime",
        "Date",
        "Time",
        "Decimal",
        "Jason",
        "Ecto.Changeset",
        "Ecto.Query",
        "Plug.Conn",
        "Phoenix.Controller",
        "Phoenix.LiveView",
        "Phoenix.Component",
        "Process",
        "GenServer",
        "Application",
        "System",
        "Base",
        "URI",
        "Regex",
        ":erlang",
        ":lists",
        ":maps",
        ":ets",
    }
)


@dataclass(frozen=True, slots=True)
class Effect:
    kind: EffectKind
    label: str  # how the message names it: "Repo.get!/2"
    place: Place


@dataclass(frozen=True, slots=True)
class CallRef:
    """A call to `name/arity` in the first of `modules` that defines it."""

    modules: tuple[str, ...]
    name: str
    arity: int


@dataclass(slots=True)
class FunctionSummary:
    key: Key
    effects: list[Effect] = field(default_factory=list)
    calls: list[CallRef] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CallSite:
    """A call in the analysed file to a function that may be a project one."""

    start: int  # what a finding covers: the call, or the whole capture
    end: int
    call_start: int  # the call or captured name, for asking which loop runs it
    call_end: int
    caller: Key
    ref: CallRef
    # In a clause that calls a function of its own name: recursion may make it a loop.
    in_recursive: bool = False


@dataclass(slots=True)
class FileSummary:
    path: str
    functions: dict[Key, FunctionSummary] = field(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FileSummary)
            and self.path == other.path
            and self.functions == other.functions
        )

    def shape(self) -> frozenset[tuple[Key, tuple[tuple[str, str], ...], tuple[CallRef, ...]]]:
        """What callers' findings depend on: effects and calls, not where they are
        written (an edit above a function moves its effects without changing them)."""
        return frozenset(
            (key, tuple((e.kind, e.label) for e in f.effects), tuple(f.calls))
            for key, f in self.functions.items()
        )


_QUERY = """
(call target: (identifier) @local) @call
(call target: (dot left: [(alias) (atom) (identifier)] @module right: (identifier) @name)) @call
(unary_operator operand: (binary_operator left: (identifier) @captured right: (integer))) @capture
"""


@cache
def _query() -> syntax.Query:
    return syntax.compile_query(_QUERY)


@dataclass
class _Module:
    name: str  # "" for defimpl/defprotocol bodies: dispatched, never called by name
    parent: _Module | None
    aliases: dict[str, str] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)
    _context: tuple[object, ...] | None = None

    def expand(self, written: str) -> str | None:
        """The full module name `written` refers to here."""
        if written.startswith("__MODULE__"):
            return (self.name + written[len("__MODULE__") :]) if self.name else None
        if written.startswith(":") or not written[:1].isupper():
            return None
        first, dot, rest = written.partition(".")
        scope: _Module | None = self
        while scope is not None:
            if first in scope.aliases:
                return scope.aliases[first] + dot + rest
            scope = scope.parent
        return written.removeprefix("Elixir.")

    def candidates(self) -> tuple[str, ...]:
        out = [self.name] if self.name else []
        scope: _Module | None = self
        while scope is not None:
            out.extend(scope.imports)
            scope = scope.parent
        return tuple(out)

    def context(self) -> tuple[object, ...]:
        """Everything a function's summary depends on besides its own text."""
        if self._context is None:
            chain: list[_Module] = []
            scope: _Module | None = self
            while scope is not None:
                chain.append(scope)
                scope = scope.parent
            aliases: dict[str, str] = {}
            for outer in reversed(chain):
                aliases.update(outer.aliases)
            self._context = (self.name, tuple(sorted(aliases.items())), self.candidates())
        return self._context


# --- one function clause, summarised alone and cached -------------------------------


@dataclass(frozen=True, slots=True)
class _RelativeEffect:
    kind: EffectKind
    label: str
    row: int  # rows below the clause's first row
    start_column: int
    end_column: int
    line: bytes


@dataclass(frozen=True, slots=True)
class _Clause:
    """A clause's summary with positions relative to its start, so an edit
    elsewhere in the file (which moves it) reuses it as it is."""

    keys: tuple[Key, ...]
    delegate: CallRef | None
    effects: tuple[_RelativeEffect, ...]
    calls: tuple[CallRef, ...]
    # (start, end, call start, call end, ref), byte offsets from the clause start.
    sites: tuple[tuple[int, int, int, int, CallRef], ...]
    recursive: bool = False


# Clause summaries by (clause text, its first column, module context). A keystroke
# re-summarises the clause it touched; the rest of the file comes from here.
_CACHE: dict[tuple[bytes, int, tuple[object, ...]], _Clause | None] = {}
_CACHE_LIMIT = 50_000


def summarise(path: str, source: bytes, root: Node) -> FileSummary:
    return summarise_with_sites(path, source, root)[0]


def summarise_with_sites(
    path: str, source: bytes, root: Node
) -> tuple[FileSummary, list[CallSite]]:
    """The summary, and every call site that may reach a project function (for the
    loop checks of the file being analysed)."""
    summary = FileSummary(path)
    sites: list[CallSite] = []
    for form, module in _forms(root):
        key = (source[form.start_byte : form.end_byte], form.start_point[1], module.context())
        if key in _CACHE:
            clause = _CACHE[key]
        else:
            if len(_CACHE) >= _CACHE_LIMIT:
                _CACHE.clear()
            clause = _CACHE[key] = _summarise_clause(form, module, source)
        if clause is not None:
            _add(summary, sites, clause, form, path)
    return summary, sites


def _add(
    summary: FileSummary, sites: list[CallSite], clause: _Clause, form: Node, path: str
) -> None:
    function = summary.functions.get(clause.keys[-1])
    if function is None:
        function = FunctionSummary(clause.keys[-1])
        for key in clause.keys:
            summary.functions[key] = function
    row, base = form.start_point[0], form.start_byte
    function.effects.extend(
        Effect(e.kind, e.label, Place(path, row + e.row, e.start_column, e.end_column, e.line))
        for e in clause.effects
    )
    for ref in clause.calls:
        if ref not in function.calls:
            function.calls.append(ref)
    sites.extend(
        CallSite(base + s, base + e, base + cs, base + ce, function.key, ref, clause.recursive)
        for s, e, cs, ce, ref in clause.sites
    )


_MODULES = frozenset({b"defmodule", b"defimpl", b"defprotocol"})
_DEFINITIONS = frozenset({b"def", b"defp", b"defdelegate"})


def _forms(root: Node) -> list[tuple[Node, _Module]]:
    """Every `def`/`defp`/`defdelegate` clause directly in a module body, with its
    module (aliases and imports collected module-wide first)."""
    forms: list[tuple[Node, _Module]] = []
    top = _Module("", None)
    stack: list[tuple[list[Node], _Module]] = [(list(root.children), top)]
    while stack:
        nodes, module = stack.pop()
        for node in nodes:
            if node.type == "ERROR":
                stack.append((list(node.children), module))
                continue
            if node.type != "call":
                continue
            target = node.child(0)
            word = target.text if target is not None and target.type == "identifier" else None
            if word in _MODULES:
                inner = _module_of(node, module, word == b"defmodule")
                body = node.child(node.child_count - 1)
                if body is not None and body.type == "do_block":
                    stack.append((list(body.children), inner))
            elif word in (b"alias", b"import"):
                _alias_or_import(node, module, word == b"alias")
            elif word in _DEFINITIONS and module.name:
                forms.append((node, module))
    return forms


def _module_of(call: Node, parent: _Module, named: bool) -> _Module:
    args = call_args(call)
    if not named or not args or args[0].type != "alias":
        return _Module("", parent)  # protocol bodies are dispatched, never called by name
    written = text(args[0])
    if parent.name:
        # A nested module is reachable by its short name from its parent.
        first = written.split(".")[0]
        parent.aliases[first] = f"{parent.name}.{first}"
        parent._context = None
        return _Module(f"{parent.name}.{written}", parent)
    return _Module(written, parent)


def _alias_or_import(call: Node, module: _Module, is_alias: bool) -> None:
    args = call_args(call)
    if not args:
        return
    target = args[0]
    module._context = None
    if not is_alias:
        full = module.expand(text(target))
        if full is not None:
            module.imports.append(full)
        return
    if target.type == "dot" and (right := target.child_by_field_name("right")) is not None:
        left = target.child_by_field_name("left")
        prefix = module.expand(text(left)) if left is not None else None
        if right.type == "tuple" and prefix is not None:
            for item in right.named_children:
                if item.type == "alias":
                    written = text(item)
                    module.aliases[written.split(".")[-1]] = f"{prefix}.{written}"
            return
    full = module.expand(text(target))
    if full is None:
        return
    short = full.rsplit(".", 1)[-1]
    if len(args) > 1 and args[1].type == "keywords":
        renamed = keyword_value(args[1], "as")
        if renamed is not None:
            short = text(renamed)
    module.aliases[short] = full


def _summarise_clause(form: Node, module: _Module, source: bytes) -> _Clause | None:
    keyword = call_name(form)[1]
    if keyword == "defdelegate":
        return _delegate(form, module)
    definition = Definition(form)
    if not definition.name:
        return None
    keys = _keys(module.name, definition.name, definition.params)
    body = definition.body
    if body is None:
        return _Clause(keys, None, (), (), ())
    return _ClauseReader(form, body, module, source, keys).read()


def _keys(module: str, name: str, params: list[Node]) -> tuple[Key, ...]:
    defaults = sum(1 for p in params if p.type == "binary_operator" and operator(p) == "\\\\")
    return tuple((module, name, n) for n in range(len(params) - defaults, len(params) + 1))


def _delegate(form: Node, module: _Module) -> _Clause | None:
    args = call_args(form)
    head = args[0] if args else None
    if head is None or head.type != "call":
        return None
    name = call_name(head)[1]
    params = call_args(head)
    options = args[1] if len(args) > 1 and args[1].type == "keywords" else None
    target = keyword_value(options, "to") if options is not None else None
    full = module.expand(text(target)) if target is not None else None
    renamed = keyword_value(options, "as") if options is not None else None
    ref = None
    if full is not None:
        as_name = text(renamed).lstrip(":") if renamed is not None else name
        ref = CallRef((full,), as_name, len(params))
    return _Clause(_keys(module.name, name, params), ref, (), (ref,) if ref else (), ())


class _ClauseReader:
    """Reads one clause body: its effects, the project calls it makes, its call sites."""

    def __init__(
        self, form: Node, body: Node, module: _Module, source: bytes, keys: tuple[Key, ...]
    ) -> None:
        self.form, self.body, self.module, self.source, self.keys = form, body, module, source, keys
        self.effects: list[_RelativeEffect] = []
        self.calls: list[CallRef] = []
        self.sites: list[tuple[int, int, int, int, CallRef]] = []
        self.recursive = False

    def read(self) -> _Clause:
        start, end = self.body.start_byte, self.body.end_byte
        for _index, captured in syntax.iter_matches(_query(), self.body, (start, end)):
            if "capture" in captured:
                node = captured["capture"][0]
                if start <= node.start_byte and node.end_byte <= end:
                    self._capture(node)
                continue
            call = captured["call"][0]
            if not (start <= call.start_byte and call.end_byte <= end):
                continue
            if "local" in captured:
                name = text(captured["local"][0])
                self.recursive = self.recursive or name == self.keys[0][1]
                self._call(call, None, name)
            else:
                self._call(call, text(captured["module"][0]), text(captured["name"][0]))
        return _Clause(
            self.keys,
            None,
            tuple(self.effects),
            tuple(self.calls),
            tuple(self.sites),
            self.recursive,
        )

    def _site(self, node: Node, call: Node, ref: CallRef) -> None:
        if ref.modules and (ref.modules[0], ref.name, ref.arity) in self.keys:
            return  # recursion adds nothing to what the function does
        if ref not in self.calls:
            self.calls.append(ref)
        base = self.form.start_byte
        self.sites.append(
            (
                node.start_byte - base,
                node.end_byte - base,
                call.start_byte - base,
                call.end_byte - base,
                ref,
            )
        )

    def _call(self, call: Node, written: str | None, name: str) -> None:
        if name in _NOT_CALLS if written is None else written in _LIBRARY:
            return  # most calls in a file: decided before any tree walking
        arity, node = self._arity(call)
        if written is None:
            self._site(node, call, CallRef(self.module.candidates(), name, arity))
            return
        full = self.module.expand(written)
        effect = self._effect(call, written, full or written, name, arity)
        if effect is not None:
            self.effects.append(effect)
        elif full is not None:
            self._site(node, call, CallRef((full,), name, arity))

    def _capture(self, capture: Node) -> None:
        if operator(capture) != "&":
            return
        operand = capture.child_by_field_name("operand")
        if operand is None or operator(operand) != "/":
            return
        left, right = operand.child_by_field_name("left"), operand.child_by_field_name("right")
        arity = int_value(right) if right is not None else None
        if left is None or arity is None:
            return
        name = text(left)
        if name not in _NOT_CALLS:
            self._site(capture, left, CallRef(self.module.candidates(), name, arity))

    @staticmethod
    def _arity(call: Node) -> tuple[int, Node]:
        """The arity called, and the node a finding covers (a capture as a whole)."""
        capture = capture_of(call)
        if capture is not None:
            return capture[1], capture[0]
        return len(call_args(call)) + (1 if pipe_source(call) is not None else 0), call

    def _effect(
        self, call: Node, written: str, full: str, name: str, arity: int
    ) -> _RelativeEffect | None:
        kind: EffectKind | None = None
        if is_repo_module(written) or is_repo_module(full):
            if name in DB_WRITES:
                kind = "db_write"
            elif name in DB_READS:
                kind = "db_read"
            if kind is not None and _in_transaction(call):
                return None
        elif full == "File" and name in ("write", "write!") and _appends(call):
            kind = "file_append"
        elif name in _HTTP.get(full, ()):
            kind = "http"
        if kind is None:
            return None
        return self._relative(kind, f"{written}.{name}/{arity}", call)

    def _relative(self, kind: EffectKind, label: str, node: Node) -> _RelativeEffect:
        row, column = node.start_point
        line_start = node.start_byte - column
        line_end = self.source.find(b"\n", line_start)
        line_end = len(self.source) if line_end < 0 else line_end
        line = self.source[line_start:line_end].rstrip(b"\r")
        end = max(column, min(node.end_byte - line_start, len(line)))
        return _RelativeEffect(kind, label, row - self.form.start_point[0], column, end, line)


def _in_transaction(call: Node) -> bool:
    node = call.parent
    while node is not None and node.type != "do_block":
        if node.type == "call":
            module, name = call_name(node)
            if module == "Ecto.Multi" or (
                module is not None and name in _TRANSACTION and repo_call(node) is not None
            ):
                return True
        node = node.parent
    return False


def _appends(call: Node) -> bool:
    args = effective_args(call)
    if len(args) != 3 or args[2].type != "list":
        return False
    return any(text(m) == ":append" for m in args[2].named_children)
