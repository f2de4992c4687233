"""elixir-perf-lsp: find and fix performance footguns in Elixir code."""

__version__ = "0.1.0"
