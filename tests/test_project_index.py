"""The project index and the findings across functions and modules (issue 15)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from elixir_perf_lsp import syntax
from elixir_perf_lsp.document import ByteEdit
from elixir_perf_lsp.engine import Finding, Options, analyze
from elixir_perf_lsp.engine.incremental import reanalyze
from elixir_perf_lsp.engine.options import FileRole, RuleSelection
from elixir_perf_lsp.project.build import index_for, index_key, project_files, project_root
from elixir_perf_lsp.project.index import ProjectIndex
from elixir_perf_lsp.project.summary import summarise

ROOT = Path(__file__).resolve().parent.parent
# EP601 and EP401 are opt-in: every rule runs here (the fixture projects select ALL too).
EVERY = Options(selection=RuleSelection(select=("ALL",)))
PROJECTS = ROOT / "tests" / "fixtures" / "projects"
SHOP = PROJECTS / "shop"
CONTROLLER = SHOP / "lib" / "shop_web" / "controllers" / "user_controller.ex"

ARTICLE = b"""defmodule MyApp.Activities do
  alias MyApp.Repo
  def create_activity(attrs), do: %Activity{} |> Activity.changeset(attrs) |> Repo.insert()
  def create_activities(attrs_list), do: Enum.each(attrs_list, &create_activity/1)
end
"""


def findings_at(findings: list[Finding], source: bytes) -> dict[int, list[str]]:
    """1-based line → codes found there."""
    out: dict[int, list[str]] = {}
    for f in findings:
        out.setdefault(source.count(b"\n", 0, f.start) + 1, []).append(f.code)
    return out


def index_of(files: dict[str, bytes]) -> ProjectIndex:
    index = ProjectIndex()
    for path, source in files.items():
        index.update(summarise(path, source, syntax.parse(source).root_node))
    return index


def test_the_articles_batch_example_is_reported_without_any_index() -> None:
    findings = analyze(ARTICLE, options=EVERY).findings
    assert [(f.code, ARTICLE[f.start : f.end]) for f in findings] == [
        ("EP601", b"&create_activity/1")
    ]
    (finding,) = findings
    assert "`create_activity/1` runs `Repo.insert/1`" in finding.message
    (related,) = finding.related
    place = related.place
    assert (place.path, place.row) == ("", 2)
    assert place.line[place.start_column : place.end_column] == b"Repo.insert()"


def test_a_capture_a_pipeline_stage_and_a_plain_call_in_loops_are_reported() -> None:
    source = b"""defmodule A do
  def save(x), do: Repo.update!(x)
  def one(list), do: Enum.each(list, &save/1)
  def two(list), do: Enum.map(list, fn x -> x |> save() end)
  def three(list), do: for(x <- list, do: save(x))
  def outside(x), do: save(x)
end
"""
    assert findings_at(analyze(source, options=EVERY).findings, source) == {
        3: ["EP601"],
        4: ["EP601"],
        5: ["EP601"],
    }


def test_a_literal_list_chunks_and_a_transaction_are_not_per_element() -> None:
    source = b"""defmodule A do
  def get(id), do: Repo.get(User, id)
  def pair(a, b), do: Enum.map([a, b], &get/1)
  def batched(ids), do: ids |> Enum.chunk_every(100) |> Enum.map(&get/1)
  def wrapped(x), do: Repo.transaction(fn -> Repo.insert!(x) end)
  def all(xs), do: Enum.each(xs, &wrapped/1)
  def many(rows), do: Repo.insert_all(User, rows)
  def groups(gs), do: Enum.each(gs, &many/1)
end
"""
    assert analyze(source, options=EVERY).findings == []


def test_recursion_and_cycles_end_and_the_chain_is_named() -> None:
    source = b"""defmodule A do
  def ping(0), do: :ok
  def ping(n), do: pong(n - 1)
  def pong(n) do
    Repo.exists?(q(n))
    ping(n)
  end
  def walk([h | t]), do: [walk_one(h) | walk(t)]
  def walk([]), do: []
  defp walk_one(x), do: ping(x)
  def loop(ns), do: Enum.each(ns, &walk_one/1)
end
"""
    findings = analyze(source, options=EVERY).findings
    assert findings_at(findings, source) == {8: ["EP604"], 11: ["EP604"]}
    assert "through `A.ping/1`, `A.pong/1`" not in findings[1].message
    assert "(through `ping/1`, `pong/1`)" in findings[1].message


def test_functions_that_only_build_queries_report_nothing() -> None:
    source = b"""defmodule A do
  import Ecto.Query
  def by_org(org), do: from(u in User, where: u.org_id == ^org)
  def queries(orgs), do: Enum.map(orgs, &by_org/1)
