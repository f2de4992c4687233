"""Editor settings (section `elixirPerf`) → a config layer plus server knobs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from elixir_perf_lsp.config import ConfigError, Layer, layer_from_mapping
from elixir_perf_lsp.server.logs import DEFAULT_LEVEL, LEVELS

DEFAULT_DEBOUNCE_MS = 100
MAX_DEBOUNCE_MS = 150  # diagnostics follow typing within 150 ms (docs/architecture.md, Settings)

_TO_CONFIG_KEYS = {
    "select": "select",
    "ignore": "ignore",
    "extendSelect": "extend-select",
    "severity": "severity",
    "targetElixir": "target-elixir",
    "targetOtp": "target-otp",
    "exclude": "exclude",
}
_SERVER_KEYS = {
    "configFile",
    "debounceMs",
    "enable",
    "workspaceDiagnostics",
    "trace",
    "logLevel",
    "logFile",
}


@dataclass(frozen=True)
class EditorSettings:
    layer: Layer = Layer()
    config_file: Path | None = None
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    enable: bool = True
    workspace_diagnostics: bool = False
    log_level: str = DEFAULT_LEVEL
    log_file: Path | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


def section(payload: object) -> Mapping[str, Any] | None:
    """Our section of a settings payload, or None when the payload is not for us.

    Accepts `{"elixirPerf": {...}}` and the bare section. Neovim encodes an empty
    Lua table as `[]`; Eglot's didChangeConfiguration carries every server's
    settings (`{"elixirLS": {...}}`), which is not ours to validate.
    """
    if isinstance(payload, list) and not payload:
        return {}
    if not isinstance(payload, Mapping):
        return None
    if "elixirPerf" in payload:
        inner = payload["elixirPerf"]
        if isinstance(inner, list) and not inner:
            return {}
        return inner if isinstance(inner, Mapping) else None
    if payload and not (set(payload) & (set(_TO_CONFIG_KEYS) | _SERVER_KEYS)):
        return None
    return payload


def is_for_us(payload: object) -> bool:
    return section(payload) is not None


def parse_settings(payload: object, workspace_root: Path | None = None) -> EditorSettings:
    """Raise ConfigError naming the bad setting; unknown keys are errors too.

    Types are strict: `"enable": "false"` is an error, not a true value. A relative
    `configFile` is relative to the workspace root, not the server's directory."""
    data = section(payload)
    if data is None:
        raise ConfigError("expected an object of elixirPerf settings", key="elixirPerf")
    config: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if key in _TO_CONFIG_KEYS:
            if key in ("select", "ignore", "extendSelect", "exclude") and value == []:
                continue
            if key == "severity" and value == {}:
                continue
            if key in ("targetElixir", "targetOtp") and value == "":
                continue
            config[_TO_CONFIG_KEYS[key]] = value
        elif key not in _SERVER_KEYS:
            raise ConfigError("unknown setting", key=f"elixirPerf.{key}")
    try:
        layer = layer_from_mapping(config)
    except ConfigError as exc:
        name = next((k for k, v in _TO_CONFIG_KEYS.items() if v == exc.key), exc.key)
        raise ConfigError(str(exc).split(": ", 1)[-1], key=f"elixirPerf.{name}") from None
    debounce = data.get("debounceMs", DEFAULT_DEBOUNCE_MS)
    if not isinstance(debounce, int) or isinstance(debounce, bool) or debounce < 0:
        raise ConfigError("must be a non-negative integer", key="elixirPerf.debounceMs")
    return EditorSettings(
        layer=layer,
        config_file=_path(data, "configFile", workspace_root),
        debounce_ms=min(debounce, MAX_DEBOUNCE_MS),
        enable=_flag(data, "enable", True),
        workspace_diagnostics=_flag(data, "workspaceDiagnostics", False),
        log_level=_log_level(data.get("logLevel")),
        log_file=_path(data, "logFile", workspace_root),
        raw=dict(data),
    )


def _flag(data: Mapping[str, Any], key: str, default: bool) -> bool:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ConfigError(f"must be true or false, got {value!r}", key=f"elixirPerf.{key}")
    return value


def _log_level(value: object) -> str:
    if value is None or value == "":
        return DEFAULT_LEVEL
    if not isinstance(value, str) or value.lower() not in LEVELS:
        raise ConfigError(
            f"must be one of {', '.join(LEVELS)}, got {value!r}", key="elixirPerf.logLevel"
        )
    return value.lower()


def _path(data: Mapping[str, Any], key: str, workspace_root: Path | None) -> Path | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ConfigError(f"must be a path, got {value!r}", key=f"elixirPerf.{key}")
    path = Path(value).expanduser()
    if not path.is_absolute() and workspace_root is not None:
        path = workspace_root / path
    return path
