from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from server.accounts.tables import Person
from server.agencies.tables import Agency


class Team(Table):
    name = Varchar(length=200)
    kind = Varchar(length=40, index=True)
    area = Varchar(length=120, default="")
    time_zone = Varchar(length=64)
    description = Text(default="")
    is_public = Boolean(default=False)
    quorum_kind = Varchar(length=10, default="share")  # share (percent of voting members) | count
    quorum_value = Integer(default=50)
    # Sectors expected at the table (codes, comma-separated); NULL: the usual ones for its kind.
    expected_sectors = Varchar(length=400, null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Membership(Table):
    """One seat on a team's roster for a period. Rows are ended, never rewritten."""

    team = ForeignKey(Team, index=True)
    person = ForeignKey(Person, index=True)
    agency = ForeignKey(Agency, index=True)
    role = Varchar(length=20)
    alternate_for = ForeignKey(Person, null=True, default=None, index=True)
    started_on = Date(index=True)
    ended_on = Date(null=True, default=None, index=True)
    created_at = Timestamptz()
    created_by = ForeignKey(Person, null=True, default=None, index=True)
    ended_by = ForeignKey(Person, null=True, default=None, index=True)
    version = Integer(default=1)


class RosterUpload(Table):
    """A checked roster CSV waiting for its confirmation, under a token: what was previewed is
    exactly what is written (a form field would carry it back through the browser)."""

    token_hash = Varchar(length=64, unique=True)
    team = ForeignKey(Team, index=True)
    person = ForeignKey(Person)
    content = Text()
    created_at = Timestamptz(index=True)


class AccessGrant(Table):
    """A seat that gave someone more access on a team than they had, or that someone gave
    themselves (a site admin seating themselves, say): allowed, and never silent. Shown on the
    team's roster history and in the site admin's access log."""

    team = ForeignKey(Team, index=True)
    seat = ForeignKey(Membership, index=True)
    person = ForeignKey(Person, index=True)  # who gained the access
    granted_by = ForeignKey(Person, null=True, default=None, index=True)
    role = Varchar(length=20)
    previous_role = Varchar(length=20, null=True, default=None)  # None: no seat before
    at = Timestamptz(index=True)
