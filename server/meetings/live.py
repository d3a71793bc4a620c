"""Running a meeting live: the current item and its clock, notes, decisions, attendance.

Every change raises the meeting's live_version in the same transaction; every browser
watching the meeting polls that one number (an indexed lookup) and fetches the fresh
fragment only when it moved. Nothing lives in one worker's memory.
"""

from __future__ import annotations

from server import clock
from server.accounts.policy import Viewer
from server.db import lock_row, reading, writing
from server.meetings import policy
from server.meetings.service import MeetingAccess, bump_live_version, roster_people
from server.meetings.tables import AgendaItem, Attendance, Decision, Meeting
from server.teams.policy import MEMBER_ROLES


class NotLive(Exception):
    """The meeting is not running, so live actions do not apply."""


async def live_version(meeting_id: int) -> int | None:
    row = await Meeting.select(Meeting.live_version).where(Meeting.id == meeting_id).first()
    return row["live_version"] if row else None


async def _running(meeting_id: int) -> dict:
    """Inside writing(): locks the meeting and returns its live state; NotLive unless running."""
    await lock_row(Meeting, meeting_id)
    meeting = await Meeting.select(Meeting.live_status, Meeting.current_item_id).where(
        Meeting.id == meeting_id
    ).first()
    if meeting["live_status"] != "live":
        raise NotLive()
    return meeting


async def start(access: MeetingAccess) -> None:
    """Starts the meeting and its first item."""
    meeting_id = access.meeting["id"]
    async with writing():
        await lock_row(Meeting, meeting_id)
        meeting = await Meeting.select(Meeting.live_status).where(Meeting.id == meeting_id).first()
        if meeting["live_status"] != "not_started":
            return
        now = clock.now()
        first = await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meeting_id).order_by(
            AgendaItem.position
        ).first()
        await Meeting.update({
            Meeting.live_status: "live", Meeting.live_started_at: now,
            Meeting.current_item_id: first["id"] if first else None,
        }).where(Meeting.id == meeting_id)
        if first:
            await AgendaItem.update({AgendaItem.status: "current", AgendaItem.started_at: now}).where(
                AgendaItem.id == first["id"]
            )
        await bump_live_version(meeting_id)


async def go_to(access: MeetingAccess, direction: str | None = None, item_id: int | None = None) -> None:
    """Closes the current item (recording its actual end) and opens the next, previous or a chosen one."""
    meeting_id = access.meeting["id"]
    async with writing():
        meeting = await _running(meeting_id)
        rows = await AgendaItem.select(AgendaItem.id, AgendaItem.status).where(
            AgendaItem.meeting == meeting_id
        ).order_by(AgendaItem.position)
        order = [row["id"] for row in rows]
        current = meeting["current_item_id"]
        if item_id is not None:
            target = item_id if item_id in order else None
        elif current in order:
            index = order.index(current) + (1 if direction == "next" else -1)
            target = order[index] if 0 <= index < len(order) else None
        else:
            target = order[0] if order else None
        if target is None or target == current:
            return
        now = clock.now()
        if current in order:
            await AgendaItem.update({AgendaItem.status: "done", AgendaItem.ended_at: now}).where(
                AgendaItem.id == current
            )
        await AgendaItem.update({
            AgendaItem.status: "current", AgendaItem.started_at: now, AgendaItem.ended_at: None,
        }).where((AgendaItem.id == target) & AgendaItem.started_at.is_null())
        await AgendaItem.update({AgendaItem.status: "current", AgendaItem.ended_at: None}).where(
            AgendaItem.id == target
        )
        await Meeting.update({Meeting.current_item_id: target}).where(Meeting.id == meeting_id)
        await bump_live_version(meeting_id)


async def end(access: MeetingAccess) -> None:
    """Ends the meeting; the current item is closed, unfinished ones stay pending (carry-over)."""
    from server.meetings import minutes

    meeting_id = access.meeting["id"]
    async with writing():
        meeting = await _running(meeting_id)
        now = clock.now()
        if meeting["current_item_id"]:
            await AgendaItem.update({AgendaItem.status: "done", AgendaItem.ended_at: now}).where(
                AgendaItem.id == meeting["current_item_id"]
            )
        await Meeting.update({
            Meeting.live_status: "ended", Meeting.live_ended_at: now, Meeting.current_item_id: None,
        }).where(Meeting.id == meeting_id)
        await bump_live_version(meeting_id)
        await minutes.draft_from_meeting(access)


