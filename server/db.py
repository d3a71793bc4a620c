"""Engine set-up and the two ways into the database: `reading()` and `writing()`.

On SQLite every write runs in an IMMEDIATE transaction: a deferred transaction that reads
and then writes fails with "database is locked" when another writer got there first.
Reads share one connection inside `reading()`, which is cheaper than Piccolo's default of
one connection per query.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if not path or path == ":memory:":
            raise ValueError("Convene needs a SQLite file, not an in-memory database.")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # timeout is SQLite's busy timeout: wait for a lock instead of failing at once.
        return SQLiteEngine(path=path, timeout=30)
    return PostgresEngine(config={"dsn": url})


def engine() -> Engine:
    found = engine_finder()
    assert found is not None, "piccolo_conf.py defines DB"
    return found


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


@asynccontextmanager
async def writing() -> AsyncIterator[None]:
    """One write transaction; nested calls join the outer one."""
    eng = engine()
    if eng.current_transaction.get():
        yield
        return
    if isinstance(eng, SQLiteEngine):
        transaction = eng.transaction(transaction_type=TransactionType.immediate)
    else:
        transaction = eng.transaction()
    async with transaction:
        yield


@asynccontextmanager
async def reading() -> AsyncIterator[None]:
    """Run several reads on one connection (and one consistent snapshot)."""
    eng = engine()
    if eng.current_transaction.get():
        yield
        return
    async with eng.transaction():
        yield


async def prepare() -> None:
    """Per-process start-up: WAL on SQLite, a connection pool on PostgreSQL."""
    eng = engine()
    if isinstance(eng, SQLiteEngine):
        await eng.run_ddl("PRAGMA journal_mode=WAL")
    elif isinstance(eng, PostgresEngine):
        # 0 means a connection per transaction (tests, where event loops come and go).
        size = int(os.environ.get("CONVENE_DB_POOL_SIZE", "10"))
        if size > 0:
            await eng.start_connection_pool(min_size=1, max_size=size)


async def close() -> None:
    eng = engine()
    if isinstance(eng, PostgresEngine) and eng.pool is not None:
        await eng.close_connection_pool()


async def lock_row(table: type, row_id: int) -> None:
    """Inside writing(): serialise writers of one row's dependents (e.g. a team's roster).

    SQLite's IMMEDIATE transaction already holds the database's write lock; PostgreSQL
    needs the row lock, or two READ COMMITTED writers could both pass a check and both write.
    """
    if not is_sqlite():
        await table.raw(f"SELECT id FROM {table._meta.tablename} WHERE id = {{}} FOR UPDATE", row_id)


async def lock_key(key: str) -> None:
    """Inside writing(): serialise writers that share a key but no row (PostgreSQL advisory lock)."""
    if not is_sqlite():
        await engine().run_querystring(QueryString("SELECT pg_advisory_xact_lock(hashtext({}))", key))


def contains(column, text: str):
    """Case-insensitive substring match: ILIKE on PostgreSQL, LIKE on SQLite (which ignores ASCII case)."""
    pattern = f"%{text}%"
    return column.like(pattern) if is_sqlite() else column.ilike(pattern)
