# EP803 atom-from-client-input: `Jason.decode(body, keys: :atoms)`
#
# Jason is not part of Elixir: run with it on the code path, e.g.
#   ERL_LIBS=path/to/_build/prod/lib elixir benchmarks/beam/json-keys-atoms.exs
# Without it the script says so and measures nothing.
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.JsonKeysAtoms do
  @compile {:no_warn_undefined, Jason}

  # footgun: every distinct key of the client's JSON becomes a new atom
  def atoms(bodies), do: Enum.map(bodies, &Jason.decode!(&1, keys: :atoms))

  # fix: only keys that already exist as atoms; unknown keys raise (caught here)
  def existing(bodies), do: Enum.map(bodies, &existing_or_error/1)

  defp existing_or_error(body) do
    Jason.decode!(body, keys: :atoms!)
  rescue
    ArgumentError -> :unknown_key
  end

  # reference: string keys, the default
  def strings(bodies), do: Enum.map(bodies, &Jason.decode!/1)
end

BenchHelper.header("EP803", "atom-from-client-input (JSON keys)", """
Atoms added to the table by decoding n client bodies, each a JSON object with 10 keys
never seen before, with `keys: :atoms` (String.to_atom/1 per key), `keys: :atoms!`
(String.to_existing_atom/1: raises on an unknown key) and the default string keys.
""")

if Code.ensure_loaded?(Jason) do
  count = fn -> :erlang.system_info(:atom_count) end

  bodies = fn prefix, n ->
    for i <- 1..n do
      keys = for j <- 1..10, into: %{}, do: {"#{prefix}_#{i}_#{j}", j}
      Jason.encode!(keys)
    end
  end

  measure = fn prefix, n, f ->
    input = bodies.(prefix, n)
    c0 = count.()
    {t, _} = :timer.tc(f, [input])
    {count.() - c0, t}
  end

  # warm-up: load the code paths, so their own atoms are not counted
  for {name, f} <- [
        {"warm_a", &Bench.JsonKeysAtoms.atoms/1},
        {"warm_b", &Bench.JsonKeysAtoms.existing/1},
        {"warm_c", &Bench.JsonKeysAtoms.strings/1}
      ],
      do: measure.(name, 2, f)

  Application.load(:jason)
  IO.puts("\nJason #{Application.spec(:jason, :vsn)}; atom_limit: #{:erlang.system_info(:atom_limit)}\n")
  IO.puts("| bodies (10 new keys each) | keys: :atoms | keys: :atoms! | string keys |")
  IO.puts("|---|---|---|---|")

  for n <- [10, 1_000, 10_000] do
    {a, ta} = measure.("a#{n}", n, &Bench.JsonKeysAtoms.atoms/1)
    {b, tb} = measure.("b#{n}", n, &Bench.JsonKeysAtoms.existing/1)
    {c, tc} = measure.("c#{n}", n, &Bench.JsonKeysAtoms.strings/1)

    IO.puts(
      "| #{n} | #{a} atoms (#{BenchHelper.fmt_time(ta)}) | #{b} atoms (#{BenchHelper.fmt_time(tb)}) " <>
        "| #{c} atoms (#{BenchHelper.fmt_time(tc)}) |"
    )
  end

  BenchHelper.note("""
  `keys: :atoms` added one atom per distinct key, for good: 10,000 bodies of 10 new keys
  use about a tenth of the default table. `keys: :atoms!` added none (every body here
  raised, as a body with an unknown key would).
  """)
else
  IO.puts("\nJason is not on the code path (see the comment at the top): nothing measured.")
end
