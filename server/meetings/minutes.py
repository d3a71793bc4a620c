"""Minutes: the record taken when the meeting ends (see record.py), corrected, circulated for
members' comments, approved at a later meeting, locked. Every saved state is kept whole, with
who and when, so any two can be compared; a correction that meets a newer one is not lost."""

from __future__ import annotations

from server import clock
from server.db import lock_row, writing
from server.errors import Closed, Invalid, NotFound, Stale
from server.i18n import N_
from server.meetings import agenda, live, policy, record
from server.meetings.access import MeetingAccess
from server.meetings.tables import (
    AgendaItem,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesRevision,
)

NOT_EDITABLE = N_("Approved minutes cannot be edited.")


class MinutesStale(Stale):
    """Someone saved the minutes after the form was loaded, and what they changed cannot be put
    together with the form's corrections: carries the current minutes and, for a correction,
    the form's values laid over theirs and the fields both changed."""

    def __init__(self, current: dict, values: dict[str, str] | None = None, conflicts: list[str] | None = None):
        super().__init__()
        self.current, self.values, self.conflicts = current, values, conflicts or []


async def get_minutes(meeting_id: int) -> dict | None:
    return await Minutes.select().where(Minutes.meeting == meeting_id).first()


async def revisions(minutes_id: int) -> list[dict]:
    """Every saved state, newest first, without their records."""
    return await MinutesRevision.select(
        MinutesRevision.id, MinutesRevision.version, MinutesRevision.status, MinutesRevision.edited_at,
        MinutesRevision.edited_by.name,
    ).where(MinutesRevision.minutes == minutes_id).order_by(MinutesRevision.version, ascending=False)


async def revision(minutes_id: int, version: int) -> dict | None:
    row = await MinutesRevision.select(
        MinutesRevision.version, MinutesRevision.record, MinutesRevision.status, MinutesRevision.edited_at,
        MinutesRevision.edited_by.name,
    ).where((MinutesRevision.minutes == minutes_id) & (MinutesRevision.version == version)).first()
    if row is not None:
        row["record"] = record.loads(row["record"])
    return row


# The first draft.


async def build_record(access: MeetingAccess) -> dict:
    """What the meeting recorded, as the minutes keep it: who sat on the team that day and came
    (by agency; members not there are absent), guests, the quorum at the start and when it was
    first met, each item's outcome, notes, decisions with their votes and action items.
    Case-review items keep only that they were held (CONSENT.md)."""
    meeting, team = access.meeting, access.team
    room = await live.attendance(access)
    agenda_view = await agenda.agenda(access)
    items, created = agenda_view.items, agenda_view.actions
    records, voting = room.records, room.voting
    taken = bool(records)
    attendance, guests = [], []
    for seat in room.people:
        row = seat["attendance"]
        status = row["status"] if row else ("absent" if taken else "")
        entry = {
            "person": seat["id"], "name": seat["name"], "agency_name": seat["agency_name"],
            "sector": seat["agency_sector"], "role": seat["role"], "voting": seat["voting"],
            "status": status, "standing_in_for": row["standing_in_for.name"] if row else None,
            "arrived_at": record.instant(row["arrived_at"]) if row else None,
            "departed_at": record.instant(row["departed_at"]) if row else None,
        }
        if seat["role"] == "guest":
            if status in policy.ATTENDING:
                guests.append(entry)
        elif seat["alternate_for"] is None or status in policy.ATTENDING:
            attendance.append(entry)
    started = meeting["live_started_at"]
    rule = (team["quorum_kind"], team["quorum_value"])
    at_start = policy.quorum(*rule, voting, policy.attending_at(records, started)) if started and taken else None
    reached = policy.quorum_reached(*rule, voting, records, started) \
        if at_start is not None and not at_start.met else None
    by_item: dict[int | None, list[dict]] = {}
    for action in created:
        by_item.setdefault(action["source_item"], []).append({
            "id": action["id"], "title": action["title"], "owner": action["owner.name"],
            "agency": action["owner_agency.name"], "due_on": action["due_on"].isoformat() if action["due_on"] else None,
        })
    item_ids = {item["id"] for item in items}
    return {
        "v": record.SCHEMA, "title": meeting["title"], "time_zone": team["time_zone"],
        "starts_at": record.instant(meeting["starts_at"]), "ends_at": record.instant(meeting["ends_at"]),
        "started_at": record.instant(started), "ended_at": record.instant(meeting["live_ended_at"]),
        "location": meeting["location"], "summary": "", "attendance_taken": taken,
        "attendance": attendance, "guests": guests,
        "quorum": {
            "kind": rule[0], "value": rule[1],
            "at_start": _counted(at_start),
            "reached": None if reached is None else {"at": record.instant(reached[0]), **_counted(reached[1])},
        },
        "items": [_item(item, by_item.get(item["id"], [])) for item in items],
        "actions": [a for source, actions in by_item.items() if source not in item_ids for a in actions],
    }


