defmodule Examples.Strings do
  @moduledoc "String, regex, file and atom footguns."

  # EP201: prepending to a binary accumulator copies it every time.
  def reversed_csv(rows) do
    Enum.reduce(rows, "", fn row, acc -> row <> "," <> acc end)
  end

  # EP202: concatenating only to write.
  def greet(name), do: IO.puts("Hello, " <> name <> "!")

  # EP301: compiling a constant regex on every call.
  def extract_emails(text) do
    regex = Regex.compile!("[\\w.]+@[\\w.]+")
    Regex.scan(regex, text)
  end

  # EP303: a regex where a substring test would do.
  def error_line?(line), do: line =~ ~r/ERROR/

  # EP401: opening and closing the file once per line.
  def write_lines(path, lines) do
    Enum.each(lines, fn line -> File.write!(path, line <> "\n", [:append]) end)
  end

  # EP402: reading a whole file to split it into lines.
  def count_lines(path), do: path |> File.read!() |> String.split("\n") |> length()

  # EP801: atoms are never garbage collected.
  def to_key(param), do: String.to_atom(param)

  # EP802: String.length walks every grapheme.
  def blank?(s), do: String.length(s) == 0
end
