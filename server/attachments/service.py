"""Documents and links on a meeting and its agenda items: attaching, removing, reading them for
the meeting page, and keeping storage free of files no row points at.

An upload is checked (size, name, content) on a worker thread before any transaction begins;
the write then re-reads the meeting and the viewer's right, checks the agenda item, renames the
file into place and inserts its row. A failure after the rename leaves a file no row points at,
which `forget` removes at once (and `sweep` at the next start, should the process die first).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from anyio import to_thread

from server import clock
from server.attachments import packet, policy
from server.attachments.storage import Received, Storage
from server.attachments.tables import Attachment
from server.cases import meeting_cases
from server.config import settings
from server.db import Raw, lock_key, lock_row, reading, writing
from server.errors import NotFound
from server.i18n import gettext
from server.meetings import agenda, live
from server.meetings.access import MeetingAccess
from server.meetings.policy import item_title
from server.meetings.tables import AgendaItem, Meeting
from server.web.downloads import filename_part

log = logging.getLogger("convene")
STORAGE = Storage(settings.files_dir)
FILES_LOCK = "attachment-files"  # placing a file and removing one no row points at never interleave

_MEETING_ATTACHMENTS = Raw(
    "SELECT a.id, a.agenda_item, a.kind, a.title, a.url, a.media_type, a.size, a.storage_key, a.uploaded_at"
    " FROM attachment a"
    " WHERE a.meeting = {meeting} ORDER BY a.id",
    Attachment,
)


# Reading.


async def for_meeting(meeting_id: int) -> list[dict]:
    """Every attachment of the meeting and its items, in the order they were added (one statement)."""
    return await _MEETING_ATTACHMENTS.rows(meeting=meeting_id)


async def on_agenda(access: MeetingAccess, agenda_view: agenda.Agenda | None) -> list[dict] | None:
    """For the meeting page: each item's attachments put on it, and the meeting's own; None when
    the viewer may not see the agenda (nor, so, its documents)."""
    if agenda_view is None:
        return None
    return arrange(agenda_view.items, await for_meeting(access.meeting["id"]), editing=access.editing)


def arrange(items: list[dict], attachments: list[dict], *, editing: bool) -> list[dict]:
    """Puts each item's attachments on it (`item["attachments"]`) and returns the meeting's own.
    A case-review item shows none; the people editing the agenda see that some are hidden there,
    so they can remove them (nameless: the screen may be on the wall of the meeting room)."""
    by_item: dict[int | None, list[dict]] = {}
    for attachment in attachments:
        by_item.setdefault(attachment["agenda_item"], []).append(attachment)
    for item in items:
        own = by_item.pop(item["id"], [])
        item["attachments"] = own if policy.takes_attachments(item["kind"]) or editing else []
    return by_item.get(None, [])


async def open_file(row: dict) -> BinaryIO:
    try:
        return await to_thread.run_sync(STORAGE.open, row["storage_key"])
    except FileNotFoundError:
        log.error("attachment %s: its stored file %s is missing", row["id"], row["storage_key"])
        raise NotFound() from None


async def targets(access: MeetingAccess) -> list[dict]:
    """The agenda items a document may go on, numbered as the agenda numbers them."""
    rows = await AgendaItem.select(AgendaItem.id, AgendaItem.kind, AgendaItem.title).where(
        AgendaItem.meeting == access.meeting["id"]).order_by(AgendaItem.position).order_by(AgendaItem.id)
    return [{"id": row["id"], "number": number, "title": item_title(row["kind"], row["title"], number)}
            for number, row in enumerate(rows, start=1) if policy.takes_attachments(row["kind"])]


# The packet.


@dataclass(frozen=True)
class PacketContents:
    """What goes into a meeting's packet, read in one snapshot."""

    access: MeetingAccess
    agenda: agenda.Agenda  # items carry their attachments
    documents: list[dict]  # the meeting's own
    names: dict[int, str]  # each file's name in the packet, by attachment id
    made_at: datetime

    @property
    def draft(self) -> bool:
        return not self.access.published

    @property
    def agenda_name(self) -> str:
        title = gettext("Agenda (draft)") if self.draft else gettext("Agenda")
        return "00 " + filename_part(title) + ".pdf"

    @property
    def file_name(self) -> str:
        meeting = self.access.meeting
        day = clock.day_in(meeting["starts_at"], self.access.team["time_zone"]).isoformat()
        title = f"{filename_part(meeting['title'])} {day}"
        if self.draft:
            return gettext("%(meeting)s - packet (draft).zip", meeting=title)
        return gettext("%(meeting)s - packet.zip", meeting=title)

    def context(self) -> dict:
        """What the printable agenda (templates/meetings/agenda_print.html) shows."""
        return {"m_": self.access.meeting, "team": self.access.team, "zone": self.access.team["time_zone"],
                "agenda": self.agenda, "documents": self.documents, "names": self.names, "draft": self.draft,
                "made_at": self.made_at}


