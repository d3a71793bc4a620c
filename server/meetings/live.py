"""Running a meeting live: starting it (and taking a mistaken start back), moving through the
agenda, each item's outcome, notes, decisions and votes, attendance, ending it.

Every change raises the meeting's live_version in the same transaction (bump_version, the one
place that does); every browser watching the meeting polls that one number and fetches the
fresh fragment only when it moved. Nothing lives in one worker's memory. Live changes never
touch the meeting's calendar identity or `updated_at` (calendar feeds must not change on
every "next item").

Notes typed in the live view travel with every move (next, previous, jump, end), so nothing
typed is lost by moving on; a save that meets notes someone else saved meanwhile keeps both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from server import clock
from server.db import lock_row, reading, writing
from server.errors import Closed, Invalid, NotFound
from server.forms import parse_id, too_long
from server.i18n import N_
from server.meetings import policy
from server.meetings.access import MeetingAccess
from server.meetings.tables import AgendaItem, Attendance, Decision, Meeting, Motion, Recusal
from server.teams import membership
from server.teams.policy import MEMBER_ROLES

NOT_RUNNING = N_("The meeting is not running.")
ATTENDANCE_CLOSED = N_("The meeting has ended; attendance is closed.")
NOT_UNDOABLE = N_("Something has been recorded in this meeting, so its start cannot be taken back.")


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


async def _running(access: MeetingAccess) -> MeetingAccess:
    """Inside writing(): the meeting, locked and read again; Closed unless it runs."""
    access = await _locked(access)
    if access.meeting["live_status"] != "live":
        raise Closed(NOT_RUNNING)
    return access


async def running(access: MeetingAccess) -> MeetingAccess:
    """Inside writing(), for live use cases kept elsewhere (the case side of a meeting): the
    meeting locked and read again with the viewer's standing; Closed unless it runs."""
    return await _running(access)


async def _order(meeting_id: int) -> list[dict]:
    return await AgendaItem.select(AgendaItem.id, AgendaItem.kind, AgendaItem.started_at, AgendaItem.outcome).where(
        AgendaItem.meeting == meeting_id).order_by(AgendaItem.position)


async def _close_case_review(meeting_id: int, item: dict | None, now: datetime) -> None:
    """Inside writing(): a case-review item that ends brings back everyone who stepped out for it."""
    if item is not None and item["kind"] == "case_review":
        from server.cases import meeting_cases

        await meeting_cases.return_all(meeting_id, item["id"], now)


# Starting, and taking a mistaken start back.


async def start(access: MeetingAccess, *, confirmed: bool = False, publish: bool = False) -> list[str]:
    """Starts the meeting and its first item, unless there is something to ask first (see
    policy.start_questions): then nothing is written and the questions come back. A second
    start does nothing. `publish` publishes a draft agenda as the meeting starts."""
    meeting_id = access.meeting["id"]
    async with writing():
        access = await _locked(access)
        if access.meeting["live_status"] != "not_started":
            return []
        if access.meeting["status"] == "cancelled":
            raise Closed(N_("This meeting is cancelled."))
        questions = policy.start_questions(access.day, access.today, access.published)
        if questions and not confirmed:
            return questions
        now = clock.now()
        order = await _order(meeting_id)
        first = order[0]["id"] if order else None
        values = {Meeting.live_status: "live", Meeting.live_started_at: now, Meeting.current_item_id: first,
                  Meeting.current_since: now if first else None}
        if publish and not access.published:
            values.update({Meeting.agenda_published_at: now, Meeting.version: Meeting.version + 1})
        await Meeting.update(values).where(Meeting.id == meeting_id)
        if first:
            await AgendaItem.update({AgendaItem.status: "current", AgendaItem.started_at: now}).where(
                AgendaItem.id == first)
        await bump_version(meeting_id)
    return []


