"""How we know Prachum is good: seed facts and external Thai benchmarks."""
from prachum import offline as _offline  # noqa: F401
