"""Regex literals: reading them exactly as Elixir does, writing them back exactly.

Shared by EP301 (hoist `Regex.compile!("…")`), EP302 (`~r` in loops), EP303
(literal regexes) and the "Extract regex to module attribute" refactoring.

Exactness matters: a fix must produce a regex whose `Regex.source/1` and
`Regex.opts/1` equal the original's. What Elixir does (checked against the
tokenizer, `:elixir_interpolation` and `Kernel.sigil_r/2` of 1.14 to 1.20, and on
Elixir 1.14 / OTP 25):

- In a `"…"` string, `\\x` escapes are decoded (`"\\d"` is the DEL character, `"\\\\d"`
  is backslash-d, `"\\#{"` is `#{`, `"\\q"` is `q`).
- In `~r`, the tokenizer turns `\\<terminator>` into the bare terminator, keeps
  `\\#{` as three characters, starts an interpolation at a bare `#{`, and drops a
  backslash-newline. Every other backslash pair is kept verbatim, except that
  Elixir ≤ 1.15 also turns `\\f \\n \\r \\t \\v \\a` into the raw control characters
  (1.16 stopped doing so). So `"\\\\n"` is spelled `~r/\\n/` on 1.16+ but has no
  `~r` spelling on ≤ 1.15, where `~R/\\n/` (not deprecated before 1.16) keeps it.
- `~R` keeps everything verbatim except `\\<terminator>`, and never interpolates.
- Elixir sigils do not nest brackets: `~r(a(b)` ends at the first `)`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from elixir_perf_lsp.analysis.nodes import (
    text,
)
from elixir_perf_lsp.engine.options import Target
from elixir_perf_lsp.syntax import Node

# `Regex.compile/2` string options that are also `~r` modifiers on every version.
REGEX_MODIFIERS = frozenset("uixfUsm")

# Preferred sigil delimiters, as (open, close).
DELIMITERS = (
    ("/", "/"),
    ("|", "|"),
    ('"', '"'),
    ("'", "'"),
    ("(", ")"),
    ("[", "]"),
    ("{", "}"),
    ("<", ">"),
)

_STRING_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "d": "\x7f",
    "e": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "s": " ",
    "t": "\t",
    "v": "\v",
}
# What `~r` turned into raw characters before Elixir 1.16 (`Regex.unescape_map/1`).
_OLD_SIGIL_ESCAPES = {"f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "a": "\a"}
_HEX = frozenset("0123456789abcdefABCDEF")


# --- reading literals ---------------------------------------------------------


def string_literal_value(node: Node) -> bytes | None:
    """The bytes a plain `"…"` literal evaluates to; None when it is not constant
    (interpolation), a heredoc, or uses an escape this module does not model."""
    if node.type != "string":
        return None
    start = node.child_by_field_name("quoted_start")
    end = node.child_by_field_name("quoted_end")
    if start is None or end is None or text(start) != '"':
        return None
    if any(child.type == "interpolation" for child in node.named_children):
        return None
    raw = (node.text or b"")[start.end_byte - node.start_byte : end.start_byte - node.start_byte]
    return _decode_string(raw.decode("utf-8", "surrogatepass"))


def _decode_string(raw: str) -> bytes | None:
    out = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\r":
            return None
        if c == "#" and raw.startswith("{", i + 1):
            return None  # interpolation
        if c != "\\":
            out += c.encode("utf-8", "surrogatepass")
            i += 1
            continue
        if i + 1 >= len(raw):
            return None
        n = raw[i + 1]
        i += 2
        if n == "\n":
            continue  # line continuation
        if n == "x":
            digits = raw[i : i + 2]
            if len(digits) == 2 and set(digits) <= _HEX:
                out.append(int(digits, 16))
                i += 2
                continue
            return None  # \xH and \x{…} are deprecated forms: leave them alone
        if n == "u":
            decoded = _unicode_escape(raw, i)
            if decoded is None:
                return None
            codepoint, i = decoded
            out += chr(codepoint).encode("utf-8")
            continue
        if n == "\r":
            return None
        out += _STRING_ESCAPES.get(n, n).encode("utf-8", "surrogatepass")
    return bytes(out)


def _unicode_escape(raw: str, i: int) -> tuple[int, int] | None:
    if raw.startswith("{", i):
        close = raw.find("}", i)
        digits = raw[i + 1 : close] if close > 0 else ""
        if not 1 <= len(digits) <= 6 or not set(digits) <= _HEX:
            return None
        end = close + 1
    else:
        digits = raw[i : i + 4]
        if len(digits) != 4 or not set(digits) <= _HEX:
            return None
        end = i + 4
    codepoint = int(digits, 16)
    if codepoint > 0x10FFFF or 0xD800 <= codepoint <= 0xDFFF:
        return None
    return codepoint, end


@dataclass(frozen=True)
class Sigil:
    name: str  # "r", "R", "s"…
    open: str  # "/", "(", '"""'…
    close: str
    raw: str  # the text between the delimiters, as written
    modifiers: str
    interpolated: bool

    @property
    def heredoc(self) -> bool:
        return len(self.open) == 3


