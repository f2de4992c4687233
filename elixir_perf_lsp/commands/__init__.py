"""Implementations of CLI subcommands."""
