"""Scheduling: one-off meetings and series, editing one occurrence, this and the following ones,
or the whole series, cancelling, and the guests invited to a meeting.

This is the one place that changes a meeting's calendar identity: its time, place, title,
status, recurrence, UID, SEQUENCE (raised when the time or status changes) and `updated_at`
(what calendars will see as LAST-MODIFIED). Agenda and live changes never touch those.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from piccolo.query.functions.aggregate import Count

from server import clock
from server.actions.tables import ActionItem
from server.attachments.tables import Attachment
from server.db import Prepared, lock_row, reading, writing
from server.errors import Invalid, Stale
from server.forms import parse_id, parse_version
from server.i18n import N_
from server.meetings import agenda, policy, recurrence
from server.meetings.access import MeetingAccess
from server.meetings.policy import MeetingInput
from server.meetings.recurrence import Recurrence
from server.meetings.tables import AgendaItem, Attendance, Invitation, Meeting, Minutes, Series
from server.teams import membership
from server.teams.access import TeamAccess
from server.teams.tables import Team

MEETING_COLUMNS = (
    Meeting.id, Meeting.team, Meeting.series, Meeting.uid, Meeting.original_start, Meeting.detached,
    Meeting.title, Meeting.starts_at, Meeting.ends_at, Meeting.time_zone, Meeting.status, Meeting.cancel_reason,
    Meeting.location, Meeting.join_link, Meeting.description, Meeting.sequence,
    Meeting.agenda_published_at, Meeting.live_status, Meeting.live_started_at, Meeting.live_ended_at,
    Meeting.current_item_id, Meeting.live_version, Meeting.version,
)
LIST_COLUMNS = (
    Meeting.id, Meeting.title, Meeting.starts_at, Meeting.ends_at, Meeting.status, Meeting.cancel_reason,
    Meeting.agenda_published_at, Meeting.live_status, Meeting.series, Meeting.time_zone,
)
NO_MEETINGS = N_("These dates hold no meeting of this pattern. Move the last date or the pattern.")


class NoOccurrences(Exception):
    """The rule produces no meeting at all (e.g. it ends before its first matching day)."""


def new_uid() -> str:
    return f"{uuid.uuid4()}@convene"


def local(moment: datetime, time_zone: str) -> datetime:
    return moment.astimezone(clock.zone(time_zone))


def to_utc(local_naive: datetime, time_zone: str) -> datetime:
    return local_naive.replace(tzinfo=clock.zone(time_zone)).astimezone(clock.zone("UTC"))


# Listing.


PAGE = 12  # meetings a page lists


async def team_meetings(access: TeamAccess, past_page: int = 1, upcoming_page: int = 1) -> dict:
    """A team's upcoming meetings and its history back to its first meeting, a page of each at
    a time (a meeting that has ended is history at once, whatever its scheduled end); guests
    see only those they are invited to. `invited_to_some` says whether a guest has any."""
    viewer, now = access.viewer, access.viewer.at
    visible = Meeting.team == access.team["id"]
    if not policy.can_see_meetings(viewer, access.standing):
        invited_to = Invitation.select(Invitation.meeting).where(
            (Invitation.person == viewer.id) & (Invitation.seat == (access.standing.guest_seat or 0)))
        visible &= Meeting.id.is_in(invited_to) if access.standing.is_guest else (Meeting.id == -1)
    # Upcoming while it runs, even past its scheduled end; history once it has ended.
    ahead = visible & (((Meeting.ends_at >= now) & (Meeting.live_status != "ended")) | (Meeting.live_status == "live"))
    held = visible & (((Meeting.ends_at < now) & (Meeting.live_status != "live")) | (Meeting.live_status == "ended"))
    async with reading():
        upcoming = await Meeting.select(*LIST_COLUMNS).where(ahead).order_by(Meeting.starts_at).offset(
            (upcoming_page - 1) * PAGE).limit(PAGE + 1)
        recent = await Meeting.select(*LIST_COLUMNS).where(held).order_by(
            Meeting.starts_at, ascending=False).offset((past_page - 1) * PAGE).limit(PAGE + 1)
        counts = await Meeting.select(
            Count(Meeting.id, alias="meetings"),
        ).where(held).first()
        minutes = await Minutes.select(Minutes.meeting, Minutes.status).where(
            Minutes.meeting.is_in([m["id"] for m in recent] or [0])
        )
    by_meeting = {row["meeting"]: row["status"] for row in minutes}
    for meeting in recent:
        meeting["minutes_status"] = by_meeting.get(meeting["id"])
    past_pages = max(1, -(-counts["meetings"] // PAGE))
    return {
        "upcoming": upcoming[:PAGE], "more_upcoming": len(upcoming) > PAGE, "upcoming_page": upcoming_page,
        "recent": recent[:PAGE], "past_page": past_page, "past_pages": past_pages, "held": counts["meetings"],
        "invited_to_some": bool(upcoming) or counts["meetings"] > 0 or upcoming_page > 1,
    }


_SERIES = Prepared(lambda p: Series.select().where(Series.id == p.id))
_INVITATIONS = Prepared(lambda p: Invitation.select(
    Invitation.id, Invitation.person, Invitation.person.name).where(Invitation.meeting == p.meeting).order_by(
    Invitation.person.name))


async def get_series(series_id: int | None) -> dict | None:
    if series_id is None:
        return None
    return await _SERIES.first(id=series_id)


# Creating and editing.


def _meeting_row(team: dict, data: MeetingInput, starts_at: datetime, *, uid: str, series_id=None,
                 original_start=None) -> Meeting:
    now = clock.now()
    return Meeting(
        team=team["id"], series=series_id, uid=uid, original_start=original_start, detached=False,
        title=data.title, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=data.duration_minutes),
        time_zone=team["time_zone"], status="scheduled", location=data.location, join_link=data.join_link,
        description=data.description, sequence=0, live_status="not_started", live_version=0, version=1,
        created_at=now, updated_at=now,
    )


def _series_values(data: MeetingInput, rule: Recurrence, start_local: datetime) -> dict:
    """A series' columns for its details and rule (RFC 5545 DTSTART is `start_local`)."""
    return {
        Series.title: data.title, Series.start_local: start_local, Series.duration_minutes: data.duration_minutes,
        Series.frequency: rule.frequency, Series.interval: rule.interval,
        Series.weekdays: ",".join(str(d) for d in rule.weekdays), Series.month_day: rule.month_day,
        Series.week_of_month: rule.week_of_month, Series.weekday: rule.weekday, Series.until: rule.until,
        Series.occurrences: rule.count, Series.location: data.location, Series.join_link: data.join_link,
        Series.description: data.description, Series.updated_at: clock.now(),
    }


