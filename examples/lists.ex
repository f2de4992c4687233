defmodule Examples.Lists do
  @moduledoc "List footguns: counting to test emptiness, appending in loops."

  # EP101: length/1 walks the whole list on every call.
  def process(items) when length(items) > 0 do
    Enum.sum(items)
  end

  def process(items) when length(items) == 0, do: 0

  # EP102: counting to test emptiness.
  def describe(items) do
    if length(items) == 0, do: "none", else: "some"
  end

  def any_admins?(users), do: Enum.count(users, & &1.admin) > 0

  # EP103: quadratic list building.
  def doubled(items) do
    Enum.reduce(items, [], fn item, acc -> acc ++ [item * 2] end)
  end

  # EP104: indexing a linked list inside a loop.
  def pairs(list) do
    for i <- 0..(length(list) - 2), do: {Enum.at(list, i), Enum.at(list, i + 1)}
  end

  # EP506: reverse then concatenate.
  def prepend_reversed(a, b), do: Enum.reverse(a) ++ b
end
