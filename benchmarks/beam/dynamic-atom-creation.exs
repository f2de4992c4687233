# EP801 dynamic-atom-creation
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.DynamicAtomCreation do
  # footgun: String.to_atom on runtime input
  def to_atom(strings), do: Enum.map(strings, &String.to_atom/1)

  # fix: String.to_existing_atom; unknown input raises instead of growing the table
  # (caught here so that the script can go on). A tail-recursive loop: see the note on
  # exceptions inside Enum.map at the end.
  def existing_or_unknown(s) do
    String.to_existing_atom(s)
  catch
    :error, _ -> :unknown
  end

  def existing_or_unknown_rescue(s) do
    String.to_existing_atom(s)
  rescue
    ArgumentError -> :unknown
  end

  def to_existing(strings),
    do: strings |> Enum.reduce([], &[existing_or_unknown(&1) | &2]) |> Enum.reverse()

  def to_existing_rescue(strings),
    do: strings |> Enum.reduce([], &[existing_or_unknown_rescue(&1) | &2]) |> Enum.reverse()

  # the same, but the exception is caught inside Enum.map (a body-recursive loop)
  def to_existing_in_map(strings), do: Enum.map(strings, &existing_or_unknown/1)

  # list-based twin of the footgun
  def list_to_atom(strings), do: Enum.map(strings, &List.to_atom(String.to_charlist(&1)))

  # module names are atoms: Module.concat/2 creates one per distinct name, safe_concat/2 none
  def module_concat(strings), do: Enum.map(strings, &Module.concat(Bench.Handlers, &1))

  def module_safe_concat(strings) do
    Enum.map(strings, fn s ->
      try do
        Module.safe_concat(Bench.Handlers, s)
      rescue
        ArgumentError -> :unknown
      end
    end)
  end
end

BenchHelper.header("EP801", "dynamic-atom-creation", """
Atoms are never garbage-collected: every distinct string passed to `String.to_atom/1`
stays in the atom table until the VM stops, and the VM aborts when the table is full.
This measures atom-table growth (the times are single runs, for scale only).
""")

limit = :erlang.system_info(:atom_limit)
count = fn -> :erlang.system_info(:atom_count) end
atom_mem = fn -> :erlang.memory(:atom_used) end

grow = fn prefix, n, f ->
  strings = Enum.map(1..n, &"#{prefix}_#{&1}")
  c0 = count.()
  m0 = atom_mem.()
  {t, _} = :timer.tc(f, [strings])
  {count.() - c0, atom_mem.() - m0, t}
end

# warm-up: load every module used below, so their own atoms are not counted
grow.("warm_up", 10, &Bench.DynamicAtomCreation.to_atom/1)
grow.("warm_up_other", 10, &Bench.DynamicAtomCreation.to_existing/1)
grow.("warm_up_rescue", 10, &Bench.DynamicAtomCreation.to_existing_rescue/1)
grow.("warm_up_list", 10, &Bench.DynamicAtomCreation.list_to_atom/1)
grow.("warm_up_map", 10, &Bench.DynamicAtomCreation.to_existing_in_map/1)
grow.("warm_up_concat", 10, &Bench.DynamicAtomCreation.module_concat/1)
grow.("warm_up_safe_concat", 10, &Bench.DynamicAtomCreation.module_safe_concat/1)

IO.puts("\natom_limit: #{limit}; atoms in use at start: #{count.()}\n")
IO.puts("## atoms added by n distinct runtime strings\n")

rows =
  for n <- [10, 1_000, 100_000] do
    {a, am, ta} = grow.("user_input_#{n}", n, &Bench.DynamicAtomCreation.to_atom/1)
    {b, _, tb} = grow.("other_input_#{n}", n, &Bench.DynamicAtomCreation.to_existing/1)

    [
      BenchHelper.fmt_size(n),
      "+#{a}",
      BenchHelper.fmt_bytes(am),
      "#{Float.round(100 * a / limit, 2)} %",
      BenchHelper.fmt_time(ta),
      "+#{b}",
      BenchHelper.fmt_time(tb)
    ]
  end

BenchHelper.table(
  [
    "n strings",
    "String.to_atom: atoms added",
    "atom memory added",
    "share of atom_limit",
    "time",
    "String.to_existing_atom: atoms added",
    "time"
  ],
  rows
)

{again, _, _} = grow.("user_input_100000", 100_000, &Bench.DynamicAtomCreation.to_atom/1)
before_gc = count.()
for p <- Process.list(), do: :erlang.garbage_collect(p)
after_gc = count.()
{lists, _, _} = grow.("charlist_input", 1_000, &Bench.DynamicAtomCreation.list_to_atom/1)
{concats, _, _} = grow.("ModuleInput", 10_000, &Bench.DynamicAtomCreation.module_concat/1)
{safe_concats, _, _} =
  grow.("OtherModuleInput", 10_000, &Bench.DynamicAtomCreation.module_safe_concat/1)
{0, _, t_catch} = grow.("unknown_catch", 1_000, &Bench.DynamicAtomCreation.to_existing/1)
{0, _, t_rescue} = grow.("unknown_rescue", 1_000, &Bench.DynamicAtomCreation.to_existing_rescue/1)

BenchHelper.note("""
- the same 100k strings converted a second time: +#{again} atoms (existing atoms are reused);
- garbage-collecting every process: atom count #{before_gc} -> #{after_gc} (nothing is freed);
- `List.to_atom/1` on 1k new charlists: +#{lists} atoms;
- `Module.concat(Base, name)` on 10k new names: +#{concats} atoms; `Module.safe_concat/2`
  on 10k other names: +#{safe_concats} (it raises instead);
- a miss of the fix is an exception: 1k unknown strings cost #{BenchHelper.fmt_time(t_catch)}
  with `catch :error, _` and #{BenchHelper.fmt_time(t_rescue)} with `rescue ArgumentError`;
- at #{limit} atoms the VM stops ("no more index entries in atom_tab"); after this
  script #{count.()} are used (#{Float.round(100 * count.() / limit, 1)} %).
""")

IO.puts(
  "\n## cost of a miss of the fix: exception caught in a tail-recursive loop vs inside `Enum.map`\n"
)

miss_rows =
  for n <- [1_000, 10_000, 20_000] do
    {0, _, t_reduce} = grow.("miss_reduce_#{n}", n, &Bench.DynamicAtomCreation.to_existing/1)
    {0, _, t_map} = grow.("miss_map_#{n}", n, &Bench.DynamicAtomCreation.to_existing_in_map/1)
    [BenchHelper.fmt_size(n), BenchHelper.fmt_time(t_reduce / n), BenchHelper.fmt_time(t_map / n)]
  end

BenchHelper.table(
  ["unknown strings", "per miss, Enum.reduce loop", "per miss, inside Enum.map"],
  miss_rows
)

BenchHelper.note("""
_Single runs. On OTP #{:erlang.system_info(:otp_release)} a caught exception costs more the
deeper the stack is; `Enum.map/2` on a list is body-recursive (its stack grows with the
list), so catching per element inside it grows quadratically with the number of misses._
""")
