"""What every rule module needs, in one import.

A rule writes `from elixir_perf_lsp.engine.prelude import Captures, Context, Rule, …`
instead of gathering the same names from five modules; readers of the tree come
from `analysis/`.
"""

from collections.abc import Iterator

from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

__all__ = [
    "Applicability",
    "Captures",
    "Context",
    "Edit",
    "Example",
    "Fix",
    "FixAvailability",
    "Iterator",
    "Node",
    "Rule",
    "Severity",
    "Violation",
]
