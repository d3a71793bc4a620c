"""Test harness: a real database (a fresh SQLite file, or a fresh PostgreSQL database when
CONVENE_TEST_POSTGRES_URL is set), migrated once with the real migration files, emptied
between tests; the real ASGI app through Litestar's test client.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = Path(tempfile.mkdtemp(prefix="convene-test-"))
POSTGRES_SERVER = os.environ.get("CONVENE_TEST_POSTGRES_URL", "")


def _postgres_database_url() -> str:
    """Creates a fresh, uniquely named database on the configured server."""
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
os.environ["DATABASE_URL"] = (
    _postgres_database_url() if POSTGRES_SERVER else f"sqlite:///{WORK_DIR / 'convene.sqlite3'}"
)
TEST_DATABASE_URL = os.environ["DATABASE_URL"]
ENGINE_NAME = "postgres" if POSTGRES_SERVER else "sqlite"

from litestar.testing import AsyncTestClient

from server import db
from server.app import create_app
from server.demo import DEMO_PASSWORD, load_demo
from server.migrate import migrate
from server.piccolo_app import APP_CONFIG

TABLES = APP_CONFIG.table_classes


def pytest_report_header(config) -> str:
    return f"convene database: {ENGINE_NAME} ({'fresh database' if POSTGRES_SERVER else WORK_DIR})"


def pytest_sessionstart(session) -> None:
    asyncio.run(migrate())


def pytest_sessionfinish(session, exitstatus) -> None:
    if not POSTGRES_SERVER:
        return
    import asyncpg

    name = urlsplit(TEST_DATABASE_URL).path.lstrip("/")

    async def drop() -> None:
        connection = await asyncpg.connect(POSTGRES_SERVER)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    asyncio.run(drop())


async def empty_database() -> None:
    names = [table._meta.tablename for table in TABLES]
    if db.is_sqlite():
        async with db.writing():
            for name in reversed(names):
                await db.engine().run_ddl(f'DELETE FROM "{name}"')
    else:
        quoted = ", ".join(f'"{name}"' for name in names)
        await db.engine().run_ddl(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


@pytest.fixture(autouse=True)
async def clean_database():
    """Every test starts from an empty (migrated) database."""
    await empty_database()
    yield


@pytest.fixture
async def demo() -> Demo:
    """The demo county (the same data `make run` shows), with ids looked up by email."""
    await load_demo()
    return await Demo.load()


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


# Demo accounts by the role they play (README lists the same).
ADMIN = "admin@maple.example"
CHAIR = "chair@maple.example"  # chair of the Community Collaborative
COORDINATOR = "coordinator@maple.example"  # coordinator of the Perinatal Cluster
TREATMENT = "treatment@maple.example"  # member from the treatment provider
SCHOOL = "school@maple.example"  # member from the school district
FAMILY = "family@maple.example"  # family partner
GUEST = "ellen.marsh@maple.example"  # guest on the Community Collaborative
PASSWORD = DEMO_PASSWORD


@pytest.fixture
async def app():
    return create_app()


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


async def csrf_token(client: AsyncTestClient, path: str = "/login") -> str:
    response = await client.get(path)
    match = CSRF_RE.search(response.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def log_in(client: AsyncTestClient, email: str, password: str = PASSWORD) -> str:
    """Logs in through the login form; returns a CSRF token for later posts."""
    token = await csrf_token(client)
    response = await client.post(
        "/login", data={"email": email, "password": password, "_csrf_token": token, "next": "/"}
    )
    assert response.status_code == 303, response.text[:500]
    return token


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
