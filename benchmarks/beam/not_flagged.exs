# not-flagged: popular advice we measured and do NOT turn into rules (DESIGN section 5)
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.NotFlagged do
  # ---- building a comma-separated binary (items are maps with :name)
  def reduce_append(l), do: Enum.reduce(l, "", fn i, acc -> acc <> i.name <> "," end)
  def map_join(l), do: Enum.map_join(l, ",", & &1.name)
  def map_then_join(l), do: l |> Enum.map(& &1.name) |> Enum.join(",")
  def iodata_binary(l), do: l |> Enum.map(&[&1.name, ","]) |> IO.iodata_to_binary()
  def iodata_only(l), do: Enum.map(l, &[&1.name, ","])

  # ---- min + max vs min_max
  def min_and_max(l), do: {Enum.min(l), Enum.max(l)}
  def min_max(l), do: Enum.min_max(l)
  def min_by_and_max_by(l), do: {Enum.min_by(l, & &1.score), Enum.max_by(l, & &1.score)}
  def min_max_by(l), do: Enum.min_max_by(l, & &1.score)

  # ---- descending sort
  def sort_reverse(l), do: l |> Enum.sort() |> Enum.reverse()
  def sort_desc(l), do: Enum.sort(l, :desc)
  def sort_fun(l), do: Enum.sort(l, &>=/2)

  # ---- map |> join vs map_join (integers)
  def ints_map_then_join(l), do: l |> Enum.map(&Integer.to_string/1) |> Enum.join(",")
  def ints_map_join(l), do: Enum.map_join(l, ",", &Integer.to_string/1)

  # ---- building a map
  def map_into(l), do: l |> Enum.map(&{&1, &1 * 2}) |> Enum.into(%{})
  def map_new2(l), do: Map.new(l, &{&1, &1 * 2})
  def map_then_new(l), do: l |> Enum.map(&{&1, &1 * 2}) |> Map.new()
  def for_into(l), do: for(x <- l, into: %{}, do: {x, x * 2})

  # ---- ~r literal in a function body vs module attribute
  @email_regex ~r/\w+@\w+\.\w+/
  def regex_literal(s), do: Regex.match?(~r/\w+@\w+\.\w+/, s)
  def regex_attribute(s), do: Regex.match?(@email_regex, s)
  def count_regex_literal(l), do: Enum.count(l, &regex_literal/1)
  def count_regex_attribute(l), do: Enum.count(l, &regex_attribute/1)

  # ---- `x in [literal list]` vs MapSet.member?(@set, x)
  @literal_sizes [4, 10, 32, 33, 100]
  def literal_sizes, do: @literal_sizes

  for k <- @literal_sizes do
    list = Enum.map(1..k, &:"atom_#{&1}")
    def unquote(:"in_#{k}")(keys), do: Enum.count(keys, &(&1 in unquote(list)))

    def unquote(:"set_#{k}")(keys),
      do: Enum.count(keys, &MapSet.member?(unquote(Macro.escape(MapSet.new(list))), &1))
  end

  for k <- @literal_sizes do
    def literal_in({unquote(k), keys}), do: unquote(:"in_#{k}")(keys)
  end

  for k <- @literal_sizes do
    def mapset_attr({unquote(k), keys}), do: unquote(:"set_#{k}")(keys)
  end
end

BenchHelper.header("not-flagged", "claims of DESIGN section 5", """
Popular advice that did not hold up (or made no consistent difference) on the BEAM.
In each table the first time column is the code the advice warns against and the
other columns are what it recommends; ratio > 1 means the advice helps.
""")

sizes = [10, 1_000, 100_000]
ints = fn n -> Enum.to_list(1..n) end

:rand.seed(:exsss, {7, 8, 9})
shuffled = fn n -> Enum.shuffle(1..n) end

