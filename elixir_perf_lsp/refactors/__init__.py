"""Refactorings: edits a user asks for, offered as code actions, never as diagnostics."""
