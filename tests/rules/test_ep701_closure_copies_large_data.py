"""EP701 closure-copies-large-data: edge cases."""

from __future__ import annotations

import pytest

from elixir_perf_lsp.engine.model import Severity
from tests.helpers import findings

CODE = "EP701"


def spawned(value: str, spawn: str, closure: str = "fn -> use(big) end") -> str:
    return (
        f"def f(rows, items, q, path) do\n  big = {value}\n  {spawn.format(closure=closure)}\nend\n"
    )


@pytest.mark.parametrize(
    "spawn",
    [
        "Task.async({closure})",
        "Task.start({closure})",
        "Task.start_link({closure})",
        "Task.Supervisor.async(MySup, {closure})",
        "Task.Supervisor.async_nolink(MySup, {closure})",
        "Task.Supervisor.start_child(MySup, {closure})",
        "spawn({closure})",
        "spawn_link({closure})",
        "spawn_monitor({closure})",
        "Process.spawn({closure}, [:link])",
    ],
)
def test_reports_every_process_starter(spawn: str) -> None:
    [finding] = findings(spawned("Enum.to_list(rows)", spawn), CODE)
    assert finding.severity is Severity.INFORMATION
    assert "captures `big` (built by `Enum.to_list`)" in finding.message
    assert "copied into the new process's heap" in finding.message


@pytest.mark.parametrize(
    "spawn",
    [
        "Task.async_stream(items, fn i -> use(i, big) end) |> Stream.run()",
        "items |> Task.async_stream(&use(&1, big)) |> Stream.run()",
        "Task.Supervisor.async_stream_nolink(S, items, fn i -> use(i, big) end)",
    ],
)
def test_says_async_stream_copies_once_per_element(spawn: str) -> None:
    [finding] = findings(spawned("Repo.all(q)", spawn), CODE)
    assert "built by `Repo.all`" in finding.message
    assert "once per element" in finding.message


@pytest.mark.parametrize(
    "value",
    [
        "Repo.all(q)",
        "MyApp.Repo.all(q)",
        "q |> Repo.all()",
        "Enum.map(rows, & &1.id)",
        "rows |> Stream.map(& &1) |> Enum.to_list()",
        "Map.new(rows, &{&1.id, &1})",
        "Map.merge(%{}, rows)",
        "MapSet.new(rows)",
        'String.split(File.read!(path), "\\n")',
        ":ets.tab2list(:cache)",
        "Jason.decode!(File.read!(path))",
        "for r <- rows, do: r.id",
        "Enum.group_by(rows, & &1.kind)",
    ],
)
def test_reports_collections_built_in_the_function(value: str) -> None:
    assert len(findings(spawned(value, "Task.async({closure})"), CODE)) == 1


@pytest.mark.parametrize(
    "value",
    [
        "File.read!(path)",  # a refc binary is shared, not copied
        "Enum.count(rows)",
        "length(rows)",
        "Repo.get!(User, 1)",
        "Map.get(rows, :x)",
        "rows",
        "[1, 2, 3]",
        "%{a: 1}",
        "File.stream!(path)",
    ],
)
def test_does_not_report_values_that_are_not_built_collections(value: str) -> None:
    assert findings(spawned(value, "Task.async({closure})"), CODE) == []


def test_warns_when_only_fields_are_read() -> None:
    source = spawned(
        "Map.new(rows, &{&1.key, &1.value})",
        "Task.async({closure})",
        "fn -> fetch(big.url, big.timeout) end",
    )
    [finding] = findings(source, CODE)
    assert finding.severity is Severity.WARNING
    assert "only reads `big.timeout`, `big.url`" in finding.message
    assert "`timeout = big.timeout`, `url = big.url`" in finding.message


def test_does_not_warn_when_the_whole_value_is_also_used() -> None:
    source = spawned(
        "Map.new(rows, &{&1.key, &1.value})",
        "Task.async({closure})",
        "fn -> fetch(big.url, big) end",
    )
    [finding] = findings(source, CODE)
    assert finding.severity is Severity.INFORMATION


def test_reports_each_captured_collection_once() -> None:
    source = (
        "def f(rows) do\n"
        "  a = Enum.map(rows, & &1)\n"
        "  b = Enum.filter(rows, & &1)\n"
        "  Task.async(fn -> {a, a, b} end)\n"
        "end\n"
    )
    assert len(findings(source, CODE)) == 2


@pytest.mark.parametrize(
    "source",
    [
        # parameters: size unknown
        "def f(rows), do: Task.async(fn -> use(rows) end)\n",
        # bound inside the closure
        "def f(rows), do: Task.async(fn -> big = Enum.to_list(rows); use(big) end)\n",
        # the field is bound before the call
        "def f(rows) do\n  m = Map.new(rows)\n  t = m.timeout\n  Task.async(fn -> t end)\nend\n",
        # a function reference captures nothing
        "def f(rows) do\n  big = Enum.to_list(rows)\n  Task.async_stream(big, &use/1)\nend\n",
        # the collection is the enumerable, not a capture
        "def f(rows) do\n  big = Enum.to_list(rows)\n  Task.async_stream(big, fn x -> x end)\nend\n",
        # not a process
        "def f(rows) do\n  big = Enum.to_list(rows)\n  Enum.map(rows, fn r -> {r, big} end)\nend\n",
        # bound in another function
        "defmodule M do\n  def g(rows) do\n    big = Enum.to_list(rows)\n    big\n  end\n  def f, do: Task.async(fn -> big end)\nend\n",
    ],
)
def test_does_not_report_what_is_not_copied(source: str) -> None:
    assert findings(source, CODE) == []
