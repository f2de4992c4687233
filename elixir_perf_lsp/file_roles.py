"""Which role a file plays in a Mix project, read from its path.

Paths are taken relative to the nearest `mix.exs` (so umbrella apps work), else to
the config file's directory. Test files are configurable (`test-files`); tooling
files are the ones Mix itself defines.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from pathlib import PurePosixPath

from elixir_perf_lsp.engine.options import FileRole

# `lib/<app>/test/` holds test support shipped with a library (Phoenix.ConnTest).
DEFAULT_TEST_FILES = ("test/**", "*/test/**", "*_test.exs")
# Run once, by a person or a deploy: project definition, configuration,
# migrations and seeds, mix tasks, release scripts.
TOOLING_FILES = (
    "mix.exs",
    ".formatter.exs",
    ".credo.exs",
    "config/**",
    "priv/**/migrations/**",
    "priv/repo/seeds.exs",
    # Mix tasks and the helpers only they use (generators, installers).
    "lib/mix/**",
    "rel/**",
)


def file_role(relative: PurePosixPath, test_files: Sequence[str] = DEFAULT_TEST_FILES) -> FileRole:
    if _matches(relative, TOOLING_FILES):
        return FileRole.TOOLING
    if _matches(relative, test_files):
        return FileRole.TEST
    return FileRole.SOURCE


def _matches(relative: PurePosixPath, patterns: Sequence[str]) -> bool:
    path = relative.as_posix()
    for pattern in patterns:
        # A pattern without a slash names files anywhere, as in .gitignore.
        subject = relative.name if "/" not in pattern else path
        if fnmatch.fnmatchcase(subject, pattern):
            return True
    return False
