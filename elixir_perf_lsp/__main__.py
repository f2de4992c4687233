"""`python -m elixir_perf_lsp`.

`-m` puts the working directory first on `sys.path`, and editors start the server
in the workspace: an untrusted repository's `cattrs.py` (a dependency of pygls)
would be imported in place of the real one and run. The entry is dropped here,
before anything else is imported. Launch with `-P` (Python 3.11+) or `-I` all the
same, as the editor recipes do: only they also stop a planted `elixir_perf_lsp/`
package, which Python imports before this file runs.
"""

import os
import sys


def _drop_working_directory() -> None:
    if sys.flags.isolated or getattr(sys.flags, "safe_path", False) or not sys.path:
        return
    try:
        # Not Path.cwd(): pathlib is not imported yet, and importing it now would
        # look for its own imports in the very directory we are about to drop.
        cwd = os.getcwd()  # noqa: PTH109
    except OSError:  # deleted since start-up: nothing there to import
        cwd = ""
    if sys.path[0] in ("", ".", cwd):
        del sys.path[0]


_drop_working_directory()

from elixir_perf_lsp.cli import main  # noqa: E402 (after the sys.path fix, on purpose)

raise SystemExit(main())
