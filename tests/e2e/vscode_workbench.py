"""Running code-server with the packaged extension, and reading VS Code's own UI through Playwright.

code-server (VS Code in a browser) is the only VS Code that installs from the registries this
project's CI reaches; Playwright drives Debian's Chromium (no browser download). Every assertion
in test_vscode.py reads what a user sees: Problems panel rows, squiggles, hovers, menus.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.e2e.support import ROOT

CHROMIUM = Path("/usr/bin/chromium")
# The flags this machine kind needs (no sandbox as root, no GPU, and no background connections:
# the network is closed and Chromium would retry them).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Set by .ci/run: an executable that runs code-server (under the Node 24 it was built for).
CODE_SERVER_VAR = "ELIXIR_PERF_CODE_SERVER"
VSIX_VAR = "ELIXIR_PERF_VSIX"
DEFAULT_VSIX = ROOT / "editors" / "vscode" / "elixir-perf-linux-x64.vsix"
EXTENSION_ID = "elixir-perf-lsp.elixir-perf"

# What a user would also turn off to type code exactly as written, plus the start-up noise.
USER_SETTINGS: dict[str, Any] = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "workbench.enableExperiments": False,
    "security.workspace.trust.enabled": False,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
    "chat.disableAIFeatures": True,
    "editor.autoClosingBrackets": "never",
    "editor.autoClosingQuotes": "never",
    "editor.autoSurround": "never",
    "editor.autoIndent": "none",
    "editor.quickSuggestions": {"other": False, "comments": False, "strings": False},
    "editor.suggestOnTriggerCharacters": False,
    "editor.acceptSuggestionOnEnter": "off",
    "editor.wordBasedSuggestions": "off",
    "editor.hover.delay": 200,
    "editor.minimap.enabled": False,
    "editor.fontFamily": "monospace",
    "files.autoSave": "off",
}


def code_server() -> Path | None:
    value = os.environ.get(CODE_SERVER_VAR)
    if value:
        return Path(value)
    found = shutil.which("code-server")
    return Path(found) if found else None


def vsix() -> Path:
    return Path(os.environ.get(VSIX_VAR) or DEFAULT_VSIX)


def missing() -> str | None:
    """Why the VS Code journey cannot run here, or None."""
    server = code_server()
    if server is None or not server.exists():
        return (
            f"code-server not found (set {CODE_SERVER_VAR} or put it on PATH; .ci/run installs it)"
        )
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (Debian package chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    if not vsix().exists():
        return f"{vsix()} not found (cd editors/vscode && npm run package:linux-x64)"
    return None


def path_without_server() -> str:
    """PATH minus every directory holding an `elixir-perf-lsp`: only the bundle can serve."""
    dirs = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(d for d in dirs if d and not (Path(d) / "elixir-perf-lsp").exists())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class CodeServer:
    url: str
    user_data: Path
    extensions: Path
    log: Path


def install_extension(server: Path, user_data: Path, extensions: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(
        [
            str(server),
            "--user-data-dir",
            str(user_data),
            "--extensions-dir",
            str(extensions),
            "--install-extension",
            str(vsix()),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"--install-extension failed:\n{output}"
    return output


@contextlib.contextmanager
def running_code_server(tmp: Path, workspace: Path) -> Iterator[CodeServer]:
    """code-server with the .vsix installed, no `elixir-perf-lsp` on PATH, on a loopback port."""
    server = code_server()
    assert server is not None
    user_data, extensions = tmp / "user-data", tmp / "extensions"
    (user_data / "User").mkdir(parents=True)
    (user_data / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS), encoding="utf-8")
    # Its own config and data folders, not the user's.
    env = dict(
        os.environ,
        PATH=path_without_server(),
        XDG_CONFIG_HOME=str(tmp / "config"),
        XDG_DATA_HOME=str(tmp / "data"),
    )
    for var in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"):
        env.pop(var, None)
    assert shutil.which("elixir-perf-lsp", path=env["PATH"]) is None
    install_extension(server, user_data, extensions, env)
    port = free_port()
    log = tmp / "code-server.log"
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [
                str(server),
                "--auth",
                "none",
                "--bind-addr",
                f"127.0.0.1:{port}",
                "--user-data-dir",
                str(user_data),
                "--extensions-dir",
                str(extensions),
                "--disable-telemetry",
                "--disable-update-check",
                "--disable-workspace-trust",
                "--disable-getting-started-override",
                str(workspace),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc, log)
        yield CodeServer(f"{url}/?folder={workspace}", user_data, extensions, log)
    finally:
        # Its own process group: code-server, its extension host and our language server.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"code-server exited {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"code-server did not answer on {url} within 60 s:\n{log.read_text()}")
