"""EP803: atoms from client input, by where the value comes from."""

from __future__ import annotations

import pytest

from tests.helpers import findings

CODE = "EP803"


@pytest.mark.parametrize(
    "source",
    [
        # LiveView and channel payloads, by position
        "def handle_event(_e, p, socket), do: {:noreply, assign(socket, t: String.to_atom(p))}\n",
        'def handle_params(p, _uri, socket), do: {:noreply, assign(socket, t: :"#{p}")}\n',
        'def handle_in(_e, payload, socket), do: String.to_atom(payload["kind"])\n',
        # controller actions
        'def create(conn, params), do: json(conn, String.to_atom(params["kind"]))\n',
        'def create(conn, _), do: conn.query_params |> Map.get("k") |> String.to_atom()\n',
        # through bindings, string operations and interpolation
        'def f(%{"k" => k}) do\n  key = String.downcase(k)\n  String.to_atom("x_" <> key)\nend\n',
        'def f(attrs), do: ["#{attrs["k"]}": 1]\n',
        'def f(raw), do: raw |> Jason.decode!() |> Map.get("k") |> String.to_atom()\n',
        # keys of iterated params
        "def f(user_params), do: Enum.map(user_params, fn {k, v} -> {String.to_atom(k), v} end)\n",
    ],
)
def test_reports_atoms_made_from_client_input(source: str) -> None:
    assert [f.code for f in findings(source, CODE)] == [CODE]


@pytest.mark.parametrize(
    "source",
    [
        "def f(name), do: String.to_atom(name)\n",
        "def f(module), do: module |> Module.split() |> List.last() |> String.to_atom()\n",
        "def handle_info(msg, socket), do: String.to_atom(msg)\n",
        "def show(conn, params), do: String.to_atom(conn.assigns.kind)\n",
        # a helper taking conn first is not an action: status comes from our code
        'def render_error(conn, status), do: render(conn, :"#{status}")\n',
        'def f(%{"k" => k}) when k in ["a", "b"], do: String.to_atom(k)\n',
        'def f(%{"k" => k}, ok), do: if(k in ok, do: String.to_atom(k))\n',
        'def f(%{"k" => k}), do: String.to_existing_atom(k)\n',
        # compile time: the engine keeps quiet for every rule
        'defmodule M do\n  @k String.to_atom(Application.get_env(:a, :b)["k"])\nend\n',
    ],
)
def test_does_not_report_other_values(source: str) -> None:
    assert findings(source, CODE) == []


def test_opt_in_ep801_and_ep803_never_report_the_same_atom() -> None:
    source = (
        "def f(conn, params) do\n"
        '  {String.to_atom(params["a"]), String.to_atom(conn.assigns.b)}\n'
        "end\n"
    )
    codes = sorted(f.code for f in findings(source, "EP8"))
    assert codes == ["EP801", "EP803"]


# --- JSON decoded with `keys: :atoms` (issue 16, item 7) ---------------------------


@pytest.mark.parametrize(
    "source",
    [
        "def event(payload), do: Jason.decode(payload, keys: :atoms)\n",
        "def event(payload), do: payload |> Jason.decode!(keys: :atoms)\n",
        "def event(payload), do: Jason.decode!(payload, [keys: :atoms])\n",
        'def create(conn, params), do: Poison.decode!(params["json"], keys: :atoms)\n',
        "def hook(conn, _) do\n"
        "  {:ok, body, conn} = read_body(conn)\n"
        "  json(conn, Jason.decode!(body, keys: :atoms))\n"
        "end\n",
        "def hook(conn, _) do\n"
        "  {:ok, raw, conn} = Plug.Conn.read_body(conn)\n"
        "  Jason.decode!(raw, keys: :atoms, floats: :decimals)\n"
        "end\n",
    ],
)
def test_reports_json_keys_turned_into_atoms(source: str) -> None:
    [finding] = findings(source, CODE)
    assert "keys: :atoms" in finding.message
    assert "`keys: :atoms!`" in finding.message
    assert finding.fix is None  # the harness has no Jason to prove `:atoms!`


@pytest.mark.parametrize(
    "source",
    [
        "def event(payload), do: Jason.decode!(payload, keys: :atoms!)\n",
        "def event(payload), do: Jason.decode!(payload)\n",
        "def event(payload), do: Jason.decode!(payload, keys: :strings)\n",
        "def event(payload), do: MyJSON.decode!(payload, keys: :atoms)\n",
        # not client input: EP801's (opt-in)
        "def load(path), do: path |> File.read!() |> Jason.decode!(keys: :atoms)\n",
    ],
)
def test_does_not_report_other_json_decoding(source: str) -> None:
    assert findings(source, CODE) == []


def test_json_keys_from_other_data_are_ep801s() -> None:
    source = "def load(path), do: path |> File.read!() |> Jason.decode!(keys: :atoms)\n"
    [finding] = findings(source, "EP801")
    assert "Jason.decode!(…, keys: :atoms)" in finding.message
    client = "def event(payload), do: Jason.decode!(payload, keys: :atoms)\n"
    assert findings(client, "EP801") == []
