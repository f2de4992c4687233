# EP201 binary-prepend-in-loop, body recursion (issue 16, item 9): `<<c>> <> f(rest)`
# returned by `f`. Quadratic cases are capped at 30k (100k with BENCH_FULL=1).
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.BodyRecursiveBinaryPrepend do
  # candidate footgun: each level prepends one byte to what the deeper levels built
  def prepend_byte(<<c, rest::binary>>), do: <<c + 1>> <> prepend_byte(rest)
  def prepend_byte(<<>>), do: <<>>

  # the same with a multi-byte prefix (escaping shape)
  def prepend_prefix(<<c, rest::binary>>), do: "\\" <> <<c>> <> prepend_prefix(rest)
  def prepend_prefix(<<>>), do: <<>>

  # fix 1: tail recursion appending to an accumulator (appended in place)
  def append_acc(bin), do: append_acc(bin, <<>>)
  defp append_acc(<<c, rest::binary>>, acc), do: append_acc(rest, <<acc::binary, c + 1>>)
  defp append_acc(<<>>, acc), do: acc

  def append_prefix_acc(bin), do: append_prefix_acc(bin, <<>>)

  defp append_prefix_acc(<<c, rest::binary>>, acc),
    do: append_prefix_acc(rest, <<acc::binary, "\\", c>>)

  defp append_prefix_acc(<<>>, acc), do: acc

  # fix 2: body recursion building iodata, one conversion at the end
  def iodata(bin), do: IO.iodata_to_binary(iodata_body(bin))
  defp iodata_body(<<c, rest::binary>>), do: [c + 1 | iodata_body(rest)]
  defp iodata_body(<<>>), do: []

  # prepending to a list-built string is what the footgun would be in a loop over a
  # list: `h <> sep <> join(t)` (the hand-written join)
  def join_body([]), do: ""
  def join_body([h]), do: h
  def join_body([h | t]), do: h <> "," <> join_body(t)

  def join_enum(l), do: Enum.join(l, ",")
end

BenchHelper.header("EP201", "binary-prepend-in-loop (body recursion)", """
A binary of n bytes rebuilt byte by byte: `<<c + 1>> <> f(rest)` (body recursion, the
prefix prepended to what the deeper calls returned) vs tail recursion appending to an
accumulator and vs body recursion building iodata. Then a hand-written join
`h <> "," <> join(t)` over n short strings vs `Enum.join/2`.
""")

sizes = BenchHelper.sizes([100, 1_000, 10_000, 30_000], [100_000])
setup = fn n -> :binary.copy("a", n) end

BenchHelper.compare(
  "`<<c + 1>> <> f(rest)` vs tail-recursive append vs iodata",
  sizes,
  setup,
  [
    {"<<c + 1>> <> f(rest)", &Bench.BodyRecursiveBinaryPrepend.prepend_byte/1},
    {"f(rest, <<acc::binary, c + 1>>)", &Bench.BodyRecursiveBinaryPrepend.append_acc/1},
    {"[c + 1 | f(rest)], iodata_to_binary", &Bench.BodyRecursiveBinaryPrepend.iodata/1}
  ]
)

BenchHelper.compare(
  "`\"\\\\\" <> <<c>> <> f(rest)` vs tail-recursive append",
  sizes,
  setup,
  [
    {"\"\\\\\" <> <<c>> <> f(rest)", &Bench.BodyRecursiveBinaryPrepend.prepend_prefix/1},
    {"f(rest, <<acc::binary, \"\\\\\", c>>)", &Bench.BodyRecursiveBinaryPrepend.append_prefix_acc/1}
  ]
)

BenchHelper.compare(
  "hand-written join `h <> \",\" <> join(t)` vs Enum.join/2",
  BenchHelper.sizes([100, 1_000, 10_000], [30_000, 100_000]),
  fn n -> Enum.map(1..n, &"item#{&1}") end,
  [
    {"h <> \",\" <> join(t)", &Bench.BodyRecursiveBinaryPrepend.join_body/1},
    {"Enum.join(l, \",\")", &Bench.BodyRecursiveBinaryPrepend.join_enum/1}
  ]
)
