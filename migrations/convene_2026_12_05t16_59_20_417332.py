from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-12-05T16:59:20:417332"
VERSION = "1.38.0"
DESCRIPTION = "Index minutes by status (the home page finds those still moving)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="convene", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Minutes",
        tablename="minutes",
        column_name="status",
        db_column_name="status",
        params={"index": True},
        old_params={"index": False},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