def _counted(quorum: policy.Quorum | None) -> dict | None:
    return None if quorum is None else {"needed": quorum.needed, "present": quorum.present, "voting": quorum.voting}


def _item(item: dict, actions: list[dict]) -> dict:
    case = item["kind"] == "case_review"
    return {
        "id": item["id"], "number": item["number"], "kind": item["kind"], "title": "" if case else item["title"],
        "presenter": item["presenter.name"], "planned_minutes": item["planned_minutes"],
        "outcome": item["outcome"], "started_at": record.instant(item["started_at"]),
        "text": "" if case else item["notes"].strip(),
        "decisions": [] if case else [{
            "id": d["id"], "text": d["text"],
            "motion": None if d["motion"] is None else {
                key: d["motion"][key] for key in ("mover", "seconder", "recusals", *agenda.MOTION_FIELDS)},
        } for d in item["decisions"]],
        "actions": [] if case else actions,
    }


async def draft_from_meeting(access: MeetingAccess) -> None:
    """Creates the draft (inside the caller's transaction); keeps an existing one."""
    if await Minutes.exists().where(Minutes.meeting == access.meeting["id"]):
        return
    text = record.dumps(await build_record(access))
    now = clock.now()
    rows = await Minutes.insert(Minutes(meeting=access.meeting["id"], status="draft", record=text, version=1,
                                        updated_at=now)).returning(Minutes.id)
    await MinutesRevision.insert(MinutesRevision(minutes=rows[0]["id"], record=text, status="draft", version=1,
                                                 edited_by=None, edited_at=now))


async def start_minutes(access: MeetingAccess) -> None:
    """The chair starts the minutes of a meeting not run live in Convene: a draft from what the
    meeting has, to write in. Starting them twice keeps the first."""
    async with writing():
        await lock_row(Meeting, access.meeting["id"])  # two clicks at once create one draft
        access = await access.confirm(run=True)
        if access.minutes_status is not None:
            return
        if not access.can_start_minutes:
            raise Closed(policy.NOT_STARTABLE)
        await draft_from_meeting(access)


# Corrections and the minutes' way to approval.


async def _keep(minutes: dict, text: str, status: str, viewer_id: int, values: dict | None = None) -> None:
    """Inside writing(): the next version of the minutes, kept whole as a revision; Stale if
    someone saved one first."""
    now = clock.now()
    version = minutes["version"] + 1
    moved = await Minutes.update({
        Minutes.record: text, Minutes.status: status, Minutes.version: version, Minutes.updated_at: now,
        **(values or {}),
    }).where((Minutes.id == minutes["id"]) & (Minutes.version == minutes["version"])).returning(Minutes.id)
    if not moved:
        raise MinutesStale(await get_minutes(minutes["meeting"]))
    await MinutesRevision.insert(MinutesRevision(minutes=minutes["id"], record=text, status=status, version=version,
                                                 edited_by=viewer_id, edited_at=now))


