# EP505 list-membership-in-loop
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.ListMembershipInLoop do
  # footgun: `x in list` on a runtime list inside a loop -> O(keys · list)
  def in_list({keys, list, _set}), do: Enum.count(keys, &(&1 in list))
  def enum_member({keys, list, _set}), do: Enum.count(keys, &Enum.member?(list, &1))

  # fix: build a MapSet once (inside the timed call)
  def mapset_built({keys, list, _set}) do
    set = MapSet.new(list)
    Enum.count(keys, &MapSet.member?(set, &1))
  end

  # the set built elsewhere (e.g. at start-up), not paid per call
  def mapset_prebuilt({keys, _list, set}), do: Enum.count(keys, &MapSet.member?(set, &1))
end

BenchHelper.header("EP505", "list-membership-in-loop", """
10_000 membership tests (half hit) against a runtime list of s integers.
""")

setup = fn s ->
  list = Enum.map(1..s, &(&1 * 2))

  keys =
    Enum.map(1..10_000, fn i -> if rem(i, 2) == 0, do: Enum.at(list, rem(i, s)), else: -i end)

  {keys, list, MapSet.new(list)}
end

sizes = [1, 4, 16, 32, 64, 128, 1_000, 10_000]

BenchHelper.compare(
  "`x in list` vs `MapSet.member?` (10k tests)",
  sizes,
  setup,
  [
    {"x in list", &Bench.ListMembershipInLoop.in_list/1},
    {"MapSet.new + member?", &Bench.ListMembershipInLoop.mapset_built/1},
    {"prebuilt MapSet", &Bench.ListMembershipInLoop.mapset_prebuilt/1}
  ],
  size_label: "list size s"
)

BenchHelper.compare(
  "`Enum.member?(list, x)` vs `MapSet.member?` (10k tests)",
  [16, 1_000, 10_000],
  setup,
  [
    {"Enum.member?", &Bench.ListMembershipInLoop.enum_member/1},
    {"MapSet.new + member?", &Bench.ListMembershipInLoop.mapset_built/1}
  ],
  size_label: "list size s"
)
