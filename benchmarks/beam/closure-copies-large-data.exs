# EP701 closure-copies-large-data
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.ClosureCopiesLargeData do
  @items 1..1_000

  # footgun (warning shape): the closure uses one field, but captures the whole map;
  # every task process gets its own copy of it
  def capture_map(config) do
    @items
    |> Task.async_stream(fn x -> x * config.factor end)
    |> Enum.reduce(0, fn {:ok, v}, acc -> acc + v end)
  end

  # fix: bind the field outside, the closure captures an integer
  def capture_field(config) do
    factor = config.factor

    @items
    |> Task.async_stream(fn x -> x * factor end)
    |> Enum.reduce(0, fn {:ok, v}, acc -> acc + v end)
  end

  # footgun (information shape): the closure really needs the whole map (lookups)
  def lookup_captured(config) do
    @items
    |> Task.async_stream(fn x -> Map.get(config, x, 0) end)
    |> Enum.reduce(0, fn {:ok, v}, acc -> acc + v end)
  end

  # fix: share it through :persistent_term (no copy on read)
  def lookup_persistent_term(_config) do
    @items
    |> Task.async_stream(fn x -> Map.get(:persistent_term.get({__MODULE__, :config}), x, 0) end)
    |> Enum.reduce(0, fn {:ok, v}, acc -> acc + v end)
  end

  # fix: share it through ETS (one small copy per lookup)
  def lookup_ets(_config) do
    @items
    |> Task.async_stream(fn x ->
      case :ets.lookup(__MODULE__, x) do
        [{_, v}] -> v
        [] -> 0
      end
    end)
    |> Enum.reduce(0, fn {:ok, v}, acc -> acc + v end)
  end

  def task_memory(config) do
    [fn -> config.factor end, fn -> :ok end]
    |> Enum.map(fn f ->
      Task.async(fn ->
        f.()
        :erlang.garbage_collect()
        {:memory, m} = Process.info(self(), :memory)
        m
      end)
      |> Task.await(:infinity)
    end)
  end
end

BenchHelper.header("EP701", "closure-copies-large-data", """
1_000 items through `Task.async_stream` (max_concurrency = schedulers), the closure
capturing a map of s entries (integer keys and values). Each task process receives a
copy of everything the closure captures. Sizes capped at 100k for the first table and
10k for the second (1M / 100k with BENCH_FULL=1; 1M takes ~17 s per run).
""")

:ets.new(Bench.ClosureCopiesLargeData, [:named_table, :public, :set, read_concurrency: true])

setup = fn s ->
  m = Map.new(1..s, &{&1, &1 * 7})
  m = Map.put(m, :factor, 3)
  :persistent_term.put({Bench.ClosureCopiesLargeData, :config}, m)
  :ets.delete_all_objects(Bench.ClosureCopiesLargeData)
  :ets.insert(Bench.ClosureCopiesLargeData, Enum.to_list(m))
  m
end

sizes = BenchHelper.sizes([1_000, 10_000, 100_000], [1_000_000])

rows =
  for s <- sizes do
    m = setup.(s)
    [with_map, without] = Bench.ClosureCopiesLargeData.task_memory(m)
    words = :erts_debug.flat_size(m)

    [
      BenchHelper.fmt_size(s),
      BenchHelper.fmt_bytes(words * 8),
      BenchHelper.fmt_bytes(with_map),
      BenchHelper.fmt_bytes(without)
    ]
  end

IO.puts("\n## memory of one task process\n")

BenchHelper.table(
  ["map entries", "map size (flat)", "closure captures map", "captures one field"],
  rows
)

BenchHelper.compare(
  "closure uses `config.factor` but captures `config` vs bind the field outside",
  sizes,
  setup,
  [
    {"captures the map", &Bench.ClosureCopiesLargeData.capture_map/1},
    {"captures the field", &Bench.ClosureCopiesLargeData.capture_field/1}
  ],
  size_label: "map entries"
)

BenchHelper.compare(
  "closure looks keys up in the captured map vs `:persistent_term` / ETS",
  BenchHelper.sizes([1_000, 10_000], [100_000]),
  setup,
  [
    {"captures the map", &Bench.ClosureCopiesLargeData.lookup_captured/1},
    {":persistent_term", &Bench.ClosureCopiesLargeData.lookup_persistent_term/1},
    {"ETS", &Bench.ClosureCopiesLargeData.lookup_ets/1}
  ],
  size_label: "map entries"
)
