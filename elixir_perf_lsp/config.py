"""Settings from `.elixir-perf.toml`, project files and the editor, merged into `Options`.

Precedence, highest first: CLI flags > config file > editor settings > defaults.
A config file is a project decision checked into the repository, so it beats a
personal editor setting; a flag typed for one run beats both.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path, PurePath, PurePosixPath
from typing import Any, TypeVar

from elixir_perf_lsp.engine.model import Severity
from elixir_perf_lsp.engine.options import ALL, Options, RuleSelection, Target
from elixir_perf_lsp.file_roles import DEFAULT_TEST_FILES, file_role
from elixir_perf_lsp.fileio import Unreadable, read_source

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

T = TypeVar("T")

CONFIG_NAME = ".elixir-perf.toml"
# Any real config is a few KB; the bound keeps a stray huge file from costing memory.
CONFIG_MAX_BYTES = 1024 * 1024
ALWAYS_EXCLUDED = ("deps/**", "_build/**", ".elixir_ls/**")
_KEYS = (
    "target-elixir",
    "target-otp",
    "select",
    "ignore",
    "extend-select",
    "exclude",
    "severity",
    "per-file-ignores",
    "test-files",
    "dsl-macros",
)
_CODE_PREFIX = re.compile(r"EP\d{0,3}")


class ConfigError(Exception):
    """A problem in a config file or setting, located as precisely as we can."""

    def __init__(
        self,
        message: str,
        path: Path | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.path, self.line, self.key = path, line, key
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line else f"{path}: "
        super().__init__(where + (f"`{key}`: " if key else "") + message)


@dataclass(frozen=True)
class Layer:
    """One source of settings; None means "not set here"."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    target_elixir: tuple[int, int] | None = None
    target_otp: int | None = None
    # (glob, codes) pairs, globs relative to the config file's directory.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    test_files: tuple[str, ...] | None = None
    dsl_macros: tuple[str, ...] = ()
    path: Path | None = None


@dataclass(frozen=True)
class Resolved:
    options: Options
    exclude: tuple[str, ...]
    root: Path | None  # directory that exclude globs are relative to
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    test_files: tuple[str, ...] = DEFAULT_TEST_FILES

    def excludes(self, file: Path) -> bool:
        return is_excluded(file, self.exclude, self.root)