async def packet_contents(access: MeetingAccess) -> PacketContents:
    """The agenda and its documents as the viewer may see them (case-review items carry none)."""
    async with reading():
        agenda_view = await agenda.agenda(access)
        attachments = await for_meeting(access.meeting["id"])
    await meeting_cases.on_agenda(access, agenda_view.items, "print")  # the case reviews, as the viewer may see them
    documents = arrange(agenda_view.items, attachments, editing=False)
    names = packet.names(documents, agenda_view.items, gettext("Meeting"))
    return PacketContents(access, agenda_view, documents, names, clock.now())


async def packet_file(contents: PacketContents, agenda_pdf: bytes):
    """The packet as an open file and its size (built on a worker thread)."""
    zone = clock.zone(contents.access.team["time_zone"])
    files = [*contents.documents, *(a for item in contents.agenda.items for a in item["attachments"])]
    entries = [
        packet.Entry(contents.names[file["id"]], file["storage_key"], policy.is_compressed(file["media_type"]),
                     file["uploaded_at"].astimezone(zone))
        for file in files if file["id"] in contents.names
    ]
    return await to_thread.run_sync(packet.build, STORAGE, contents.agenda_name, agenda_pdf,
                                    contents.made_at.astimezone(zone), entries)


# Attaching and removing.


async def _changing(access: MeetingAccess) -> MeetingAccess:
    """Inside writing(): the meeting locked and its access read again (Closed once it has ended,
    Forbidden if the viewer no longer runs it)."""
    await lock_row(Meeting, access.meeting["id"])
    return await access.confirm(run=True, agenda=True)


async def _target_problem(access: MeetingAccess, item_id: int | None) -> str | None:
    if item_id is None:
        return None
    item = await AgendaItem.select(AgendaItem.kind).where(
        (AgendaItem.id == item_id) & (AgendaItem.meeting == access.meeting["id"])).first()
    if item is None:
        return policy.BAD_TARGET
    return None if policy.takes_attachments(item["kind"]) else policy.CASE_REVIEW


def _identify(name: str, path: Path) -> tuple[str, policy.FileType]:
    with path.open("rb") as file:
        return policy.file_type(name, file)


async def attach_file(access: MeetingAccess, filename: str | None, source: BinaryIO | None,
                      target: object) -> tuple[int | None, dict[str, str]]:
    """A file on the meeting or one of its items: (the item it went on, {}) or field messages,
    with nothing written and nothing left in storage."""
    name, problem = policy.file_name(filename or "")
    if source is None:
        return None, {"file": policy.NO_FILE}
    if problem:
        return None, {"file": problem}
    item_id, understood = policy.parse_target(target)
    if not understood:
        return None, {"item_id": policy.BAD_TARGET}
    received = await to_thread.run_sync(STORAGE.receive, source, settings.max_upload_bytes)
    if received is None:
        return None, {"file": policy.too_large(settings.max_upload_mb)}
    try:
        try:
            _, found = await to_thread.run_sync(_identify, name, received.path)
        except policy.Refused as refused:
            return None, {"file": refused.message}
        problem = await _store(access, received, name, found, item_id)
    finally:
        await to_thread.run_sync(STORAGE.discard, received)  # nothing to do once it is in place
    return (None, {"item_id": problem}) if problem else (item_id, {})


