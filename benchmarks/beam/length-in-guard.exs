# EP101 length-in-guard
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.LengthInGuard do
  # ---- one call (what the rule flags as "information")
  def guard_gt0(l) when length(l) > 0, do: :non_empty
  def guard_gt0(_), do: :empty

  def head_gt0([_ | _]), do: :non_empty
  def head_gt0(_), do: :empty

  def guard_gt1(l) when length(l) > 1, do: :many
  def guard_gt1(_), do: :few

  def head_gt1([_, _ | _]), do: :many
  def head_gt1(_), do: :few

  # ---- recursion over the same list (what the rule flags as "warning"):
  # the guard walks the rest of the list on every step -> O(n²)
  def sum_guard(l), do: sum_guard(l, 0)

  defp sum_guard(l, acc) when length(l) > 0 do
    [h | t] = l
    sum_guard(t, acc + h)
  end

  defp sum_guard(_, acc), do: acc

  # the rule's safe fix: the comparison moves into the head as `[_ | _]`
  def sum_head(l), do: sum_head(l, 0)

  defp sum_head([_ | _] = l, acc) do
    [h | t] = l
    sum_head(t, acc + h)
  end

  defp sum_head(_, acc), do: acc

  # ---- "at most one element" and exact small lengths
  def guard_lt2(l) when length(l) < 2, do: :few
  def guard_lt2(_), do: :many

  # the rule's safe fix for `length(l) < 2`
  def tl_lt2(l) when l == [] or tl(l) == [], do: :few
  def tl_lt2(_), do: :many

  def guard_eq3(l) when length(l) == 3, do: :three
  def guard_eq3(_), do: :other

  def head_eq3([_, _, _]), do: :three
  def head_eq3(_), do: :other

  # a recursion that stops at the last element, testing the rest's length each step
  def last_guard(l) when length(l) < 2, do: hd(l)
  def last_guard([_ | t]), do: last_guard(t)

  def last_tl(l) when l == [] or tl(l) == [], do: hd(l)
  def last_tl([_ | t]), do: last_tl(t)
end

BenchHelper.header("EP101", "length-in-guard", """
`length/1` walks the whole list, also in a guard. One call costs O(n); a recursive
function whose guard checks `length` of the list it is consuming costs O(n²).
The recursion table is quadratic: capped at 30k (100k with BENCH_FULL=1).
""")

setup = fn n -> Enum.to_list(1..n) end

BenchHelper.compare(
  "one call: `when length(l) > 0` vs `[_ | _]` in the head",
  [10, 1_000, 100_000],
  setup,
  [
    {"when length(l) > 0", &Bench.LengthInGuard.guard_gt0/1},
    {"[_ | _]", &Bench.LengthInGuard.head_gt0/1}
  ]
)

BenchHelper.compare(
  "one call: `when length(l) > 1` vs `[_, _ | _]` in the head",
  [10, 1_000, 100_000],
  setup,
  [
    {"when length(l) > 1", &Bench.LengthInGuard.guard_gt1/1},
    {"[_, _ | _]", &Bench.LengthInGuard.head_gt1/1}
  ]
)

BenchHelper.compare(
  "recursion that consumes the list: `when length(l) > 0` on every step vs `[_ | _]`",
  BenchHelper.sizes([10, 1_000, 10_000, 30_000], [100_000]),
  setup,
  [
    {"when length(l) > 0", &Bench.LengthInGuard.sum_guard/1},
    {"[_ | _]", &Bench.LengthInGuard.sum_head/1}
  ]
)

BenchHelper.compare(
  "one call: `when length(l) < 2` vs `when l == [] or tl(l) == []`",
  [10, 1_000, 100_000],
  setup,
  [
    {"when length(l) < 2", &Bench.LengthInGuard.guard_lt2/1},
    {"l == [] or tl(l) == []", &Bench.LengthInGuard.tl_lt2/1}
  ]
)

BenchHelper.compare(
  "one call: `when length(l) == 3` vs `[_, _, _]` in the head",
  [10, 1_000, 100_000],
  setup,
  [
    {"when length(l) == 3", &Bench.LengthInGuard.guard_eq3/1},
    {"[_, _, _]", &Bench.LengthInGuard.head_eq3/1}
  ]
)

BenchHelper.compare(
  "recursion to the last element: `when length(l) < 2` on every step vs `tl(l) == []`",
  BenchHelper.sizes([10, 1_000, 10_000, 30_000], [100_000]),
  setup,
  [
    {"when length(l) < 2", &Bench.LengthInGuard.last_guard/1},
    {"l == [] or tl(l) == []", &Bench.LengthInGuard.last_tl/1}
  ]
)