async def undo_start(access: MeetingAccess) -> None:
    """Takes a mistaken start back while nothing has been recorded (policy.start_undoable): the
    meeting and its items return to their plan; attendance taken stays."""
    from server.meetings import agenda

    meeting_id = access.meeting["id"]
    async with writing():
        access = await _running(access)
        recorded = await agenda.agenda(access)
        if not policy.start_undoable(recorded.items, recorded.actions):
            raise Closed(NOT_UNDOABLE)
        await AgendaItem.update({
            AgendaItem.status: "pending", AgendaItem.started_at: None, AgendaItem.ended_at: None,
        }).where(AgendaItem.meeting == meeting_id)
        await Meeting.update({
            Meeting.live_status: "not_started", Meeting.live_started_at: None, Meeting.current_item_id: None,
            Meeting.current_since: None,
        }).where(Meeting.id == meeting_id)
        current = next((item for item in recorded.items if item["id"] == access.meeting["current_item_id"]), None)
        await _close_case_review(meeting_id, current, clock.now())
        await bump_version(meeting_id)


# Notes.


@dataclass(frozen=True)
class NotesSaved:
    """The notes after a save: `base` is what the next save is made against; `theirs` the notes
    someone else saved meanwhile when yours were not saved over them (`base` is then still the
    one yours were typed against: saving again conflicts again, until you replace theirs)."""

    base: str
    theirs: str | None = None


class NotesConflict(Closed):
    """A live action that carried notes found someone else's newer notes on the item: nothing
    happened, and both texts go back to the chair."""

    def __init__(self, item_id: int, theirs: str, base: str):
        super().__init__(N_("Someone else saved notes on this item meanwhile. Both texts are shown: keep what you want, then save."))
        self.item_id, self.theirs, self.base = item_id, theirs, base


@dataclass(frozen=True)
class TypedNotes:
    """Notes a live form carries: the item, the text, the hash of the notes it was typed
    against (None: the client does not say), and the hash of notes it means to replace."""

    item_id: int
    text: str
    base: str | None
    replacing: str | None = None


def typed_notes(form: dict[str, str], item_id: int | None = None) -> TypedNotes | None:
    """The notes a form carries, for `item_id` or else the item it names (`notes_item`)."""
    item_id = item_id or parse_id(form.get("notes_item"))
    if item_id is None or "notes" not in form:
        return None
    return TypedNotes(item_id, str(form.get("notes", "")).replace("\r\n", "\n"), form.get("notes_base"),
                      form.get("replace") or None)


async def _write_notes(access: MeetingAccess, typed: TypedNotes) -> NotesSaved:
    """Inside writing(), the meeting running: saves the typed notes, unless someone else's
    notes came between what they were typed against and now and the chair has not said to
    replace those (then nothing is written, and theirs come back)."""
    if len(typed.text) > policy.MAX_NOTES:
        raise Invalid(too_long(policy.MAX_NOTES))
    item = await AgendaItem.select(AgendaItem.notes).where(_notes_allowed(access, typed.item_id)).first()
    if item is None:
        raise NotFound()
    stored = item["notes"]
    if stored == typed.text:
        return NotesSaved(policy.notes_hash(stored))
    if policy.notes_overwrite_theirs(stored, typed.base, typed.replacing):
        return NotesSaved(typed.base or "", theirs=stored)
    await AgendaItem.update({AgendaItem.notes: typed.text}).where(AgendaItem.id == typed.item_id)
    await bump_version(access.meeting["id"])
    return NotesSaved(policy.notes_hash(typed.text))


async def save_notes(access: MeetingAccess, item_id: int, form: dict[str, str]) -> tuple[NotesSaved | None, dict]:
    """Notes are taken while the meeting runs, never on a case review: what was saved, or field messages."""
    notes, problems = policy.validate_notes(form)
    if notes is None:
        return None, problems
    async with writing():
        saved = await _write_notes(await _running(access), typed_notes({**form, "notes": notes}, item_id))
    return saved, {}


