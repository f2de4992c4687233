"""EP702 unbounded-task-fan-out: edge cases."""

from __future__ import annotations

from functools import partial

import pytest

from elixir_perf_lsp.engine.model import Applicability, Severity
from tests.helpers import findings, fixed

CODE = "EP702"
OPTS = "max_concurrency: System.schedulers_online()"
RESULTS = "Enum.map(fn {:ok, result} -> result end)"


_fix = partial(fixed, code=CODE, unsafe=True)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "r = xs |> Enum.map(fn x -> Task.async(fn -> work(x) end) end) |> Enum.map(&Task.await/1)\n",
            f"r = xs |> Task.async_stream(fn x -> work(x) end, {OPTS}) |> {RESULTS}\n",
        ),
        (
            "r = Enum.map(Enum.map(xs, fn x -> Task.async(fn -> work(x) end) end), &Task.await/1)\n",
            f"r = Task.async_stream(xs, fn x -> work(x) end, {OPTS}) |> {RESULTS}\n",
        ),
        (
            "r = Enum.map(xs, fn x -> Task.async(fn -> work(x) end) end) |> Task.await_many()\n",
            f"r = Task.async_stream(xs, fn x -> work(x) end, {OPTS}) |> {RESULTS}\n",
        ),
        (
            "r = Task.await_many(Enum.map(xs, &Task.async(fn -> work(&1) end)))\n",
            f"r = Task.async_stream(xs, fn x -> work(x) end, {OPTS}) |> {RESULTS}\n",
        ),
        (
            "r = Task.await_many(Enum.map(users, &Task.async(fn -> work(&1, user) end)))\n",
            f"r = Task.async_stream(users, fn x -> work(x, user) end, {OPTS}) |> {RESULTS}\n",
        ),
        (
            "r = load() |> Enum.map(&Task.async(Worker, :run, [&1, 1])) |> Task.await_many(:infinity)\n",
            f"r = load() |> Task.async_stream(fn x -> Worker.run(x, 1) end, {OPTS}, timeout: :infinity)"
            f" |> {RESULTS}\n",
        ),
        (
            "r = Enum.map(funs, &Task.async/1) |> Task.await_many()\n",
            f"r = Task.async_stream(funs, fn fun -> fun.() end, {OPTS}) |> {RESULTS}\n",
        ),
        (
            "r = Enum.map(pairs, fn {a, b} -> Task.async(fn -> a + b end) end) |> Enum.map(&Task.await(&1, 10_000))\n",
            f"r = Task.async_stream(pairs, fn {{a, b}} -> a + b end, {OPTS}, timeout: 10_000) |> {RESULTS}\n",
        ),
        (
            "r = Enum.map(xs, fn x -> Task.async(fn -> work(x) end) end) |> Enum.map(fn t -> Task.await(t, @timeout) end)\n",
            f"r = Task.async_stream(xs, fn x -> work(x) end, {OPTS}, timeout: @timeout) |> {RESULTS}\n",
        ),
        (
            "r = [0] ++ Task.await_many(Enum.map(xs, fn x -> Task.async(fn -> work(x) end) end))\n",
            f"r = [0] ++ (Task.async_stream(xs, fn x -> work(x) end, {OPTS}) |> {RESULTS})\n",
        ),
        (
            "r = xs |> Enum.map(fn x -> Task.async(fn -> work(x) end) end) |> Task.await_many() |> Enum.sum()\n",
            f"r = xs |> Task.async_stream(fn x -> work(x) end, {OPTS}) |> {RESULTS} |> Enum.sum()\n",
        ),
    ],
)
def test_replaces_the_fan_out_with_a_bounded_stream_unsafely(source: str, expected: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.severity is Severity.INFORMATION
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert fixed(source, CODE) == source
    assert _fix(source) == expected


def test_keeps_a_multi_line_pipeline_on_separate_lines() -> None:
    source = (
        "xs\n"
        "|> Enum.map(fn x ->\n"
        "  Task.async(fn ->\n"
        "    y = x * 3\n"
        "    y + 1\n"
        "  end)\n"
        "end)\n"
        "|> Task.await_many()\n"
        "|> Enum.sum()\n"
    )
    assert _fix(source) == (
        "xs\n"
        "|> Task.async_stream(fn x ->\n"
        "    y = x * 3\n"
        "    y + 1\n"
        f"  end, {OPTS})\n"
        f"|> {RESULTS}\n"
        "|> Enum.sum()\n"
    )


def test_reports_tasks_bound_to_a_variable_then_awaited_without_a_fix() -> None:
    source = (
        "def run(users) do\n"
        "  tasks = Enum.map(users, fn u -> Task.async(fn -> notify(u) end) end)\n"
        "  log(:started)\n"
        "  Task.await_many(tasks)\n"
        "end\n"
    )
    [finding] = findings(source, CODE)
    assert finding.fix is None
    assert source[finding.start : finding.end].startswith("Enum.map(users")


def test_underlines_only_the_spawning_step_of_a_pipeline_bound_to_a_variable() -> None:
    source = (
        "tasks =\n"
        "  load()\n"
        "  |> Enum.sort()\n"
        "  |> Enum.map(&Task.async(fn -> work(&1) end))\n"
        "Task.await_many(tasks, 1000)\n"
    )
    [finding] = findings(source, CODE)
    assert source[finding.start : finding.end] == "Enum.map(&Task.async(fn -> work(&1) end))"


@pytest.mark.parametrize(
    "source",
    [
        # the function does more than start the task
        "r = Enum.map(xs, fn x ->\n  log(x)\n  Task.async(fn -> work(x) end)\nend) |> Task.await_many()\n",
        # supervised tasks
        "r = Enum.map(xs, fn x -> Task.Supervisor.async(Sup, fn -> work(x) end) end) |> Task.await_many()\n",
        # a task function that is not a literal `fn`
        "r = Enum.map(xs, fn x -> Task.async(job_for(x)) end) |> Task.await_many()\n",
    ],
)
def test_reports_other_spawning_shapes_without_a_fix(source: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.fix is None


@pytest.mark.parametrize(
    "source",
    [
        # bounded inputs
        "r = [a, b, c] |> Enum.map(fn x -> Task.async(fn -> work(x) end) end) |> Task.await_many()\n",
        "r = Enum.map(~w(a b c), &Task.async(fn -> work(&1) end)) |> Task.await_many()\n",
        "r = Enum.map(1..8, &Task.async(fn -> work(&1) end)) |> Task.await_many()\n",
        "r = Enum.map(-5..5, &Task.async(fn -> work(&1) end)) |> Task.await_many()\n",
        "r = Enum.map(1..100_000//1000, &Task.async(fn -> work(&1) end)) |> Task.await_many()\n",
        "r = xs |> Enum.take(10) |> Enum.map(&Task.async(fn -> work(&1) end)) |> Task.await_many()\n",
        # not awaited here, or awaited one by one elsewhere
        "tasks = Enum.map(xs, &Task.async(fn -> work(&1) end))\n",
        "r = Enum.map(tasks, &Task.await/1)\n",
        "r = Enum.map(xs, &Task.async(fn -> work(&1) end)) |> Enum.map(&Task.shutdown/1)\n",
        # already bounded
        "r = xs |> Task.async_stream(&work/1, max_concurrency: 8) |> Enum.to_list()\n",
        # the await is of something else
        "r = Enum.map(xs, &Task.async(fn -> work(&1) end)) |> Enum.map(&{&1, Task.await(other)})\n",
    ],
)
def test_does_not_report_bounded_or_other_task_code(source: str) -> None:
    assert findings(source, CODE) == []


@pytest.mark.parametrize(
    "source",
    [
        "r = Enum.map(1..n, &Task.async(fn -> work(&1) end)) |> Task.await_many()\n",
        "r = Enum.map(1..5000, &Task.async(fn -> work(&1) end)) |> Task.await_many()\n",
        "r = Enum.map([x | rest], &Task.async(fn -> work(&1) end)) |> Task.await_many()\n",
        "r = xs |> Enum.take(n) |> Enum.map(&Task.async(fn -> work(&1) end)) |> Task.await_many()\n",
    ],
)
def test_reports_ranges_and_lists_of_unknown_or_large_size(source: str) -> None:
    assert [f.code for f in findings(source, CODE)] == [CODE]
