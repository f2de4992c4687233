"""Documented bounds on what one analysis may cost.

Pathological inputs (a 10 MB generated file, a 100k-line function, 10k-deep
nesting) must not freeze an editor or a CI run. Rules climb parent chains, which
tree-sitter answers by searching down from the root, so cost grows with size
times depth; these limits keep the worst case to seconds.
"""

from __future__ import annotations

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 40_000
# An analysis that runs longer stops and says so; findings so far are kept.
TIME_BUDGET_SECONDS = 10.0


def too_many_bytes(size: int) -> str | None:
    """Why a file of `size` bytes is not analysed (known before reading it), or None."""
    if size > MAX_BYTES:
        return (
            f"not analysed: {size / 1024 / 1024:.1f} MB is over the "
            f"{MAX_BYTES // 1024 // 1024} MB limit"
        )
    return None


def too_large(source: bytes) -> str | None:
    """Why `source` is not analysed, or None when it is within the limits."""
    reason = too_many_bytes(len(source))
    if reason is not None:
        return reason
    lines = source.count(b"\n") + 1
    if lines > MAX_LINES:
        return f"not analysed: {lines} lines is over the {MAX_LINES} line limit"
    return None
