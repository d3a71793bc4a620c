"""Test harness: a real database (a fresh SQLite file, or a fresh PostgreSQL database when
CONVENE_TEST_POSTGRES_URL is set), the real ASGI app through Litestar's test client, and a
clock the tests control.

The database is migrated once per session and saved twice: empty, and with the demo county
loaded. Every test starts from a copy of one of them (a file copy on SQLite; on PostgreSQL the
rows are deleted and copied back from a saved schema, with the sequences reset): the demo copy
when it asks for the `demo` fixture.

The clock: CONVENE_TEST_NOW sets the instant the session starts at, e.g.
`CONVENE_TEST_NOW="2027-03-14T02:30 America/New_York"` or `2027-07-01T04:30:00Z`; time flows
on from there, in this process and in every server or command a test starts. Unset, the
session starts at the real time. Tests build their dates from `clock.now()`, never from
fixed calendar dates or the real hour.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = Path(tempfile.mkdtemp(prefix="convene-test-"))
POSTGRES_SERVER = os.environ.get("CONVENE_TEST_POSTGRES_URL", "")
TEST_NOW_VARIABLE = "CONVENE_TEST_NOW"


def parse_test_now(raw: str) -> datetime:
    """An ISO 8601 instant with an offset or Z, or a local time followed by an IANA zone name."""
    text, _, zone = raw.strip().partition(" ")
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if zone:
        if moment.tzinfo is not None:
            raise ValueError(f"{TEST_NOW_VARIABLE}: give an offset or a zone name, not both")
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    if moment.tzinfo is None:
        raise ValueError(f"{TEST_NOW_VARIABLE}={raw!r} needs an offset (Z, -05:00) or a zone name")
    return moment


def _postgres_database_url() -> str:
    """A fresh, uniquely named database on the configured server."""
    import asyncpg

    name = f"convene_test_{os.getpid()}_{secrets.token_hex(4)}"

    async def create() -> None:
        connection = await asyncpg.connect(POSTGRES_SERVER)
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(create())
    parts = urlsplit(POSTGRES_SERVER)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


# The environment must be set before anything imports server.config.
os.environ["CONVENE_ENV"] = "test"
os.environ["CONVENE_SECRET_KEY"] = "test-secret-key-" + "x" * 40
os.environ["CONVENE_BASE_URL"] = "http://testserver.local"
os.environ["CONVENE_DB_POOL_SIZE"] = "0"
os.environ["CONVENE_FILES_DIR"] = str(WORK_DIR / "files")  # uploads, never the checkout's var/files
os.environ["DATABASE_URL"] = (
    _postgres_database_url() if POSTGRES_SERVER else f"sqlite:///{WORK_DIR / 'convene.sqlite3'}"
)
TEST_DATABASE_URL = os.environ["DATABASE_URL"]
ENGINE_NAME = "postgres" if POSTGRES_SERVER else "sqlite"

from server import clock  # reads CONVENE_ENV

if os.environ.get(TEST_NOW_VARIABLE):
    clock.travel_to(parse_test_now(os.environ[TEST_NOW_VARIABLE]))
    # Servers and commands the tests start keep the same clock.
    os.environ[clock.OFFSET_VARIABLE] = repr(clock.offset_seconds())
SESSION_START = clock.now()

from litestar.testing import AsyncTestClient

from server import db
from server.app import create_app
from server.demo import DEMO_PASSWORD, load_demo
from server.migrate import migrate


def pytest_report_header(config) -> str:
    where = "fresh database" if POSTGRES_SERVER else WORK_DIR
    source = TEST_NOW_VARIABLE if os.environ.get(TEST_NOW_VARIABLE) else "the real time"
    return (f"convene database: {ENGINE_NAME} ({where})\n"
            f"convene clock: the session starts at {SESSION_START.isoformat(timespec='seconds')} ({source})")


# Saved databases: "empty" (migrated) and "demo" (migrated, demo county loaded).

SQLITE_PATH = Path(TEST_DATABASE_URL.removeprefix("sqlite:///")) if not POSTGRES_SERVER else None
DATABASE_NAME = urlsplit(TEST_DATABASE_URL).path.lstrip("/") if POSTGRES_SERVER else ""
SAVED = ("empty", "demo")


def saved_name(name: str) -> str:
    return f"saved_{name}"


def _sqlite_save(name: str) -> None:
    """A consistent copy through SQLite's backup API, in WAL mode like the original."""
    target = WORK_DIR / f"saved-{name}.sqlite3"
    with sqlite3.connect(SQLITE_PATH) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
    # Closing the last connection checkpoints the WAL: the saved file stands alone.