def _horizon(team: dict):
    """The last day a series with no end has meetings on, today (on the team's calendar)."""
    return recurrence.horizon(clock.today_in(team["time_zone"]))


async def _insert_series(team: dict, data: MeetingInput, rule: Recurrence) -> dict:
    values = {column._meta.name: value for column, value in _series_values(data, rule, data.start_local()).items()}
    rows = await Series.insert(Series(
        team=team["id"], uid=new_uid(), time_zone=team["time_zone"], sequence=0, version=1,
        created_at=clock.now(), **values,
    )).returning(Series.id)
    return await get_series(rows[0]["id"])


async def _add_meetings(team: dict, rows: list[Meeting]) -> list[int]:
    """Inserts meetings, each with the team's standing agenda items; returns their ids."""
    inserted = await Meeting.insert(*rows).returning(Meeting.id)
    ids = [row["id"] for row in inserted]
    await agenda.add_standing_items(team["id"], ids)
    return ids


async def create_meeting(access: TeamAccess, data: MeetingInput, rule: Recurrence | None) -> int:
    """A one-off meeting, or a series and all its occurrences; each gets the team's standing items.
    Returns the id of the first meeting. Invalid when the rule produces no meeting. A series
    with no end date gets its meetings up to the horizon (see extend_open_series)."""
    async with writing():
        await lock_row(Team, access.team["id"])
        team = (await access.confirm(policy.can_run)).team
        if rule is None:
            starts_at = to_utc(data.start_local(), team["time_zone"])
            return (await _add_meetings(team, [_meeting_row(team, data, starts_at, uid=new_uid())]))[0]
        starts = recurrence.occurrences(data.start_local(), rule, team["time_zone"], _horizon(team))
        if not starts:
            raise NoOccurrences()
        # Calendars count DTSTART as the first meeting: start the series on its first real one.
        data = replace(data, day=local(starts[0], team["time_zone"]).date())
        series = await _insert_series(team, data, rule)
        ids = await _add_meetings(team, [
            _meeting_row(team, data, start, uid=series["uid"], series_id=series["id"], original_start=start)
            for start in starts
        ])
    await extend_open_series(team["id"])  # the team's other open series, topped up while here
    return min(ids)


