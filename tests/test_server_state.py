"""Server state in one place (architecture §4): checked on the source of `server/`.

- No module keeps mutable state: a module-level dict, list, set, counter or weak
  dictionary is a constant (an UPPER_CASE name that no code changes). What a server
  keeps lives on it (`ls.session`, `ls.state`), so servers in one process share nothing.
- The modules of `server/` import one another without cycles, at module level: a
  function-level import is allowed only with a `# Lazy:` comment saying why (start-up
  cost, an optional module), never to dodge a cycle.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parent.parent / "elixir_perf_lsp" / "server"
MODULES = sorted(SERVER.glob("*.py"))
IDS = [p.name for p in MODULES]

# Calls that make a container or counter whose contents change.
_MUTABLE_FACTORIES = {
    "dict",
    "list",
    "set",
    "bytearray",
    "defaultdict",
    "OrderedDict",
    "Counter",
    "deque",
    "count",
    "WeakKeyDictionary",
    "WeakValueDictionary",
    "WeakSet",
}
# Methods that change a dict, list, set or deque in place.
_MUTATORS = {
    "append",
    "appendleft",
    "add",
    "clear",
    "discard",
    "extend",
    "insert",
    "pop",
    "popitem",
    "popleft",
    "remove",
    "setdefault",
    "update",
}
_CONSTANT = re.compile(r"_?[A-Z][A-Z0-9_]*")
_LAZY = re.compile(r"#\s*lazy:", re.IGNORECASE)


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _is_mutable(value: ast.expr | None) -> bool:
    if isinstance(value, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp):
        return True
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in _MUTABLE_FACTORIES
    return False


def _module_assignments(tree: ast.Module) -> Iterator[tuple[str, ast.expr | None, int]]:
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        yield name.id, node.value, node.lineno
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            yield node.target.id, node.value, node.lineno


def module_state(path: Path) -> list[str]:
    """Module-level mutable containers that are not constants, and constants changed."""
    tree = _parse(path)
    problems: list[str] = []
    containers = set()
    for name, value, line in _module_assignments(tree):
        if not _is_mutable(value):
            continue
        containers.add(name)
        if not _CONSTANT.fullmatch(name):
            problems.append(f"{path.name}:{line}: module-level state `{name}`")
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            problems.append(f"{path.name}:{node.lineno}: `global {', '.join(node.names)}`")
        changed: ast.expr | None = None
        if isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
            for target in targets:
                if isinstance(target, ast.Subscript):
                    changed = target.value
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _MUTATORS:
                changed = func.value
            elif isinstance(func, ast.Name) and func.id == "next" and node.args:
                changed = node.args[0]
        if isinstance(changed, ast.Name) and changed.id in containers:
            problems.append(f"{path.name}:{node.lineno}: changes module-level `{changed.id}`")
    return problems


def _function_imports(tree: ast.AST, inside: bool = False) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        nested = inside or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        if inside and isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _function_imports(node, nested)


def unexplained_imports(path: Path) -> list[str]:
    """Imports inside functions without a `# Lazy:` comment on their line or the one above."""
    lines = path.read_text(encoding="utf-8").splitlines()
    problems = []
    for node in _function_imports(_parse(path)):
        around = lines[max(node.lineno - 2, 0) : node.lineno]
        if not any(_LAZY.search(line) for line in around):
            problems.append(f"{path.name}:{node.lineno}: import inside a function")
    return problems


def _type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def server_imports(path: Path) -> set[str]:
    """The `server/` modules `path` imports when it is loaded (not for type checking)."""
    found: set[str] = set()
    for node in _parse(path).body:
        if _type_checking(node):
            continue
        for sub in ast.walk(node):
            if isinstance(sub, ast.ImportFrom) and sub.module == "elixir_perf_lsp.server":
                found |= {alias.name for alias in sub.names}
            elif isinstance(sub, ast.ImportFrom) and (sub.module or "").startswith(
                "elixir_perf_lsp.server."
            ):
                found.add((sub.module or "").split(".")[2])
            elif isinstance(sub, ast.Import):
                found |= {
                    a.name.split(".")[2]
                    for a in sub.names
                    if a.name.startswith("elixir_perf_lsp.server.")
                }
    return found


def import_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle in `graph` (module → the modules it imports), or None."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for imported in sorted(graph.get(module, ())):
            cycle = visit(imported, [*path, module])
            if cycle is not None:
                return cycle
        done.add(module)
        return None

    for module in sorted(graph):
        cycle = visit(module, [])
        if cycle is not None:
            return cycle
    return None


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_no_module_keeps_mutable_state(path: Path) -> None:
    assert module_state(path) == []


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_imports_inside_functions_say_why(path: Path) -> None:
    assert unexplained_imports(path) == []


def test_server_modules_import_one_another_without_cycles() -> None:
    graph = {p.stem: server_imports(p) for p in MODULES}
    assert import_cycle(graph) is None


def test_the_checks_see_what_they_forbid(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import itertools\n"
        "import weakref\n"
        "from typing import TYPE_CHECKING\n"
        "_pending: dict[str, int] = {}\n"
        "_tokens = itertools.count(1)\n"
        "_states = weakref.WeakKeyDictionary()\n"
        "KINDS = ['a']\n"
        "LIMIT = 3\n"
        "if TYPE_CHECKING:\n"
        "    from elixir_perf_lsp.server.app import ElixirPerfServer\n"
        "def f():\n"
        "    global LIMIT\n"
        "    KINDS.append('b')\n"
        "    from elixir_perf_lsp.server.lifecycle import flush_errors\n"
        "    # Lazy: only the first code action needs it.\n"
        "    from elixir_perf_lsp.refactors import extract_regex\n"
        "    return next(_tokens)\n",
        encoding="utf-8",
    )
    assert module_state(sample) == [
        "sample.py:4: module-level state `_pending`",
        "sample.py:5: module-level state `_tokens`",
        "sample.py:6: module-level state `_states`",
        "sample.py:12: `global LIMIT`",
        "sample.py:13: changes module-level `KINDS`",
        "sample.py:17: changes module-level `_tokens`",
    ]
    assert unexplained_imports(sample) == ["sample.py:14: import inside a function"]
    assert server_imports(sample) == {"lifecycle"}
    assert import_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert import_cycle({"a": {"b"}, "b": set()}) is None
