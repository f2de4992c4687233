# EP508 membership-in-map-keys
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.MembershipInMapKeys do
  # footgun: the key list is built and scanned for every test
  def in_keys({map, probes}), do: Enum.filter(probes, fn k -> k in Map.keys(map) end)
  def member_keys({map, probes}), do: Enum.filter(probes, &Enum.member?(Map.keys(map), &1))

  # fix: a hash lookup
  def has_key({map, probes}), do: Enum.filter(probes, &Map.has_key?(map, &1))

  # one test, outside any loop
  def one_in_keys({map, k}), do: k in Map.keys(map)
  def one_has_key({map, k}), do: Map.has_key?(map, k)
end

BenchHelper.header("EP508", "membership-in-map-keys", """
`k in Map.keys(m)` builds the list of m keys and scans it; `Map.has_key?/2` is a
hash lookup (maps of more than 32 keys) or a scan of a small sorted tuple.
""")

map = fn m -> Map.new(1..m, &{&1 * 2, &1}) end

BenchHelper.compare(
  "one test: `k in Map.keys(m)` vs `Map.has_key?(m, k)` (k absent)",
  [4, 32, 1_000, 100_000],
  fn m -> {map.(m), -1} end,
  [
    {"k in Map.keys", &Bench.MembershipInMapKeys.one_in_keys/1},
    {"Map.has_key?", &Bench.MembershipInMapKeys.one_has_key/1}
  ],
  size_label: "map size m"
)

BenchHelper.compare(
  "1,000 tests inside `Enum.filter` (half present)",
  [4, 32, 1_000, 10_000],
  fn m -> {map.(m), Enum.to_list(1..1_000)} end,
  [
    {"k in Map.keys", &Bench.MembershipInMapKeys.in_keys/1},
    {"Enum.member?(Map.keys)", &Bench.MembershipInMapKeys.member_keys/1},
    {"Map.has_key?", &Bench.MembershipInMapKeys.has_key/1}
  ],
  size_label: "map size m"
)
