"""`convene audit verify`: the disclosure ledger's chain checked from its first row (ledger.verify),
and its tail against a head recorded outside the database.

The chain alone shows an edited, removed or inserted row anywhere before the last one, but not
rows cut off the end: what is left is a shorter chain that still holds. So each check can record
the head it found (the number of rows and the last row's hash) in an anchor file kept away from
the database (another machine, a write-once store), and the next check requires that row to be
still there with that hash. A check that fails records nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from server.cases import ledger
from server.cases.tables import Disclosure


@dataclass(frozen=True)
class Head:
    """The chain's end as one check saw it: how many rows, and the last row's hash."""

    rows: int
    hash: str

    def dumps(self) -> str:
        return f"{self.rows} {self.hash}\n"

    @classmethod
    def loads(cls, text: str) -> Head:
        rows, digest = text.split()
        if not rows.isdigit() or len(digest) != 64:
            raise ValueError("not a ledger head")
        return cls(int(rows), digest)


@dataclass(frozen=True)
class Audit:
    rows: int  # the rows checked (up to and including the broken one)
    head: Head | None  # the chain's end, when it holds
    broken_at: int | None  # the id of the first row whose hash does not hold
    lost_anchor: Head | None = None  # the head recorded last time, when the chain no longer reaches it

    @property
    def ok(self) -> bool:
        return self.broken_at is None and self.lost_anchor is None


async def _hash_at(position: int) -> str | None:
    """The hash of the chain's row number `position` (from 1), in the order rows were appended."""
    row = await Disclosure.select(Disclosure.hash).order_by(Disclosure.id).offset(position - 1).limit(1).first()
    return row["hash"] if row else None


async def audit(anchor: Head | None = None) -> Audit:
    """Walks the chain; with `anchor` (the head an earlier check recorded), also requires the chain
    to still hold that row with that hash: rows may have been added since, none taken away."""
    verdict = await ledger.verify()
    if not verdict.ok:
        return Audit(verdict.rows, None, verdict.broken_at)
    head = Head(verdict.rows, await _hash_at(verdict.rows) if verdict.rows else ledger.GENESIS)
    if anchor is not None and anchor.rows > 0 and (
            anchor.rows > verdict.rows or await _hash_at(anchor.rows) != anchor.hash):
        return Audit(verdict.rows, head, None, lost_anchor=anchor)
    return Audit(verdict.rows, head, None)


def read_anchor(path: Path) -> Head | None:
    """The head recorded in the anchor file; None when there is no file yet (the first check)."""
    try:
        return Head.loads(path.read_text())
    except FileNotFoundError:
        return None


def write_anchor(path: Path, head: Head) -> None:
    """Records the head, replacing the file whole (never a half-written anchor)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(head.dumps())
    os.replace(partial, path)
