"""The disclosure ledger (CONSENT.md §5): append-only and tamper-evident. Each row's hash is the
SHA-256 of the previous row's hash and the row's own content, so editing, removing or inserting a
row anywhere breaks every hash after it; `convene audit verify` walks the chain.

Appends are serialised (the chain has one head): SQLite's write transaction holds the database's
lock; on PostgreSQL an advisory lock is taken before the head is read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

from server import delivery
from server.cases.tables import Disclosure
from server.db import lock_key

GENESIS = "0" * 64
CONTENT = ("at", "viewer", "viewer_name", "viewer_agency", "case", "entries", "categories", "basis", "release",
           "release_version", "surface", "notice", "reason", "shown_by")


def _instant(value: datetime) -> str:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat(timespec="microseconds")


def row_hash(previous_hash: str, row: dict) -> str:
    """The hash a row carries: over the previous row's hash and the row's content (canonical JSON)."""
    content = {key: _instant(row[key]) if key == "at" else row[key] for key in CONTENT}
    payload = previous_hash + json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


async def append(rows: list[dict]) -> None:
    """Inside writing(): the rows (each with every CONTENT key) appended to the chain, in order;
    none for a response that carries no body (a HEAD: nothing was disclosed)."""
    if not rows or not delivery.body_sent.get():
        return
    await lock_key("disclosure-ledger")
    head = await Disclosure.select(Disclosure.hash).order_by(Disclosure.id, ascending=False).first()
    previous = head["hash"] if head else GENESIS
    chained = []
    for row in rows:
        digest = row_hash(previous, row)
        chained.append(Disclosure(**row, previous_hash=previous, hash=digest))
        previous = digest
    await Disclosure.insert(*chained)


@dataclass(frozen=True)
class Verdict:
    rows: int
    broken_at: int | None  # the id of the first row whose hash does not hold

    @property
    def ok(self) -> bool:
        return self.broken_at is None


BATCH = 5000


async def _in_order() -> AsyncIterator[dict]:
    after = 0
    while True:
        rows = await Disclosure.select().where(Disclosure.id > after).order_by(Disclosure.id).limit(BATCH)
        for row in rows:
            yield row
        if len(rows) < BATCH:
            return
        after = rows[-1]["id"]


async def verify() -> Verdict:
    """Walk the chain from the first row: every row must name its predecessor's hash and carry the
    hash of its own content."""
    previous, count = GENESIS, 0
    async for row in _in_order():
        count += 1
        if row["previous_hash"] != previous or row_hash(previous, row) != row["hash"]:
            return Verdict(count, row["id"])
        previous = row["hash"]
    return Verdict(count, None)