async def _has_content(meeting_ids: list[int]) -> set[int]:
    """Meetings that something hangs on (attendance, minutes, action items, invitations,
    documents, a start, an edit of their own)."""
    if not meeting_ids:
        return set()
    busy = set()
    for table, column in ((Attendance, Attendance.meeting), (Minutes, Minutes.meeting),
                          (ActionItem, ActionItem.source_meeting), (Invitation, Invitation.meeting),
                          (Attachment, Attachment.meeting)):
        busy |= {row[column._meta.name] for row in await table.select(column).where(column.is_in(meeting_ids))}
    started = await Meeting.select(Meeting.id).where(
        Meeting.id.is_in(meeting_ids) & ((Meeting.live_status != "not_started") | (Meeting.detached == True))  # noqa: E712
    )
    return busy | {row["id"] for row in started}


async def edit_meeting(access: MeetingAccess, data: MeetingInput, rule: Recurrence | None, scope: str,
                       version: str) -> int:
    """Edits one meeting, this and the following occurrences, or the whole series.

    Returns the id of the meeting to show afterwards. Raises Stale on a concurrent change.
    """
    async with writing():
        await lock_row(Team, access.team["id"])
        access = await access.confirm(run=True)
        meeting, team = access.meeting, access.team
        current = await Meeting.select(Meeting.version, Meeting.series).where(Meeting.id == meeting["id"]).first()
        if current is None or str(current["version"]) != version:
            raise Stale()
        if scope == "this" or current["series"] is None:
            await _edit_one(meeting, team, data)
            return meeting["id"]
        series = await get_series(current["series"])
        if scope == "following":
            return await _split_series(series, meeting, team, data, rule or recurrence.from_row(series))
        return await _rebuild_series(series, team, data, rule or recurrence.from_row(series))


async def _edit_one(meeting: dict, team: dict, data: MeetingInput) -> None:
    starts_at = to_utc(data.start_local(), team["time_zone"])
    ends_at = starts_at + timedelta(minutes=data.duration_minutes)
    time_changed = (starts_at, ends_at) != (meeting["starts_at"], meeting["ends_at"])
    await Meeting.update({
        Meeting.title: data.title, Meeting.starts_at: starts_at, Meeting.ends_at: ends_at,
        Meeting.location: data.location, Meeting.join_link: data.join_link,
        Meeting.description: data.description, Meeting.detached: meeting["series"] is not None,
        Meeting.sequence: Meeting.sequence + (1 if time_changed else 0),
        Meeting.version: Meeting.version + 1, Meeting.updated_at: clock.now(),
    }).where(Meeting.id == meeting["id"])


async def _split_series(series: dict, meeting: dict, team: dict, data: MeetingInput, rule: Recurrence) -> int:
    """"This and following": the old series ends before this occurrence; a new one starts here."""
    split_at = meeting["original_start"] or meeting["starts_at"]
    earlier = await Meeting.count().where((Meeting.series == series["id"]) & (Meeting.original_start < split_at))
    if earlier == 0:
        return await _rebuild_series(series, team, data, rule)
    last_day = (local(split_at, team["time_zone"]) - timedelta(days=1)).date()
    await Series.update({
        Series.until: last_day, Series.occurrences: None, Series.sequence: Series.sequence + 1,
        Series.version: Series.version + 1, Series.updated_at: clock.now(),
    }).where(Series.id == series["id"])
    if rule.count:  # the remaining count carries over to the new series
        rule = replace(rule, count=max(1, rule.count - earlier))
    new = await _insert_series(team, data, rule)
    await Meeting.update({Meeting.series: new["id"]}).where(
        (Meeting.series == series["id"]) & (Meeting.original_start >= split_at)
    )
    return await _rebuild_series(new, team, data, rule, first=True)


