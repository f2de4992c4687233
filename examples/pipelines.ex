defmodule Examples.Pipelines do
  @moduledoc "Enum pipelines, lookups in loops, Ecto and process footguns."

  alias MyApp.Repo

  # EP501 / EP502 / EP503: two passes where one does.
  def active_names(users), do: users |> Enum.filter(& &1.active) |> Enum.map(& &1.name)
  def first_admin(users), do: users |> Enum.filter(& &1.admin) |> List.first()
  def admin_count(users), do: users |> Enum.filter(& &1.admin) |> Enum.count()

  # EP504: a linear search per element (quadratic).
  def with_departments(users, departments) do
    Enum.map(users, fn user ->
      {user, Enum.find(departments, fn d -> d.id == user.department_id end)}
    end)
  end

  # EP505: list membership per element.
  def allowed(items, allowed_ids), do: Enum.filter(items, fn item -> item.id in allowed_ids end)

  # EP601 / EP602: one query per element.
  def save_all(changesets), do: Enum.each(changesets, &Repo.insert/1)
  def owners(posts), do: Enum.map(posts, fn post -> Repo.get(User, post.user_id) end)

  # EP603: loading every row to count it.
  def user_count(query), do: query |> Repo.all() |> length()

  # EP702: one process per element, unbounded.
  def fetch_all(urls) do
    urls
    |> Enum.map(fn url -> Task.async(fn -> fetch(url) end) end)
    |> Enum.map(&Task.await/1)
  end

  # EP701: every task gets its own copy of the whole map, to read one field.
  def with_timeouts(ids, config) do
    settings = Map.new(config)

    ids
    |> Task.async_stream(fn id -> {id, settings.timeout} end)
    |> Enum.to_list()
  end

  defp fetch(url), do: url
end
