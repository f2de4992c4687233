"""Drive a full-screen terminal program in a private tmux server: keys in, screen text out."""

from __future__ import annotations

import shlex
import subprocess
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.e2e.support import EDITOR_TIMEOUT_S


class ScreenTimeout(AssertionError):
    pass


class Tmux:
    """One program in its own tmux server (`-L`), so nothing else on the machine is touched."""

    def __init__(self, args: Sequence[str], env: dict[str, str], cwd: Path) -> None:
        self.socket = f"e2e-{uuid.uuid4().hex[:12]}"
        env = {"TERM": "screen-256color", **env}
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(env.items()))
        command = f"cd {shlex.quote(str(cwd))} && exec env -i {exports} {shlex.join(args)}"
        self._tmux("new-session", "-d", "-x", "160", "-y", "40", command)

    def _tmux(self, *args: str) -> str:
        proc = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
        if proc.returncode != 0:
            raise AssertionError(f"tmux {args[0]} failed: {proc.stderr.strip()}")
        return proc.stdout

    def keys(self, *keys: str) -> None:
        """tmux key names (Enter, Escape, Space, ...) or single characters."""
        self._tmux("send-keys", "-t", "0", *keys)

    def type(self, text: str, per_key_s: float = 0.0) -> None:
        """Literal text, as typed: in one burst, or one key every `per_key_s` seconds."""
        if per_key_s <= 0:
            self._tmux("send-keys", "-t", "0", "-l", text)
            return
        for char in text:
            self._tmux("send-keys", "-t", "0", "-l", char)
            time.sleep(per_key_s)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "0")

    def wait(self, what: str, condition: Callable[[str], bool]) -> str:
        """The screen once `condition(screen)` holds; ScreenTimeout naming `what` otherwise."""
        deadline = time.monotonic() + EDITOR_TIMEOUT_S / 2
        while True:
            screen = self.screen()
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                raise ScreenTimeout(f"timed out waiting for {what}; screen:\n{screen}")
            time.sleep(0.05)

    def close(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"],
            capture_output=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
