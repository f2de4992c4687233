# EP102 expensive-empty-check
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.ExpensiveEmptyCheck do
  def length_eq0(l), do: length(l) == 0
  def eq_empty(l), do: l == []

  def count_gt0(l), do: Enum.count(l) > 0
  def not_empty(l), do: not Enum.empty?(l)

  # {list, threshold}: the first element above the threshold sits in the middle
  def count_pred_gt0({l, t}), do: Enum.count(l, &(&1 > t)) > 0
  def any_pred({l, t}), do: Enum.any?(l, &(&1 > t))
end

BenchHelper.header("EP102", "expensive-empty-check", """
`length/1` and `Enum.count/1,2` on a list walk all of it; `== []`, `Enum.empty?/1` and
`Enum.any?/2` look at one element (any?/2: up to the first match). Per call.
""")

sizes = [10, 1_000, 100_000]
setup = fn n -> Enum.to_list(1..n) end

BenchHelper.compare("`length(l) == 0` vs `l == []`", sizes, setup, [
  {"length(l) == 0", &Bench.ExpensiveEmptyCheck.length_eq0/1},
  {"l == []", &Bench.ExpensiveEmptyCheck.eq_empty/1}
])

BenchHelper.compare("`Enum.count(l) > 0` vs `not Enum.empty?(l)`", sizes, setup, [
  {"Enum.count(l) > 0", &Bench.ExpensiveEmptyCheck.count_gt0/1},
  {"not Enum.empty?(l)", &Bench.ExpensiveEmptyCheck.not_empty/1}
])

BenchHelper.compare(
  "`Enum.count(l, f) > 0` vs `Enum.any?(l, f)`, first match in the middle of the list",
  sizes,
  fn n -> {Enum.to_list(1..n), div(n, 2)} end,
  [
    {"Enum.count(l, f) > 0", &Bench.ExpensiveEmptyCheck.count_pred_gt0/1},
    {"Enum.any?(l, f)", &Bench.ExpensiveEmptyCheck.any_pred/1}
  ]
)
