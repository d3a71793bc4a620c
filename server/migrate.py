"""Runs Piccolo's migrations forwards (the same files on SQLite and PostgreSQL)."""

from __future__ import annotations

from piccolo.apps.migrations.commands.forwards import run_forwards

from server import db


class MigrationFailed(RuntimeError):
    pass


async def migrate() -> None:
    result = await run_forwards(app_name="convene", migration_id="all", fake=False)
    if not result.success:
        raise MigrationFailed(result.message)
    if db.is_sqlite():
        await db.engine().run_ddl("PRAGMA journal_mode=WAL")