async def _carry_notes(access: MeetingAccess, form: dict[str, str]) -> None:
    """Inside writing(): the notes a live action carries are saved first; NotesConflict stops it."""
    typed = typed_notes(form)
    if typed is None:
        return
    saved = await _write_notes(access, typed)
    if saved.theirs is not None:
        raise NotesConflict(typed.item_id, saved.theirs, saved.base)


async def keep_notes(access: MeetingAccess, form: dict[str, str]) -> None:
    """Saves the notes a form carries (before asking whether to end the meeting, say)."""
    async with writing():
        await _carry_notes(await _running(access), form)


def _notes_allowed(access: MeetingAccess, item_id: int):
    """Notes and decisions belong to an item of this meeting that is not a case review (CONSENT.md)."""
    return (AgendaItem.id == item_id) & (AgendaItem.meeting == access.meeting["id"]) & (AgendaItem.kind != "case_review")


# Moving through the agenda.


async def go_to(access: MeetingAccess, form: dict[str, str], direction: str | None = None,
                item_id: int | None = None) -> None:
    """Saves the notes the move carries, closes the current item (recording its actual end) and
    opens the next, the previous or a chosen one. "Next" and "previous" are from the item the
    chair's page showed (`at_item`): if someone else has moved the meeting on meanwhile, nothing
    moves and the page catches up (two clicks never skip an item)."""
    meeting_id = access.meeting["id"]
    async with writing():
        access = await _running(access)
        await _carry_notes(access, form)
        rows = await _order(meeting_id)
        order = [row["id"] for row in rows]
        current = access.meeting["current_item_id"]
        seen = parse_id(form.get("at_item"))
        if direction is not None and seen is not None and seen != current:
            return
        if item_id is not None:
            if item_id not in order:
                raise NotFound()
            target = item_id
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
                AgendaItem.id == current)
            await _close_case_review(meeting_id, rows[order.index(current)], now)
        await AgendaItem.update({AgendaItem.started_at: now}).where(
            (AgendaItem.id == target) & AgendaItem.started_at.is_null())
        await AgendaItem.update({AgendaItem.status: "current", AgendaItem.ended_at: None}).where(
            AgendaItem.id == target)
        await Meeting.update({Meeting.current_item_id: target, Meeting.current_since: now}).where(
            Meeting.id == meeting_id)
        await bump_version(meeting_id)


async def set_outcome(access: MeetingAccess, item_id: int, outcome: str, form: dict[str, str]) -> None:
    """The chair says what became of an item: done (once taken up), deferred to the next
    meeting, or "" (the meeting's end decides)."""
    async with writing():
        access = await _running(access)
        await _carry_notes(access, form)
        item = {row["id"]: row for row in await _order(access.meeting["id"])}.get(item_id)
        if item is None:
            raise NotFound()
        if not policy.outcome_allowed(outcome, item["started_at"] is not None):
            raise Invalid(N_("An item can be marked done once it has been taken up."))
        if item["outcome"] != outcome:
            await AgendaItem.update({AgendaItem.outcome: outcome}).where(AgendaItem.id == item_id)
            await bump_version(access.meeting["id"])


async def end(access: MeetingAccess, form: dict[str, str]) -> None:
    """Ends the meeting: the notes it carries are saved, the current item is closed, every
    item gets its outcome (one never opened was not reached), and the minutes are drafted from
    what was recorded."""
    from server.meetings import minutes

    meeting_id = access.meeting["id"]
    async with writing():
        access = await _running(access)
        await _carry_notes(access, form)
        now = clock.now()
        rows = await _order(meeting_id)
        if access.meeting["current_item_id"]:
            await AgendaItem.update({AgendaItem.status: "done", AgendaItem.ended_at: now}).where(
                AgendaItem.id == access.meeting["current_item_id"])
            await _close_case_review(
                meeting_id, next((row for row in rows if row["id"] == access.meeting["current_item_id"]), None), now)
        settled: dict[str, list[int]] = {}
        for item in rows:
            outcome = policy.final_outcome(item["outcome"], item["started_at"] is not None)
            if outcome != item["outcome"]:
                settled.setdefault(outcome, []).append(item["id"])
        for outcome, ids in settled.items():  # one write per outcome, not per item
            await AgendaItem.update({AgendaItem.outcome: outcome}).where(AgendaItem.id.is_in(ids))
        await Meeting.update({
            Meeting.live_status: "ended", Meeting.live_ended_at: now, Meeting.current_item_id: None,
            Meeting.current_since: None,
        }).where(Meeting.id == meeting_id)
        await bump_version(meeting_id)
        await minutes.draft_from_meeting(await access.confirm(run=True))


