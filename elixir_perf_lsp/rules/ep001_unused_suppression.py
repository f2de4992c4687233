"""EP001 unused-suppression, defined by the engine (`engine/suppression.py`).

The engine computes it after every other rule from its suppression bookkeeping,
so it owns the rule's metadata too (the engine imports no rule module); this
module puts it in the registry beside the others.
"""

from __future__ import annotations

from elixir_perf_lsp.engine.suppression import UNUSED_SUPPRESSION as RULE

__all__ = ["RULE"]
