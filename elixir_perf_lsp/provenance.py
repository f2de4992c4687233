"""Where each setting comes from: `check --show-settings FILE` and the
per-file-ignores part of `explain`.

The values are the ones `config.resolve_for_file` merges (CLI flags > config file >
defaults; the editor layer does not exist on the command line); this module only
names the source of each, down to the config file's line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from elixir_perf_lsp.config import (
    CONFIG_NAME,
    ConfigError,
    Layer,
    discover_target_sources,
    find_upward,
    is_excluded_by,
    line_of,
    load_config_file,
    resolve_for_file,
)
from elixir_perf_lsp.engine.options import ALL
from elixir_perf_lsp.engine.registry import all_rules
from elixir_perf_lsp.file_roles import DEFAULT_TEST_FILES
from elixir_perf_lsp.fileio import Unreadable, read_source

DEFAULT = "default"


@dataclass(frozen=True)
class Setting:
    key: str
    value: object  # JSON-able
    origin: str  # "default", "path:line" of a config file, "--flag", or a project file

    def as_json(self) -> dict[str, object]:
        return {"key": self.key, "value": self.value, "origin": self.origin}


def _config_for(start: Path, override: Path | None) -> Path | None:
    return override or find_upward(start, [CONFIG_NAME])


def _where_in(path: Path) -> Callable[[str], str]:
    """`key` → `path:line` of the key in the config file (the path alone if not found)."""
    try:
        text = read_source(path).data.decode("utf-8", "replace")
    except Unreadable:
        text = ""

    def where(key: str) -> str:
        line = line_of(text, key)
        return f"{path}:{line}" if line else str(path)

    return where


def _version(value: tuple[int, int] | None) -> str | None:
    return f"{value[0]}.{value[1]}" if value else None


def settings_for(file: Path, cli: Layer, config_override: Path | None) -> list[Setting]:
    """Every setting that applies to `file`, with its origin; raises ConfigError."""
    resolved = resolve_for_file(file, cli, config_override=config_override)
    config_path = _config_for(file, config_override)
    config = load_config_file(config_path) if config_path else Layer()
    where = _where_in(config_path) if config_path else (lambda _key: DEFAULT)
    found_how = "--config" if config_override else f"nearest {CONFIG_NAME} upward"
    out = [Setting("config-file", str(config_path) if config_path else None, found_how)]

    select_origin = DEFAULT
    select: tuple[str, ...] = ("EP",)
    if cli.select is not None:
        select, select_origin = cli.select, "--select"
    elif config.select is not None:
        select, select_origin = config.select, where("select")
    out.append(Setting("select", list(select), select_origin))
    for key in ("ignore", "extend-select", "exclude", "dsl-macros"):
        attribute = key.replace("-", "_")
        parts = [
            (getattr(layer, attribute), origin)
            for layer, origin in ((config, where(key)), (cli, f"--{key}"))
            if getattr(layer, attribute)
        ]
        if not parts:
            out.append(Setting(key, [], DEFAULT))
        out += [Setting(key, list(values), origin) for values, origin in parts]
    for code, level in sorted(config.severity.items()):
        out.append(Setting(f"severity.{code}", level.value, where(code)))

    (project_elixir, elixir_file), (project_otp, otp_file) = discover_target_sources(file)
    candidates_elixir = (
        (cli.target_elixir, "--target-elixir"),
        (config.target_elixir, where("target-elixir")),
        (project_elixir, str(elixir_file)),
    )
    elixir, elixir_origin = next(((v, o) for v, o in candidates_elixir if v), (None, DEFAULT))
    out.append(Setting("target-elixir", _version(elixir), elixir_origin))
    candidates_otp = (
        (cli.target_otp, "--target-otp"),
        (config.target_otp, where("target-otp")),
        (project_otp, str(otp_file)),
    )
    otp, otp_origin = next(((v, o) for v, o in candidates_otp if v is not None), (None, DEFAULT))
    out.append(Setting("target-otp", otp, otp_origin))

    test_files = config.test_files
    out.append(
        Setting(
            "test-files",
            list(test_files if test_files is not None else DEFAULT_TEST_FILES),
            where("test-files") if test_files is not None else DEFAULT,
        )
    )
    for glob, codes in config.per_file_ignores:
        applies = is_excluded_by(file, glob, resolved.root)
        value = {"glob": glob, "codes": list(codes), "applies-to-this-file": applies}
        out.append(Setting("per-file-ignores", value, where(glob)))
    out.append(Setting("excluded", resolved.excludes(file), "exclude (with deps/, _build/)"))
    out.append(Setting("file-role", resolved.options.role.value, "path and test-files"))
    enabled = [r.code for r in all_rules() if resolved.options.selection.enables(r.code)]
    out.append(Setting("rules", enabled, "all of the above"))
    return out


def render_settings(file: Path, settings: list[Setting], fmt: str) -> str:
    if fmt == "json":
        doc = {"file": str(file), "settings": [s.as_json() for s in settings]}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    shown = [(s.key, json.dumps(s.value, ensure_ascii=False), s.origin) for s in settings]
    key_width = max(len(k) for k, _, _ in shown)
    value_width = min(60, max(len(v) for _, v, _ in shown))
    lines = [f"Settings for {file}"]
    for key, value, origin in shown:
        lines.append(f"  {key:<{key_width}}  {value:<{value_width}}  ({origin})")
    return "\n".join(lines) + "\n"


def per_file_ignores_section(code: str, config_override: Path | None) -> str:
    """For `explain`: which globs of the project's config turn the rule off.
    Empty when no config file applies to the current directory."""
    config_path = _config_for(Path.cwd(), config_override)
    if config_path is None:
        return ""
    if not config_path.is_file():
        raise ConfigError("config file not found", config_path)
    config = load_config_file(config_path)
    where = _where_in(config_path)
    matching = [
        (glob, [c for c in codes if c == ALL or code.startswith(c)])
        for glob, codes in config.per_file_ignores
    ]
    lines = ["", f"## In this project ({config_path})", ""]
    hits = [(glob, codes) for glob, codes in matching if codes]
    if not hits:
        lines.append(f"No `[per-file-ignores]` entry turns {code} off.")
    else:
        lines.append(f"`[per-file-ignores]` turns {code} off in files matching:")
        lines.append("")
        for glob, codes in hits:
            lines.append(f"- `{glob}` (by {', '.join(codes)}; {where(glob)})")
    return "\n".join(lines) + "\n"
