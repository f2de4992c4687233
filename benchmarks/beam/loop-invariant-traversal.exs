# EP507 loop-invariant-traversal
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.LoopInvariantTraversal do
  # footgun: an O(n) call on a value the loop never changes, evaluated per element
  def count_inside(list), do: Enum.map(list, fn x -> x / Enum.count(list) end)
  def length_inside(list), do: Enum.map(list, fn x -> x / length(list) end)
  def sum_inside(list), do: Enum.map(list, fn x -> x / Enum.sum(list) end)
  def last_inside(list), do: Enum.filter(list, fn x -> x != List.last(list) end)

  def keys_inside({map, probes}),
    do: Enum.count(probes, fn k -> Enum.member?(Map.keys(map), k) end)

  def string_length_inside({s, words}),
    do: Enum.map(words, fn w -> String.length(s) - byte_size(w) end)

  # fix: the same call, hoisted into a variable before the loop
  def count_hoisted(list) do
    n = Enum.count(list)
    Enum.map(list, fn x -> x / n end)
  end

  def length_hoisted(list) do
    n = length(list)
    Enum.map(list, fn x -> x / n end)
  end

  def sum_hoisted(list) do
    total = Enum.sum(list)
    Enum.map(list, fn x -> x / total end)
  end

  def last_hoisted(list) do
    last = List.last(list)
    Enum.filter(list, fn x -> x != last end)
  end

  def keys_hoisted({map, probes}) do
    keys = Map.keys(map)
    Enum.count(probes, fn k -> Enum.member?(keys, k) end)
  end

  def string_length_hoisted({s, words}) do
    len = String.length(s)
    Enum.map(words, fn w -> len - byte_size(w) end)
  end
end

BenchHelper.header("EP507", "loop-invariant-traversal", """
An O(n) call (`Enum.count/1`, `length/1`, `Enum.sum/1`, `List.last/1`,
`Map.keys/1`, `String.length/1`) whose argument the loop does not change,
written inside the loop body: it runs once per element. Quadratic when the loop
walks the same collection; capped at 10k (30k with BENCH_FULL=1).
""")

list = fn n -> Enum.to_list(1..n) end
sizes = BenchHelper.sizes([10, 100, 1_000, 10_000], [30_000])

BenchHelper.compare(
  "`Enum.map(l, fn x -> x / Enum.count(l) end)` vs `Enum.count/1` hoisted",
  sizes,
  list,
  [
    {"count inside", &Bench.LoopInvariantTraversal.count_inside/1},
    {"hoisted", &Bench.LoopInvariantTraversal.count_hoisted/1}
  ],
  size_label: "n"
)

BenchHelper.compare(
  "`length(l)` inside `Enum.map` over `l` vs hoisted",
  sizes,
  list,
  [
    {"length inside", &Bench.LoopInvariantTraversal.length_inside/1},
    {"hoisted", &Bench.LoopInvariantTraversal.length_hoisted/1}
  ],
  size_label: "n"
)

BenchHelper.compare(
  "`Enum.sum(l)` inside `Enum.map` over `l` vs hoisted",
  [10, 1_000, 10_000],
  list,
  [
    {"sum inside", &Bench.LoopInvariantTraversal.sum_inside/1},
    {"hoisted", &Bench.LoopInvariantTraversal.sum_hoisted/1}
  ],
  size_label: "n"
)

BenchHelper.compare(
  "`List.last(l)` inside `Enum.filter` over `l` vs hoisted",
  [10, 1_000, 10_000],
  list,
  [
    {"List.last inside", &Bench.LoopInvariantTraversal.last_inside/1},
    {"hoisted", &Bench.LoopInvariantTraversal.last_hoisted/1}
  ],
  size_label: "n"
)

BenchHelper.compare(
  "`Map.keys(m)` inside a loop over 1,000 probes vs hoisted (a map of m keys)",
  [10, 100, 1_000],
  fn m -> {Map.new(1..m, &{&1, &1}), Enum.to_list(1..1_000)} end,
  [
    {"Map.keys inside", &Bench.LoopInvariantTraversal.keys_inside/1},
    {"hoisted", &Bench.LoopInvariantTraversal.keys_hoisted/1}
  ],
  size_label: "map size m"
)

BenchHelper.compare(
  "`String.length(s)` inside a loop over 1,000 words vs hoisted (s of b ASCII bytes)",
  [10, 1_000, 10_000],
  fn b -> {String.duplicate("a", b), List.duplicate("word", 1_000)} end,
  [
    {"String.length inside", &Bench.LoopInvariantTraversal.string_length_inside/1},
    {"hoisted", &Bench.LoopInvariantTraversal.string_length_hoisted/1}
  ],
  size_label: "bytes b"
)
