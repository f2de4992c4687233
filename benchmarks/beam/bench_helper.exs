# Shared timing helper for benchmarks/beam/*.exs.
#
# Load it with:
#
#     Code.require_file("bench_helper.exs", __DIR__)
#
# Everything that is timed runs in compiled code: the repetition loop lives in
# this module, and each script passes remote captures (`&Mod.fun/1`) of
# functions defined in its own `defmodule`. Top-level code in an .exs file is
# evaluated by `:erl_eval`, so never pass an `fn` written at the top level of a
# script as the function to time (it is fine as a `setup` function, which is
# not timed).
#
# Method (per cell of a table):
#   * one warm-up call, whose result is kept for the footgun == fix check;
#   * calibration: the call is repeated `reps` times per run so that one run
#     lasts >= 5 ms (functions that take >= 200 ms get reps = 1 and the
#     warm-up call counts as a run);
#   * runs are timed with `:timer.tc` after a `:erlang.garbage_collect()`;
#     7 runs at most, at least 3, stopping after ~1.2 s of runs; a single
#     run that took >= 2 s is not repeated;
#   * the variants compared in one table row run interleaved (A B A B ...),
#     so that load from other processes on the machine hits them alike;
#   * the cell shows the median time per call.
#
# Set BENCH_FULL=1 to add the sizes that scripts leave out by default because
# they take many seconds (quadratic cases at n = 100k).

