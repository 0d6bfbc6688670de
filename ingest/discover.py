"""What to ingest: files and folders named by the user, walked into documents, and what cannot be read.

A file named on purpose that cannot be read is ``failed``; what a folder holds besides
documents (other file types, pipes, link loops) is ``skipped`` with the reason, so nothing is
passed over in silence; a folder that gives no document at all is itself a failure.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ingest.loaders import SUPPORTED_SUFFIXES

SIDECAR_NAMES = {"sources.toml"}


@dataclass
class FileResult:
    path: Path
    status: str  # added | updated | unchanged | removed | failed | skipped
    chunks: int = 0
    reason: str = ""
    title: str = ""


def file_kind(path: Path) -> str:
    """What a path that is not a regular document is, in words: "a named pipe (FIFO)", "a symbolic link loop"..."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        if path.is_symlink():
            return f"a broken symbolic link (to {os.readlink(path)}, which does not exist)"
        return "no such file or folder" if exc.errno == errno.ENOENT else f"unreadable ({exc.strerror})"
    kinds = ((stat.S_ISREG, "a regular file"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
    return next((kind for test, kind in kinds if test(mode)), "a special file")


def _unsupported(path: Path) -> str:
    return f"unsupported type {path.suffix or '(no extension)'}; Prachum reads {' '.join(sorted(SUPPORTED_SUFFIXES))}"


def _walk(folder: Path, found: list[Path], problems: list[FileResult]) -> None:
    """Documents under ``folder``, sorted; everything else that is not hidden is reported as skipped,
    and a folder without any document is itself a failure.

    Links to folders are not followed (that is how loops are avoided); links to files are.
    """
    found_before, problems_before = len(found), len(problems)
    for root, dirs, names in os.walk(folder, onerror=lambda exc: problems.append(
            FileResult(Path(exc.filename or folder), "failed", reason=f"cannot list this folder: {exc.strerror}"))):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for d in list(dirs):
            if (here / d).is_symlink():
                dirs.remove(d)
                problems.append(FileResult(here / d, "skipped", reason="link to a folder, not followed; give that folder itself to add it"))
        for name in sorted(names):
            path = here / name
            if name.startswith(".") or name in SIDECAR_NAMES:
                continue
            kind = file_kind(path)
            if kind != "a regular file":
                problems.append(FileResult(path, "skipped", reason=f"not a regular file: {kind}"))
            elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
                problems.append(FileResult(path, "skipped", reason=_unsupported(path)))
            else:
                found.append(path)
    if len(found) == found_before:  # a folder named on purpose that gives nothing is a failure, not a shrug
        skipped = sum(1 for r in problems[problems_before:] if r.status == "skipped")
        problems.append(FileResult(folder, "failed", reason="no documents to read in this folder"
                                   + (f" ({skipped} other files skipped)" if skipped else "")))


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest from files and folders; what cannot even be tried is reported, not raised.

    A file named on purpose that cannot be read is ``failed``; what a folder holds
    besides documents is ``skipped``.
    """
    found: list[Path] = []
    problems: list[FileResult] = []
    for path in paths:
        path = Path(path)
        kind = file_kind(path)
        if kind == "a folder":
            _walk(path, found, problems)
        elif kind != "a regular file":
            reason = kind if kind == "no such file or folder" else f"not a regular file: {kind}"
            problems.append(FileResult(path, "failed", reason=reason))
        elif path.suffix.lower() in SUPPORTED_SUFFIXES:
            found.append(path)
        else:
            supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
            problems.append(FileResult(path, "failed", reason=f"unsupported file type {path.suffix or '(none)'}; supported: {supported}"))
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique, problems


__all__ = ["SIDECAR_NAMES", "FileResult", "discover", "file_kind"]
