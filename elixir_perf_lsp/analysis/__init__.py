"""Shared knowledge of Elixir's syntax tree that several rules need."""
