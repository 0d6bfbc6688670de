"""Answering questions from the index: retrieve, gate, answer, cite."""
from prachum import offline as _offline  # noqa: F401
