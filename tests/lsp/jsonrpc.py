"""A tiny synchronous JSON-RPC client over a subprocess's stdio.

pytest-lsp starts one server per test; the fuzz tests and protocol-abuse tests
want one long-lived server (or raw control over bytes and exit codes) instead.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from queue import Empty, Queue
from typing import Any

SERVER = [sys.executable, "-m", "elixir_perf_lsp", "serve"]


class RawServer:
    def __init__(self, command: list[str] | None = None) -> None:
        self.proc = subprocess.Popen(
            # stderr is not read: a full pipe would block the server.
            command or SERVER,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._next_id = 0
        self._inbox: Queue[dict[str, Any] | None] = Queue()
        self.notifications: list[dict[str, Any]] = []
        # Ids of the responses received, in arrival order.
        self.answered: list[Any] = []
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        while True:
            length = None
            while True:
                line = stdout.readline()
                if not line:
                    self._inbox.put(None)
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length is not None
            message = json.loads(stdout.read(length))
            if "id" in message and "method" not in message:
                self.answered.append(message["id"])
            self._inbox.put(message)

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin = self.proc.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Any = None, timeout: float = 20) -> dict[str, Any]:
        """Send a request; return the whole response message (result or error)."""
        self._next_id += 1
        ident = self._next_id
        self.send({"id": ident, "method": method, "params": params})
        return self.wait_for_id(ident, method, timeout)

    def wait_for_id(self, ident: Any, method: str = "", timeout: float = 20) -> dict[str, Any]:
        """The response with id `ident`, answering server requests meanwhile."""
        while True:
            try:
                message = self._inbox.get(timeout=timeout)
            except Empty:
                raise TimeoutError(f"no answer to {method}") from None
            if message is None:
                raise ConnectionError(f"server exited while waiting for {method}")
            if message.get("id") == ident and "method" not in message:
                return message
            if "method" in message and "id" in message:
                self.send({"id": message["id"], "result": None})  # server → client requests
            elif "method" in message:
                self.notifications.append(message)

    def initialize(self, encodings: list[str] | None = None, pull: bool = True) -> dict[str, Any]:
        caps: dict[str, Any] = {"textDocument": {}}
        if encodings:
            caps["general"] = {"positionEncodings": encodings}
        if pull:
            caps["textDocument"]["diagnostic"] = {}
        params = {
            "processId": None,
            "rootUri": None,
            "capabilities": caps,
            "initializationOptions": {"elixirPerf": {"select": ["ALL"]}},
        }
        result = self.request("initialize", params)
        self.notify("initialized", {})
        return result

    def close(self) -> int:
        if self.proc.poll() is None:
            try:
                self.request("shutdown", timeout=5)
                self.notify("exit")
            except (TimeoutError, ConnectionError, BrokenPipeError):
                pass
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