BenchHelper.compare(
  "build a comma-separated binary: `acc <> x <> \",\"` in reduce vs map_join / join / iodata",
  sizes,
  fn n -> Enum.map(1..n, &%{name: "name#{&1}"}) end,
  [
    {"reduce acc <> x <> \",\"", &Bench.NotFlagged.reduce_append/1},
    {"Enum.map_join", &Bench.NotFlagged.map_join/1},
    {"Enum.map |> Enum.join", &Bench.NotFlagged.map_then_join/1},
    {"iodata |> IO.iodata_to_binary", &Bench.NotFlagged.iodata_binary/1},
    {"iodata, never flattened", &Bench.NotFlagged.iodata_only/1}
  ],
  check: false
)

BenchHelper.note("""
_Results differ only by the trailing comma of the reduce (and the last column is not a
binary), so the equality check is off for this table._
""")

BenchHelper.compare("`{Enum.min(l), Enum.max(l)}` vs `Enum.min_max(l)`", sizes, shuffled, [
  {"{Enum.min, Enum.max}", &Bench.NotFlagged.min_and_max/1},
  {"Enum.min_max", &Bench.NotFlagged.min_max/1}
])

BenchHelper.compare(
  "`{Enum.min_by, Enum.max_by}` vs `Enum.min_max_by` (maps, by :score)",
  sizes,
  fn n -> Enum.map(Enum.shuffle(1..n), &%{score: &1}) end,
  [
    {"{min_by, max_by}", &Bench.NotFlagged.min_by_and_max_by/1},
    {"Enum.min_max_by", &Bench.NotFlagged.min_max_by/1}
  ]
)

BenchHelper.compare(
  "`Enum.sort |> Enum.reverse` vs `Enum.sort(l, :desc)` (shuffled integers)",
  sizes,
  shuffled,
  [
    {"Enum.sort |> Enum.reverse", &Bench.NotFlagged.sort_reverse/1},
    {"Enum.sort(l, :desc)", &Bench.NotFlagged.sort_desc/1},
    {"Enum.sort(l, &>=/2)", &Bench.NotFlagged.sort_fun/1}
  ]
)

BenchHelper.compare(
  "`Enum.map |> Enum.join` vs `Enum.map_join` (integers to strings)",
  sizes,
  ints,
  [
    {"Enum.map |> Enum.join", &Bench.NotFlagged.ints_map_then_join/1},
    {"Enum.map_join", &Bench.NotFlagged.ints_map_join/1}
  ]
)

BenchHelper.compare("`Enum.map |> Enum.into(%{})` vs `Map.new/2`", sizes, ints, [
  {"Enum.map |> Enum.into(%{})", &Bench.NotFlagged.map_into/1},
  {"Map.new(l, f)", &Bench.NotFlagged.map_new2/1},
  {"Enum.map |> Map.new()", &Bench.NotFlagged.map_then_new/1},
  {"for x <- l, into: %{}", &Bench.NotFlagged.for_into/1}
])

BenchHelper.compare(
  "`~r` literal in the function body vs `@attr ~r` (Regex.match? over n strings)",
  sizes,
  fn n ->
    Enum.map(
      1..n,
      &if(rem(&1, 2) == 0, do: "contact user#{&1}@example.com now", else: "no address #{&1}")
    )
  end,
  [
    {"~r literal in function", &Bench.NotFlagged.count_regex_literal/1},
    {"@attr ~r", &Bench.NotFlagged.count_regex_attribute/1}
  ],
  size_label: "calls"
)

BenchHelper.compare(
  "`x in [literal atoms]` vs `MapSet.member?(@set, x)`, 10_000 tests (half hit)",
  Bench.NotFlagged.literal_sizes(),
  fn k ->
    keys =
      Enum.map(1..10_000, fn i ->
        if rem(i, 2) == 0, do: :"atom_#{rem(i, k) + 1}", else: :"miss_#{rem(i, 50)}"
      end)

    {k, keys}
  end,
  [
    {"x in [literal list]", &Bench.NotFlagged.literal_in/1},
    {"MapSet.member?(@set, x)", &Bench.NotFlagged.mapset_attr/1}
  ],
  size_label: "literal list length"
)

BenchHelper.note("""
_`x in [...]` with a literal list of at most 32 elements is expanded at compile time into
`===` comparisons; longer lists compile to `:lists.member/2` (a BIF)._
""")
