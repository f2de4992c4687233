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

  # small lengths other than 0 and 1
  def length_eq3(l), do: length(l) == 3
  def match_eq3(l), do: match?([_, _, _], l)

  def length_lt3(l), do: length(l) < 3
  def not_match_lt3(l), do: not match?([_, _, _ | _], l)
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

BenchHelper.compare("`length(l) == 3` vs `match?([_, _, _], l)`", [3 | sizes], setup, [
  {"length(l) == 3", &Bench.ExpensiveEmptyCheck.length_eq3/1},
  {"match?([_, _, _], l)", &Bench.ExpensiveEmptyCheck.match_eq3/1}
])

BenchHelper.compare("`length(l) < 3` vs `not match?([_, _, _ | _], l)`", [2 | sizes], setup, [
  {"length(l) < 3", &Bench.ExpensiveEmptyCheck.length_lt3/1},
  {"not match?([_, _, _ | _], l)", &Bench.ExpensiveEmptyCheck.not_match_lt3/1}
])