async def _rebuild_series(series: dict, team: dict, data: MeetingInput, rule: Recurrence,
                          first: bool = False) -> int:
    """Applies new details and rule to a series and lines its occurrences up with the rule.

    Occurrences edited on their own keep their details; ones that the new rule no longer
    produces are deleted, unless something hangs on them, in which case they are cancelled.
    New dates get new occurrences with the team's standing items.
    """
    zone = team["time_zone"]
    existing = await Meeting.select(*MEETING_COLUMNS).where(Meeting.series == series["id"]).order_by(
        Meeting.original_start
    )
    start_local = data.start_local() if not existing or first else datetime.combine(
        local(existing[0]["original_start"], zone).date(), data.start
    )
    if not first and existing and data.day != local(existing[0]["original_start"], zone).date():
        start_local = data.start_local()
    starts = recurrence.occurrences(start_local, rule, zone, _horizon(team))
    if not starts:
        raise NoOccurrences()
    start_local = local(starts[0], zone).replace(tzinfo=None)  # DTSTART is the first real meeting
    time_changed = start_local != series["start_local"] or data.duration_minutes != series["duration_minutes"]
    await Series.update({
        **_series_values(data, rule, start_local),
        Series.sequence: Series.sequence + 1, Series.version: Series.version + 1,
    }).where(Series.id == series["id"])
    now = clock.now()
    # Meetings already held (or under way) are history: a new rule never moves, cancels or
    # recreates them, and it adds no dates in the past.
    held = {m["id"] for m in existing if m["starts_at"] < now or m["live_status"] != "not_started"}
    by_day = {local(m["original_start"], zone).date(): m for m in existing}
    wanted = {local(start, zone).date(): start for start in starts if start >= now or
              (local(start, zone).date() in by_day and by_day[local(start, zone).date()]["id"] in held)}
    busy = await _has_content([m["id"] for d, m in by_day.items() if d not in wanted])
    for day, meeting in by_day.items():
        if meeting["id"] in held:
            continue
        if day in wanted:
            start = wanted[day]
            values = {Meeting.original_start: start, Meeting.updated_at: now, Meeting.version: Meeting.version + 1}
            if not meeting["detached"]:
                values.update({
                    Meeting.title: data.title, Meeting.starts_at: start,
                    Meeting.ends_at: start + timedelta(minutes=data.duration_minutes),
                    Meeting.location: data.location, Meeting.join_link: data.join_link,
                    Meeting.description: data.description,
                })
                if time_changed:
                    values[Meeting.sequence] = Meeting.sequence + 1
            await Meeting.update(values).where(Meeting.id == meeting["id"])
        elif meeting["id"] in busy:
            await Meeting.update({
                Meeting.status: "cancelled", Meeting.sequence: Meeting.sequence + 1,
                Meeting.version: Meeting.version + 1, Meeting.updated_at: now,
            }).where(Meeting.id == meeting["id"])
        else:
            await AgendaItem.delete().where(AgendaItem.meeting == meeting["id"])
            await Meeting.delete().where(Meeting.id == meeting["id"])
    new_days = [day for day in wanted if day not in by_day]
    if new_days:
        await _add_meetings(team, [
            _meeting_row(team, data, wanted[day], uid=series["uid"], series_id=series["id"],
                         original_start=wanted[day])
            for day in new_days
        ])
    first_meeting = await Meeting.select(Meeting.id).where(Meeting.series == series["id"]).order_by(
        Meeting.starts_at).first()
    return first_meeting["id"]


