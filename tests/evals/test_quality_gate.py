"""The quality gate: the seed facts with the real models must meet evals/thresholds.toml.

Each tier is run exactly as ``python -m evals.run --tier NAME`` runs it (a fresh
private index of seeds/), and the test fails listing every violated minimum.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from evals.run import check_thresholds, load_thresholds, run_tier
from prachum.config import Settings


def assert_tier_passes(name: str, settings: Settings, out_dir: Path) -> None:
    tier = load_thresholds()[name]
    result = run_tier(settings, tier, out_dir=out_dir, progress=False)
    violations = check_thresholds(result, tier)
    assert not violations, (
        f"quality gate '{name}' failed:\n  " + "\n  ".join(violations)
        + f"\n\n{result.table()}\n(failure details in {result.paths.get('markdown')})"
    )


@pytest.mark.model
def test_extractive_answerer_meets_the_seed_thresholds(model_settings: Settings, tmp_path: Path):
    assert_tier_passes("extractive", model_settings, tmp_path / "reports")


@pytest.mark.model
@pytest.mark.llm
def test_local_llm_meets_the_seed_thresholds_on_a_subset(model_settings: Settings, tmp_path: Path):
    assert_tier_passes("llm", model_settings, tmp_path / "reports")
