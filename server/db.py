"""Engine set-up and the two ways into the database: `reading()` and `writing()`.

A GET runs in one read transaction on one connection (server/web/context.py opens it), so
the session lookup and every query of the page share a connection and a snapshot. Writes run
in `writing()`: on SQLite an IMMEDIATE transaction, because a deferred one that reads and
then writes fails with "database is locked" when another writer got there first. A write
inside a read (a GET that must record something) commits the read, writes on the same
connection, and then reads on in a fresh snapshot.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType
from piccolo.querystring import QueryString

_mode: ContextVar[str | None] = ContextVar("convene_transaction_mode", default=None)

# Piccolo converts every INTEGER it reads on SQLite through Decimal, to accept floats stored in
# integer columns; Convene's integer columns only ever hold integers, and that conversion was a
# tenth of a long page's time. Without a converter the driver hands SQLite's integers over as
# Python ints itself, with no Python call per value (sqlite3 has no unregister_converter).
sqlite3.converters.pop("INTEGER", None)


class _Statement:
    """One statement on an _InlineConnection: awaited, or used as `async with ... as cursor`."""

    def __init__(self, connection: _InlineConnection, sql: str, parameters) -> None:
        self.connection, self.sql, self.parameters = connection, sql, parameters

    async def _run(self) -> sqlite3.Cursor:
        return await self.connection.run(self.sql, self.parameters)

    def __await__(self):
        return self._run().__await__()

    async def __aenter__(self) -> _InlineCursor:
        return _InlineCursor(await self._run())

    async def __aexit__(self, *exception) -> None:
        return None


class _InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self.cursor = cursor

    async def fetchall(self) -> list[dict]:
        """Rows as dicts, as Piccolo's row factory makes them, with the column names read once
        per statement rather than once per row (a third of the cost of a 60-row read)."""
        rows = self.cursor.fetchall()
        if not rows:
            return rows
        names = [column[0] for column in self.cursor.description]
        return [dict(zip(names, row, strict=True)) for row in rows]


class _InlineConnection:
    """A SQLite connection used from the event loop's own thread. A read of a local file takes
    microseconds; aiosqlite's hop to a thread of its own per statement (and a new thread per
    connection) cost far more, on every query of every page. What may wait for another writer
    (BEGIN IMMEDIATE, a write's COMMIT with its fsync) runs on a thread of this connection's own,
    never on the shared pool, where waits for the lock could fill every thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.writing = False
        self._thread: ThreadPoolExecutor | None = None

    def execute(self, sql: str, parameters=()) -> _Statement:
        return _Statement(self, sql, parameters)

    async def _blocking(self, sql: str, parameters) -> sqlite3.Cursor:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="convene-sqlite")
        return await asyncio.get_running_loop().run_in_executor(
            self._thread, self.connection.execute, sql, parameters)

    async def run(self, sql: str, parameters) -> sqlite3.Cursor:
        if sql.startswith("BEGIN IMMEDIATE"):
            cursor = await self._blocking(sql, parameters)
            self.writing = True
            return cursor
        if sql in ("COMMIT", "ROLLBACK") and self.writing:
            self.writing = False
            return await self._blocking(sql, parameters)
        return self.connection.execute(sql, parameters)

    async def close(self) -> None:
        """Back to the idle connections (its prepared statements stay cached), or closed."""
        if _pool_open and not self.connection.in_transaction and len(_idle_sqlite) < _pool_size():
            _idle_sqlite.append(self)
            return
        if self._thread is not None:
            self._thread.shutdown(wait=False)
        # Closing the last connection checkpoints the WAL (and syncs): not on the event loop.
        await asyncio.to_thread(self.connection.close)


# Idle read connections of this process. SQLite keeps each connection's prepared statements,
# so a page's queries are parsed once per connection, not once per request.
_idle_sqlite: list[_InlineConnection] = []
_pool_open = True


def _pool_size() -> int:
    """CONVENE_DB_POOL_SIZE connections per worker (0: a new connection every time; the tests,
    which replace the database file under a running server)."""
    return int(os.environ.get("CONVENE_DB_POOL_SIZE", "10"))


class _InlineReadTransaction(SQLiteTransaction):
    __slots__ = ()

    async def get_connection(self):
        return self.engine.inline_connection()


class ConveneSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine without its PRAGMA before every statement of a transaction
    (foreign_keys is set once when the connection opens; it cannot change inside a transaction),
    and with reads on connections used from the event loop's thread (see _InlineConnection)."""

    __slots__ = ()

    async def _run_in_existing_connection(self, connection, query, args=None, query_type="generic",
                                          table=None):
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()

    def inline_connection(self) -> _InlineConnection:
        return _idle_sqlite.pop() if _idle_sqlite else self.new_inline_connection()

    def new_inline_connection(self) -> _InlineConnection:
        connection = sqlite3.connect(**self.connection_kwargs, check_same_thread=False)  # rows: _InlineCursor
        connection.execute("PRAGMA foreign_keys = 1")
        return _InlineConnection(connection)

    def read_transaction(self) -> SQLiteTransaction:
        return _InlineReadTransaction(engine=self, transaction_type=TransactionType.deferred)

    def write_transaction(self) -> SQLiteTransaction:
        return self.transaction(transaction_type=TransactionType.immediate)

    async def switch(self, transaction: SQLiteTransaction, *, write: bool, commit: bool = True) -> None:
        """Ends the open transaction and begins the next on the same connection. If the write
        cannot begin (the lock never came), a read is begun instead, so the caller's read
        transaction ends as usual."""
        await transaction.connection.execute("COMMIT" if commit else "ROLLBACK")
        try:
            await transaction.connection.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
        except BaseException:
            if write:
                await transaction.connection.execute("BEGIN DEFERRED")
            raise


class _ReadOnlyTransaction(PostgresTransaction):
    """One snapshot for the whole page, and PostgreSQL refuses any write in it."""

    __slots__ = ()

    async def begin(self):
        self.transaction = self.connection.transaction(isolation="repeatable_read", readonly=True)
        await self.transaction.start()


class ConvenePostgresEngine(PostgresEngine):
    __slots__ = ()

    def read_transaction(self) -> PostgresTransaction:
        return _ReadOnlyTransaction(engine=self)

    def write_transaction(self) -> PostgresTransaction:
        return self.transaction()

    async def switch(self, transaction: PostgresTransaction, *, write: bool, commit: bool = True) -> None:
        """As ConveneSQLiteEngine.switch: a write that cannot begin leaves a read begun."""
        await (transaction.transaction.commit() if commit else transaction.transaction.rollback())

        def read():
            return transaction.connection.transaction(isolation="repeatable_read", readonly=True)

        transaction.transaction = transaction.connection.transaction() if write else read()
        try:
            await transaction.transaction.start()
        except BaseException:
            if write:
                transaction.transaction = read()
                await transaction.transaction.start()
            raise


def _private_file(path: Path) -> None:
    """The database holds people's details (and later case data): its file is the owner's
    alone, and SQLite gives its -wal and -shm files the same permissions. A directory we
    create is private too; an existing file readable by others is made private."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if file.exists() and file.stat().st_mode & 0o077:
            file.chmod(0o600)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if not path or path == ":memory:":
            raise ValueError("Convene needs a SQLite file, not an in-memory database.")
        _private_file(Path(path))
        # timeout is SQLite's busy timeout: wait for a lock instead of failing at once.
        return ConveneSQLiteEngine(path=path, timeout=30)
    return ConvenePostgresEngine(config={"dsn": url})


@cache
def engine() -> ConveneSQLiteEngine | ConvenePostgresEngine:
    """The process's one engine (piccolo_conf.DB), looked up once."""
    found = engine_finder()
    assert found is not None, "piccolo_conf.py defines DB"
    return found  # type: ignore[return-value]


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


@contextmanager
def _in_mode(mode: str) -> Iterator[None]:
    token = _mode.set(mode)
    try:
        yield
    finally:
        _mode.reset(token)


@asynccontextmanager
async def writing() -> AsyncIterator[None]:
    """One write transaction; nested calls join the outer one (a read is upgraded)."""
    eng = engine()
    current = eng.current_transaction.get()
    if current is None:
        with _in_mode("write"):
            async with eng.write_transaction():
                yield
        return
    if _mode.get() != "read":
        yield
        return
    # Inside a read: commit it, write on the same connection, then read on afresh.
    await eng.switch(current, write=True)
    with _in_mode("write"):
        try:
            yield
        except BaseException:
            await eng.switch(current, write=False, commit=False)
            raise
        await eng.switch(current, write=False)


