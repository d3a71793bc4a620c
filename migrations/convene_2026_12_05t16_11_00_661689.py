from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-05T16:11:00:661689"
VERSION = "1.38.0"
DESCRIPTION = "When the current item was opened"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="convene", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Meeting",
        tablename="meeting",
        column_name="current_since",
        db_column_name="current_since",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
