"""Imports flow one way: prachum <- ingest <- rag <- app; evals and bench sit beside app.

Read from the source with ``ast`` (every import, including the ones inside functions),
so a lazy import cannot hide an upward dependency.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("prachum", "ingest", "rag", "app", "evals", "bench")

# What each top-level package may import from the project (itself included).
ALLOWED = {
    "prachum": {"prachum"},
    "ingest": {"prachum", "ingest"},
    "rag": {"prachum", "ingest", "rag"},
    "app": {"prachum", "ingest", "rag", "app"},
    "evals": {"prachum", "ingest", "rag", "evals"},
    "bench": {"prachum", "ingest", "rag", "evals", "bench"},
}
# Inside a package, a module may import only the ones listed before it: the order data flows.
ORDER = {
    "prachum": ["offline", "errors", "config", "types", "thai", "slots", "meetings", "models", "index"],
    "rag": ["fusion", "retriever", "offtopic", "gate", "evidence", "question", "near_miss", "cite", "compose", "answer",
            "prompts", "followup", "llm", "llm_thread", "engine"],
}
MAX_LINES = 400


def modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def imported(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every project import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # "from prachum import offline" names a module too
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] in PACKAGES]


def stage(package: str, dotted: list[str]) -> int | None:
    """Position of a module within its package's ORDER (sub-packages count as their first part)."""
    order = ORDER.get(package)
    if order is None or len(dotted) < 2 or dotted[1] not in order:
        return None
    return order.index(dotted[1])


def violations() -> list[str]:
    found = []
    for path in modules():
        rel = path.relative_to(ROOT)
        package = rel.parts[0]
        own = [*rel.with_suffix("").parts]
        if own[-1] == "__init__":
            own.pop()
        for line, name in imported(path):
            parts = name.split(".")
            if parts[0] not in ALLOWED[package]:
                found.append(f"{rel}:{line} imports {name} ({package} may import {sorted(ALLOWED[package])})")
                continue
            if parts[0] == package:
                mine, theirs = stage(package, own), stage(package, parts)
                if mine is not None and theirs is not None and theirs > mine:
                    found.append(f"{rel}:{line} imports {name}, a later stage of {package}")
    return found


def test_no_module_imports_against_the_layering():
    assert violations() == []


def test_the_checker_sees_an_upward_import(tmp_path, monkeypatch):
    """The rule is real: a planted upward import (lazy, inside a function) is reported."""
    fake_root = tmp_path
    for pkg in PACKAGES:
        (fake_root / pkg).mkdir()
    (fake_root / "prachum" / "types.py").write_text("def f():\n    from rag.engine import Prachum\n")
    (fake_root / "rag" / "gate.py").write_text("from rag.cite import named\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake_root)
    found = violations()
    assert any("prachum/types.py:2 imports rag.engine" in v for v in found)
    assert any("rag/gate.py:1 imports rag.cite, a later stage" in v for v in found)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_source_file_is_over_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by job"


def test_the_cli_loads_without_the_evaluation_suite_or_gradio():
    """`prachum --help` must stay fast and must not pull in evals (a plug-in) or the UI."""
    code = ("import sys, app.cli; "
            "print(sorted(m for m in ('evals', 'gradio', 'torch', 'sentence_transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