# Decisions and votes.


async def add_decision(access: MeetingAccess, item_id: int, form: dict[str, str]) -> dict[str, str]:
    """A decision on an item, and when the form says it was a motion, the vote on it, checked
    against the quorum at this moment. Field messages, or {} when recorded."""
    text, problems = policy.validate_decision(form)
    async with writing():
        access = await _running(access)
        await _carry_notes(access, form)
        motion = None
        if policy.is_motion(form):
            room = await attendance(access)
            motion, motion_problems = policy.validate_motion(form, room.voters)
            problems = {**problems, **motion_problems}
        if problems or text is None:
            return problems
        if not await AgendaItem.exists().where(_notes_allowed(access, item_id)):
            raise NotFound()
        now = clock.now()
        decision = await Decision.insert(Decision(agenda_item=item_id, text=text, recorded_by=access.viewer.id,
                                                  recorded_at=now)).returning(Decision.id)
        if motion is not None:
            quorum = room.quorum
            rows = await Motion.insert(Motion(
                decision=decision[0]["id"], mover=motion.mover_id, seconder=motion.seconder_id,
                votes_for=motion.votes_for, votes_against=motion.votes_against, abstentions=motion.abstentions,
                majority=motion.majority, quorum_needed=quorum.needed, quorum_present=quorum.present,
                quorum_voting=quorum.voting, recorded_at=now,
                result=policy.motion_result(motion.votes_for, motion.votes_against, motion.majority, quorum.met),
            )).returning(Motion.id)
            if motion.recusals:
                await Recusal.insert(*[Recusal(motion=rows[0]["id"], person=person, reason=reason)
                                       for person, reason in motion.recusals])
        await bump_version(access.meeting["id"])
    return {}


# Attendance and quorum.


@dataclass(frozen=True)
class Room:
    """Who is on the roster of the meeting's day, who is in the room now, and the quorum."""

    people: list[dict]  # each seat with its attendance record, voting flag, who stands in for them
    records: list[dict]
    voting: set[int]
    voters: dict[int, int]  # person voting now → the voting member they vote for
    quorum: policy.Quorum


async def attendance(access: MeetingAccess) -> Room:
    """Every seat on the roster of the meeting's day with its check-in, plus the quorum now."""
    team = access.team
    async with reading():
        people = await membership.seated(team, access.day)
        records = await Attendance.select(
            Attendance.person, Attendance.status, Attendance.standing_in_for, Attendance.arrived_at,
            Attendance.departed_at, Attendance.standing_in_for.name,
        ).where(Attendance.meeting == access.meeting["id"])
    by_person = {row["person"]: row for row in records}
    voting = {p["id"] for p in people if p["role"] in MEMBER_ROLES and p["alternate_for"] is None}
    attending = policy.attending_at(records, clock.now())
    voters = policy.voters_present(voting, attending)
    represented_by = {principal: person for person, principal in voters.items() if person != principal}
    names = {p["id"]: p["name"] for p in people}
    rows = [{**person, "attendance": by_person.get(person["id"]), "voting": person["id"] in voting,
             "represented_by": names.get(represented_by.get(person["id"]))}
            for person in people]
    quorum = policy.quorum(team["quorum_kind"], team["quorum_value"], voting, attending)
    return Room(rows, records, voting, voters, quorum)


