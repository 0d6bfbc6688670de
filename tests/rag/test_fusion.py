import math

import pytest

from prachum.config import Settings
from prachum.errors import SettingsError
from rag.fusion import (
    fuse,
    minmax,
    minmax_fuse,
    ranked,
    ranks,
    rrf_fuse,
    zscore_fuse,
    zscores,
)

# chunk ids as the product makes them: Thai file names with Buddhist-era dates
DENSE = {"ประชุม-๒๕๖๔#1": 0.9, "ประชุม-๒๕๖๔#2": 0.8, "ก.พ.64#1": 0.7}
LEXICAL = {"ประชุม-๒๕๖๔#1": 2.0, "ประชุม-๒๕๖๔#2": 10.0, "ก.พ.64#1": 0.0}


def test_zscores_hand_computed():
    z = zscores({"a": 1.0, "b": 2.0, "c": 3.0})
    s = math.sqrt(2 / 3)
    assert z == pytest.approx({"a": -1 / s, "b": 0.0, "c": 1 / s})


def test_zscore_fuse_hand_computed():
    # dense: mean 0.8, std sqrt(0.02/3); lexical: mean 4, std sqrt(56/3)
    sd, sl = math.sqrt(0.02 / 3), math.sqrt(56 / 3)
    expected = {
        "ประชุม-๒๕๖๔#1": 0.5 * (0.1 / sd) + 0.5 * (-2 / sl),
        "ประชุม-๒๕๖๔#2": 0.5 * 0.0 + 0.5 * (6 / sl),
        "ก.พ.64#1": 0.5 * (-0.1 / sd) + 0.5 * (-4 / sl),
    }
    assert zscore_fuse(DENSE, LEXICAL, 0.5) == pytest.approx(expected)
    # weight 1 is dense alone, weight 0 is lexical alone
    assert [k for k, _ in ranked(zscore_fuse(DENSE, LEXICAL, 1.0))] == [k for k, _ in ranked(DENSE)]
    assert [k for k, _ in ranked(zscore_fuse(DENSE, LEXICAL, 0.0))] == [k for k, _ in ranked(LEXICAL)]


def test_zscore_missing_id_takes_lowest_z_of_that_list():
    dense = {"a": 0.9, "b": 0.8, "c": 0.7}
    lexical = {"a": 5.0, "d": 1.0}  # b, c not retrieved lexically; d not retrieved densely
    fused = zscore_fuse(dense, lexical, 0.5)
    zd, zl = zscores(dense), zscores(lexical)
    assert set(fused) == {"a", "b", "c", "d"}
    assert fused["b"] == pytest.approx(0.5 * zd["b"] + 0.5 * zl["d"])  # lexical floor = z of d
    assert fused["d"] == pytest.approx(0.5 * zd["c"] + 0.5 * zl["d"])  # dense floor = z of c
    assert fused["d"] == pytest.approx(fused["c"])  # both are the worst on one side and equal on the other


def test_zscore_one_list_empty_keeps_the_other_order():
    assert ranked(zscore_fuse(DENSE, {}, 0.3)) == ranked({k: 0.3 * v for k, v in zscores(DENSE).items()})
    only_lex = zscore_fuse({}, LEXICAL, 0.3)
    assert [k for k, _ in ranked(only_lex)] == ["ประชุม-๒๕๖๔#2", "ประชุม-๒๕๖๔#1", "ก.พ.64#1"]
    assert zscore_fuse({}, {}, 0.5) == {}


def test_all_equal_scores_carry_no_information():
    assert zscores({"a": 3.0, "b": 3.0}) == {"a": 0.0, "b": 0.0}
    assert zscores({"only": 0.42}) == {"only": 0.0}
    # a question whose words match no record: lexical all zero, dense decides alone
    fused = zscore_fuse(DENSE, dict.fromkeys(DENSE, 0.0), 0.3)
    assert [k for k, _ in ranked(fused)] == [k for k, _ in ranked(DENSE)]
    assert minmax({"a": 2.0, "b": 2.0}) == {"a": 1.0, "b": 1.0}


def test_minmax_fuse_hand_computed_and_missing_is_zero():
    fused = minmax_fuse({"a": 0.9, "b": 0.7}, {"b": 4.0, "c": 2.0}, 0.25)
    assert fused == pytest.approx({"a": 0.25 * 1.0, "b": 0.25 * 0.0 + 0.75 * 1.0, "c": 0.75 * 0.0})


def test_rrf_hand_computed():
    fused = rrf_fuse({"a": 0.9, "b": 0.8}, {"b": 3.0, "c": 1.0}, 0.5, k=60)
    assert fused == pytest.approx({"a": 1 / 61, "b": 1 / 62 + 1 / 61, "c": 1 / 62})
    weighted = rrf_fuse({"a": 0.9}, {"c": 1.0}, dense_weight=0.75, k=10)
    assert weighted == pytest.approx({"a": 1.5 / 11, "c": 0.5 / 11})


def test_ranks_and_ranked_break_ties_by_id():
    scores = {"b": 1.0, "a": 1.0, "c": 2.0}
    assert ranks(scores) == {"c": 1, "a": 2, "b": 3}
    assert ranked(scores, 2) == [("c", 2.0), ("a", 1.0)]
    assert ranked(scores, 0) == []


def test_fuse_dispatch_and_errors():
    assert fuse("dense", DENSE, LEXICAL, 0.5) == DENSE
    assert fuse("bm25", DENSE, LEXICAL, 0.5) == LEXICAL
    weight = Settings().dense_weight
    assert fuse("zscore", DENSE, LEXICAL, weight) == zscore_fuse(DENSE, LEXICAL, weight)
    assert fuse("rrf", DENSE, LEXICAL, 0.5) == rrf_fuse(DENSE, LEXICAL, 0.5)
    assert fuse("minmax", DENSE, LEXICAL, 0.4) == minmax_fuse(DENSE, LEXICAL, 0.4)
    with pytest.raises(SettingsError, match="zscore"):
        fuse("borda", DENSE, LEXICAL, 0.5)
    with pytest.raises(SettingsError, match="between 0 and 1"):
        zscore_fuse(DENSE, LEXICAL, 1.5)
    with pytest.raises(SettingsError):
        rrf_fuse(DENSE, LEXICAL, 0.5, k=0)


def test_inputs_are_not_modified():
    dense, lexical = dict(DENSE), dict(LEXICAL)
    for method in ("zscore", "rrf", "minmax", "dense", "bm25"):
        fuse(method, dense, lexical, 0.5)
    assert dense == DENSE and lexical == LEXICAL


def test_rrf_gives_no_rank_to_bm25_non_matches():
    # the retriever passes exact BM25 zeros for dense candidates whose words match nothing
    fused = rrf_fuse({"a": 0.9, "b": 0.8}, {"a": 0.0, "b": 0.0, "c": 2.0}, 0.5, k=60)
    assert fused == pytest.approx({"a": 1 / 61, "b": 1 / 62, "c": 1 / 61})
