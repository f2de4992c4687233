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

from bisect import bisect_right
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

    node: Node  # what a finding covers: the call, or the whole capture
    call: Node  # the call or captured name, for asking which loop runs it
    caller: Key
    ref: CallRef


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
    start: int
    end: int
    parent: _Module | None
    aliases: dict[str, str] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)

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


@dataclass
class _Def:
    start: int
    end: int
    keys: tuple[Key, ...]
    summary: FunctionSummary


def summarise(path: str, source: bytes, root: Node) -> FileSummary:
    return _Summariser(path, source, root, keep_sites=False).run()[0]


def summarise_with_sites(
    path: str, source: bytes, root: Node
) -> tuple[FileSummary, list[CallSite]]:
    """The summary, and every call site that may reach a project function (for the
    loop checks of the file being analysed; sites hold nodes, so they are not kept)."""
    return _Summariser(path, source, root, keep_sites=True).run()


class _Summariser:
    def __init__(self, path: str, source: bytes, root: Node, keep_sites: bool) -> None:
        self.path = path
        self.source = source
        self.root = root
        self.keep_sites = keep_sites
        self.modules: list[_Module] = []
        self.defs: list[_Def] = []
        self.summary = FileSummary(path)
        self.sites: list[CallSite] = []

    def run(self) -> tuple[FileSummary, list[CallSite]]:
        matches = list(syntax.iter_matches(_query(), self.root))
        calls: list[tuple[Node, str | None, str]] = []  # (node, written module, name)
        captures: list[Node] = []
        for _index, captured in matches:
            if "capture" in captured:
                captures.append(captured["capture"][0])
                continue
            call = captured["call"][0]
            if "local" in captured:
                name = text(captured["local"][0])
                if name in ("defmodule", "defimpl", "defprotocol"):
                    self._module(call, name)
                    continue
                calls.append((call, None, name))
            else:
                calls.append((call, text(captured["module"][0]), text(captured["name"][0])))
        self.modules.sort(key=lambda m: m.start)
        # Aliases and imports first: they apply module-wide, wherever written.
        for call, module, name in calls:
            if module is None and name in ("alias", "import"):
                self._alias_or_import(call, name)
        for call, module, name in calls:
            if module is None and name in DEF_KEYWORDS | {"defdelegate"}:
                self._definition(call, name)
        self.defs.sort(key=lambda d: d.start)
        self._starts = [d.start for d in self.defs]
        for call, module, name in calls:
            self._call(call, module, name)
        for capture in captures:
            self._capture(capture)
        return self.summary, self.sites

    # --- structure -----------------------------------------------------------

    def _module(self, call: Node, keyword: str) -> None:
        args = call_args(call)
        parent = self._module_at(call.start_byte)
        name = ""
        if keyword == "defmodule" and args and args[0].type == "alias":
            written = text(args[0])
            name = f"{parent.name}.{written}" if parent is not None and parent.name else written
            if parent is not None and parent.name:
                # A nested module is reachable by its short name from its parent.
                first = written.split(".")[0]
                parent.aliases[first] = f"{parent.name}.{first}"
        self.modules.append(_Module(name, call.start_byte, call.end_byte, parent))

    def _module_at(self, offset: int) -> _Module | None:
        found = None
        for module in self.modules:  # sorted by start once collected; few per file
            if module.start <= offset < module.end and (
                found is None or module.start > found.start
            ):
                found = module
        return found

    def _alias_or_import(self, call: Node, keyword: str) -> None:
        module = self._module_at(call.start_byte)
        args = call_args(call)
        if module is None or not args:
            return
        target = args[0]
        if keyword == "import":
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

    def _definition(self, call: Node, keyword: str) -> None:
        module = self._module_at(call.start_byte)
        if module is None or not module.name:
            return
        definition = Definition(call) if keyword != "defdelegate" else None
        if definition is not None:
            if definition.kind not in ("def", "defp") or not definition.name:
                return  # macros run at compile time
            params = definition.params
            name = definition.name
        else:
            args = call_args(call)
            head = args[0] if args else None
            if head is None or head.type != "call":
                return
            name = call_name(head)[1]
            params = call_args(head)
        defaults = sum(1 for p in params if p.type == "binary_operator" and operator(p) == "\\\\")
        keys = tuple((module.name, name, n) for n in range(len(params) - defaults, len(params) + 1))
        summary = self.summary.functions.get(keys[-1])
        if summary is None:
            summary = FunctionSummary(keys[-1])
            for key in keys:
                self.summary.functions[key] = summary
        if definition is None:
            self._delegate(call, module, name, len(params), summary)
            return
        body = definition.body
        if body is not None:
            self.defs.append(_Def(body.start_byte, body.end_byte, keys, summary))

    def _delegate(
        self, call: Node, module: _Module, name: str, arity: int, summary: FunctionSummary
    ) -> None:
        args = call_args(call)
        options = args[1] if len(args) > 1 and args[1].type == "keywords" else None
        target = keyword_value(options, "to") if options is not None else None
        if target is None:
            return
        full = module.expand(text(target))
        renamed = keyword_value(options, "as") if options is not None else None
        if full is not None:
            as_name = text(renamed).lstrip(":") if renamed is not None else name
            summary.calls.append(CallRef((full,), as_name, arity))

    def _def_at(self, offset: int) -> _Def | None:
        index = bisect_right(self._starts, offset) - 1
        if index >= 0 and offset < self.defs[index].end:
            return self.defs[index]
        return None

    # --- calls ---------------------------------------------------------------

    def _call(self, call: Node, written: str | None, name: str) -> None:
        if name in _NOT_CALLS if written is None else written in _LIBRARY:
            return  # most calls in a file: decided before any tree walking
        owner = self._def_at(call.start_byte)
        module = self._module_at(call.start_byte)
        if owner is None or module is None:
            return  # module-level code runs at compile time
        arity, node = self._arity(call)
        if written is not None:
            effect = self._effect(call, written, module.expand(written) or written, name, arity)
            if effect is not None:
                owner.summary.effects.append(effect)
                return
        if written is None:
            ref = CallRef(module.candidates(), name, arity)
        else:
            full = module.expand(written)
            if full is None:
                return
            ref = CallRef((full,), name, arity)
        if ref.modules and (ref.modules[0], name, arity) in owner.keys:
            return  # recursion adds nothing to what the function does
        if ref not in owner.summary.calls:
            owner.summary.calls.append(ref)
        if self.keep_sites:
            self.sites.append(CallSite(node, call, owner.summary.key, ref))

    def _capture(self, capture: Node) -> None:
        if operator(capture) != "&":
            return
        operand = capture.child_by_field_name("operand")
        if operand is None or operator(operand) != "/":
            return
        left, right = operand.child_by_field_name("left"), operand.child_by_field_name("right")
        arity = int_value(right) if right is not None else None
        module = self._module_at(capture.start_byte)
        if left is None or arity is None or module is None or not module.name:
            return
        name = text(left)
        if name in _NOT_CALLS:
            return
        owner = self._def_at(capture.start_byte)
        if owner is None:
            return
        ref = CallRef(module.candidates(), name, arity)
        if ref not in owner.summary.calls:
            owner.summary.calls.append(ref)
        if self.keep_sites:
            self.sites.append(CallSite(capture, left, owner.summary.key, ref))

    def _arity(self, call: Node) -> tuple[int, Node]:
        """The arity called, and the node a finding covers (a capture as a whole)."""
        parent = call.parent
        if (
            parent is not None
            and parent.type == "binary_operator"
            and operator(parent) == "/"
            and parent.parent is not None
            and parent.parent.type == "unary_operator"
            and operator(parent.parent) == "&"
            and parent.child_by_field_name("left") == call
        ):
            right = parent.child_by_field_name("right")
            arity = int_value(right) if right is not None else None
            if arity is not None:
                return arity, parent.parent
        return len(call_args(call)) + (1 if pipe_source(call) is not None else 0), call

    def _effect(self, call: Node, written: str, full: str, name: str, arity: int) -> Effect | None:
        kind: EffectKind | None = None
        if is_repo_module(written) or is_repo_module(full):
            if name in DB_WRITES:
                kind = "db_write"
            elif name in DB_READS:
                kind = "db_read"
            if kind is not None and self._in_transaction(call):
                return None
        elif full == "File" and name in ("write", "write!") and self._appends(call):
            kind = "file_append"
        elif name in _HTTP.get(full, ()):
            kind = "http"
        if kind is None:
            return None
        return Effect(kind, f"{written}.{name}/{arity}", self._place(call))

    def _in_transaction(self, call: Node) -> bool:
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

    @staticmethod
    def _appends(call: Node) -> bool:
        args = effective_args(call)
        if len(args) != 3 or args[2].type != "list":
            return False
        return any(text(m) == ":append" for m in args[2].named_children)

    def _place(self, node: Node) -> Place:
        row, column = node.start_point
        line_start = node.start_byte - column
        line_end = self.source.find(b"\n", line_start)
        line_end = len(self.source) if line_end < 0 else line_end
        end = min(node.end_byte, line_end) - line_start
        line = self.source[line_start:line_end].rstrip(b"\r")
        return Place(self.path, row, column, max(column, min(end, len(line))), line)