async def save(access: MeetingAccess, form: dict[str, str]) -> dict[str, str]:
    """Saves corrections exactly as typed: field messages, or {}. Approved and locked minutes
    cannot be edited. A form loaded before someone else saved is laid over their version
    (record.merged): what only one of them changed is kept; MinutesStale when both changed the
    same thing. Outcomes corrected here are the agenda's too (what the next meeting is offered
    to carry over)."""
    async with writing():
        access = await access.confirm(run=True)
        await lock_row(Meeting, access.meeting["id"])
        minutes = await get_minutes(access.meeting["id"])
        if minutes is None or not policy.minutes_editable(minutes["status"]):
            raise Closed(NOT_EDITABLE)
        before = record.loads(minutes["record"])
        if str(minutes["version"]) != form.get("version", ""):
            loaded = await revision(minutes["id"], record.parse_version(form.get("version")) or 0)
            if loaded is None:
                raise MinutesStale(minutes)
            form, conflicts = record.merged(loaded["record"], before, form)
            if conflicts:
                raise MinutesStale(minutes, form, conflicts)
        after, problems = record.edited(before, form)
        if after is None:
            return problems
        if after == before:
            return {}
        outcomes_before = record.outcomes(before)
        for item_id, outcome in record.outcomes(after).items():
            if outcomes_before.get(item_id) != outcome:
                await AgendaItem.update({AgendaItem.outcome: outcome}).where(
                    (AgendaItem.id == item_id) & (AgendaItem.meeting == access.meeting["id"]))
        await _keep(minutes, record.dumps(after), minutes["status"], access.viewer.id)
        await live.bump_version(access.meeting["id"])
    return {}


async def approval_meetings(access: MeetingAccess) -> list[dict]:
    """Later meetings of the team, already begun, at which minutes can be approved."""
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
            raise MinutesStale(minutes)
        if not policy.can_move_minutes(minutes["status"], status):
            return N_("The minutes cannot move to that state from here.")
        values = {}
        if status == "approved":
            if approving_meeting_id not in {m["id"] for m in await approval_meetings(access)}:
                return N_("Choose the later meeting at which the minutes were approved.")
            values = {Minutes.approved_at_meeting: approving_meeting_id, Minutes.approved_at: clock.now()}
        await _keep(minutes, minutes["record"], status, access.viewer.id, values)
    return None


# Members' comments on circulated minutes.


async def comments(minutes_id: int) -> list[dict]:
    return await MinutesComment.select(
        MinutesComment.id, MinutesComment.body, MinutesComment.on_version, MinutesComment.created_at,
        MinutesComment.author.name, MinutesComment.addressed_at, MinutesComment.addressed_by.name,
    ).where(MinutesComment.minutes == minutes_id).order_by(MinutesComment.id)


async def add_comment(access: MeetingAccess, form: dict[str, str]) -> dict[str, str]:
    """A member's comment on the minutes while they are circulated: field messages, or {}."""
    body, problems = policy.validate_comment(form)
    if body is None:
        return problems
    async with writing():
        access = await access.confirm()
        minutes = await get_minutes(access.meeting["id"])
        if minutes is None or not access.can_see_minutes(minutes["status"]):
            raise NotFound()
        if not policy.can_comment_on_minutes(access.viewer, access.standing, minutes["status"]):
            raise Closed(N_("Comments are taken while the minutes are circulated for corrections."))
        await MinutesComment.insert(MinutesComment(minutes=minutes["id"], author=access.viewer.id, body=body,
                                                   on_version=minutes["version"], created_at=clock.now()))
    return {}


async def mark_addressed(access: MeetingAccess, comment_id: int) -> None:
    """The chair has taken a comment into account (or decided not to): it is marked, not removed."""
    async with writing():
        access = await access.confirm(run=True)
        minutes = await get_minutes(access.meeting["id"])
        if minutes is None:
            raise NotFound()
        marked = await MinutesComment.update({
            MinutesComment.addressed_at: clock.now(), MinutesComment.addressed_by: access.viewer.id,
        }).where((MinutesComment.id == comment_id) & (MinutesComment.minutes == minutes["id"])
                 & MinutesComment.addressed_at.is_null()).returning(MinutesComment.id)
        if not marked and not await MinutesComment.exists().where(
                (MinutesComment.id == comment_id) & (MinutesComment.minutes == minutes["id"])):
            raise NotFound()


async def two_revisions(minutes_id: int, older: int | None, newer: int | None) -> tuple[dict, dict]:
    """Two saved states to compare (Invalid unless both exist)."""
    first = await revision(minutes_id, older) if older else None
    second = await revision(minutes_id, newer) if newer else None
    if first is None or second is None:
        raise Invalid(N_("Choose two revisions to compare."))
    return first, second
