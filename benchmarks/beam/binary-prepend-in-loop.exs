# EP201 binary-prepend-in-loop
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.BinaryPrependInLoop do
  # footgun: accumulator on the RIGHT of <>, every step copies it -> O(n²)
  def prepend(l), do: Enum.reduce(l, "", fn x, acc -> x <> "," <> acc end)

  # fix: collect iodata, flatten once (same bytes, same order)
  def iodata(l),
    do: l |> Enum.reduce([], fn x, acc -> [x, "," | acc] end) |> IO.iodata_to_binary()

  # footgun 2: appending is normally done in place, but matching the accumulator
  # each step makes the next append copy it -> O(n²)
  def append_matched(l) do
    Enum.reduce(l, "", fn x, acc ->
      case acc do
        <<"#", _::binary>> -> acc
        _ -> acc <> x <> ","
      end
    end)
  end

  # reference: the same append without the match (in-place, linear)
  def append_plain(l), do: Enum.reduce(l, "", fn x, acc -> acc <> x <> "," end)

  def iodata_append(l),
    do: l |> Enum.reduce([], fn x, acc -> [acc, x, ","] end) |> IO.iodata_to_binary()
end

BenchHelper.header("EP201", "binary-prepend-in-loop", """
Build a binary from n short strings (~6-10 bytes each) in a reduce. Quadratic cases are
capped at 30k and 10k (30k and 100k with BENCH_FULL=1).
""")

sizes = BenchHelper.sizes([10, 1_000, 10_000, 30_000], [100_000])
setup = fn n -> Enum.map(1..n, &"item#{&1}") end

BenchHelper.compare(
  "prepend `x <> \",\" <> acc` vs iodata + one IO.iodata_to_binary",
  sizes,
  setup,
  [
    {"x <> \",\" <> acc", &Bench.BinaryPrependInLoop.prepend/1},
    {"iodata, flatten once", &Bench.BinaryPrependInLoop.iodata/1}
  ]
)

BenchHelper.compare(
  "append with a binary match on the accumulator each step vs iodata",
  BenchHelper.sizes([10, 1_000, 10_000], [30_000, 100_000]),
  setup,
  [
    {"acc matched, then acc <> x", &Bench.BinaryPrependInLoop.append_matched/1},
    {"iodata, flatten once", &Bench.BinaryPrependInLoop.iodata_append/1},
    {"acc <> x, no match (reference)", &Bench.BinaryPrependInLoop.append_plain/1}
  ]
)