async def _store(access: MeetingAccess, received: Received, name: str, found: policy.FileType,
                 item_id: int | None) -> str | None:
    placed = False
    try:
        async with writing():
            access = await _changing(access)
            problem = await _target_problem(access, item_id)
            if problem:
                return problem
            await lock_key(FILES_LOCK)
            await to_thread.run_sync(STORAGE.place, received)
            placed = True
            await Attachment.insert(Attachment(
                meeting=access.meeting["id"], agenda_item=item_id, kind="file", title=name,
                media_type=found.media_type, size=received.size, sha256=received.sha256,
                storage_key=received.key, uploaded_by=access.viewer.id, uploaded_at=clock.now(),
            ))
            await live.bump_version(access.meeting["id"])
    except BaseException:
        if placed:
            await _forget_quietly(received.key)
        raise
    return None


async def attach_link(access: MeetingAccess, form: dict[str, str]) -> tuple[int | None, dict[str, str]]:
    """A link on the meeting or one of its items: (the item it went on, {}) or field messages."""
    data, errors = policy.validate_link(form)
    item_id, understood = policy.parse_target(form.get("item_id"))
    if not understood:
        errors["item_id"] = policy.BAD_TARGET
    if data is None or errors:
        return None, errors
    async with writing():
        access = await _changing(access)
        problem = await _target_problem(access, item_id)
        if problem:
            return None, {"item_id": problem}
        await Attachment.insert(Attachment(
            meeting=access.meeting["id"], agenda_item=item_id, kind="link", title=data.title, url=data.url,
            uploaded_by=access.viewer.id, uploaded_at=clock.now(),
        ))
        await live.bump_version(access.meeting["id"])
    return item_id, {}


async def remove(access: MeetingAccess, attachment_id: int) -> int | None:
    """Removes a document or link of this meeting; the item it was on. NotFound when it is not
    there (another meeting's, or removed meanwhile)."""
    async with writing():
        access = await _changing(access)
        removed = await Attachment.delete().where(
            (Attachment.id == attachment_id) & (Attachment.meeting == access.meeting["id"])
        ).returning(Attachment.storage_key, Attachment.agenda_item)
        if not removed:
            raise NotFound()
        await live.bump_version(access.meeting["id"])
    if removed[0]["storage_key"]:
        await _forget_quietly(removed[0]["storage_key"])
    return removed[0]["agenda_item"]


# Keeping storage to the files rows point at.


async def forget(key: str) -> None:
    """Removes the stored file under `key` unless a row points at it."""
    async with writing():
        await lock_key(FILES_LOCK)
        if not await Attachment.exists().where(Attachment.storage_key == key):
            await to_thread.run_sync(STORAGE.remove, key)


async def _forget_quietly(key: str) -> None:
    """forget() where a failure must not hide what the caller is already dealing with: the file
    stays, harmless, until the next sweep."""
    try:
        await forget(key)
    except Exception:
        log.exception("could not remove the unused stored file %s", key)


async def sweep() -> None:
    """Removes stored files no row points at and uploads abandoned by processes that died (run at
    start: a crash between storing a file and committing its row leaves one behind)."""
    await to_thread.run_sync(STORAGE.remove_abandoned_uploads)
    stored = await to_thread.run_sync(STORAGE.keys)
    if not stored:
        return
    async with writing():
        await lock_key(FILES_LOCK)
        kept = {row["storage_key"] for row in await Attachment.select(Attachment.storage_key).where(
            Attachment.kind == "file")}
        for key in stored - kept:
            await to_thread.run_sync(STORAGE.remove, key)
