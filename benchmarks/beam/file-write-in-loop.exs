# EP401 file-write-in-loop
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.FileWriteInLoop do
  # footgun: File.write with :append per line = open + write + close per line
  def append_each({path, lines}) do
    Enum.each(lines, fn line -> File.write!(path, line, [:append]) end)
  end

  # fix 1: open once, write each line
  def open_once({path, lines}) do
    File.open!(path, [:write], fn file -> Enum.each(lines, &IO.binwrite(file, &1)) end)
    :ok
  end

  # fix 2: one write of the whole iodata
  def one_write({path, lines}), do: File.write!(path, lines)
end

BenchHelper.header("EP401", "file-write-in-loop", """
Write n lines (~40 bytes) to a file on the local disk (#{System.tmp_dir!()}), the file
truncated before every run (untimed). One run per write job (reps = 1).
""")

dir = Path.join(System.tmp_dir!(), "ep401-#{System.unique_integer([:positive])}")
File.mkdir_p!(dir)
path = Path.join(dir, "log.txt")

setup = fn n ->
  lines = Enum.map(1..n, &"2024-01-01T00:00:00Z line #{&1} something\n")
  # sanity: all variants leave the same file content
  expected = IO.iodata_to_binary(lines)

  for f <- [
        &Bench.FileWriteInLoop.append_each/1,
        &Bench.FileWriteInLoop.open_once/1,
        &Bench.FileWriteInLoop.one_write/1
      ] do
    File.write!(path, "")
    f.({path, lines})
    ^expected = File.read!(path)
  end

  {path, lines}
end

BenchHelper.compare(
  "`File.write!(p, line, [:append])` per line vs one open / one write",
  [10, 1_000, 10_000],
  setup,
  [
    {"File.write! :append per line", &Bench.FileWriteInLoop.append_each/1},
    {"File.open! once + IO.binwrite", &Bench.FileWriteInLoop.open_once/1},
    {"File.write!(p, lines) once", &Bench.FileWriteInLoop.one_write/1}
  ],
  size_label: "lines",
  before_each: fn {p, _} -> File.write!(p, "") end
)

File.rm_rf!(dir)