@asynccontextmanager
async def reading() -> AsyncIterator[None]:
    """Run several reads on one connection, in one consistent snapshot."""
    eng = engine()
    if eng.current_transaction.get():
        yield
        return
    with _in_mode("read"):
        async with eng.read_transaction():
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
    """Per-process shut-down (and the tests' end of a pooled run): no connection stays idle."""
    global _pool_open
    eng = engine()
    if isinstance(eng, PostgresEngine) and eng.pool is not None:
        await eng.close_connection_pool()
    _pool_open = False
    try:
        while _idle_sqlite:
            await _idle_sqlite.pop().close()
    finally:
        _pool_open = True


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


class Parameter:
    """A named value of a Prepared query, filled in each time it runs."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<parameter {self.name}>"


class _Parameters:
    def __getattr__(self, name: str) -> Parameter:
        return Parameter(name)


class _Compiled:
    """SQL ready for the driver, shaped like the Piccolo QueryString that engines run (so the
    engine's own dispatch, and the tests' statement counter, see it like any query)."""

    __slots__ = ("sql", "arguments", "table", "query_type")

    def __init__(self, sql: str, arguments: list, table) -> None:
        self.sql, self.arguments, self.table, self.query_type = sql, arguments, table, "select"

    def compile_string(self, engine_type: str = "postgres") -> tuple[str, list]:
        return self.sql, self.arguments

    def __str__(self) -> str:
        return self.sql


async def _fetch(sql: str, arguments: list, table) -> list[dict]:
    eng = engine()
    results = await eng.run_querystring(_Compiled(sql, arguments, table))  # type: ignore[arg-type]
    return eng.transform_response_to_dicts(results) if results else []


class Prepared:
    """A read built once with Piccolo and run many times with new values. Building a Piccolo
    query (columns, joins, SQL text) costs 0.2 to 0.4 ms of Python, more than running a small
    indexed query; pages run several on every request. `build` gets named parameters:

        ITEMS = Prepared(lambda p: AgendaItem.select(...).where(AgendaItem.meeting == p.meeting))
        rows = await ITEMS.rows(meeting=7)

    Only `==`, `<`, `>` and the like take parameters (an IN list's length is part of the SQL).
    """

    def __init__(self, build: Callable[[_Parameters], object]) -> None:
        self._build = build
        self._compiled: dict[str, tuple[str, list, type]] = {}

    def _sql(self, engine_type: str) -> tuple[str, list, type]:
        compiled = self._compiled.get(engine_type)
        if compiled is None:
            query = self._build(_Parameters())
            sql, arguments = query.querystrings[0].compile_string(engine_type)  # type: ignore[attr-defined]
            compiled = self._compiled[engine_type] = (sql, arguments, query.table)  # type: ignore[attr-defined]
        return compiled

    async def rows(self, **values: object) -> list[dict]:
        sql, template, table = self._sql(engine().engine_type)
        return await _fetch(sql, [values[a.name] if isinstance(a, Parameter) else a for a in template], table)

    async def first(self, **values: object) -> dict | None:
        rows = await self.rows(**values)
        return rows[0] if rows else None


class Raw(Prepared):
    """A read written in SQL, for what Piccolo's query builder cannot say (a LEFT JOIN to the
    rows that point at a table, a correlated subquery). Named placeholders: `{meeting}`."""

    _PLACEHOLDER = re.compile(r"\{(\w+)\}")

    def __init__(self, sql: str, table) -> None:
        self._template, self._table = sql, table
        self._compiled = {}

    def _sql(self, engine_type: str) -> tuple[str, list, type]:
        compiled = self._compiled.get(engine_type)
        if compiled is None:
            names: list[Parameter] = []

            def placeholder(match: re.Match) -> str:
                names.append(Parameter(match.group(1)))
                return "?" if engine_type == "sqlite" else f"${len(names)}"

            sql = self._PLACEHOLDER.sub(placeholder, self._template)
            compiled = self._compiled[engine_type] = (sql, names, self._table)
        return compiled


def contains(column, text: str):
    """Case-insensitive substring match: ILIKE on PostgreSQL, LIKE on SQLite (which ignores ASCII case)."""
    pattern = f"%{text}%"
    return column.like(pattern) if is_sqlite() else column.ilike(pattern)
