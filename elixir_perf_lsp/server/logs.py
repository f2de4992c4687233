"""Where the server's log goes: the `logLevel` and `logFile` settings.

- `logLevel` ("error", "warning", "info" or "debug"; default "warning") decides which
  `window/logMessage` messages reach the client's output panel, and what the log
  file receives.
- `logFile` (a path; relative to the workspace root) appends, with timestamps, every
  message sent to the client at that level and the server's own log records (the
  `elixir_perf_lsp` loggers: a rule that raised, analysis timings at "debug").

stderr keeps warnings and errors only whatever the level: clients show a server's
stderr as errors (Neovim's `lsp.log` says "rpc stderr").

The state is the logging module's own: the level of our loggers and our file
handler on them, found again by its class when the settings change.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from lsprotocol import types

LEVELS = {
    "error": logging.ERROR,
    "warning": logging.WARNING,
    "info": logging.INFO,
    "debug": logging.DEBUG,
}
DEFAULT_LEVEL = "warning"
_MESSAGE_LEVELS = {
    types.MessageType.Error: logging.ERROR,
    types.MessageType.Warning: logging.WARNING,
    types.MessageType.Info: logging.INFO,
    types.MessageType.Log: logging.DEBUG,
    types.MessageType.Debug: logging.DEBUG,
}
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Our own records (rules, the engine, the server) ...
SERVER_LOG = logging.getLogger("elixir_perf_lsp")
# ... and copies of what is sent to the client: not propagated, so stderr does
# not repeat the client's output panel.
CLIENT_LOG = logging.getLogger("elixir_perf_lsp.client")
CLIENT_LOG.propagate = False
CLIENT_LOG.addHandler(logging.NullHandler())  # no "last resort" printing to stderr


class _LogFile(logging.FileHandler):
    """The handler `logFile` adds; a class of its own so it can be found and replaced."""


def setup_stderr() -> None:
    """At start: warnings and errors to stderr, whatever `logLevel` says later."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    logging.basicConfig(level=logging.WARNING, handlers=[handler])


def configure(level_name: str, log_file: Path | None) -> str | None:
    """Apply the settings; a message for the user when the file cannot be opened
    (the level still applies, and the previous file is closed)."""
    level = LEVELS[level_name]
    for logger in (SERVER_LOG, CLIENT_LOG):
        logger.setLevel(level)
    current = next((h for h in SERVER_LOG.handlers if isinstance(h, _LogFile)), None)
    if current is not None and log_file is not None and Path(current.baseFilename) == log_file:
        return None
    if current is not None:
        for logger in (SERVER_LOG, CLIENT_LOG):
            logger.removeHandler(current)
        current.close()
    if log_file is None:
        return None
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = _LogFile(log_file, encoding="utf-8")
    except OSError as exc:
        return f"elixir-perf: settings: elixirPerf.logFile: cannot write {log_file}: {exc}"
    handler.setFormatter(logging.Formatter(_FORMAT))
    for logger in (SERVER_LOG, CLIENT_LOG):
        logger.addHandler(handler)
    return None


def wanted(kind: types.MessageType) -> bool:
    """Whether a message of this kind is at or above `logLevel`."""
    return CLIENT_LOG.isEnabledFor(_MESSAGE_LEVELS.get(kind, logging.DEBUG))


def record(kind: types.MessageType, message: str) -> None:
    """A copy of a client message for the log file (if any)."""
    CLIENT_LOG.log(_MESSAGE_LEVELS.get(kind, logging.DEBUG), message)
