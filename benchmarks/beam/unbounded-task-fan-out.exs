# EP702 unbounded-task-fan-out
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.UnboundedTaskFanOut do
  # a small CPU-bound job (~2 µs)
  def work(x), do: Enum.reduce(1..100, x, fn i, acc -> rem(acc * 31 + i, 1_000_003) end)

  # footgun: one process per element, all alive at once
  def fan_out(items) do
    items
    |> Enum.map(fn x -> Task.async(fn -> work(x) end) end)
    |> Enum.map(&Task.await(&1, :infinity))
  end

  def fan_out_await_many(items) do
    items
    |> Enum.map(fn x -> Task.async(fn -> work(x) end) end)
    |> Task.await_many(:infinity)
  end

  # fix: bounded concurrency
  def async_stream(items) do
    items
    |> Task.async_stream(&work/1, max_concurrency: System.schedulers_online(), timeout: :infinity)
    |> Enum.map(fn {:ok, v} -> v end)
  end

  # I/O-bound job: sleeps 5 ms
  def io_work(x) do
    Process.sleep(5)
    x
  end

  def io_fan_out(items) do
    items |> Enum.map(fn x -> Task.async(fn -> io_work(x) end) end) |> Task.await_many(:infinity)
  end

  def io_stream(items, c) do
    items
    |> Task.async_stream(&io_work/1, max_concurrency: c, timeout: :infinity)
    |> Enum.map(fn {:ok, v} -> v end)
  end

  def io_stream_schedulers(items), do: io_stream(items, System.schedulers_online())
  def io_stream_50(items), do: io_stream(items, 50)
end

BenchHelper.header("EP702", "unbounded-task-fan-out", """
`Enum.map(items, &Task.async(...)) |> Enum.map(&Task.await/1)` starts one process per item,
all at once; `Task.async_stream(..., max_concurrency: k)` keeps k alive. For CPU-bound
work the fan-out is not slower: what it costs is processes and memory, and a hard failure
past the process limit (#{:erlang.system_info(:process_limit)} here; `+P` raises it).
Time tables capped at 10k / 100 items (100k / 1k with BENCH_FULL=1).
""")

sizes = BenchHelper.sizes([10, 1_000, 10_000], [100_000])
setup = fn n -> Enum.to_list(1..n) end

BenchHelper.compare(
  "time, CPU-bound job (~2 µs per item)",
  sizes,
  setup,
  [
    {"Task.async per item + await", &Bench.UnboundedTaskFanOut.fan_out/1},
    {"async_stream(max_concurrency: schedulers)", &Bench.UnboundedTaskFanOut.async_stream/1},
    {"Task.async + await_many", &Bench.UnboundedTaskFanOut.fan_out_await_many/1}
  ],
  size_label: "items"
)

IO.puts(
  "\n## peak process count and memory above the starting point (sampled every ms; one run each)\n"
)

procs = fn -> :erlang.system_info(:process_count) end
mem = fn -> :erlang.memory(:total) end

rows =
  for n <- [1_000, 10_000, 100_000] do
    items = setup.(n)
    {_, pa} = BenchHelper.peak(fn -> Bench.UnboundedTaskFanOut.fan_out(items) end, procs)
    {_, pb} = BenchHelper.peak(fn -> Bench.UnboundedTaskFanOut.async_stream(items) end, procs)
    {_, ma} = BenchHelper.peak(fn -> Bench.UnboundedTaskFanOut.fan_out(items) end, mem)
    {_, mb} = BenchHelper.peak(fn -> Bench.UnboundedTaskFanOut.async_stream(items) end, mem)

    [
      BenchHelper.fmt_size(n),
      "#{pa}",
      "#{pb}",
      BenchHelper.fmt_bytes(max(ma, 0)),
      BenchHelper.fmt_bytes(max(mb, 0))
    ]
  end

BenchHelper.table(
  [
    "items",
    "extra processes: fan-out",
    "extra processes: async_stream",
    "extra memory: fan-out",
    "extra memory: async_stream"
  ],
  rows
)

BenchHelper.compare(
  "time, I/O-bound job (sleeps 5 ms): the bound must fit the job",
  BenchHelper.sizes([10, 100], [1_000]),
  setup,
  [
    {"Task.async + await_many", &Bench.UnboundedTaskFanOut.io_fan_out/1},
    {"async_stream(max_concurrency: schedulers)",
     &Bench.UnboundedTaskFanOut.io_stream_schedulers/1},
    {"async_stream(max_concurrency: 50)", &Bench.UnboundedTaskFanOut.io_stream_50/1}
  ],
  size_label: "items"
)