async def check_in(access: MeetingAccess, form: dict[str, str]) -> None:
    """Records one person's attendance; arrival and departure times are kept by the server.
    Invalid unless the person (and whom they stand in for) is on the roster of the meeting's day."""
    entry = policy.parse_check_in(form)
    if entry is None:
        raise Invalid(N_("Choose a roster member and an attendance status."))
    async with writing():
        access = await _locked(access)
        if access.meeting["live_status"] == "ended":  # people check in before the start, not after the end
            raise Closed(ATTENDANCE_CLOSED)
        await _carry_notes(access, form)
        people = {p["id"] for p in await membership.seated(access.team, access.day)}
        if entry.person_id not in people or (entry.standing_in_for is not None and entry.standing_in_for not in people):
            raise Invalid(N_("Choose a roster member and an attendance status."))
        await _record_attendance(access, [entry])


async def mark_everyone_present(access: MeetingAccess, form: dict[str, str]) -> None:
    """Everyone on the roster of the day not yet checked in, alternates and guests aside, is
    present (the usual start: then mark who is not)."""
    async with writing():
        access = await _locked(access)
        if access.meeting["live_status"] == "ended":
            raise Closed(ATTENDANCE_CLOSED)
        await _carry_notes(access, form)
        seen = {row["person"] for row in await Attendance.select(Attendance.person).where(
            Attendance.meeting == access.meeting["id"])}
        entries = [policy.CheckIn(person["id"], "present", None, False)
                   for person in await membership.seated(access.team, access.day, without_guests=True)
                   if person["alternate_for"] is None and person["id"] not in seen]
        await _record_attendance(access, entries)


async def _record_attendance(access: MeetingAccess, entries: list[policy.CheckIn]) -> None:
    """Inside writing(): each entry's status, with arrival and departure kept by the server."""
    if not entries:
        return
    now = clock.now()
    meeting_id = access.meeting["id"]
    existing = {row["person"]: row for row in await Attendance.select().where(
        (Attendance.meeting == meeting_id) & Attendance.person.is_in([e.person_id for e in entries]))}
    new = []
    for entry in entries:
        before = existing.get(entry.person_id)
        attending = entry.status in policy.ATTENDING
        values = {
            "status": entry.status, "standing_in_for": entry.standing_in_for, "recorded_by": access.viewer.id,
            "updated_at": now,
            "arrived_at": (before["arrived_at"] if before and before["arrived_at"] else now) if attending else None,
            "departed_at": now if (attending and entry.departed) else None,
        }
        if before:
            await Attendance.update({getattr(Attendance, k): v for k, v in values.items()}).where(
                Attendance.id == before["id"])
        else:
            new.append(Attendance(meeting=meeting_id, person=entry.person_id, **values))
    if new:  # marking everyone present is one write
        await Attendance.insert(*new)
    await bump_version(meeting_id)


# The action-item review.


async def review_action(access: MeetingAccess, action_id: int, form: dict[str, str]) -> dict[str, str]:
    """One click in an action-item review: the team's item gets a new status, logged as the
    chair's update like any other. Field messages, or {}."""
    from server.actions import service as actions
    from server.actions.access import action_access

    async with writing():
        access = await _running(access)
        found = await action_access(access.viewer, action_id)
        if found.team["id"] != access.team["id"]:
            raise NotFound()
        await _carry_notes(access, form)
        problems, _ = await actions.record_progress(found, {
            "status": form.get("status", ""), "version": form.get("version", ""),
            "due_on": found.item["due_on"].isoformat() if found.item["due_on"] else "",
        })
        if not problems:
            await bump_version(access.meeting["id"])
    return problems


async def add_action(access: MeetingAccess, form: dict[str, str], item_id: int | None) -> dict[str, str]:
    """An action item created in the meeting, on the open item: field messages, or {}."""
    from server.actions import service as actions
    from server.teams.access import TeamAccess

    async with writing():
        access = await _running(access)
        await _carry_notes(access, form)
        team = TeamAccess(access.viewer, access.team, access.standing)
        action_id, problems = await actions.create(team, form, access.meeting["id"], item_id)
    return problems if action_id is None else {}
