"""Findings worth acting on: names that are not Kernel's, DSL arguments, code that
does not run per call, tests (issue 13's classes, each with code of our own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from elixir_perf_lsp.config import Layer, resolve_for_file
from elixir_perf_lsp.engine import analyze
from elixir_perf_lsp.engine.options import FileRole, Options, RuleSelection

from .helpers import findings

LOOP_APPEND = "Enum.reduce(xs, [], fn x, acc -> acc ++ [x] end)"  # EP103, a warning
EMPTY_CHECK = "length(xs) == 0"  # EP102, information


def codes(source: str, options: Options | None = None) -> list[str]:
    if options is None:
        return [f.code for f in findings(source)]
    return [f.code for f in analyze(source.encode(), options=options).findings]


# --- names that are not what rules assume ---------------------------------------


def test_a_module_replacing_kernel_length_gets_no_length_finding() -> None:
    source = (
        "defmodule Text do\n"
        "  import Kernel, except: [length: 1]\n"
        "  def length(s), do: String.length(s)\n"
        "  def blank?(s), do: length(s) == 0\n"
        "  def f(s) when length(s) > 0, do: s\n"
        "end\n"
    )
    assert codes(source) == []


def test_kernel_excluded_through_only_is_not_kernel() -> None:
    source = (
        "defmodule T do\n  import Kernel, only: [def: 2]\n  def f(s), do: length(s) == 0\nend\n"
    )
    assert codes(source) == []


def test_a_local_hd_is_not_kernel_hd() -> None:
    source = (
        "defmodule T do\n"
        "  import Kernel, except: [hd: 1]\n"
        "  defp hd(xs), do: List.first(xs)\n"
        "  def f(xs), do: xs |> Enum.filter(& &1) |> hd()\n"
        "end\n"
    )
    assert "EP502" not in codes(source)


def test_plain_kernel_length_is_still_reported() -> None:
    source = "defmodule T do\n  def blank?(xs), do: length(xs) == 0\nend\n"
    assert codes(source) == ["EP102"]


# --- query and expression DSLs ------------------------------------------------------


def test_ecto_query_macros_are_not_plain_elixir() -> None:
    source = (
        "defmodule Q do\n"
        "  import Ecto.Query\n"
        "  def empty(q), do: from(p in q, where: length(p.tags) == 0)\n"
        "  def by_ids(ids), do: Enum.map(ids, fn id -> from(r in Post, where: r.id == ^id) end)\n"
        "end\n"
    )
    assert codes(source) == []


def test_ash_expr_is_not_kernel_length() -> None:
    source = (
        "defmodule A do\n  def tagged(q), do: Ash.Query.filter(q, expr(length(tags) > 0))\nend\n"
    )
    assert codes(source) == []


def test_a_pinned_value_marks_an_unknown_macro_as_a_dsl() -> None:
    source = (
        "defmodule A do\n  def f(q, n), do: my_query(q, length(q.items) == 0 and q.n == ^n)\nend\n"
    )
    assert codes(source) == []


def test_pins_in_patterns_do_not_make_a_dsl() -> None:
    source = (
        "defmodule A do\n"
        "  def f(xs, y) do\n"
        "    Enum.map(xs, fn x ->\n"
        "      case x do\n"
        "        ^y -> length(xs) == 0\n"
        "        _ -> false\n"
        "      end\n"
        "    end)\n"
        "  end\n"
        "end\n"
    )
    assert codes(source) == ["EP102"]


def test_project_dsl_macros_come_from_config() -> None:
    source = "defmodule A do\n  def f(q), do: my_filter(q, length(q.items) == 0)\nend\n"
    assert codes(source) == ["EP102"]
    assert codes(source, Options(dsl_macros=("my_filter",))) == []


def test_a_call_next_to_a_query_is_still_checked() -> None:
    source = (
        "defmodule A do\n"
        "  import Ecto.Query\n"
        "  def f(ids) do\n"
        "    Enum.map(ids, fn id -> Repo.one(from(p in Post, where: p.id == ^id)) end)\n"
        "  end\n"
        "end\n"
    )
    assert codes(source) == ["EP602"]


# --- code that does not run per call -------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        f"defmodule A do\n  @empty {EMPTY_CHECK}\nend\n",
        f"defmodule A do\n  for xs <- [[1]], {EMPTY_CHECK}, do: def f, do: 1\nend\n",
        f"defmodule A do\n  defmacro m(xs) do\n    {LOOP_APPEND}\n  end\nend\n",
        f"defmodule A do\n  defmacro __using__(_) do\n    _ = {LOOP_APPEND}\n    quote do: :ok\n  end\nend\n",
        f"defmodule Mix.Tasks.Seed do\n  use Mix.Task\n  def run(xs), do: {LOOP_APPEND}\nend\n",
        f"defmodule Repo.Migrations.Backfill do\n  use Ecto.Migration\n  def up(xs), do: {LOOP_APPEND}\nend\n",
        f"defmodule Router do\n  pipeline :api do\n    _ = {LOOP_APPEND}\n  end\nend\n",
    ],
)
def test_compile_time_and_tooling_code_is_quiet(source: str) -> None:
    assert codes(source) == []


@pytest.mark.parametrize(
    "source",
    [
        f"defmodule A do\n  defmacro m do\n    quote do\n      {LOOP_APPEND}\n    end\n  end\nend\n",
        f'defmodule R do\n  get "/" do\n    {LOOP_APPEND}\n  end\nend\n',
        f"defmodule S do\n  field :x do\n    resolve fn xs, _, _ -> {LOOP_APPEND} end\n  end\nend\n",
        f"defmodule A do\n  defguard empty(xs) when {EMPTY_CHECK}\nend\n",
        f"defmodule A do\n  def f(xs) do\n    {LOOP_APPEND}\n  end\nend\n",
    ],
)
def test_code_that_runs_per_call_is_reported(source: str) -> None:
    assert codes(source) != []


def test_unquoted_code_inside_quote_runs_at_compile_time() -> None:
    source = (
        "defmodule A do\n"
        "  defmacro m(xs) do\n"
        "    quote do\n"
        f"      def f, do: unquote({LOOP_APPEND})\n"
        "    end\n"
        "  end\n"
        "end\n"
    )
    assert codes(source) == []


# --- tests and assertions -------------------------------------------------------------


def test_test_modules_keep_only_asymptotic_findings() -> None:
    source = (
        "defmodule ATest do\n"
        "  use ExUnit.Case\n"
        '  test "t" do\n'
        f"    assert {EMPTY_CHECK}\n"
        f"    {LOOP_APPEND}\n"
        "    for id <- ids, do: refute(Repo.get(Email, id))\n"
        "    String.to_atom(name)\n"
        "  end\n"
        "end\n"
    )
    assert codes(source) == ["EP103"]


def test_assertions_are_never_rewritten() -> None:
    source = "defmodule A do\n  def check(xs), do: assert(length(xs) == 0)\nend\n"
    [finding] = findings(source)
    assert finding.code == "EP102" and finding.fix is None


# --- file roles and per-file overrides from the project layout --------------------------


def _options_for(tmp_path: Path, relative: str, config: str = "") -> Options:
    (tmp_path / "mix.exs").write_text("defmodule P.MixProject do\nend\n")
    if config:
        (tmp_path / ".elixir-perf.toml").write_text(config)
    file = tmp_path / relative
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("")
    return resolve_for_file(file, Layer(), base=tmp_path).options


@pytest.mark.parametrize(
    ("relative", "role"),
    [
        ("lib/a.ex", FileRole.SOURCE),
        ("test/a_test.exs", FileRole.TEST),
        ("test/support/factory.ex", FileRole.TEST),
        ("mix.exs", FileRole.TOOLING),
        ("config/runtime.exs", FileRole.TOOLING),
        ("priv/repo/migrations/2024_add.exs", FileRole.TOOLING),
        ("lib/mix/tasks/seed.ex", FileRole.TOOLING),
        ("apps/web/test/web_test.exs", FileRole.TEST),
    ],
)
def test_file_roles_follow_the_mix_layout(tmp_path: Path, relative: str, role: FileRole) -> None:
    if relative.startswith("apps/"):
        (tmp_path / "apps/web").mkdir(parents=True)
        (tmp_path / "apps/web/mix.exs").write_text("")
    assert _options_for(tmp_path, relative).role is role


def test_test_files_can_be_linted_like_application_code(tmp_path: Path) -> None:
    options = _options_for(tmp_path, "test/a_test.exs", "test-files = []\n")
    assert options.role is FileRole.SOURCE


def test_per_file_ignores_apply_to_matching_files_only(tmp_path: Path) -> None:
    config = 'select = ["ALL"]\n[per-file-ignores]\n"lib/legacy/**" = ["EP1"]\n'
    legacy = _options_for(tmp_path, "lib/legacy/old.ex", config)
    fresh = _options_for(tmp_path, "lib/new.ex", config)
    assert not legacy.selection.enables("EP102") and legacy.selection.enables("EP601")
    assert fresh.selection.enables("EP102")


def test_test_role_reaches_the_analysis() -> None:
    source = f"defmodule A do\n  def f(xs) do\n    {EMPTY_CHECK}\n    {LOOP_APPEND}\n  end\nend\n"
    options = Options(selection=RuleSelection(), role=FileRole.TEST)
    assert codes(source, options) == ["EP103"]
    assert codes(source, Options(role=FileRole.TOOLING)) == []


# --- collections small by construction, and sets ----------------------------------------


@pytest.mark.parametrize(
    "collection",
    ["[:a, :b, :c]", "@defaults", "System.argv()", "opts", "1..10", "~w(a b)", "names"],
)
def test_queries_over_small_collections_are_not_n_plus_one(collection: str) -> None:
    source = (
        "defmodule A do\n"
        "  def f(opts) do\n"
        "    names = [:x, :y]\n"
        f"    Enum.each({collection}, fn n -> Repo.insert!(%E{{name: n}}) end)\n"
        f"    for n <- {collection}, do: Repo.get(E, n)\n"
        "  end\n"
        "end\n"
    )
    assert codes(source) == []


def test_queries_over_a_runtime_collection_are_reported() -> None:
    source = "defmodule A do\n  def f(rows), do: Enum.each(rows, &Repo.insert!/1)\nend\n"
    assert codes(source) == ["EP601"]


@pytest.mark.parametrize(
    "built",
    [
        "Enum.reduce(ids, MapSet.new(), &MapSet.put(&2, &1))",
        "Enum.into(ids, MapSet.new())",
        "for i <- ids, into: %{}, do: {i, true}",
        "ids |> MapSet.new()",
    ],
)
def test_membership_in_a_built_set_is_not_a_list_scan(built: str) -> None:
    source = (
        "defmodule A do\n"
        "  def f(rows, ids) do\n"
        f"    seen = {built}\n"
        "    Enum.filter(rows, &(&1.id in seen))\n"
        "  end\n"
        "end\n"
    )
    assert codes(source) == []


def test_task_fan_out_over_an_attribute_is_bounded() -> None:
    source = (
        "defmodule A do\n"
        "  def f do\n"
        "    @hosts |> Enum.map(&Task.async(fn -> ping(&1) end)) |> Enum.map(&Task.await/1)\n"
        "  end\n"
        "end\n"
    )
    assert codes(source) == []


def test_private_helpers_called_only_by_macros_run_at_compile_time() -> None:
    source = (
        "defmodule R do\n"
        "  defmacro __before_compile__(env) do\n"
        "    routes = build(Module.get_attribute(env.module, :routes))\n"
        "    quote do: unquote(routes)\n"
        "  end\n"
        "  defp build(routes), do: Enum.map(routes, &name/1)\n"
        f"  defp name(xs), do: {LOOP_APPEND}\n"
        "end\n"
    )
    assert codes(source) == []


def test_a_helper_with_one_runtime_caller_runs_per_call() -> None:
    source = (
        "defmodule R do\n"
        "  defmacro m(xs), do: helper(xs)\n"
        "  def f(xs), do: helper(xs)\n"
        f"  defp helper(xs), do: {LOOP_APPEND}\n"
        "end\n"
    )
    assert codes(source) == ["EP103"]


def test_incremental_analysis_sees_a_new_runtime_caller() -> None:
    from elixir_perf_lsp.document import Document, TextChange
    from elixir_perf_lsp.engine.incremental import reanalyze
    from elixir_perf_lsp.positions import Encoding

    before = (
        "defmodule R do\n"
        "  defmacro m(xs), do: helper(xs)\n"
        "  def f(xs), do: xs\n"
        f"  defp helper(xs), do: {LOOP_APPEND}\n"
        "end\n"
    )
    doc = Document("file:///r.ex", before.encode(), 1, Encoding.UTF32)
    first = analyze(doc.source, doc.tree, Options())
    assert first.findings == []
    line = 2
    column = before.splitlines()[line].index("do: xs") + len("do: ")
    edit = doc.apply(TextChange(((line, column), (line, column + 2)), "helper(xs)"))
    again = reanalyze(first, doc.source, doc.tree, edit, Options())
    assert [f.code for f in again.findings] == ["EP103"]


# --- the default rule set -----------------------------------------------------------------


def test_opt_in_rules_need_their_exact_code() -> None:
    selection = RuleSelection(select=("EP",), opt_in=frozenset({"EP801"}))
    assert selection.enables("EP102") and not selection.enables("EP801")
    assert not RuleSelection(select=("EP8",), opt_in=frozenset({"EP801"})).enables("EP801")
    assert RuleSelection(select=("EP", "EP801"), opt_in=frozenset({"EP801"})).enables("EP801")
    extended = RuleSelection(extend_select=("EP801",), opt_in=frozenset({"EP801"}))
    assert extended.enables("EP801")


def test_recursion_over_a_small_default_list_is_not_n_plus_one() -> None:
    source = (
        "defmodule Log do\n"
        "  defp derive(car, opts \\\\ [{5, 8}, {4, 5}, {3, 3}])\n"
        "  defp derive(car, []), do: {:ok, car}\n"
        "  defp derive(car, [{precision, threshold} | rest]) do\n"
        "    case Repo.one(query(car, precision)) do\n"
        "      {f, n} when n >= threshold -> Repo.update(change(car, f))\n"
        "      _ -> derive(car, rest)\n"
        "    end\n"
        "  end\n"
        "end\n"
    )
    assert codes(source) == []


@pytest.mark.parametrize(
    "consumer",
    [
        "Enum.filter(&Policies.can?(user, &1))",
        "Enum.count(&recheck/1)",
        "Enum.count(fn d -> recheck(d) == :ok end)",
    ],
)
def test_reductions_sql_cannot_express_are_not_reported(consumer: str) -> None:
    source = f"defmodule A do\n  def f(user), do: Podcast |> Repo.all() |> {consumer}\nend\n"
    assert codes(source) == []


def test_a_reduction_on_fields_is_still_reported() -> None:
    source = (
        "defmodule A do\n  def f, do: Ep |> Repo.all() |> Enum.filter(&(&1.downloads > 10))\nend\n"
    )
    assert codes(source) == ["EP603"]


def test_all_selects_opt_in_rules_and_ignore_still_wins() -> None:
    opt_in = frozenset({"EP801"})
    assert RuleSelection(select=("ALL",), opt_in=opt_in).enables("EP801")
    assert not RuleSelection(select=("ALL",), ignore=("EP8",), opt_in=opt_in).enables("EP801")
    assert RuleSelection(extend_select=("all",), opt_in=opt_in).enables("EP801")
