"""One writer at a time per data folder: an advisory ``flock`` on ``write.lock``.

Why a lock file rather than SQLite's own locking: a write spans three stores
(catalog, Chroma, lexical index) and must not interleave with another process's
write, while readers (a running server, ``prachum ask``) are never blocked, since
they take no lock at all. ``flock`` is released by the kernel when its holder dies,
so a ``kill -9`` never leaves a stale lock behind; the file's text only says who
holds it, for the message a second writer sees.
"""
from __future__ import annotations

import fcntl
import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from prachum.errors import StoreError

# A second writer waits this long before giving up with a message: long enough to wait out
# one document's write by another process, short enough that nobody stares at a silent prompt.
LOCK_WAIT_S = 10.0
_POLL_S = 0.05


def _who() -> str:
    command = " ".join([Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python", *sys.argv[1:3]])
    return f"process {os.getpid()} ({command.strip()}) since {time.strftime('%H:%M:%S')}"


class WriteLock:
    """Reentrant within one holder (threads of one process wait on each other first)."""

    def __init__(self, path: Path, wait: float = LOCK_WAIT_S) -> None:
        self.path = path
        self.wait = wait
        self._threads = threading.RLock()
        self._fd: int | None = None
        self._depth = 0

    @property
    def held(self) -> bool:
        return self._fd is not None

    def holder(self) -> str:
        """Who holds the lock, as its holder wrote it (empty if unknown)."""
        try:
            return self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    def acquire(self, wait: float | None = None) -> bool:
        """Take the lock within ``wait`` seconds (default: this lock's); False when another holds it."""
        wait = self.wait if wait is None else wait
        deadline = time.monotonic() + wait
        got = self._threads.acquire(timeout=wait) if wait > 0 else self._threads.acquire(blocking=False)
        if not got:
            return False
        if self._depth:
            self._depth += 1
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    self._threads.release()
                    return False
                time.sleep(_POLL_S)
        os.ftruncate(fd, 0)
        os.pwrite(fd, _who().encode(), 0)
        self._fd, self._depth = fd, 1
        return True

    def release(self) -> None:
        if not self._depth:
            return
        self._depth -= 1
        if not self._depth and self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
        self._threads.release()

    @contextmanager
    def hold(self, wait: float | None = None) -> Iterator[None]:
        """Hold the lock for the block, or raise StoreError naming the folder and the holder."""
        if not self.acquire(wait):
            who = self.holder() or "another process"
            raise StoreError(
                f"the index in {self.path.parent} is being written by {who}; only one program can add or "
                "remove documents at a time. Wait for it to finish (searching keeps working), then try again."
            )
        try:
            yield
        finally:
            self.release()
