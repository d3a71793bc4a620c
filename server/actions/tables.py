from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from server.accounts.tables import Person
from server.agencies.tables import Agency
from server.meetings.tables import AgendaItem, Meeting
from server.teams.tables import Team


class ActionItem(Table):
    team = ForeignKey(Team, index=True)
    title = Varchar(length=200)
    description = Text(default="")
    owner = ForeignKey(Person, null=True, default=None, index=True)
    owner_agency = ForeignKey(Agency, null=True, default=None, index=True)
    due_on = Date(null=True, default=None, index=True)
    status = Varchar(length=20, default="open", index=True)
    source_meeting = ForeignKey(Meeting, null=True, default=None, index=True)
    source_item = ForeignKey(AgendaItem, null=True, default=None, index=True)
    created_by = ForeignKey(Person, null=True, default=None, index=True)
    created_at = Timestamptz()
    updated_at = Timestamptz(index=True)
    version = Integer(default=1)


class ActionUpdate(Table):
    """The progress log of an action item: who changed what, when, and why."""

    action_item = ForeignKey(ActionItem, index=True)
    author = ForeignKey(Person, null=True, default=None, index=True)
    at = Timestamptz(index=True)
    status_from = Varchar(length=20, default="")
    status_to = Varchar(length=20, default="")
    due_from = Date(null=True, default=None)
    due_to = Date(null=True, default=None)
    note = Text(default="")
