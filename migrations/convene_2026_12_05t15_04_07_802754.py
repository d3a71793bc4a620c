from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T15:04:07:802754"
VERSION = "1.38.0"
DESCRIPTION = "Minutes text lives in the record"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="convene", description=DESCRIPTION
    )

    manager.drop_column(
        table_class_name="Minutes",
        tablename="minutes",
        column_name="body",
        db_column_name="body",
        schema=None,
    )

    manager.drop_column(
        table_class_name="MinutesRevision",
        tablename="minutes_revision",
        column_name="body",
        db_column_name="body",
        schema=None,
    )

    return manager
