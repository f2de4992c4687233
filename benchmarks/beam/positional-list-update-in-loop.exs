# EP106 positional-list-update-in-loop
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.PositionalListUpdateInLoop do
  # footgun: each step walks and copies the list up to the index
  def replace_at(n) do
    Enum.reduce(0..(n - 1), List.duplicate(0, n), fn i, acc ->
      List.replace_at(acc, i, i * 2)
    end)
  end

  def update_at(n) do
    Enum.reduce(0..(n - 1), List.duplicate(0, n), fn i, acc ->
      List.update_at(acc, rem(i * 7, n), &(&1 + i))
    end)
  end

  # fix: a map keyed by index while updating, one list at the end
  def map_then_list(n) do
    map =
      Enum.reduce(0..(n - 1), Map.new(0..(n - 1), &{&1, 0}), fn i, acc ->
        Map.put(acc, i, i * 2)
      end)

    Enum.map(0..(n - 1), &Map.fetch!(map, &1))
  end

  def map_update_then_list(n) do
    map =
      Enum.reduce(0..(n - 1), Map.new(0..(n - 1), &{&1, 0}), fn i, acc ->
        Map.update!(acc, rem(i * 7, n), &(&1 + i))
      end)

    Enum.map(0..(n - 1), &Map.fetch!(map, &1))
  end

  # or Erlang's :array
  def array_then_list(n) do
    0..(n - 1)
    |> Enum.reduce(:array.new(n, default: 0), fn i, acc -> :array.set(i, i * 2, acc) end)
    |> :array.to_list()
  end
end

BenchHelper.header("EP106", "positional-list-update-in-loop", """
n positional updates of an n-element list carried through `Enum.reduce`. Quadratic:
capped at 30k.
""")

sizes = BenchHelper.sizes([10, 100, 1_000, 10_000, 30_000])

BenchHelper.compare(
  "`List.replace_at(acc, i, v)` per step vs a map keyed by index (and `:array`)",
  sizes,
  & &1,
  [
    {"List.replace_at", &Bench.PositionalListUpdateInLoop.replace_at/1},
    {"Map.put + list at the end", &Bench.PositionalListUpdateInLoop.map_then_list/1},
    {":array.set + to_list", &Bench.PositionalListUpdateInLoop.array_then_list/1}
  ],
  size_label: "n"
)

BenchHelper.compare(
  "`List.update_at(acc, j, f)` per step (scattered indices) vs `Map.update!`",
  sizes,
  & &1,
  [
    {"List.update_at", &Bench.PositionalListUpdateInLoop.update_at/1},
    {"Map.update! + list at the end", &Bench.PositionalListUpdateInLoop.map_update_then_list/1}
  ],
  size_label: "n"
)
