"""Minutes: drafted from the live notes, circulated, corrected, approved at a later meeting,
locked. Every change keeps a revision with who and when."""

from __future__ import annotations

from server import clock
from server.actions.tables import ActionItem
from server.db import lock_row, reading, writing
from server.errors import Closed, Stale
from server.forms import too_long
from server.i18n import N_
from server.i18n import gettext as _
from server.meetings import policy
from server.meetings.access import MeetingAccess
from server.meetings.tables import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Minutes,
    MinutesRevision,
)


async def get_minutes(meeting_id: int) -> dict | None:
    return await Minutes.select().where(Minutes.meeting == meeting_id).first()


async def revisions(minutes_id: int) -> list[dict]:
    return await MinutesRevision.select(
        MinutesRevision.id, MinutesRevision.status, MinutesRevision.edited_at, MinutesRevision.edited_by.name,
        MinutesRevision.body,
    ).where(MinutesRevision.minutes == minutes_id).order_by(MinutesRevision.id, ascending=False)


async def draft_text(access: MeetingAccess) -> str:
    """The first draft: who came, and for each item its notes, decisions and action items.
    Case-review discussion never enters the minutes (CONSENT.md): only that the item was held."""
    meeting, zone = access.meeting, access.team["time_zone"]
    async with reading():
        present = await Attendance.select(Attendance.person.name, Attendance.status,
                                          Attendance.standing_in_for.name).where(
            (Attendance.meeting == meeting["id"]) & Attendance.status.is_in(["present", "remote"])
        )
        excused = await Attendance.select(Attendance.person.name).where(
            (Attendance.meeting == meeting["id"]) & (Attendance.status == "excused")
        )
        items = await AgendaItem.select(AgendaItem.id, AgendaItem.kind, AgendaItem.title, AgendaItem.notes,
                                        AgendaItem.position).where(
            AgendaItem.meeting == meeting["id"]).order_by(AgendaItem.position)
        decisions = await Decision.select(Decision.agenda_item, Decision.text).where(
            Decision.agenda_item.is_in([i["id"] for i in items] or [0])).order_by(Decision.id)
        actions = await ActionItem.select(ActionItem.title, ActionItem.source_item, ActionItem.due_on,
                                          ActionItem.owner.name).where(
            ActionItem.source_meeting == meeting["id"]).order_by(ActionItem.id)
    start = meeting["starts_at"].astimezone(clock.zone(zone))
    lines = [f"{meeting['title']} — {start:%Y-%m-%d %H:%M} ({zone})", ""]
    # Sorted here, not in SQL: collation differs between SQLite and PostgreSQL.
    present = sorted(present, key=lambda row: row["person.name"])
    excused = sorted(excused, key=lambda row: row["person.name"])
    remote = _("remote")
    attendees = [
        row["person.name"] + (f" ({remote})" if row["status"] == "remote" else "")
        + (" — " + _("for %(name)s", name=row["standing_in_for.name"]) if row["standing_in_for.name"] else "")
        for row in present
    ]
    lines.append(_("Present:") + " " + (", ".join(attendees) or "—"))
    if excused:
        lines.append(_("Excused:") + " " + ", ".join(row["person.name"] for row in excused))
    for number, item in enumerate(items, start=1):
        lines += ["", f"{number}. {policy.item_title(item['kind'], item['title'], number)}"]
        if item["kind"] == "case_review":
            lines.append(_("Case discussed; details are kept out of the minutes."))
            continue
        if item["notes"].strip():
            lines.append(item["notes"].strip())
        for decision in decisions:
            if decision["agenda_item"] == item["id"]:
                lines.append(_("Decision:") + " " + decision["text"])
        for action in actions:
            if action["source_item"] == item["id"]:
                due = ", " + _("due %(date)s", date=action["due_on"].isoformat()) if action["due_on"] else ""
                owner = action["owner.name"] or "—"
                lines.append(_("Action:") + f" {action['title']} ({owner}{due})")
    return "\n".join(lines).strip() + "\n"


