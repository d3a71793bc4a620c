"""Invitations made before they had a seat: issued under the guest seat their guest holds now
(the latest open one on the meeting's team); none if the guest is no longer seated. Its own
migration, because Piccolo runs a migration's raw steps before its added columns."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-04T18:38:24:000000"
VERSION = "1.38.0"
DESCRIPTION = "Existing invitations under their guest's current seat"


class Invitation(Table, tablename="invitation", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="convene", description=DESCRIPTION)

    async def issued_under_the_current_guest_seat():
        await Invitation.raw(
            "UPDATE invitation SET seat = (SELECT m.id FROM membership m JOIN meeting mt ON mt.team = m.team"
            " WHERE mt.id = invitation.meeting AND m.person = invitation.person AND m.role = 'guest'"
            " AND m.ended_on IS NULL ORDER BY m.started_on DESC, m.id DESC LIMIT 1)"
        )

    manager.add_raw(issued_under_the_current_guest_seat)
    return manager
