"""Existing minutes become records: their text is the record's summary (the structure of
meetings minuted before this was not kept). Items of meetings run live get the outcome their
status implies (an item never opened was not reached). Revisions are numbered as the minutes'
versions were. Its own migration, because Piccolo runs a migration's raw steps before its
added columns."""

import json

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-05T15:03:57:000000"
VERSION = "1.38.0"
DESCRIPTION = "Minutes text into records; outcomes of items already run; revision numbers"


class Minutes(Table, tablename="minutes", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="convene", description=DESCRIPTION)

    async def text_minutes_become_records():
        for table in ("minutes", "minutes_revision"):
            for row in await Minutes.raw(f"SELECT id, body FROM {table}"):
                record = json.dumps({"v": 1, "summary": row["body"] or ""}, ensure_ascii=False, sort_keys=True)
                await Minutes.raw(f"UPDATE {table} SET record = {{}} WHERE id = {{}}", record, row["id"])
        await Minutes.raw(
            "UPDATE minutes_revision SET version = (SELECT COUNT(*) FROM minutes_revision earlier"
            " WHERE earlier.minutes = minutes_revision.minutes AND earlier.id <= minutes_revision.id)"
        )
        await Minutes.raw(
            "UPDATE agenda_item SET outcome = CASE WHEN status = 'done' THEN 'done' ELSE 'not_reached' END"
            " WHERE meeting IN (SELECT id FROM meeting WHERE live_status = 'ended')"
        )

    manager.add_raw(text_minutes_become_records)
    return manager