def _sqlite_restore(name: str) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(WORK_DIR / f"saved-{name}.sqlite3", SQLITE_PATH)


async def _postgres_admin(statements: list[str]) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_SERVER)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _postgres_tables() -> list[str]:
    """The app's tables, parents before children (the order Piccolo's app config lists them in)."""
    from server.piccolo_app import APP_CONFIG

    return [table._meta.tablename for table in APP_CONFIG.table_classes]


async def _postgres_test_database(statements: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(TEST_DATABASE_URL)
    try:
        await connection.execute(statements)
    finally:
        await connection.close()


async def save_database(name: str) -> None:
    """PostgreSQL: a copy of every table's rows in a schema of the same database (restoring from
    it costs a fraction of CREATE DATABASE ... TEMPLATE)."""
    if POSTGRES_SERVER:
        schema = saved_name(name)
        await _postgres_test_database(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}";' + "".join(
            f'CREATE TABLE "{schema}"."{table}" AS SELECT * FROM public."{table}";' for table in _postgres_tables()))
    else:
        _sqlite_save(name)


async def restore_database(name: str) -> None:
    """Puts back the rows of a saved database (no connection may be writing to it)."""
    if POSTGRES_SERVER:
        schema, tables = saved_name(name), _postgres_tables()
        await _postgres_test_database(
            # DELETE, not TRUNCATE: on a few thousand rows it is many times faster.
            "".join(f'DELETE FROM public."{table}";' for table in reversed(tables))
            + "".join(f'INSERT INTO public."{table}" SELECT * FROM "{schema}"."{table}";' for table in tables)
            + "".join(f"SELECT setval(pg_get_serial_sequence('public.\"{table}\"', 'id'), "
                      f'COALESCE((SELECT max(id) FROM public."{table}"), 0) + 1, false);' for table in tables)
        )
    else:
        _sqlite_restore(name)


DEMO: Demo | None = None


async def _build_saved_databases() -> None:
    global DEMO
    await migrate()
    await save_database("empty")
    await load_demo()
    DEMO = await Demo.load()
    await save_database("demo")


def pytest_sessionstart(session) -> None:
    asyncio.run(_build_saved_databases())


