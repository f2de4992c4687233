"""The analysis engine: rules over a tree → findings with byte ranges and fixes.

It knows nothing of LSP; the server and the CLI both call `analyze`.
"""

from elixir_perf_lsp.engine.analyze import Analysis, analyze
from elixir_perf_lsp.engine.model import (
    Applicability,
    Edit,
    Finding,
    Fix,
    FixAvailability,
    Severity,
)
from elixir_perf_lsp.engine.options import Options, RuleSelection, Target

__all__ = [
    "Analysis",
    "Applicability",
    "Edit",
    "Finding",
    "Fix",
    "FixAvailability",
    "Options",
    "RuleSelection",
    "Severity",
    "Target",
    "analyze",
]