async def draft_from_meeting(access: MeetingAccess) -> None:
    """Creates the draft when the meeting ends (inside the caller's transaction); keeps an existing one."""
    if await Minutes.exists().where(Minutes.meeting == access.meeting["id"]):
        return
    body = await draft_text(access)
    now = clock.now()
    rows = await Minutes.insert(Minutes(meeting=access.meeting["id"], status="draft", body=body, version=1,
                                        updated_at=now)).returning(Minutes.id)
    await MinutesRevision.insert(MinutesRevision(minutes=rows[0]["id"], body=body, status="draft",
                                                 edited_by=None, edited_at=now))


async def start_minutes(access: MeetingAccess) -> None:
    """The chair starts the minutes of a meeting not run live in Convene: a draft from what the
    meeting has (attendance, notes, decisions), to write in. Starting them twice keeps the first."""
    async with writing():
        await lock_row(Meeting, access.meeting["id"])  # two clicks at once create one draft
        access = await access.confirm(run=True)
        if access.minutes_status is not None:
            return
        if not access.can_start_minutes:
            raise Closed(policy.NOT_STARTABLE)
        await draft_from_meeting(access)


NOT_EDITABLE = N_("Approved minutes cannot be edited.")


MAX_BODY = 100_000


async def save(access: MeetingAccess, body: str, version: str) -> dict[str, str]:
    """Saves a correction exactly as typed; field messages, or {}. Approved and locked minutes
    cannot be edited."""
    if len(body) > MAX_BODY:
        return {"body": too_long(MAX_BODY)}
    async with writing():
        access = await access.confirm(run=True)
        minutes = await get_minutes(access.meeting["id"])
        if minutes is None or not policy.minutes_editable(minutes["status"]):
            raise Closed(NOT_EDITABLE)
        if str(minutes["version"]) != version:
            raise Stale()
        if body == minutes["body"]:
            return {}
        now = clock.now()
        updated = await Minutes.update({
            Minutes.body: body, Minutes.version: minutes["version"] + 1, Minutes.updated_at: now,
        }).where((Minutes.id == minutes["id"]) & (Minutes.version == minutes["version"])).returning(Minutes.id)
        if not updated:
            raise Stale()
        await MinutesRevision.insert(MinutesRevision(minutes=minutes["id"], body=body, status=minutes["status"],
                                                     edited_by=access.viewer.id, edited_at=now))
    return {}


async def approval_meetings(access: MeetingAccess) -> list[dict]:
    """Later meetings of the team at which minutes can be approved."""
    return await Meeting.select(Meeting.id, Meeting.title, Meeting.starts_at).where(
        (Meeting.team == access.team["id"]) & (Meeting.starts_at > access.meeting["starts_at"])
        & (Meeting.status == "scheduled") & (Meeting.starts_at <= access.viewer.at)
    ).order_by(Meeting.starts_at, ascending=False).limit(12)


async def move(access: MeetingAccess, status: str, version: str,
               approving_meeting_id: int | None = None) -> str | None:
    """Moves the minutes along draft → circulated → approved → locked. Returns a problem, or None."""
    async with writing():
        access = await access.confirm(run=True)
        minutes = await get_minutes(access.meeting["id"])
        if minutes is None:
            return N_("There are no minutes yet.")
        if str(minutes["version"]) != version:
            raise Stale()
        if not policy.can_move_minutes(minutes["status"], status):
            return N_("The minutes cannot move to that state from here.")
        values = {Minutes.status: status, Minutes.version: minutes["version"] + 1, Minutes.updated_at: clock.now()}
        if status == "approved":
            allowed = {m["id"] for m in await approval_meetings(access)}
            if approving_meeting_id not in allowed:
                return N_("Choose the later meeting at which the minutes were approved.")
            values.update({Minutes.approved_at_meeting: approving_meeting_id, Minutes.approved_at: clock.now()})
        moved = await Minutes.update(values).where(
            (Minutes.id == minutes["id"]) & (Minutes.version == minutes["version"])
        ).returning(Minutes.id)
        if not moved:  # someone saved or moved them between our read and this write
            raise Stale()
        await MinutesRevision.insert(MinutesRevision(minutes=minutes["id"], body=minutes["body"], status=status,
                                                     edited_by=access.viewer.id, edited_at=clock.now()))
    return None
