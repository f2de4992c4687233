"""## What it does
Flags a task started per element with `Enum.map` and `Task.async` (or
`Task.Supervisor.async`), then awaited with `Enum.map(&Task.await/1)` or
`Task.await_many/1,2`, over a collection of unknown size, in every pipeline
spelling, also when the tasks are first bound to a variable. Collections small
by construction are not flagged: literal lists, ranges with literal bounds of at
most 1000 elements, module attributes, keyword options, `System.argv()`.

## Why is this bad?
Every task is started before the first is awaited: the number of live
processes, their memory and the load on whatever they call (a database pool, an
HTTP API) grow with the input, with nothing to hold them back; past the
process limit (262,144 by default) `Task.async` raises `SystemLimitError`
(checked with `+P 4096` and 5,000 waiting tasks; `async_stream` finished).
`Task.async_stream/3` runs at most `:max_concurrency` tasks at a time and
still returns the results in order.

Measured on Elixir 1.14 / OTP 25, 2 schedulers: {cost}

## Example
```elixir
urls
|> Enum.map(fn url -> Task.async(fn -> fetch(url) end) end)
|> Enum.map(&Task.await/1)
```

Use instead:
```elixir
urls
|> Task.async_stream(fn url -> fetch(url) end, max_concurrency: System.schedulers_online())
|> Enum.map(fn {:ok, result} -> result end)
```

## Fix safety
Always **unsafe**. The results are the same and in the same order, but: fewer
tasks run at once, so work that mostly waits (HTTP, database) can take much
longer: raise `:max_concurrency` to suit the work (it is spelled out in the fix
so you can tune it; `System.schedulers_online/0` is also `async_stream`'s
default). Timeouts differ: `Task.await/2` gives each task 5000 ms (or the given
timeout) counted from when it is awaited, and `Task.await_many/2` one timeout for
all; `async_stream`'s `:timeout` (also 5000 ms by default) counts per task from
its start. The fix carries a given timeout over as `timeout:`. On a timeout or
a crash the caller exits with a different reason, and the elements not yet
started are never run, where the fan-out had started them all.

A fix is offered for `fn x -> Task.async(fn -> … end) end`,
`&Task.async(fn -> … &1 … end)`, `&Task.async/1` over a list of functions and
`Task.async(Mod, :fun, [args])`; other shapes (a function that does more than
start the task, `Task.Supervisor`, tasks bound to a variable first) are
reported without one.

## References
- [Task.async_stream/3](https://hexdocs.pm/elixir/Task.html#async_stream/3)
- [Task.await_many/2](https://hexdocs.pm/elixir/Task.html#await_many/2)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from elixir_perf_lsp.analysis.nodes import (
    call_args,
    call_name,
    contains,
    operator,
    same_node,
    strip_parens,
    text,
)
from elixir_perf_lsp.analysis.pipelines import (
    Function,
    Step,
    capture_refs,
    chained,
    element_name,
    fresh_name,
    identifier_names,
    node_text,
    pair_span,
    pipe_fits,
    previous_step,
    read_function,
    read_step,
    step_of_call,
    substitute,
)
from elixir_perf_lsp.analysis.shapes import is_small
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "CPU-bound jobs: one `Task.async` per item took 82 ms for 10k items vs 75 ms with `Task.async_stream` (no speed difference), but 100k items cost 114–157 MiB of extra memory vs 6–11 MiB; for a 5 ms I/O-bound job, `max_concurrency: System.schedulers_online()` made 100 items take 302 ms vs 6.3 ms, so the bound must fit the job."

QUERY = """
(call
  target: (dot left: (alias) @ep702_module right: (identifier) @ep702_function)
  (#any-of? @ep702_module "Enum" "Task")
  (#any-of? @ep702_function "map" "await_many")) @ep702_call
"""

_SPAWNERS = frozenset(
    {("Task", "async"), ("Task.Supervisor", "async"), ("Task.Supervisor", "async_nolink")}
)


@dataclass(frozen=True)
class _Await:
    step: Step
    timeout: Node | None


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    step = step_of_call(captures["ep702_call"][0])
    if step is None:
        return
    awaiting = _awaiting(step)
    if awaiting is None or step.input is None:
        return
    spawn = previous_step(step)
    bound_first = False
    if spawn is None:
        spawn = _bound_spawn(step)
        bound_first = True
    if spawn is None or not spawn.is_call("Enum", "map", arity=2) or spawn.input is None:
        return
    if not _spawns(spawn.args[0]) or _bounded(spawn):
        return
    message = (
        "starts one task per element of a collection of unknown size, all at once, before "
        "awaiting them; use `Task.async_stream/3` with `:max_concurrency` to bound them"
    )
    if bound_first:
        span = spawn.call if spawn.piped else spawn.node
        yield Violation(span, message)
        return
    yield Violation(pair_span(spawn, step), message, _fix(spawn, awaiting, ctx))


def _awaiting(step: Step) -> _Await | None:
    """The step awaits every task of its input: how, and with which timeout."""
    if step.is_call("Task", "await_many") and step.arity in (1, 2):
        return _Await(step, step.args[0] if step.arity == 2 else None)
    if not step.is_call("Enum", "map", arity=2):
        return None
    fn = read_function(step.args[0])
    if fn is None:
        return None
    if fn.kind == "named":
        return _Await(step, None) if fn.name == "Task.await" and fn.arity == 1 else None
    if fn.body is None:
        return None
    body = strip_parens(fn.body)
    if body.type != "call" or call_name(body) != ("Task", "await"):
        return None
    args = call_args(body)
    if not 1 <= len(args) <= 2:
        return None
    task = strip_parens(args[0])
    if fn.kind == "capture":
        refs = capture_refs(fn.node)
        if len(refs) != 1 or not same_node(refs[0], task):
            return None
    else:
        name = fn.param
        if name is None or task.type != "identifier" or text(task) != name:
            return None
        if len(args) == 2 and name in identifier_names(args[1]):
            return None
    return _Await(step, args[1] if len(args) == 2 else None)


def _bound_spawn(step: Step) -> Step | None:
    """`tasks = Enum.map(…)` earlier in the same block, when `step` awaits `tasks`."""
    assert step.input is not None
    tasks = strip_parens(step.input)
    if tasks.type != "identifier":
        return None
    name = text(tasks)
    statement = step.node
    while statement.parent is not None and statement.parent.type not in (
        "body",
        "source",
        "do_block",
    ):
        statement = statement.parent
    sibling = statement.prev_named_sibling
    while sibling is not None:
        if sibling.type == "binary_operator" and operator(sibling) == "=":
            left = sibling.child_by_field_name("left")
            if left is not None and left.type == "identifier" and text(left) == name:
                right = sibling.child_by_field_name("right")
                return read_step(right) if right is not None else None
        sibling = sibling.prev_named_sibling
    return None


def _spawns(node: Node) -> bool:
    """Whether the function handed to `Enum.map` returns a task it starts."""
    fn = read_function(node)
    if fn is not None and fn.kind == "named":
        return fn.name == "Task.async" and fn.arity == 1
    if fn is not None and fn.kind == "capture" and fn.body is not None:
        return call_name(strip_parens(fn.body)) in _SPAWNERS
    node = strip_parens(node)
    if node.type != "anonymous_function":
        return False
    clauses = [c for c in node.named_children if c.type == "stab_clause"]
    body = clauses[0].child_by_field_name("right") if len(clauses) == 1 else None
    exprs = [c for c in body.named_children if c.type != "comment"] if body is not None else []
    if not exprs:
        return False
    last = strip_parens(exprs[-1])
    return last.type == "call" and call_name(last) in _SPAWNERS


def _bounded(spawn: Step) -> bool:
    assert spawn.input is not None
    return is_small(spawn.input)


def _fix(spawn: Step, awaiting: _Await, ctx: Context) -> Fix | None:
    assert spawn.input is not None
    spawner = read_function(spawn.args[0])
    if spawner is None or (spawner.kind == "fn" and spawner.arity != 1):
        return None
    function = _stream_function(spawner, spawn.input)
    if function is None:
        return None
    options = "max_concurrency: System.schedulers_online()"
    if awaiting.timeout is not None:
        options += f", timeout: {text(awaiting.timeout)}"
    results = "Enum.map(fn {:ok, result} -> result end)"
    step = awaiting.step
    if chained(spawn, step):
        start, end = spawn.call.start_byte, step.node.end_byte
        between = ctx.span_text(spawn.node.end_byte, step.call.start_byte)
        pipe = f"\n{ctx.line_indent(step.call.start_byte)}|> " if "\n" in between else " |> "
        content = f"Task.async_stream({function}, {options}){pipe}{results}"
    else:
        start, end = step.node.start_byte, step.node.end_byte
        subject = node_text(spawn.input, ctx.source)
        content = f"Task.async_stream({subject}, {function}, {options}) |> {results}"
        if not pipe_fits(step.node):
            content = f"({content})"
    # Measured: schedulers_online suits CPU-bound work but made a 5 ms I/O-bound job
    # 48x slower, so the title asks for the bound to be sized to the job.
    title = (
        "Replace with `Task.async_stream/3` bounded by `:max_concurrency` "
        "(size the bound to the job: I/O-bound work wants more than the scheduler count)"
    )
    return Fix(title, Applicability.UNSAFE, (Edit(start, end, content),))


def _stream_function(spawner: Function, collection: Node) -> str | None:
    """The function `Task.async_stream` should run on each element."""
    if spawner.kind == "named":
        return "fn fun -> fun.() end"
    if spawner.body is None:
        return None
    start_task = strip_parens(spawner.body)
    if call_name(start_task) != ("Task", "async"):
        return None
    args = call_args(start_task)
    if spawner.kind == "capture":
        taken = identifier_names(spawner.node)
        preferred = element_name(strip_parens(collection))
        param = fresh_name(taken, [preferred] if preferred else [])
        refs = [(r, param) for r in capture_refs(spawner.node)]
    else:
        param_node = spawner.params[0]
        param = text(param_node)
        refs = []
    if len(args) == 1:
        inner = strip_parens(args[0])
        if inner.type != "anonymous_function":
            return None
        clauses = [c for c in inner.named_children if c.type == "stab_clause"]
        if len(clauses) != 1 or clauses[0].child_by_field_name("left") is not None:
            return None
        written = substitute(inner, [(r, p) for r, p in refs if contains(inner, r)])
        return re.sub(r"\Afn\s*", f"fn {param} ", written, count=1)
    if len(args) == 3:
        module, function, arguments = (strip_parens(a) for a in args)
        if module.type not in ("alias", "atom") or function.type != "atom":
            return None
        name = text(function)[1:]
        if not re.fullmatch(r"[a-z_]\w*[?!]?", name) or arguments.type != "list":
            return None
        if any(c.type == "keywords" or operator(c) == "|" for c in arguments.named_children):
            return None
        call_args_text = substitute(arguments, [(r, p) for r, p in refs if contains(arguments, r)])
        return f"fn {param} -> {text(module)}.{name}({call_args_text[1:-1]}) end"
    return None


RULE = Rule(
    code="EP702",
    precision="1 of 5 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="unbounded-task-fan-out",
    summary="`Task.async` per element of an unbounded collection, then awaited: no concurrency limit",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    # In scripts the tasks are often bound in one top-level statement and awaited
    # in the next: the finding spans two forms.
    scope="file",
    bad=(
        Example(
            "urls\n|> Enum.map(fn url -> Task.async(fn -> fetch(url) end) end)\n|> Enum.map(&Task.await/1)\n",
            "urls\n|> Task.async_stream(fn url -> fetch(url) end, max_concurrency: System.schedulers_online())"
            "\n|> Enum.map(fn {:ok, result} -> result end)\n",
            unsafe=True,
        ),
        Example(
            "results = Task.await_many(Enum.map(ids, &Task.async(fn -> load(&1) end)), 10_000)\n",
            "results = Task.async_stream(ids, fn id -> load(id) end, max_concurrency: "
            "System.schedulers_online(), timeout: 10_000) |> Enum.map(fn {:ok, result} -> result end)\n",
            unsafe=True,
        ),
        Example(
            "Enum.map(1..n, fn i -> Task.async(Worker, :run, [i]) end)\n"
            "|> Enum.map(fn task -> Task.await(task, :infinity) end)\n",
            "Task.async_stream(1..n, fn i -> Worker.run(i) end, max_concurrency: "
            "System.schedulers_online(), timeout: :infinity) |> Enum.map(fn {:ok, result} -> result end)\n",
            unsafe=True,
        ),
        Example(
            "tasks = Enum.map(users, fn user -> Task.async(fn -> notify(user) end) end)\n"
            "Task.await_many(tasks)\n",
        ),
    ),
    ok=(
        Example(
            "[a, b, c]\n|> Enum.map(fn x -> Task.async(fn -> fetch(x) end) end)\n|> Task.await_many()\n"
        ),
        Example("Enum.map(1..4, &Task.async(fn -> work(&1) end)) |> Enum.map(&Task.await/1)\n"),
        Example(
            "urls\n|> Task.async_stream(&fetch/1, max_concurrency: 8)\n|> Enum.map(fn {:ok, r} -> r end)\n"
        ),
        Example("tasks |> Enum.map(&Task.await/1)\n"),
    ),
)
