"""Rendering findings for people and machines (text, JSON)."""
