"""May this viewer see a meeting's documents: an attachment is part of the agenda, so it is seen
by exactly those who may see the agenda (meetings/access.py): a draft's by the people who run the
meeting, a published one's by members and invited guests. Missing and forbidden answer alike (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from server.accounts.policy import Viewer
from server.attachments import policy
from server.attachments.tables import Attachment
from server.db import Raw
from server.errors import NotFound
from server.meetings.access import MeetingAccess, meeting_access

_ATTACHMENT = Raw(
    "SELECT a.id, a.agenda_item, a.kind, a.title, a.media_type, a.size, a.storage_key, i.kind AS item_kind"
    " FROM attachment a LEFT JOIN agenda_item i ON i.id = a.agenda_item"
    " WHERE a.id = {attachment} AND a.meeting = {meeting}",
    Attachment,
)


@dataclass(frozen=True)
class FileAccess:
    meeting: MeetingAccess
    file: dict  # the attachment row, with its item's kind


async def agenda_access(viewer: Viewer, meeting_id: int) -> MeetingAccess:
    """The meeting, when the viewer may see its agenda (and so its documents and packet)."""
    access = await meeting_access(viewer, meeting_id)
    if not access.can_see_agenda:
        raise NotFound()
    return access


async def file_access(viewer: Viewer, meeting_id: int, attachment_id: int) -> FileAccess:
    """A stored file of the meeting the viewer may download. NotFound for anything else: missing,
    a link, another meeting's, on an agenda the viewer may not see, on a case-review item."""
    access = await meeting_access(viewer, meeting_id)
    row = await _ATTACHMENT.first(attachment=attachment_id, meeting=meeting_id)
    if row is None or row["kind"] != "file" or not policy.is_shown(access.can_see_agenda, row["item_kind"]):
        raise NotFound()
    return FileAccess(access, row)


async def editing_access(viewer: Viewer, meeting_id: int) -> MeetingAccess:
    """The meeting, for one of the people who run it while its agenda is open (Forbidden, Closed)."""
    return await meeting_access(viewer, meeting_id, run=True, agenda=True)