def real_path(path: Path) -> Path:
    """`path.resolve()` that survives symlink loops (Python raises RuntimeError)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return path.absolute()


def is_excluded_by(file: Path, pattern: str, root: Path | None) -> bool:
    """Whether one glob (an exclude or per-file-ignores pattern) names `file`."""
    return _matches_any(file, (pattern,), root)


def is_excluded(file: Path, patterns: Iterable[str], root: Path | None) -> bool:
    return _matches_any(file, (*ALWAYS_EXCLUDED, *patterns), root)


def _matches_any(file: Path, patterns: tuple[str, ...], root: Path | None) -> bool:
    try:
        rel = real_path(file).relative_to(real_path(root)) if root else file
    except ValueError:
        rel = file
    return compile_globs(patterns).matches(rel)


_MAGIC = re.compile(r"[*?\[]")


def _either(regexes: Sequence[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(regexes)) if regexes else None


@dataclass(frozen=True)
class GlobSet:
    """Exclude globs compiled once. A glob names a file when it matches the path
    (relative to the config's directory), the file name, or — with any trailing
    `/**` or `/*` taken off — one of its directories. Globs without wildcards
    (most of a long generated list) are set lookups; the rest form one regex."""

    exact: frozenset[str]  # equal to the whole path or the name
    trees: frozenset[str]  # `L/**`, `L/*`: the path lies under L
    dirs: frozenset[str]  # equal to a directory name
    wild: re.Pattern[str] | None  # matched against the whole path and the name
    wild_dirs: re.Pattern[str] | None  # matched against each directory name

    def matches(self, rel: PurePath) -> bool:
        posix = rel.as_posix()
        directories = rel.parts[:-1]
        if posix in self.exact or rel.name in self.exact:
            return True
        if self.trees and any(
            posix[:i] in self.trees for i, char in enumerate(posix) if char == "/"
        ):
            return True
        if any(d in self.dirs for d in directories):
            return True
        if self.wild is not None and (self.wild.match(posix) or self.wild.match(rel.name)):
            return True
        return self.wild_dirs is not None and any(self.wild_dirs.match(d) for d in directories)


@lru_cache(maxsize=1024)
def compile_globs(patterns: tuple[str, ...]) -> GlobSet:
    exact: set[str] = set()
    trees: set[str] = set()
    dirs: set[str] = set()
    wild: list[str] = []
    wild_dirs: list[str] = []
    for pattern in patterns:
        if not _MAGIC.search(pattern):
            exact.add(pattern)
        else:
            stem = pattern.removesuffix("/**") if pattern.endswith("/**") else pattern[:-2]
            if pattern.endswith(("/**", "/*")) and stem and not _MAGIC.search(stem):
                trees.add(stem)  # a name has no `/`, so only the whole path can match
            else:
                wild.append(fnmatch.translate(pattern))
        directory = pattern.rstrip("/*")
        if _MAGIC.search(directory):
            wild_dirs.append(fnmatch.translate(directory))
        else:
            dirs.add(directory)
    return GlobSet(
        frozenset(exact), frozenset(trees), frozenset(dirs), _either(wild), _either(wild_dirs)
    )


# --- reading values ------------------------------------------------------------


def parse_elixir_version(value: object) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?\s*", str(value))
    if match is None or isinstance(value, bool):
        raise ValueError(f'expected an Elixir version like "1.17", got {value!r}')
    return int(match[1]), int(match[2])


def parse_otp_version(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(f"expected an OTP release like 27, got {value!r}")
    match = re.fullmatch(r"\s*(?:OTP-?)?(\d+)(?:\.[\d.]+)?\s*", str(value))
    if match is None:
        raise ValueError(f"expected an OTP release like 27, got {value!r}")
    return int(match[1])


def parse_codes(value: object, known: Sequence[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [v for v in re.split(r"[,\s]+", value) if v]
    elif isinstance(value, list | tuple):
        items = [str(v) for v in value]
    else:
        raise ValueError(f"expected a list of rule codes, got {value!r}")
    out = []
    for item in items:
        code = item.strip().upper()
        if code == ALL:
            out.append(code)
            continue
        if not _CODE_PREFIX.fullmatch(code) or not any(k.startswith(code) for k in known):
            raise ValueError(f"unknown rule code or prefix {item!r}")
        out.append(code)
    return tuple(out)


def parse_severity(value: object, known: Sequence[str]) -> dict[str, Severity]:
    if not isinstance(value, Mapping):
        raise ValueError('expected a table of CODE = "warning" entries')
    out: dict[str, Severity] = {}
    for code, level in value.items():
        if str(code).upper() not in known:
            raise ValueError(f"unknown rule code {code!r}")
        try:
            out[str(code).upper()] = Severity(str(level).lower())
        except ValueError:
            choices = ", ".join(s.value for s in Severity)
            raise ValueError(f"{code}: severity must be one of {choices}, got {level!r}") from None
    return out


def _opt_in_codes() -> frozenset[str]:
    from elixir_perf_lsp.engine.registry import all_rules

    return frozenset(r.code for r in all_rules() if not r.default)


def _known_codes() -> tuple[str, ...]:
    from elixir_perf_lsp.engine.registry import all_rules

    return tuple(r.code for r in all_rules())


def layer_from_mapping(
    data: Mapping[str, Any], path: Path | None = None, text: str = "", keys: Sequence[str] = _KEYS
) -> Layer:
    """Build a layer from a TOML table or editor settings, validating every value."""
    known = _known_codes()
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = line_of(text, key)
        if key not in keys:
            raise ConfigError(f"unknown key (expected one of {', '.join(keys)})", path, line, key)
        try:
            if key == "target-elixir":
                values["target_elixir"] = parse_elixir_version(value)
            elif key == "target-otp":
                values["target_otp"] = parse_otp_version(value)
            elif key in ("select", "ignore", "extend-select"):
                values[key.replace("-", "_")] = parse_codes(value, known)
            elif key == "exclude":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ValueError("expected a list of glob strings")
                values["exclude"] = tuple(value)
            elif key == "severity":
                values["severity"] = parse_severity(value, known)
            elif key == "per-file-ignores":
                values["per_file_ignores"] = _parse_per_file_ignores(value, known)
            elif key in ("test-files", "dsl-macros"):
                values[key.replace("-", "_")] = _parse_strings(value)
        except ValueError as exc:
            if key == "severity" and isinstance(value, Mapping):
                # Point at the offending `CODE = "…"` line inside the table.
                bad = next((str(c) for c in value if str(c) in str(exc)), None)
                if bad is not None:
                    start = text.find("[severity]")
                    sub = line_of(text[start:], bad) if start >= 0 else None
                    if sub is not None:
                        line = text.count("\n", 0, start) + sub
                        key = f"severity.{bad}"
            raise ConfigError(str(exc), path, line, key) from None
    return Layer(path=path, **values)


def _parse_strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of strings")
    return tuple(value)


def _parse_per_file_ignores(
    value: object, known: Sequence[str]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, Mapping):
        raise ValueError('expected a table of "glob" = ["CODE", ...] entries')
    return tuple((str(glob), parse_codes(codes, known)) for glob, codes in value.items())


def line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(\[\s*)?[\"']?{re.escape(key)}[\"']?\s*(=|\])", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _stamp(path: Path) -> tuple[str, int, int]:
    """Identity of a file's current content, for caches that must see edits."""
    try:
        st = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st.st_mtime_ns, st.st_size)