def read_sigil(node: Node) -> Sigil | None:
    if node.type != "sigil":
        return None
    name = start = end = None
    modifiers = ""
    interpolated = False
    for child in node.children:
        field = child.type
        if field == "sigil_name":
            name = text(child)
        elif field == "sigil_modifiers":
            modifiers = text(child)
        elif field == "interpolation":
            interpolated = True
    start = node.child_by_field_name("quoted_start")
    end = node.child_by_field_name("quoted_end")
    if name is None or start is None or end is None:
        return None
    body = (node.text or b"")[start.end_byte - node.start_byte : end.start_byte - node.start_byte]
    return Sigil(
        name,
        text(start),
        text(end),
        body.decode("utf-8", "surrogatepass"),
        modifiers,
        interpolated,
    )


def regex_sigil_source(sigil: Sigil, elixir: tuple[int, int] | None) -> str | None:
    """`Regex.source/1` of a `~r`/`~R` literal; None when interpolated, a heredoc,
    or (for `\\n`-style escapes) dependent on an unknown Elixir version."""
    if sigil.interpolated or sigil.heredoc or sigil.name not in ("r", "R"):
        return None
    raw, close = sigil.raw, sigil.close
    lowercase = sigil.name == "r"
    out: list[str] = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "#" and lowercase and raw.startswith("{", i + 1):
            return None
        if c != "\\" or i + 1 >= len(raw):
            out.append(c)
            i += 1
            continue
        n = raw[i + 1]
        i += 2
        if n == close:
            out.append(close)
        elif not lowercase:
            out.append("\\" + n)
        elif n == "\n":
            continue
        elif n == "\r" and raw.startswith("\n", i):
            i += 1
        elif n in _OLD_SIGIL_ESCAPES:
            if elixir is None:
                return None
            out.append(_OLD_SIGIL_ESCAPES[n] if elixir < (1, 16) else "\\" + n)
        else:
            out.append("\\" + n)
    return "".join(out)


# --- writing literals ---------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """A `~r` spelling of a regex source, or why there is none."""

    text: str | None
    reason: str = ""


def render_regex_sigil(source: bytes, options: str, elixir: tuple[int, int] | None) -> Rendered:
    """A sigil whose `Regex.source/1` is exactly `source` and whose `Regex.opts/1`
    is `options` (the `Regex.compile/2` string), on the target Elixir version."""
    if any(o not in REGEX_MODIFIERS for o in options):
        return Rendered(None, f"option string {options!r} has no `~r` modifier spelling")
    try:
        pattern = source.decode("utf-8")
    except UnicodeDecodeError:
        return Rendered(None, "the pattern is not valid UTF-8 text")
    for ch in pattern:
        if ch in "\n\t":
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            return Rendered(None, "the pattern holds control or invisible characters")
    interpolation = backslash_newline = old_escape = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "#" and pattern.startswith("{", i + 1):
            interpolation = True
        if c != "\\":
            i += 1
            continue
        if i + 1 >= len(pattern):
            return Rendered(None, "the pattern ends in a lone backslash")
        n = pattern[i + 1]
        backslash_newline = backslash_newline or n == "\n"
        old_escape = old_escape or n in _OLD_SIGIL_ESCAPES
        i += 2
    verbatim_only = interpolation or backslash_newline  # only `~R` keeps these
    if elixir is not None and elixir < (1, 16):
        letter = "R" if verbatim_only or old_escape else "r"
    elif verbatim_only:
        return Rendered(None, "no `~r` spelling keeps `#{` or a backslash-newline verbatim")
    elif old_escape and elixir is None:
        return Rendered(
            None,
            "its `~r` spelling differs between Elixir versions (`\\n`-style escapes "
            "changed in 1.16); set the target Elixir version to get a fix",
        )
    else:
        letter = "r"
    delimiters = choose_delimiters(pattern)
    if delimiters is None:
        return Rendered(None, "every sigil delimiter occurs in the pattern")
    open_, close = delimiters
    return Rendered(f"~{letter}{open_}{pattern}{close}{options}")


def choose_delimiters(pattern: str) -> tuple[str, str] | None:
    for open_, close in DELIMITERS:
        if open_ not in pattern and close not in pattern:
            return open_, close
    return None


def elixir_string(value: str) -> str:
    """A `"…"` literal evaluating to `value`."""
    out = ['"']
    for i, ch in enumerate(value):
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch == "#" and value.startswith("{", i + 1):
            out.append("\\#")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(f"\\u{{{ord(ch):X}}}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


# --- versions -----------------------------------------------------------------


def regex_attributes_work(target: Target) -> bool | None:
    """Can a function read a regex stored in a module attribute, and is it as
    cheap as a `~r` literal there?

    True on OTP ≤ 27 (the compiled pattern is a plain binary) and on Elixir ≥ 1.19
    (`Macro.escape` re-imports or recompiles it). False for Elixir < 1.19 on
    OTP 28+: 1.18.0 to 1.18.3 fail to compile (`cannot escape #Reference`), 1.18.4
    calls `Regex.compile!/2` at every read. None when that cannot be told.
    """
    if target.otp is not None and target.otp <= 27:
        return True
    if target.elixir_at_least(1, 19):
        return True
    if target.otp is not None and target.elixir is not None:
        return False
    return None


# --- naming the attribute -----------------------------------------------------


def regex_attribute_name(function_name: str, taken: set[str]) -> str:
    """`extract_emails` → `extract_emails_regex`, then `_2`, `_3`… on a clash."""
    base = function_name.rstrip("?!")
    if not base or not (base[0].islower() or base[0] == "_"):
        base = ""
    stem = f"{base}_regex" if base else "regex"
    if stem not in taken:
        return stem
    k = 2
    while f"{stem}_{k}" in taken:
        k += 1
    return f"{stem}_{k}"