end
"""
    assert analyze(source, options=EVERY).findings == []


def test_names_resolve_through_alias_as_multi_alias_import_and___MODULE__() -> None:
    files = {
        "/p/lib/a.ex": b"""defmodule P.Store.Users do
  def get(id), do: P.Repo.get(U, id)
end
defmodule P.Store.Logs do
  def add(x), do: File.write!("log", x, [:append])
end
""",
        "/p/lib/b.ex": b"""defmodule P.Web do
  alias P.Store.{Users, Logs}
  alias P.Store.Users, as: People
  import P.Store.Logs
  def a(ids), do: Enum.map(ids, &Users.get/1)
  def b(ids), do: Enum.map(ids, &People.get/1)
  def c(xs), do: Enum.each(xs, &add/1)
  def d(xs), do: Enum.each(xs, &__MODULE__.e/1)
  def e(x), do: Logs.add(x)
  def f(xs), do: Enum.each(xs, &Unknown.get/1)
end
""",
    }
    index = index_of(files)
    source = files["/p/lib/b.ex"]
    found = analyze(source, options=EVERY, project=index.view(), path="/p/lib/b.ex").findings
    assert findings_at(found, source) == {
        5: ["EP604"],
        6: ["EP604"],
        7: ["EP401"],
        8: ["EP401"],
    }
    assert found[0].related[0].place.path == "/p/lib/a.ex"


def test_an_edit_to_the_callee_changes_the_callers_findings() -> None:
    callee = b"defmodule S do\n  def get(id), do: Repo.get(U, id)\nend\n"
    caller = b"defmodule C do\n  def all(ids), do: Enum.map(ids, &S.get/1)\nend\n"
    index = index_of({"s.ex": callee, "c.ex": caller})
    assert len(analyze(caller, options=EVERY, project=index.view(), path="c.ex").findings) == 1
    generation = index.generation
    fixed = b"defmodule S do\n  def get(id), do: {:id, id}\nend\n"
    assert index.update(summarise("s.ex", fixed, syntax.parse(fixed).root_node))
    assert index.generation > generation
    assert analyze(caller, options=EVERY, project=index.view(), path="c.ex").findings == []
    # Summarising the same text again changes nothing.
    assert not index.update(summarise("s.ex", fixed, syntax.parse(fixed).root_node))


def test_removing_a_file_removes_its_functions() -> None:
    callee = b"defmodule S do\n  def get(id), do: Repo.get(U, id)\nend\n"
    caller = b"defmodule C do\n  def all(ids), do: Enum.map(ids, &S.get/1)\nend\n"
    index = index_of({"s.ex": callee})
    assert analyze(caller, options=EVERY, project=index.view(), path="c.ex").findings
    assert index.remove("s.ex")
    assert analyze(caller, options=EVERY, project=index.view(), path="c.ex").findings == []


def test_incremental_reanalysis_recomputes_findings_across_functions() -> None:
    before = ARTICLE
    start = before.index(b"Repo.insert()")
    after = before[:start] + b"{:ok, attrs}" + before[start + len(b"Repo.insert()") :]
    tree = syntax.parse(before)
    previous = analyze(before, tree, EVERY)
    assert previous.findings
    edit = ByteEdit(start, start + len(b"Repo.insert()"), start + len(b"{:ok, attrs}"))
    new_tree = syntax.parse(after)
    assert reanalyze(previous, after, new_tree, edit, EVERY).findings == []


def test_tests_do_not_get_these_findings() -> None:
    source = ARTICLE.replace(b"MyApp.Activities", b"MyApp.ActivitiesTest")
    options = Options(selection=EVERY.selection, role=FileRole.TEST)
    assert analyze(source, options=options).findings == []


def test_the_project_is_the_outermost_mix_project_and_deps_are_not_indexed() -> None:
    umbrella = PROJECTS / "umbrella"
    assert project_root(umbrella / "apps" / "web" / "lib" / "web" / "importer.ex") == umbrella
    files = project_files(SHOP)
    assert SHOP / "lib" / "shop" / "accounts.ex" in files
    assert not any("deps" in f.parts for f in files)


def test_the_shop_controller_is_judged_with_its_contexts() -> None:
    index = index_for([CONTROLLER])
    assert index is not None
    source = CONTROLLER.read_bytes()
    found = analyze(
        source, options=EVERY, project=index.view(), path=index_key(CONTROLLER)
    ).findings
    # get_user! in Enum.map, a defdelegate reaching `DB.get_by` (alias Repo, as: DB),
    # and ping/1 reaching a read through a cycle. Not: a query builder, update_all,
    # a transaction, a literal two-element list, chunks, a pure helper.
    assert findings_at(found, source) == {5: ["EP604"], 6: ["EP604"], 18: ["EP604"]}
    assert "`Shop.Accounts.get_user!/1` runs `Repo.get!/2`" in found[0].message
    assert "through `Shop.Accounts.Profiles.load/1`" in found[1].message


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "elixir_perf_lsp", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_on_one_controller_sees_the_context_module() -> None:
    result = run_cli("check", str(CONTROLLER.relative_to(ROOT)), "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert [(d["code"], d["location"]["row"]) for d in data] == [
        ("EP604", 5),
        ("EP604", 6),
        ("EP604", 18),
    ]
    related = data[0]["related"][0]
    assert related["filename"] == "tests/fixtures/projects/shop/lib/shop/accounts.ex"
    assert related["location"] == {"row": 6, "column": 26}
    assert "get_user!/1" in related["message"]


def test_check_across_umbrella_apps() -> None:
    web = PROJECTS / "umbrella" / "apps" / "web"
    result = run_cli("check", str(web.relative_to(ROOT)))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert any("EP601 `Core.Activities.create_activity/1` runs `Repo.insert/1`" in x for x in lines)
    assert any("EP401 `Core.Activities.log_line/1` runs `File.write!/3`" in x for x in lines)


def test_moving_a_function_refreshes_its_location_without_staling_callers() -> None:
    callee = b"defmodule S do\n  def get(id), do: Repo.get(U, id)\nend\n"
    index = index_of({"s.ex": callee})
    generation = index.generation
    moved = b"defmodule S do\n  @moduledoc false\n\n  def get(id), do: Repo.get(U, id)\nend\n"
    assert not index.update(summarise("s.ex", moved, syntax.parse(moved).root_node))
    assert index.generation == generation
    chain = index.view().chain(("S", "get", 1), "db_read")
    assert chain is not None and chain.effect.place.row == 3


def test_a_cached_clause_summary_equals_a_fresh_one_after_an_edit_elsewhere() -> None:
    source = CONTROLLER.read_bytes().replace(b"defmodule ShopWeb", b"defmodule CacheProbe.Web")
    first = summarise("a.ex", source, syntax.parse(source).root_node)
    edited = source.replace(b"  alias Shop.Accounts\n", b"  alias Shop.Accounts\n  # moved\n")
    again = summarise("a.ex", edited, syntax.parse(edited).root_node)
    assert first.shape() == again.shape()
    # The alias changed: every clause is summarised afresh with the new meaning.
    renamed = source.replace(b"alias Shop.Accounts", b"alias Other.Accounts")
    other = summarise("a.ex", renamed, syntax.parse(renamed).root_node)
    index = ("CacheProbe.Web.UserController", "index", 2)
    assert {r.modules for r in other.functions[index].calls} >= {("Other.Accounts",)}


def test_nested_modules_default_arguments_and_protocol_bodies() -> None:
    source = b"""defmodule Outer do
  defmodule Store do
    def get(id, opts \\\\ []), do: Repo.get(U, id, opts)
  end
  def all(ids), do: Enum.map(ids, &Store.get/1)
