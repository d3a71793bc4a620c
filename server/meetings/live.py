"""Running a meeting live: the current item and its clock, notes, decisions, attendance.

Every change raises the meeting's live_version in the same transaction (bump_version, the one
place that does); every browser watching the meeting polls that one number and fetches the
fresh fragment only when it moved. Nothing lives in one worker's memory. Live changes never
touch the meeting's calendar identity or `updated_at` (calendar feeds must not change on
every "next item").
"""

from __future__ import annotations

from server import clock
from server.db import lock_row, reading, writing
from server.errors import Closed, Invalid, NotFound
from server.i18n import N_
from server.meetings import policy
from server.meetings.access import MeetingAccess
from server.meetings.tables import AgendaItem, Attendance, Decision, Meeting
from server.teams import membership
from server.teams.policy import MEMBER_ROLES

NOT_RUNNING = N_("The meeting is not running.")
ATTENDANCE_CLOSED = N_("The meeting has ended; attendance is closed.")


async def bump_version(meeting_id: int, *, only_while_live: bool = False) -> None:
    """Inside the caller's write: tells every page watching the meeting that it changed."""
    condition = Meeting.id == meeting_id
    if only_while_live:
        condition &= Meeting.live_status == "live"
    await Meeting.update({Meeting.live_version: Meeting.live_version + 1}).where(condition)


async def _locked(access: MeetingAccess) -> MeetingAccess:
    """Inside writing(): the meeting locked and read again with the viewer's standing; Forbidden
    if they no longer run it."""
    await lock_row(Meeting, access.meeting["id"])
    return await access.confirm(run=True)


async def _running(access: MeetingAccess) -> dict:
    """Inside writing(): the meeting, locked and read again; Closed unless it runs."""
    meeting = (await _locked(access)).meeting
    if meeting["live_status"] != "live":
        raise Closed(NOT_RUNNING)
    return meeting


async def start(access: MeetingAccess) -> None:
    """Starts the meeting and its first item (a second start does nothing)."""
    meeting_id = access.meeting["id"]
    async with writing():
        if (await _locked(access)).meeting["live_status"] != "not_started":
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
        await bump_version(meeting_id)


async def go_to(access: MeetingAccess, direction: str | None = None, item_id: int | None = None) -> None:
    """Closes the current item (recording its actual end) and opens the next, previous or a chosen one."""
    meeting_id = access.meeting["id"]
    async with writing():
        meeting = await _running(access)
        rows = await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meeting_id).order_by(
            AgendaItem.position
        )
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
        await bump_version(meeting_id)


async def end(access: MeetingAccess) -> None:
    """Ends the meeting; the current item is closed, unfinished ones stay pending (carry-over),
    and the minutes are drafted from what was recorded."""
    from server.meetings import minutes

    meeting_id = access.meeting["id"]
    async with writing():
        meeting = await _running(access)
        now = clock.now()
        if meeting["current_item_id"]:
            await AgendaItem.update({AgendaItem.status: "done", AgendaItem.ended_at: now}).where(
                AgendaItem.id == meeting["current_item_id"]
            )
        await Meeting.update({
            Meeting.live_status: "ended", Meeting.live_ended_at: now, Meeting.current_item_id: None,
        }).where(Meeting.id == meeting_id)
        await bump_version(meeting_id)
        await minutes.draft_from_meeting(access)


def _notes_allowed(access: MeetingAccess, item_id: int):
    """Notes and decisions belong to an item of this meeting that is not a case review (CONSENT.md)."""
    return (AgendaItem.id == item_id) & (AgendaItem.meeting == access.meeting["id"]) & (AgendaItem.kind != "case_review")


async def save_notes(access: MeetingAccess, item_id: int, form: dict[str, str]) -> dict[str, str]:
    """Notes are taken while the meeting runs, never on a case review. Field messages, or {}."""
    notes, problems = policy.validate_notes(form)
    if notes is None:
        return problems
    async with writing():
        await _running(access)
        updated = await AgendaItem.update({AgendaItem.notes: notes}).where(
            _notes_allowed(access, item_id)
        ).returning(AgendaItem.id)
        if not updated:
            raise NotFound()
        await bump_version(access.meeting["id"])
    return {}


async def add_decision(access: MeetingAccess, item_id: int, form: dict[str, str]) -> dict[str, str]:
    """Field messages, or {} when the decision is recorded."""
    text, problems = policy.validate_decision(form)
    if text is None:
        return problems
    async with writing():
        await _running(access)
        if not await AgendaItem.exists().where(_notes_allowed(access, item_id)):
            raise NotFound()
        await Decision.insert(Decision(agenda_item=item_id, text=text, recorded_by=access.viewer.id,
                                       recorded_at=clock.now()))
        await bump_version(access.meeting["id"])
    return {}


# Attendance and quorum.


async def attendance(access: MeetingAccess) -> dict:
    """Every member on the roster of the meeting's day with their check-in, plus quorum."""
    team = access.team
    async with reading():
        people = await membership.seated(team, access.day)
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
    rows = [{**person, "attendance": by_person.get(person["id"]), "voting": person["id"] in voting}
            for person in people]
    return {
        "people": rows,
        "quorum": policy.quorum(team["quorum_kind"], team["quorum_value"], voting, attending),
    }


async def check_in(access: MeetingAccess, form: dict[str, str]) -> None:
    """Records one person's attendance; arrival and departure times are kept by the server.
    Invalid unless the person (and whom they stand in for) is on the roster of the meeting's day."""
    entry = policy.parse_check_in(form)
    if entry is None:
        raise Invalid(N_("Choose a roster member and an attendance status."))
    now = clock.now()
    async with writing():
        access = await _locked(access)
        if access.meeting["live_status"] == "ended":  # people check in before the start, not after the end
            raise Closed(ATTENDANCE_CLOSED)
        people = {p["id"] for p in await membership.seated(access.team, access.day)}
        if entry.person_id not in people or (entry.standing_in_for is not None and entry.standing_in_for not in people):
            raise Invalid(N_("Choose a roster member and an attendance status."))
        existing = await Attendance.select().where(
            (Attendance.meeting == access.meeting["id"]) & (Attendance.person == entry.person_id)
        ).first()
        attending = entry.status in policy.ATTENDING
        values = {
            "status": entry.status, "standing_in_for": entry.standing_in_for, "recorded_by": access.viewer.id,
            "updated_at": now,
            "arrived_at": (existing["arrived_at"] if existing and existing["arrived_at"] else now) if attending else None,
            "departed_at": now if (attending and entry.departed) else None,
        }
        if existing:
            await Attendance.update({getattr(Attendance, k): v for k, v in values.items()}).where(
                Attendance.id == existing["id"]
            )
        else:
            await Attendance.insert(Attendance(meeting=access.meeting["id"], person=entry.person_id, **values))
        await bump_version(access.meeting["id"])
