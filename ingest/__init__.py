"""Turning Thai documents into a searchable index: load, clean, chunk, embed, store.
"""
from prachum import offline as _offline  # noqa: F401  (must run before heavy imports)