def pytest_sessionfinish(session, exitstatus) -> None:
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    if POSTGRES_SERVER:
        asyncio.run(_postgres_admin([f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)']))


@pytest.fixture(autouse=True)
async def database(request):
    """Every test starts from the empty database, or from the demo county if it asks for `demo`."""
    await restore_database("demo" if "demo" in request.fixturenames else "empty")
    yield


def demo_ids() -> Demo:
    assert DEMO is not None, "the saved databases are built at session start"
    return DEMO


@pytest.fixture
async def demo() -> Demo:
    """The demo county (the same data `make run` shows), with ids looked up by email."""
    return demo_ids()


class Demo:
    """Ids of the demo data, so tests name people and teams as a person would."""

    def __init__(self, people: dict[str, int], agencies: dict[str, int], teams: dict[str, int]):
        self.people, self.agencies, self.teams = people, agencies, teams

    @classmethod
    async def load(cls) -> Demo:
        from server.accounts.tables import Person
        from server.agencies.tables import Agency
        from server.teams.tables import Team

        people = {row["email"]: row["id"] for row in await Person.select(Person.id, Person.email)}
        agencies = {row["short_name"]: row["id"] for row in await Agency.select(Agency.id, Agency.short_name)}
        teams = {row["name"]: row["id"] for row in await Team.select(Team.id, Team.name)}
        return cls(people, agencies, teams)

    def team(self, fragment: str) -> int:
        return next(team_id for name, team_id in self.teams.items() if fragment in name)


@pytest.fixture
def clock_at():
    """`clock_at(instant)` moves this process's clock for one test; it is put back afterwards."""
    before = clock.offset_seconds()
    yield clock.travel_to
    clock.set_offset_seconds(before)


# Demo accounts by the role they play (README lists the same).
ADMIN = "admin@maple.example"
CHAIR = "chair@maple.example"  # chair of the Community Collaborative
COORDINATOR = "coordinator@maple.example"  # coordinator of the Perinatal Cluster
TREATMENT = "treatment@maple.example"  # member from the treatment provider
SCHOOL = "school@maple.example"  # member from the school district
FAMILY = "family@maple.example"  # family partner
GUEST = "ellen.marsh@maple.example"  # guest on the Community Collaborative
PASSWORD = DEMO_PASSWORD


@pytest.fixture(scope="session")
def two_workers():
    """The real server with two worker processes, for the whole session: tests that write
    through it concurrently. It serves whatever database each test starts from."""
    from tests.live import running_server

    # No idle SQLite connections kept: each test replaces the database file under the server.
    with running_server(workers=2, extra_env={} if POSTGRES_SERVER else {"CONVENE_DB_POOL_SIZE": "0"}) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def behind_a_proxy():
    """The real server as it runs behind a reverse proxy on the same machine
    (CONVENE_TRUSTED_PROXIES=127.0.0.1): a test names the client in X-Forwarded-For."""
    from tests.live import running_server

    env = {"CONVENE_TRUSTED_PROXIES": "127.0.0.1", **({} if POSTGRES_SERVER else {"CONVENE_DB_POOL_SIZE": "0"})}
    with running_server(workers=1, extra_env=env) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def shared_app():
    """One app for the session: building one costs ~45 ms, and it holds no per-test state."""
    return create_app()


@pytest.fixture
async def app(shared_app):
    return shared_app


@pytest.fixture
async def client(app):
    async with await make_client(app) as test_client:
        yield test_client


async def make_client(app) -> AsyncTestClient:
    """Another browser: its own cookies. Use as `async with await make_client(app) as c:`."""
    test_client = AsyncTestClient(app=app, base_url="http://testserver.local")
    test_client.follow_redirects = False  # tests look at the 303s themselves
    return test_client


CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')
TAG_RE = re.compile(r"<[^>]+>")


def page_text(html: str) -> str:
    """What a page says, as a person reads it: tags out, entities decoded, white space folded."""
    from html import unescape

    return " ".join(unescape(TAG_RE.sub(" ", html)).split())


async def csrf_token(client: AsyncTestClient, path: str = "/login") -> str:
    response = await client.get(path)
    match = CSRF_RE.search(response.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def log_in(client: AsyncTestClient, email: str, password: str = PASSWORD) -> str:
    """Logs in through the login form; returns the CSRF token for later posts (a new one: the
    token changes at login)."""
    token = await csrf_token(client)
    response = await client.post(
        "/login", data={"email": email, "password": password, "_csrf_token": token, "next": "/"}
    )
    assert response.status_code == 303, response.text[:500]
    return await csrf_token(client, "/account")


async def post_form(client: AsyncTestClient, path: str, data: dict, token: str, **kwargs):
    return await client.post(path, data={**data, "_csrf_token": token}, **kwargs)


class QueryCounter:
    """Counts the SQL statements the engine runs (instrumentation, not a stand-in)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(monkeypatch):
    engine_class = type(db.engine())  # engines use __slots__: instrument the class
    counter = QueryCounter()
    run_querystring, run_ddl = engine_class.run_querystring, engine_class.run_ddl

    async def counted_querystring(self, querystring, *args, **kwargs):
        counter.statements.append(str(querystring))
        return await run_querystring(self, querystring, *args, **kwargs)

    async def counted_ddl(self, ddl, *args, **kwargs):
        counter.statements.append(ddl)
        return await run_ddl(self, ddl, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", counted_querystring)
    monkeypatch.setattr(engine_class, "run_ddl", counted_ddl)
    return counter


@pytest.fixture
def count_connections(monkeypatch):
    """Counts database connections opened (instrumentation at the driver's edge): a read's
    connection, a write's, and the one Piccolo opens for a query outside any transaction."""
    from piccolo.engine.postgres import PostgresTransaction

    opened: list[str] = []
    engine_class = type(db.engine())

    def counting(owner, name: str, label: str, is_async: bool = True) -> None:
        original = getattr(owner, name)

        async def counted_async(self, *args, **kwargs):
            opened.append(label)
            return await original(self, *args, **kwargs)

        def counted(self, *args, **kwargs):
            opened.append(label)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(owner, name, counted_async if is_async else counted)

    counting(engine_class, "_run_in_new_connection", "query")
    if db.is_sqlite():
        counting(engine_class, "new_inline_connection", "read", is_async=False)
        counting(engine_class, "get_connection", "write")
    else:
        counting(PostgresTransaction, "get_connection", "transaction")
    return opened