end
defimpl String.Chars, for: Outer do
  def to_string(x), do: Repo.get(U, x)
end
"""
    summary = summarise("n.ex", source, syntax.parse(source).root_node)
    assert ("Outer.Store", "get", 1) in summary.functions
    assert ("Outer.Store", "get", 2) in summary.functions
    assert not any(key[1] == "to_string" for key in summary.functions)
    assert findings_at(analyze(source, options=EVERY).findings, source) == {5: ["EP604"]}


def test_an_analysis_reads_the_index_and_never_changes_it() -> None:
    # The server analyses in worker threads: only the event loop may change the index.
    callee = b"defmodule S do\n  def get(id), do: Repo.get(U, id)\nend\n"
    caller = b"defmodule C do\n  def all(ids), do: Enum.map(ids, &S.get/1)\nend\n"
    index = index_of({"s.ex": callee, "c.ex": caller})
    before, generation = dict(index.files), index.generation
    # The open buffer of s.ex no longer defines get/1 and loops over it itself: the
    # buffer wins, so the disk copy's get/1 is gone for this analysis.
    buffer = b"defmodule S do\n  def all(ids), do: Enum.map(ids, &S.get/1)\nend\n"
    assert analyze(buffer, options=EVERY, project=index.view(), path="s.ex").findings == []
    assert index.files == before and index.generation == generation
    assert index.view().chain(("S", "get", 1), "db_read") is not None


def test_a_view_keeps_showing_the_index_as_it_was_when_taken() -> None:
    callee = b"defmodule S do\n  def get(id), do: Repo.get(U, id)\nend\n"
    caller = b"defmodule C do\n  def all(ids), do: Enum.map(ids, &S.get/1)\nend\n"
    index = index_of({"s.ex": callee})
    view = index.view()
    assert index.view() is view  # copied once per change, not per analysis
    fixed = b"defmodule S do\n  def get(id), do: {:id, id}\nend\n"
    assert index.update(summarise("s.ex", fixed, syntax.parse(fixed).root_node))
    assert len(analyze(caller, options=EVERY, project=view, path="c.ex").findings) == 1
    assert analyze(caller, options=EVERY, project=index.view(), path="c.ex").findings == []


def test_add_suppressions_covers_and_counts_findings_across_modules(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root)
    controller = root / "lib" / "shop_web" / "controllers" / "user_controller.ex"
    text = controller.read_text(encoding="utf-8")
    # One finding the file alone shows (first pass), three only the index shows.
    local = "  def empty?(xs), do: length(xs) == 0\n\n  defp render"
    controller.write_text(text.replace("  defp render", local), encoding="utf-8")
    target = str(controller.relative_to(root))

    def check(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "elixir_perf_lsp", "check", target, *extra],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )

    added = check("--add-suppressions")
    assert "Added suppressions for 4 findings in 1 file." in added.stderr, added.stderr
    assert controller.read_text(encoding="utf-8").count("elixir-perf:disable") == 4
    assert check().returncode == 0


def test_fix_keeps_a_suppression_only_the_index_shows_in_use(tmp_path: Path) -> None:
    # --fix used to judge EP001 on the file alone: the EP604 it silences was not
    # seen, so the suppression was removed as unused and the finding came back.
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root)
    controller = root / "lib" / "shop_web" / "controllers" / "user_controller.ex"
    text = controller.read_text(encoding="utf-8")
    suppressed = text.replace(
        "    users = Enum.map",
        "    # elixir-perf:disable EP604 -- a handful of ids\n    users = Enum.map",
    ).replace("    render(conn, :index", "    # elixir-perf:enable EP604\n    render(conn, :index")
    controller.write_text(suppressed, encoding="utf-8")
    target = str(controller.relative_to(root))

    def check(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "elixir_perf_lsp", "check", target, *extra],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )

    assert check("--diff").stdout == ""
    check("--fix")
    assert controller.read_text(encoding="utf-8") == suppressed
    assert ":6:" not in check().stdout  # the suppressed `Enum.map` row stays quiet


CALLER_PATH = "lib/shop_web/user_controller.ex"
CALLER_ALONE = b"""defmodule ShopWeb.UserController do
  def index(conn, %{"ids" => ids}) do
    # elixir-perf:disable-for-next-line EP604 -- a handful of ids
    users = Enum.map(ids, &Shop.Accounts.get_user!/1)
    # elixir-perf:disable-for-next-line EP604
    names = Enum.map(users, & &1.name)
    {conn, names}
  end
end
"""


def test_alone_a_suppression_of_a_finding_from_another_file_is_not_called_unused() -> None:
    # Analysed without its project (the editor before the index is built), the
    # caller cannot see what `get_user!/1` does: EP001 must neither report nor
    # remove a suppression of EP604 anywhere in such a file.
    alone = analyze(CALLER_ALONE, options=EVERY, path=CALLER_PATH)
    assert [f.code for f in alone.findings if f.code == "EP001"] == []
    # With nothing unresolved in any loop, an unused EP604 suppression is reported.
    plain = CALLER_ALONE.replace(b"&Shop.Accounts.get_user!/1", b"& &1")
    quiet = analyze(plain, options=EVERY, path=CALLER_PATH)
    assert [f.code for f in quiet.findings if f.code == "EP001"] == ["EP001", "EP001"]
    # Reanalysis after an edit keeps the same judgement.
    source = CALLER_ALONE + b"\n"
    edit = ByteEdit(len(CALLER_ALONE), len(CALLER_ALONE), len(source))
    again = reanalyze(alone, source, syntax.parse(source), edit, EVERY, None, CALLER_PATH)
    assert [f.code for f in again.findings if f.code == "EP001"] == []
