"""## What it does
Flags a closure passed to `Task.async`, `Task.start(_link)`, `Task.async_stream`,
`Task.Supervisor.async(_nolink)`/`start_child`/`async_stream(_nolink)`,
`spawn`, `spawn_link`, `spawn_monitor` or `Process.spawn` that reads a variable
bound, earlier in the same function, to a collection it built: `Repo.all`,
`Enum.map`/`filter`/`to_list`/`sort`/`group_by`…, `Map.new`, `Map.merge`,
`MapSet.new`, `String.split`, `List.flatten`, `:ets.tab2list`, `Jason.decode!`, a
`for` comprehension. Reported as a warning when the closure only reads fields of
it (`config.timeout`).

Not flagged: binaries (`data = File.read!(path)`): binaries over 64 bytes are
reference-counted and shared between processes, not copied (a closure capturing a
10 MB binary left the new process at 2.6 KB, checked on 1.14/OTP 25); function
parameters and anything else whose size is unknown.

## Why is this bad?
A new process shares nothing with its parent: every term a closure captures is
copied into the new process's heap when it starts. For `Task.async_stream` that
happens for every element. The copy costs time and memory proportional to the
whole collection, even when the task reads one field of it.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
config = Map.new(rows, &{&1.key, &1.value})
Task.async(fn -> fetch(url, config.timeout) end)
```

Use instead:
```elixir
config = Map.new(rows, &{&1.key, &1.value})
timeout = config.timeout
Task.async(fn -> fetch(url, timeout) end)
```
For data every task needs, store it once in ETS or `:persistent_term` and read
it inside the task.

## Fix safety
No fix: binding the field before the call evaluates it in the parent process
(a missing key raises there instead of inside the task), and ETS or
`:persistent_term` need an owner and a lifecycle the rule cannot choose.

## References
- [Erlang efficiency guide: processes (loss of sharing)](https://www.erlang.org/doc/system/eff_guide_processes.html)
- [Task.async_stream/3](https://hexdocs.pm/elixir/Task.html#async_stream/3)
- [:persistent_term](https://www.erlang.org/doc/man/persistent_term.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.ecto import repo_call
from elixir_perf_lsp.analysis.nodes import (
    call_name,
    effective_args,
    enclosing_definition,
    operator,
    same_node,
    strip_parens,
    text,
)
from elixir_perf_lsp.analysis.scope import (
    bound_value,
    captured_variables,
    field_name,
    is_field_access,
)
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "1,000 items through `Task.async_stream` whose closure captures a 100k-entry map (2.9 MiB) to read one field: 2.7–4.3 s vs 6–8 ms with the field bound outside the closure; each task process holds 3.9 MiB vs 2.8 KiB."

QUERY = """
(call
  target: (dot
    left: (alias) @ep701.module
    right: (identifier) @ep701.function)
  (#any-of? @ep701.module "Task" "Task.Supervisor" "Process")
  (#any-of? @ep701.function "async" "async_nolink" "start" "start_link" "start_child" "async_stream" "async_stream_nolink" "spawn")
  (arguments)) @ep701.call
(call
  target: (identifier) @ep701.local
  (#any-of? @ep701.local "spawn" "spawn_link" "spawn_monitor")
  (arguments)) @ep701.call
"""

_SPAWNERS = frozenset(
    {
        ("Task", "async"),
        ("Task", "start"),
        ("Task", "start_link"),
        ("Task", "async_stream"),
        ("Task.Supervisor", "async"),
        ("Task.Supervisor", "async_nolink"),
        ("Task.Supervisor", "start_child"),
        ("Task.Supervisor", "async_stream"),
        ("Task.Supervisor", "async_stream_nolink"),
        ("Process", "spawn"),
        (None, "spawn"),
        (None, "spawn_link"),
        (None, "spawn_monitor"),
    }
)
_PER_ELEMENT = frozenset({"async_stream", "async_stream_nolink"})

_ENUM_BUILDERS = frozenset(
    {
        "map",
        "filter",
        "reject",
        "to_list",
        "into",
        "sort",
        "sort_by",
        "uniq",
        "uniq_by",
        "flat_map",
        "group_by",
        "frequencies",
        "frequencies_by",
        "zip",
        "with_index",
        "chunk_every",
        "concat",
        "reverse",
        "shuffle",
        "dedup",
    }
)
_BUILDERS = frozenset(
    {
        ("Map", "new"),
        ("Map", "merge"),
        ("MapSet", "new"),
        ("String", "split"),
        ("List", "flatten"),
        (":ets", "tab2list"),
        ("Jason", "decode!"),
        ("Poison", "decode!"),
        (None, "for"),
    }
)


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    call = captures["ep701.call"][0]
    spawner = call_name(call)
    if spawner not in _SPAWNERS:
        return
    definition = enclosing_definition(call)
    if definition is None:
        return
    for closure in effective_args(call):
        if not _is_closure(closure):
            continue
        captured = captured_variables(closure)
        reported: set[int] = set()
        for _use, binding in captured:
            if binding.id in reported:
                continue
            builder = _built_collection(binding, definition.call)
            if builder is None:
                continue
            reported.add(binding.id)
            uses = [u for u, b in captured if same_node(b, binding)]
            yield _violation(spawner, uses, binding, builder)


def _is_closure(node: Node) -> bool:
    node = strip_parens(node)
    if node.type == "anonymous_function":
        return True
    if node.type == "unary_operator" and operator(node) == "&":
        inner = node.named_children
        # `&fun/1` captures nothing; `&fun(&1, data)` captures `data`.
        return len(inner) == 1 and not (
            inner[0].type == "binary_operator" and operator(inner[0]) == "/"
        )
    return False


def _built_collection(binding: Node, def_call: Node) -> str | None:
    """How `binding` was built (e.g. "Repo.all"), if it is a collection built in `def_call`."""
    definition = enclosing_definition(binding)
    if definition is None or not same_node(definition.call, def_call):
        return None
    value = bound_value(binding)
    if value is None:
        return None
    value = strip_parens(value)
    while value.type == "binary_operator" and operator(value) == "|>":
        right = value.child_by_field_name("right")
        if right is None:
            return None
        value = strip_parens(right)
    if value.type != "call":
        return None
    module, name = call_name(value)
    if repo_call(value) == (module, "all") and module is not None:
        return f"{module}.all"
    if (module == "Enum" and name in _ENUM_BUILDERS) or (module, name) in _BUILDERS:
        return f"{module}.{name}" if module else name
    return None


def _violation(
    spawner: tuple[str | None, str], uses: list[Node], binding: Node, builder: str
) -> Violation:
    """Reported at the first use inside the closure."""
    use = uses[0]
    name = text(binding)
    where = f"{spawner[0]}.{spawner[1]}" if spawner[0] else spawner[1]
    read = [_field_read(u) for u in uses]
    fields = sorted({f for f in read if f is not None})
    copies = (
        "copied into every task's heap, once per element"
        if spawner[1] in _PER_ELEMENT
        else "copied into the new process's heap"
    )
    if fields and None not in read:
        spelled = ", ".join(f"`{name}.{f}`" for f in fields)
        binds = ", ".join(f"`{f} = {name}.{f}`" for f in fields)
        message = (
            f"the closure passed to `{where}` only reads {spelled}, but captures all of "
            f"`{name}` (built by `{builder}`), which is {copies}; bind {binds} before the "
            "call and use that inside"
        )
        return Violation(use, message, severity=Severity.WARNING)
    message = (
        f"the closure passed to `{where}` captures `{name}` (built by `{builder}`), which is "
        f"{copies}; pass only what the process needs, or share it through ETS or "
        "`:persistent_term`"
    )
    return Violation(use, message)


def _field_read(use: Node) -> str | None:
    """`f` when `use` is only read as `use.f`."""
    dot = use.parent
    if dot is None or dot.type != "dot" or not same_node(dot.child_by_field_name("left"), use):
        return None
    access = dot.parent
    if access is None or not is_field_access(access):
        return None
    return field_name(access)


RULE = Rule(
    code="EP701",
    precision="no finding on the 17 projects of `benchmarks/precision` (1.5M lines, 2026-12-06).",
    name="closure-copies-large-data",
    summary="A spawned closure captures a collection built in the same function",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.NONE,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example(
            "def run(urls, rows) do\n"
            "  config = Map.new(rows, &{&1.key, &1.value})\n"
            "  Enum.map(urls, fn url -> Task.async(fn -> fetch(url, config.timeout) end) end)\n"
            "end\n"
        ),
        Example(
            "def score(items) do\n"
            "  prices = Repo.all(Price)\n"
            "  items\n"
            "  |> Task.async_stream(fn item -> price_for(item, prices) end)\n"
            "  |> Enum.to_list()\n"
            "end\n"
        ),
        Example(
            "def report(path) do\n"
            '  lines = path |> File.read!() |> String.split("\\n")\n'
            "  spawn(fn -> summarize(lines) end)\n"
            "end\n"
        ),
    ),
    ok=(
        Example(
            "def run(url, rows) do\n"
            "  timeout = Map.new(rows, &{&1.key, &1.value}).timeout\n"
            "  Task.async(fn -> fetch(url, timeout) end)\n"
            "end\n"
        ),
        Example(
            "def upload(path) do\n"
            "  data = File.read!(path)\n"
            "  Task.async(fn -> put(data) end)\n"
            "end\n"
        ),
        Example("def run(items, prices), do: Task.async(fn -> total(items, prices) end)\n"),
    ),
)
