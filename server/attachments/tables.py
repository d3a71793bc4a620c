from piccolo.columns import ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from server.accounts.tables import Person
from server.meetings.tables import AgendaItem, Meeting


class Attachment(Table):
    """A file or a link on a meeting, or on one of its agenda items: part of the agenda, seen by
    whoever may see the agenda. A file's bytes live in storage under `storage_key`."""

    meeting = ForeignKey(Meeting, index=True)
    # Removing an agenda item keeps its documents: they move to the meeting itself.
    agenda_item = ForeignKey(AgendaItem, null=True, default=None, index=True, on_delete=OnDelete.set_null)
    kind = Varchar(length=10)  # file | link
    title = Varchar(length=200)  # a file's name as uploaded (made safe), a link's title
    url = Varchar(length=500, default="")  # a link's address
    media_type = Varchar(length=100, default="")  # a file's type, detected from its content
    size = Integer(default=0)  # a file's bytes
    sha256 = Varchar(length=64, default="")
    storage_key = Varchar(length=100, default="", index=True)  # several rows may share one stored file
    uploaded_by = ForeignKey(Person, null=True, default=None, index=True, on_delete=OnDelete.set_null)
    uploaded_at = Timestamptz()
