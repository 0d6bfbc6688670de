"""Turning Thai documents into a searchable index: load, clean, chunk, embed, store.

Also home of what every layer shares: settings, the offline guard and model set-up.
"""
from ingest import offline as _offline  # noqa: F401  (must run before heavy imports)
