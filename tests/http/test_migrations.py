"""The migration files build the schema forwards on an empty database of either engine."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from server.piccolo_app import APP_CONFIG
from tests.conftest import POSTGRES_SERVER, WORK_DIR

EXPECTED_TABLES = {table._meta.tablename for table in APP_CONFIG.table_classes}


def convene(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "server.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def migrate_twice_then_load_demo(database_url: str) -> None:
    first = convene(database_url, "migrate")
    assert first.returncode == 0, first.stdout + first.stderr
    again = convene(database_url, "migrate")
    assert again.returncode == 0 and "up to date" in again.stdout, again.stdout + again.stderr
    demo = convene(database_url, "demo")
    assert demo.returncode == 0 and "demo data loaded" in demo.stdout, demo.stdout + demo.stderr


def test_migrations_run_forwards_on_an_empty_sqlite_database():
    path = WORK_DIR / f"empty-{secrets.token_hex(4)}.sqlite3"
    migrate_twice_then_load_demo(f"sqlite:///{path}")
    import sqlite3

    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        journal = connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert EXPECTED_TABLES <= tables
    assert journal == "wal"


@pytest.mark.skipif(not POSTGRES_SERVER, reason="set CONVENE_TEST_POSTGRES_URL to run on PostgreSQL")
async def test_migrations_run_forwards_on_an_empty_postgresql_database():
    name = f"convene_migrate_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(POSTGRES_SERVER)
    await admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(POSTGRES_SERVER)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
    try:
        migrate_twice_then_load_demo(url)
        connection = await asyncpg.connect(url)
        try:
            rows = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        finally:
            await connection.close()
        assert EXPECTED_TABLES <= {row["tablename"] for row in rows}
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def test_an_in_memory_sqlite_database_is_refused_with_a_clear_message():
    result = convene("sqlite:///:memory:", "migrate")
    assert result.returncode != 0
    assert result.stderr.startswith("convene: DATABASE_URL must name a SQLite file")
