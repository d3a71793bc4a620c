"""Uploaded files on disk, outside static/ (CONVENE_FILES_DIR): the owner's alone (folders 0700,
files 0600), each kept once under its SHA-256 (`ab/abcdef…`).

An upload is first copied into `incoming/`, hashed and measured on the way, and only renamed
into place, whole, once it is accepted: nothing half-written is ever under a key. A file no
row points at (a transaction that failed after the rename, a removed attachment) is harmless,
never served, and is removed by `service.forget` and `service.sweep`.

Everything here blocks: callers run it on a worker thread.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
_KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{64}")
# incoming/upload-<host>-<pid>-<random>: a leftover whose process has gone is removed by sweep.
_INCOMING = re.compile(r"upload-(?P<host>.+)-(?P<pid>[0-9]+)-[^-]+")


@dataclass(frozen=True)
class Received:
    """An upload copied into incoming/, not yet stored."""

    path: Path
    sha256: str
    size: int

    @property
    def key(self) -> str:
        return f"{self.sha256[:2]}/{self.sha256}"


class Storage:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.incoming = root / "incoming"

    def _folder(self, path: Path) -> Path:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path

    def _private_root(self) -> None:
        """The folder itself, created private; one made by hand readable by others is made private."""
        self._folder(self.root)
        if self.root.stat().st_mode & 0o077:
            self.root.chmod(0o700)

    def receive(self, source: BinaryIO, limit: int) -> Received | None:
        """`source` copied into a private file in incoming/, hashed as it goes. None (and nothing
        kept) when it holds more than `limit` bytes."""
        descriptor, name = tempfile.mkstemp(prefix=f"upload-{socket.gethostname()}-{os.getpid()}-",
                                            dir=self.scratch())  # mode 0600
        path, digest, size = Path(name), hashlib.sha256(), 0
        try:
            with os.fdopen(descriptor, "wb") as target:
                source.seek(0)
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        path.unlink()
                        return None
                    digest.update(chunk)
                    target.write(chunk)
                target.flush()
                os.fsync(target.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Received(path, digest.hexdigest(), size)

    def place(self, received: Received) -> str:
        """The received file under its key (renamed: whole or not at all); the key. The same
        content stored before is simply replaced by itself."""
        target = self.path(received.key)
        self._folder(target.parent)
        os.replace(received.path, target)
        _sync_folder(target.parent)
        return received.key

    def scratch(self) -> Path:
        """A private folder for temporary files (a packet being built), beside the stored ones."""
        self._private_root()
        return self._folder(self.incoming)

    def discard(self, received: Received) -> None:
        received.path.unlink(missing_ok=True)

    def path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    def open(self, key: str) -> BinaryIO:
        """The stored file, open for reading (FileNotFoundError when it is gone)."""
        return self.path(key).open("rb")

    def remove(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self) -> set[str]:
        """Every key stored."""
        if not self.root.is_dir():
            return set()
        return {f"{folder.name}/{file.name}" for folder in self.root.iterdir() if len(folder.name) == 2
                for file in folder.iterdir() if _KEY.fullmatch(f"{folder.name}/{file.name}")}

    def remove_abandoned_uploads(self) -> None:
        """Files in incoming/ left by a process of this machine that has ended (killed mid-upload)."""
        if not self.incoming.is_dir():
            return
        host = socket.gethostname()
        for file in self.incoming.iterdir():
            match = _INCOMING.fullmatch(file.name)
            if match and match["host"] == host and not _running(int(match["pid"])):
                file.unlink(missing_ok=True)

    def incoming_files(self) -> list[Path]:
        return sorted(self.incoming.iterdir()) if self.incoming.is_dir() else []


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _sync_folder(folder: Path) -> None:
    """The rename itself survives a power cut."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
