# EP202 concat-for-io
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.ConcatForIo do
  # footgun: build one binary only to hand it to an IO function
  def concat({dev, a, b, c}), do: IO.binwrite(dev, a <> "," <> b <> "," <> c <> "\n")

  # fix: pass iodata, the VM writes the pieces without joining them first
  def iodata({dev, a, b, c}), do: IO.binwrite(dev, [a, ",", b, ",", c, "\n"])
end

BenchHelper.header("EP202", "concat-for-io", """
One `IO.binwrite/2` of three fields joined by `<>` vs the same fields as an iodata list.
The device is /dev/null, so the write itself is cheap and the difference is the
concatenation. "field bytes" is the size of each of the three fields.
""")

sizes = [16, 1_024, 65_536]

field = fn n, ch -> :binary.copy(ch, n) end

raw = File.open!("/dev/null", [:write, :raw, :binary])

BenchHelper.compare(
  "raw file (`File.open!(path, [:write, :raw])`), per write",
  sizes,
  fn n -> {raw, field.(n, "a"), field.(n, "b"), field.(n, "c")} end,
  [
    {"a <> \",\" <> b <> ...", &Bench.ConcatForIo.concat/1},
    {"[a, \",\", b, ...]", &Bench.ConcatForIo.iodata/1}
  ],
  size_label: "field bytes"
)

io_server = File.open!("/dev/null", [:write, :binary])

BenchHelper.compare(
  "file opened without :raw (writes go through the file's IO-server process), per write",
  sizes,
  fn n -> {io_server, field.(n, "a"), field.(n, "b"), field.(n, "c")} end,
  [
    {"a <> \",\" <> b <> ...", &Bench.ConcatForIo.concat/1},
    {"[a, \",\", b, ...]", &Bench.ConcatForIo.iodata/1}
  ],
  size_label: "field bytes"
)

File.close(raw)
File.close(io_server)
