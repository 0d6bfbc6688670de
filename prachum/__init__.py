"""The foundation every stage shares: settings, errors, types, Thai text utilities, models, the index.

Imports flow one way: ``prachum`` <- ``ingest`` <- ``rag`` <- ``app``. Nothing in
this package imports a stage package. Importing it first switches every library
we use to offline mode (see :mod:`prachum.offline`).
"""
from prachum import offline as _offline  # noqa: F401  (must run before heavy imports)