async def save_notes(access: MeetingAccess, item_id: int, notes: str) -> bool:
    """Notes are taken while the meeting runs, never on a case review (CONSENT.md)."""
    async with writing():
        await _running(access.meeting["id"])
        updated = await AgendaItem.update({AgendaItem.notes: notes[:20000]}).where(
            (AgendaItem.id == item_id) & (AgendaItem.meeting == access.meeting["id"])
            & (AgendaItem.kind != "case_review")
        ).returning(AgendaItem.id)
        if updated:
            await bump_live_version(access.meeting["id"])
    return bool(updated)


async def add_decision(access: MeetingAccess, item_id: int, text: str, by: Viewer) -> bool:
    async with writing():
        await _running(access.meeting["id"])
        if not await AgendaItem.exists().where(
            (AgendaItem.id == item_id) & (AgendaItem.meeting == access.meeting["id"])
            & (AgendaItem.kind != "case_review")
        ):
            return False
        await Decision.insert(Decision(agenda_item=item_id, text=text, recorded_by=by.id, recorded_at=clock.now()))
        await bump_live_version(access.meeting["id"])
    return True


# Attendance and quorum.


async def attendance(access: MeetingAccess) -> dict:
    """Every current roster member with their check-in, plus quorum."""
    team = access.team
    async with reading():
        people = await roster_people(team, access.day)  # the roster of the meeting's day
        records = await Attendance.select(
            Attendance.person, Attendance.status, Attendance.standing_in_for, Attendance.arrived_at,
            Attendance.departed_at, Attendance.standing_in_for.name,
        ).where(Attendance.meeting == access.meeting["id"])
    by_person = {row["person"]: row for row in records}
    voting = {p["id"] for p in people if p["role"] in MEMBER_ROLES and p["alternate_for"] is None}
    attending = {
        person: row["standing_in_for"] for person, row in by_person.items()
        if row["status"] in policy.ATTENDING and row["departed_at"] is None
    }
    rows = []
    for person in people:
        record = by_person.get(person["id"])
        rows.append({**person, "attendance": record, "voting": person["id"] in voting})
    return {
        "people": rows,
        "quorum": policy.quorum(team["quorum_kind"], team["quorum_value"], voting, attending),
    }


async def check_in(access: MeetingAccess, person_id: int, status: str, standing_in_for: int | None,
                   departed: bool, by: Viewer) -> bool:
    """Records one person's attendance; arrival and departure times are kept by the server."""
    if status not in policy.ATTENDANCE:
        return False
    people = {p["id"] for p in await roster_people(access.team, access.day)}
    if person_id not in people or (standing_in_for is not None and standing_in_for not in people):
        return False
    now = clock.now()
    async with writing():
        await lock_row(Meeting, access.meeting["id"])
        state = await Meeting.select(Meeting.live_status).where(Meeting.id == access.meeting["id"]).first()
        if state["live_status"] == "ended":  # people check in before the start, not after the end
            raise NotLive()
        existing = await Attendance.select().where(
            (Attendance.meeting == access.meeting["id"]) & (Attendance.person == person_id)
        ).first()
        attending = status in policy.ATTENDING
        values = {
            "status": status, "standing_in_for": standing_in_for, "recorded_by": by.id, "updated_at": now,
            "arrived_at": (existing["arrived_at"] if existing and existing["arrived_at"] else now) if attending else None,
            "departed_at": now if (attending and departed) else None,
        }
        if existing:
            await Attendance.update({getattr(Attendance, k): v for k, v in values.items()}).where(
                Attendance.id == existing["id"]
            )
        else:
            await Attendance.insert(Attendance(meeting=access.meeting["id"], person=person_id, **values))
        await bump_live_version(access.meeting["id"])
    return True
