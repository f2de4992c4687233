# EP402 read-whole-file-to-split
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.ReadWholeFileToSplit do
  # flagged: read everything, split into lines, then walk them
  def read_split(path) do
    path
    |> File.read!()
    |> String.split("\n", trim: true)
    |> Enum.count(&String.contains?(&1, "ERROR"))
  end

  # the rule's suggestion: stream the lines
  def stream(path), do: path |> File.stream!() |> Enum.count(&String.contains?(&1, "ERROR"))

  # streaming with a bigger read-ahead buffer
  def stream_read_ahead(path) do
    path |> File.stream!(read_ahead: 256 * 1024) |> Enum.count(&String.contains?(&1, "ERROR"))
  end
end

BenchHelper.header("EP402", "read-whole-file-to-split", """
Count the lines of a log file (~45 bytes a line, 1 in 10 has "ERROR"). The gain the rule
is about is memory, not time: `File.read!` holds the whole file plus one sub-binary per
line; `File.stream!` holds a read-ahead buffer and one line.
""")

dir = Path.join(System.tmp_dir!(), "ep402-#{System.unique_integer([:positive])}")
File.mkdir_p!(dir)

make_file = fn n ->
  path = Path.join(dir, "log-#{n}.txt")

  unless File.exists?(path) do
    File.write!(
      path,
      Enum.map(1..n, fn i ->
        level = if rem(i, 10) == 0, do: "ERROR", else: "INFO "
        "2024-01-01T00:00:00Z #{level} request #{i} served\n"
      end)
    )
  end

  path
end

BenchHelper.compare(
  "time: `File.read! |> String.split(\"\\n\")` vs `File.stream!`",
  [10, 1_000, 100_000],
  make_file,
  [
    {"File.read! + String.split", &Bench.ReadWholeFileToSplit.read_split/1},
    {"File.stream!", &Bench.ReadWholeFileToSplit.stream/1},
    {"File.stream!(read_ahead: 256 KiB)", &Bench.ReadWholeFileToSplit.stream_read_ahead/1}
  ],
  size_label: "lines"
)

IO.puts("\n## peak memory above the starting point (whole VM, sampled every ms; one run each)\n")

rows =
  for n <- [100_000, 1_000_000] do
    path = make_file.(n)
    size = File.stat!(path).size

    mem = fn f ->
      elem(BenchHelper.peak(fn -> f.(path) end, fn -> :erlang.memory(:total) end), 1)
    end

    a = mem.(&Bench.ReadWholeFileToSplit.read_split/1)
    b = mem.(&Bench.ReadWholeFileToSplit.stream/1)

    [
      BenchHelper.fmt_size(n),
      BenchHelper.fmt_bytes(size),
      BenchHelper.fmt_bytes(a),
      BenchHelper.fmt_bytes(b)
    ]
  end

BenchHelper.table(["lines", "file size", "File.read! + String.split", "File.stream!"], rows)

File.rm_rf!(dir)
