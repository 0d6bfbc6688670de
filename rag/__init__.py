"""Answering questions from the index: retrieve, gate, answer, cite."""
from ingest import offline as _offline  # noqa: F401