_cache: dict[tuple[str, tuple[str, int, int]], object] = {}


def _cached(kind: str, path: Path, read: Callable[[Path], T]) -> T:
    """`read(path)`, remembered until the file changes: the server resolves
    settings on every lint, and re-reading TOML and mix.exs per keystroke is waste."""
    key = (kind, _stamp(path))
    if key not in _cache:
        if len(_cache) > 512:
            _cache.clear()
        try:
            _cache[key] = read(path)
        except ConfigError as exc:
            _cache[key] = exc
    value = _cache[key]
    if isinstance(value, ConfigError):
        raise value
    return value  # type: ignore[return-value]


def load_config_file(path: Path) -> Layer:
    return _cached("config", path, _load_config_file)


def _load_config_file(path: Path) -> Layer:
    try:
        raw = read_source(path, CONFIG_MAX_BYTES).data
    except Unreadable as exc:
        raise ConfigError(str(exc), path) from None
    try:
        # A BOM (Windows editors add one) is not TOML, but the intent is plain.
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"invalid UTF-8 (byte {exc.start})", path, line) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"invalid TOML: {exc}", path, int(match[1]) if match else None) from None
    except RecursionError:
        line = _deepest_line(text)
        raise ConfigError("invalid TOML: nested too deeply", path, line) from None
    return layer_from_mapping(data, path, text)


def _deepest_line(text: str) -> int:
    """The line where bracket nesting is deepest: where a too-deep value sits."""
    depth = deepest = 0
    line = where = 1
    for char in text:
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, line
        elif char in "]}":
            depth -= 1
        elif char == "\n":
            line += 1
    return where


# --- discovery -------------------------------------------------------------------


# What `find_upward` saw, while a `check` run allows it: the files of one project
# ask the same directories for the same names (~70k stats for 500 files, a fifth
# of checking them). Off by default, so a long-lived server sees a config file
# created after it started.
_seen: ContextVar[dict[tuple[Path, str], object] | None] = ContextVar("_seen", default=None)


@contextmanager
def discovery_cached() -> Iterator[None]:
    """Remember directory lookups for the duration of one run."""
    token = _seen.set({})
    try:
        yield
    finally:
        _seen.reset(token)


def _looked_up(key: tuple[Path, str], look: Callable[[], T]) -> T:
    seen = _seen.get()
    if seen is None:
        return look()
    if key not in seen:
        seen[key] = look()
    return seen[key]  # type: ignore[return-value]


def find_upward(start: Path, names: Sequence[str]) -> Path | None:
    directory = _looked_up(
        (start, ""), lambda: real_path(start if start.is_dir() else start.parent)
    )
    while True:
        for name in names:
            candidate = directory / name
            if _looked_up((directory, name), candidate.is_file):
                return candidate
        if directory.parent == directory:
            return None
        directory = directory.parent


def discover_target(start: Path) -> Target:
    """Target versions from mix.exs, .tool-versions, mise.toml (nearest first)."""
    (elixir, _), (otp, _) = discover_target_sources(start)
    return Target(elixir, otp)


def discover_target_sources(
    start: Path,
) -> tuple[tuple[tuple[int, int] | None, Path | None], tuple[int | None, Path | None]]:
    """(Elixir version, file it came from), (OTP release, file it came from):
    `discover_target` with provenance, for `check --show-settings`."""
    elixir: tuple[int, int] | None = None
    otp: int | None = None
    elixir_from: Path | None = None
    otp_from: Path | None = None
    mix = find_upward(start, ["mix.exs"])
    if mix is not None:
        elixir = _mix_minimum_elixir(mix)
        elixir_from = mix if elixir else None
    tools = find_upward(start, [".tool-versions", "mise.toml", ".mise.toml"])
    if tools is not None:
        tool_elixir, tool_otp = _tool_versions(tools)
        if elixir is None and tool_elixir is not None:
            elixir, elixir_from = tool_elixir, tools
        otp, otp_from = tool_otp, (tools if tool_otp is not None else None)
    return (elixir, elixir_from), (otp, otp_from)


def _mix_minimum_elixir(path: Path) -> tuple[int, int] | None:
    return _cached("mix", path, _read_mix_minimum_elixir)


def _read_mix_minimum_elixir(path: Path) -> tuple[int, int] | None:
    text = _project_file_text(path)
    if text is None:
        return None
    match = re.search(r"\belixir:\s*\"([^\"]+)\"", text)
    if match is None:
        return None
    versions = re.findall(r"(\d+)\.(\d+)", match[1])
    return min(((int(a), int(b)) for a, b in versions), default=None)


