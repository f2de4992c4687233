"""The workspace scan reads files like `check` does (issue 20, item 2): a FIFO or
a link to `/dev/zero` named `*.ex` is skipped, not read on the event loop forever."""

from __future__ import annotations

import os
from pathlib import Path

from pytest_lsp import LanguageClient

from .test_workspace_diagnostics import (
    GUARD,
    client_caps,
    progress_ends,
    start,
    uri,
    wait_until,
)


async def test_the_scan_skips_fifos_and_devices_and_finishes(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "lib").mkdir()
    os.mkfifo(tmp_path / "lib" / "a_fifo.ex")
    (tmp_path / "lib" / "b_zero.ex").symlink_to("/dev/zero")
    (tmp_path / "lib" / "c.ex").write_text(GUARD)
    await start(client, tmp_path, client_caps())
    await wait_until(lambda: bool(progress_ends(client)), timeout=30)
    assert progress_ends(client)[0].message == "1 files checked, 1 findings"
    assert set(client.diagnostics) == {uri(tmp_path / "lib" / "c.ex")}