async def set_cancelled(access: MeetingAccess, cancelled: bool, version: str, reason: str = "") -> None:
    """Cancels one meeting, with the reason its members will see (validated by
    policy.validate_cancel_reason), or restores it (which clears the reason); the rest of its
    series is untouched."""
    async with writing():
        access = await access.confirm(run=True)
        updated = await Meeting.update({
            Meeting.status: "cancelled" if cancelled else "scheduled", Meeting.cancel_reason: reason if cancelled else "",
            Meeting.detached: access.meeting["series"] is not None,
            Meeting.sequence: Meeting.sequence + 1, Meeting.version: Meeting.version + 1,
            Meeting.updated_at: clock.now(),
        }).where((Meeting.id == access.meeting["id"]) & (Meeting.version == parse_version(version))).returning(Meeting.id)
        if not updated:
            raise Stale()


# Series with no end date: their meetings are kept two years ahead.


def _series_input(series: dict) -> MeetingInput:
    """A series' details as the meeting form gives them (for its new occurrences)."""
    start = series["start_local"]
    return MeetingInput(series["title"], start.date(), start.time(), series["duration_minutes"],
                        series["location"], series["join_link"], series["description"])


async def extend_open_series(team_id: int | None = None) -> int:
    """Adds the meetings that series with no end date should have by now, up to the horizon
    (recurrence.horizon), each with its team's standing items; returns how many. Dates before
    a series' last meeting are never filled in again (a meeting deleted there stays deleted).
    Safe to run at any time, from any number of processes: each series is locked while topped up."""
    open_series = Series.occurrences.is_null() & Series.until.is_null()
    if team_id is not None:
        open_series &= Series.team == team_id
    added = 0
    for series_id in [row["id"] for row in await Series.select(Series.id).where(open_series)]:
        async with writing():
            await lock_row(Series, series_id)
            series = await get_series(series_id)
            if series is None or series["until"] is not None or series["occurrences"]:
                continue
            team = await Team.select(Team.id, Team.time_zone).where(Team.id == series["team"]).first()
            last = await Meeting.select(Meeting.original_start).where(Meeting.series == series_id).order_by(
                Meeting.original_start, ascending=False).first()
            starts = [start for start in recurrence.occurrences(
                series["start_local"], recurrence.from_row(series), team["time_zone"], _horizon(team))
                if last is None or start > last["original_start"]]
            if starts:
                data = _series_input(series)
                await _add_meetings(team, [
                    _meeting_row(team, data, start, uid=series["uid"], series_id=series_id, original_start=start)
                    for start in starts
                ])
                added += len(starts)
    return added


# Guests.


async def invitations(meeting_id: int) -> list[dict]:
    return await _INVITATIONS.rows(meeting=meeting_id)


async def invite(access: MeetingAccess, form: dict[str, str]) -> tuple[str, bool]:
    """Invites a guest of the team's roster (checked inside the write) to this meeting, once.
    Returns the guest's name and whether they were invited just now (False: they already were)."""
    person_id = parse_id(form.get("person_id"))
    async with writing():
        await lock_row(Meeting, access.meeting["id"])
        access = await access.confirm(run=True)
        guests = {p["id"]: p for p in await membership.seated(access.team, access.today) if p["role"] == "guest"}
        if person_id not in guests:
            raise Invalid(N_("Choose a guest from the team's roster."))
        guest = guests[person_id]
        mine = (Invitation.meeting == access.meeting["id"]) & (Invitation.person == person_id)
        earlier = await Invitation.select(Invitation.seat).where(mine).first()
        if earlier is not None and earlier["seat"] == guest["seat_id"]:
            return guest["name"], False
        if earlier is not None:  # issued under an earlier guest seat, which no longer counts: renewed
            await Invitation.update({Invitation.seat: guest["seat_id"]}).where(mine)
        else:
            await Invitation.insert(Invitation(meeting=access.meeting["id"], person=person_id,
                                               created_at=clock.now(), seat=guest["seat_id"]))
    return guest["name"], True


async def uninvite(access: MeetingAccess, person_id: int) -> str | None:
    """Withdraws a guest's invitation to this meeting: their name, or None when they were not
    invited (any more)."""
    async with writing():
        await lock_row(Meeting, access.meeting["id"])
        access = await access.confirm(run=True)
        mine = (Invitation.meeting == access.meeting["id"]) & (Invitation.person == person_id)
        invitation = await Invitation.select(Invitation.person.name).where(mine).first()
        if invitation is None:
            return None
        await Invitation.delete().where(mine)
    return invitation["person.name"]