def _tool_versions(path: Path) -> tuple[tuple[int, int] | None, int | None]:
    return _cached("tools", path, _read_tool_versions)


def _project_file_text(path: Path) -> str | None:
    """mix.exs, .tool-versions, mise.toml: read like sources, silently skipped if odd."""
    try:
        return read_source(path).data.decode("utf-8", errors="replace")
    except Unreadable:
        return None


def _read_tool_versions(path: Path) -> tuple[tuple[int, int] | None, int | None]:
    text = _project_file_text(path)
    if text is None:
        return None, None
    elixir: tuple[int, int] | None = None
    otp: int | None = None
    if path.name == ".tool-versions":
        pairs = [line.split()[:2] for line in text.splitlines() if len(line.split()) >= 2]
    else:
        pairs = re.findall(r"^\s*\"?(elixir|erlang)\"?\s*=\s*[\[\"']+([^\"'\]]+)", text, re.M)
        pairs = [list(p) for p in pairs]
    for tool, version in pairs:
        try:
            if tool == "elixir":
                elixir = parse_elixir_version(version.split("-otp-")[0])
                if "-otp-" in version and otp is None:
                    otp = parse_otp_version(version.split("-otp-")[1])
            elif tool == "erlang":
                otp = parse_otp_version(version)
        except ValueError:
            continue
    return elixir, otp


# --- merging ---------------------------------------------------------------------


def merge(layers: Sequence[Layer], fallback_target: Target = Target()) -> Resolved:
    """Merge layers, lowest precedence first."""
    select: tuple[str, ...] = ("EP",)
    ignore: list[str] = []
    extend: list[str] = []
    exclude: list[str] = []
    severity: dict[str, Severity] = {}
    per_file: list[tuple[str, tuple[str, ...]]] = []
    test_files: tuple[str, ...] = DEFAULT_TEST_FILES
    dsl_macros: list[str] = []
    elixir, otp = fallback_target.elixir, fallback_target.otp
    root: Path | None = None
    for layer in layers:
        per_file.extend(layer.per_file_ignores)
        if layer.test_files is not None:
            test_files = layer.test_files
        dsl_macros.extend(layer.dsl_macros)
        if layer.select is not None:
            select = layer.select
        ignore.extend(layer.ignore)
        extend.extend(layer.extend_select)
        exclude.extend(layer.exclude)
        severity.update(layer.severity)
        elixir = layer.target_elixir or elixir
        otp = layer.target_otp if layer.target_otp is not None else otp
        if layer.path is not None:
            root = layer.path.parent
    options = Options(
        RuleSelection(select, tuple(ignore), tuple(extend), _opt_in_codes()),
        severity,
        Target(elixir, otp),
        dsl_macros=tuple(dsl_macros),
    )
    return Resolved(options, tuple(exclude), root, tuple(per_file), test_files)


def resolve_for_file(
    file: Path,
    cli: Layer = Layer(),
    editor: Layer = Layer(),
    config_override: Path | None = None,
    base: Path | None = None,
) -> Resolved:
    """Everything that applies to `file`: raises ConfigError for a bad config file.

    `.elixir-perf.toml`, `mix.exs` and `.tool-versions` are searched upward to the
    filesystem root, by `check` and the server alike: the same file gets the same
    findings in both, and a project opened at a sub-directory of a repository
    still gets the repository's config. `base` (the workspace root) is what
    editor `exclude` globs are relative to when no config file applies.
    """
    config_path = config_override or find_upward(file, [CONFIG_NAME])
    file_layer = load_config_file(config_path) if config_path else Layer()
    project_target = discover_target(file)
    resolved = merge([editor, file_layer, cli], project_target)
    if resolved.root is None:
        resolved = replace(resolved, root=base)
    return for_file(resolved, file)


def for_file(resolved: Resolved, file: Path) -> Resolved:
    """Apply what depends on the file itself: its role and per-file ignores."""
    mix = find_upward(file, ["mix.exs"])
    role_base = mix.parent if mix is not None else resolved.root
    role = file_role(_relative(file, role_base), resolved.test_files)
    ignores = tuple(
        code
        for glob, codes in resolved.per_file_ignores
        if is_excluded_by(file, glob, resolved.root)
        for code in codes
    )
    options = resolved.options
    if ignores:
        selection = replace(options.selection, ignore=(*options.selection.ignore, *ignores))
        options = replace(options, selection=selection)
    return replace(resolved, options=replace(options, role=role))


def _relative(file: Path, base: Path | None) -> PurePosixPath:
    if base is not None:
        try:
            return PurePosixPath(real_path(file).relative_to(real_path(base)).as_posix())
        except ValueError:
            pass
    return PurePosixPath(file.name)
