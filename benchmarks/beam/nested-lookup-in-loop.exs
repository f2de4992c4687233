# EP504 nested-lookup-in-loop
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.NestedLookupInLoop do
  # footgun: Enum.find over the departments for every user -> O(n·m)
  def nested_find({users, depts}) do
    Enum.map(users, fn u ->
      dept = Enum.find(depts, &(&1.id == u.dept_id))
      {u.id, dept.name}
    end)
  end

  def nested_any({users, depts}) do
    Enum.count(users, fn u -> Enum.any?(depts, &(&1.id == u.dept_id and &1.active)) end)
  end

  # the same search through a predicate function (issue 16, item 8): one more call
  # per comparison, the same O(n·m)
  def nested_find_pred({users, depts}) do
    Enum.map(users, fn u ->
      dept = Enum.find(depts, &in_dept?(&1, u))
      {u.id, dept.name}
    end)
  end

  defp in_dept?(dept, user), do: dept.id == user.dept_id

  # fix: index once (inside the timed call), then O(1)-ish lookups -> O(n + m)
  def map_lookup({users, depts}) do
    by_id = Map.new(depts, &{&1.id, &1})

    Enum.map(users, fn u ->
      dept = Map.fetch!(by_id, u.dept_id)
      {u.id, dept.name}
    end)
  end

  def set_lookup({users, depts}) do
    active = for d <- depts, d.active, into: MapSet.new(), do: d.id
    Enum.count(users, &MapSet.member?(active, &1.dept_id))
  end
end

BenchHelper.header("EP504", "nested-lookup-in-loop", """
n users, m departments (maps with :id), each user points at a random department.
The index (`Map.new` / `MapSet`) is built inside the timed call.
""")

:rand.seed(:exsss, {1, 2, 3})

setup = fn {n, m} ->
  depts = Enum.map(1..m, &%{id: &1, name: "dept #{&1}", active: rem(&1, 2) == 0})
  users = Enum.map(1..n, &%{id: &1, dept_id: :rand.uniform(m)})
  {users, depts}
end

sizes = [{10, 10}, {1_000, 10}, {1_000, 100}, {1_000, 1_000}, {100_000, 100}, {100_000, 1_000}]

BenchHelper.compare(
  "`Enum.find` per user vs `Map.new` once + `Map.fetch!`",
  sizes,
  setup,
  [
    {"Enum.find per user", &Bench.NestedLookupInLoop.nested_find/1},
    {"Map.new + Map.fetch!", &Bench.NestedLookupInLoop.map_lookup/1}
  ],
  size_label: "users × depts"
)

BenchHelper.compare(
  "`Enum.any?` per user vs `MapSet` once + `MapSet.member?`",
  [{10, 10}, {1_000, 100}, {1_000, 1_000}, {100_000, 1_000}],
  setup,
  [
    {"Enum.any? per user", &Bench.NestedLookupInLoop.nested_any/1},
    {"MapSet + member?", &Bench.NestedLookupInLoop.set_lookup/1}
  ],
  size_label: "users × depts"
)

BenchHelper.compare(
  "`Enum.find(depts, &in_dept?(&1, u))` per user vs `Map.new` once + `Map.fetch!`",
  [{10, 10}, {1_000, 100}, {1_000, 1_000}, {10_000, 1_000}],
  setup,
  [
    {"Enum.find + predicate fn", &Bench.NestedLookupInLoop.nested_find_pred/1},
    {"Map.new + Map.fetch!", &Bench.NestedLookupInLoop.map_lookup/1}
  ],
  size_label: "users × depts"
)