defmodule BenchHelper do
  @target_us 5_000
  @max_runs 7
  @min_runs 3
  @cell_budget_us 1_200_000
  @long_run_us 2_000_000
  @counts_first_us 200_000

  @doc "True when BENCH_FULL=1: include the slow sizes."
  def full?, do: System.get_env("BENCH_FULL") in ["1", "true", "yes"]

  @doc "`base` sizes, plus `extra` when BENCH_FULL=1."
  def sizes(base, extra \\ []), do: if(full?(), do: base ++ extra, else: base)

  def versions do
    flavor = if :erlang.system_info(:emu_flavor) == :jit, do: "JIT", else: "emu"

    "Elixir #{System.version()} / OTP #{:erlang.system_info(:otp_release)}" <>
      " / erts #{:erlang.system_info(:version)} / #{flavor}" <>
      " / #{:erlang.system_info(:schedulers_online)} schedulers"
  end

  @doc "Prints the script header: rule, versions, one-paragraph description."
  def header(code, name, what) do
    IO.puts("# #{code} #{name}")
    IO.puts("")
    IO.puts("versions: #{versions()}")
    IO.puts("call overhead of the timing loop (no-op function): #{fmt_time(overhead())}")
    if what, do: IO.puts("\n" <> String.trim(what))
  end

  @doc "Prints a free-text note (Markdown) after a blank line."
  def note(text), do: IO.puts("\n" <> String.trim(text))

  # ---------------------------------------------------------------- timing

  @doc """
  Times `fun.(arg)`. Returns %{median: µs per call (float), runs: n, reps: r,
  result: result of the warm-up call}.

  Options: `before_each: fn arg -> ... end` (run, untimed, before every run;
  implies reps: 1), `reps: n` (fixed repetitions per run).
  """
  def measure(fun, arg, opts \\ []), do: hd(measure_all([fun], arg, opts))

  @doc """
  Times several functions on the same argument, interleaving their runs
  (A B C A B C ...) so that a burst of load from other processes on the
  machine hits every variant alike. Returns one map per function, as `measure/3`.
  """
  def measure_all(funs, arg, opts \\ []) do
    before = Keyword.get(opts, :before_each)
    fixed = Keyword.get(opts, :reps, if(before, do: 1))

    funs
    |> Enum.map(&prepare(&1, arg, before, fixed))
    |> rounds(arg, before)
    |> Enum.map(fn st ->
      per_call = Enum.map(st.runs, &(&1 / st.reps))
      %{median: median(per_call), runs: length(st.runs), reps: st.reps, result: st.result}
    end)
  end

  # warm-up call (its result is kept) and calibration of reps
  defp prepare(fun, arg, before, fixed) do
    run_before(before, arg)
    :erlang.garbage_collect()
    {t1, result} = :timer.tc(fun, [arg])

    {reps, runs} =
      cond do
        fixed -> {fixed, if(fixed == 1 and t1 >= @counts_first_us, do: [t1], else: [])}
        t1 >= @counts_first_us -> {1, [t1]}
        true -> {calibrate(fun, arg, 1), []}
      end

    %{fun: fun, reps: reps, runs: runs, spent: Enum.sum(runs), result: result}
  end

  defp done?(%{runs: runs, spent: spent}) do
    n = length(runs)

    n >= @max_runs or (n >= @min_runs and spent >= @cell_budget_us) or
      (n >= 1 and spent / n >= @long_run_us)
  end

  defp rounds(states, arg, before) do
    if Enum.all?(states, &done?/1) do
      states
    else
      states
      |> Enum.map(fn st ->
        if done?(st) do
          st
        else
          run_before(before, arg)
          :erlang.garbage_collect()
          {t, _} = :timer.tc(__MODULE__, :loop, [st.fun, arg, st.reps])
          %{st | runs: [t | st.runs], spent: st.spent + t}
        end
      end)
      |> rounds(arg, before)
    end
  end

  def noop(_), do: :ok

  @doc "Time per call of a no-op function through the timing loop (µs)."
  def overhead, do: measure(&__MODULE__.noop/1, nil).median

  def loop(_fun, _arg, 0), do: :ok

  def loop(fun, arg, n) do
    fun.(arg)
    loop(fun, arg, n - 1)
  end

  defp calibrate(fun, arg, reps) do
    {t, _} = :timer.tc(__MODULE__, :loop, [fun, arg, reps])

    cond do
      t >= @target_us -> reps
      t < @target_us / 10 -> calibrate(fun, arg, reps * 10)
      true -> max(reps, ceil(reps * @target_us / max(t, 1)))
    end
  end

  defp run_before(nil, _arg), do: :ok
  defp run_before(before, arg), do: before.(arg)

  def median(xs) do
    sorted = Enum.sort(xs)
    n = length(sorted)
    mid = div(n, 2)

    if rem(n, 2) == 1,
      do: Enum.at(sorted, mid) * 1.0,
      else: (Enum.at(sorted, mid - 1) + Enum.at(sorted, mid)) / 2
  end

  # ---------------------------------------------------------------- tables

  @doc """
  Measures a footgun against one or more fixes at each size and prints a
  Markdown table: size | footgun | fix | ratio [| fix 2 | ratio ...].

  * `setup`: `fn size -> data end` (untimed; may be top-level code);
  * `variants`: `[{"footgun label", &Mod.footgun/1}, {"fix label", &Mod.fix/1}, ...]`;
    every function receives the data built by `setup`;
  * options: `size_label:` (column title, default "size"), `check: false`
    (skip the footgun == fix result check), `before_each:`, `reps:`,
    `ratio_label:` (default "ratio").

  Returns a list of %{size: size, times: [µs per call, footgun first]}.
  """
  def compare(title, sizes, setup, [{flabel, ffun} | fixes], opts \\ []) do
    check = Keyword.get(opts, :check, true)
    mopts = Keyword.take(opts, [:before_each, :reps])
    rlabel = Keyword.get(opts, :ratio_label, "ratio")

    IO.puts("\n## #{title}\n")

    cols =
      [Keyword.get(opts, :size_label, "size"), flabel] ++
        Enum.flat_map(fixes, fn {l, _} -> [l, rlabel] end)

    print_row(cols)
    IO.puts("|" <> Enum.map_join(cols, "|", fn _ -> "---" end) <> "|")

    {rows, run_counts} =
      Enum.map_reduce(sizes, [], fn size, counts ->
        data = setup.(size)
        [f | ms] = measure_all([ffun | Enum.map(fixes, &elem(&1, 1))], data, mopts)

        for {{label, _}, m} <- Enum.zip(fixes, ms), check and m.result != f.result do
          raise "#{title}: #{inspect(label)} and #{inspect(flabel)} " <>
                  "disagree at size #{fmt_size(size)}"
        end

        cells =
          Enum.flat_map(ms, fn m -> [fmt_time(m.median), fmt_ratio(f.median / m.median)] end)

        print_row([fmt_size(size), fmt_time(f.median) | cells])

        {%{size: size, times: [f.median | Enum.map(ms, & &1.median)]},
         [f.runs | Enum.map(ms, & &1.runs)] ++ counts}
      end)

    {lo, hi} = Enum.min_max(run_counts)
    runs = if lo == hi, do: "#{lo}", else: "#{lo}–#{hi}"

    IO.puts(
      "\n_Median of #{runs} runs per cell. Each #{rlabel} = the first time column ÷ " <>
        "the time just left of it (> 1: the first one is slower)._"
    )

    rows
  end

  @doc "Prints a Markdown table from a header list and rows of strings."
  def table(cols, rows) do
    print_row(cols)
    IO.puts("|" <> Enum.map_join(cols, "|", fn _ -> "---" end) <> "|")
    Enum.each(rows, &print_row/1)
  end

  # Cells are Markdown: a literal `|` (as in `[x | acc]`) is escaped.
  defp print_row(cells) do
    IO.puts("| " <> Enum.map_join(cells, " | ", &String.replace(&1, "|", "\\|")) <> " |")
  end

  # ---------------------------------------------------------------- peaks

  @doc """
  Runs `fun.()` while another process samples `probe.()` every millisecond.
  Returns {result, peak probe value minus the value before the run}.
  """
  def peak(fun, probe) do
    :erlang.garbage_collect()
    base = probe.()
    me = self()
    sampler = spawn_link(fn -> sampler(probe, base, me) end)
    result = fun.()
    send(sampler, :stop)

    receive do
      {:peak, ^sampler, p} -> {result, p - base}
    end
  end

  defp sampler(probe, max_seen, parent) do
    receive do
      :stop -> send(parent, {:peak, self(), max(max_seen, probe.())})
    after
      1 -> sampler(probe, max(max_seen, probe.()), parent)
    end
  end

  # ---------------------------------------------------------------- format

  @doc "µs (float) -> \"12.3 ms\" style, 3 significant digits."
  def fmt_time(us) when us < 1, do: "#{round(us * 1000)} ns"
  def fmt_time(us) when us < 1_000, do: "#{sig3(us)} µs"
  def fmt_time(us) when us < 1_000_000, do: "#{sig3(us / 1_000)} ms"
  def fmt_time(us), do: "#{sig3(us / 1_000_000)} s"

  def fmt_ratio(r) when r >= 100, do: "#{round(r)}x"
  def fmt_ratio(r) when r >= 10, do: "#{:erlang.float_to_binary(r * 1.0, decimals: 1)}x"
  def fmt_ratio(r), do: "#{:erlang.float_to_binary(r * 1.0, decimals: 2)}x"

  def sig3(x) when x >= 100, do: Integer.to_string(round(x))
  def sig3(x) when x >= 10, do: :erlang.float_to_binary(x * 1.0, decimals: 1)
  def sig3(x), do: :erlang.float_to_binary(x * 1.0, decimals: 2)

  @doc "Bytes -> \"12.3 MiB\" style."
  def fmt_bytes(b) when b < 1024, do: "#{b} B"
  def fmt_bytes(b) when b < 1024 * 1024, do: "#{sig3(b / 1024)} KiB"
  def fmt_bytes(b), do: "#{sig3(b / (1024 * 1024))} MiB"

  def fmt_size({a, b}), do: "#{fmt_size(a)} × #{fmt_size(b)}"

  def fmt_size(n) when is_integer(n) and n >= 1_000_000 and rem(n, 1_000_000) == 0,
    do: "#{div(n, 1_000_000)}M"

  def fmt_size(n) when is_integer(n) and n >= 1_000 and rem(n, 1_000) == 0,
    do: "#{div(n, 1_000)}k"

  def fmt_size(n) when is_integer(n), do: Integer.to_string(n)
  def fmt_size(other) when is_binary(other), do: other
  def fmt_size(other), do: inspect(other)
end
