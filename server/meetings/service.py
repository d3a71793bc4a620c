"""Meetings and agendas: scheduling (one-offs and series), editing occurrences, agenda items."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from server import clock
from server.accounts.policy import Viewer
from server.actions.tables import ActionItem
from server.db import lock_row, reading, writing
from server.forms import parse_version
from server.meetings import policy, recurrence
from server.meetings.policy import ItemInput, MeetingInput
from server.meetings.recurrence import Recurrence
from server.meetings.tables import (
    AgendaItem,
    Attendance,
    Decision,
    Invitation,
    Meeting,
    Minutes,
    Series,
    TemplateItem,
)
from server.teams import service as teams
from server.teams.tables import Membership, Team

MEETING_COLUMNS = (
    Meeting.id, Meeting.team, Meeting.series, Meeting.uid, Meeting.original_start, Meeting.detached,
    Meeting.title, Meeting.starts_at, Meeting.ends_at, Meeting.time_zone, Meeting.status,
    Meeting.location, Meeting.join_link, Meeting.description, Meeting.sequence,
    Meeting.agenda_published_at, Meeting.live_status, Meeting.live_started_at, Meeting.live_ended_at,
    Meeting.current_item_id, Meeting.live_version, Meeting.version,
)


class Stale(Exception):
    """The record changed since the form was loaded (its version moved on)."""


class NoOccurrences(Exception):
    """The rule produces no meeting at all (e.g. it ends before its first matching day)."""


def new_uid() -> str:
    return f"{uuid.uuid4()}@convene"


def local(moment: datetime, time_zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(time_zone))


def to_utc(local_naive: datetime, time_zone: str) -> datetime:
    return local_naive.replace(tzinfo=ZoneInfo(time_zone)).astimezone(ZoneInfo("UTC"))


# Who may do what with a meeting.


@dataclass(frozen=True)
class MeetingAccess:
    meeting: dict
    team: dict
    roles: set[str]
    invited: bool

    @property
    def can_run(self) -> bool:
        return policy.can_run(self.roles)

    @property
    def agenda_open(self) -> bool:
        """Once a meeting has ended its agenda is the record of what happened: it is closed."""
        return self.meeting["live_status"] != "ended"

    @property
    def editing(self) -> bool:
        """The viewer may change this meeting's agenda now."""
        return self.can_run and self.agenda_open

    @property
    def day(self) -> date:
        return local(self.meeting["starts_at"], self.team["time_zone"]).date()

    @property
    def is_member(self) -> bool:
        """On the team (not a guest): sees minutes and action items."""
        return policy.can_see_meetings(self.roles)

    @property
    def published(self) -> bool:
        return self.meeting["agenda_published_at"] is not None

    @property
    def can_see_agenda(self) -> bool:
        return policy.can_see_agenda(self.roles, self.invited, self.published)


async def meeting_access(viewer: Viewer, meeting_id: int) -> MeetingAccess | None:
    """The meeting, its team and the viewer's standing, or None when it does not exist."""
    async with reading():
        meeting = await Meeting.select(*MEETING_COLUMNS).where(Meeting.id == meeting_id).first()
        if meeting is None:
            return None
        team = await teams.get_team(meeting["team"])
        roles = await teams.viewer_roles(viewer, team)
        # A guest (a current guest seat on the team) sees only the meetings they are invited to.
        invited = "guest" in roles and not policy.can_see_meetings(roles) and await Invitation.exists().where(
            (Invitation.meeting == meeting_id) & (Invitation.person == viewer.id)
        )
    return MeetingAccess(meeting, team, roles, invited)


# Listing.


async def team_meetings(team: dict, viewer: Viewer, roles: set[str], limit: int = 12) -> dict:
    """Upcoming and recent meetings of a team; guests see only those they are invited to."""
    now = clock.now()
    columns = (
        Meeting.id, Meeting.title, Meeting.starts_at, Meeting.ends_at, Meeting.status,
        Meeting.agenda_published_at, Meeting.live_status, Meeting.series, Meeting.time_zone,
    )
    visible = Meeting.team == team["id"]
    if not policy.can_see_meetings(roles):
        invited_to = Invitation.select(Invitation.meeting).where(Invitation.person == viewer.id)
        visible &= Meeting.id.is_in(invited_to) if "guest" in roles else (Meeting.id == -1)
    async with reading():
        upcoming = await Meeting.select(*columns).where(visible & (Meeting.ends_at >= now)).order_by(
            Meeting.starts_at
        ).limit(limit)
        recent = await Meeting.select(*columns).where(visible & (Meeting.ends_at < now)).order_by(
            Meeting.starts_at, ascending=False
        ).limit(limit)
        minutes = await Minutes.select(Minutes.meeting, Minutes.status).where(
            Minutes.meeting.is_in([m["id"] for m in recent] or [0])
        )
    by_meeting = {row["meeting"]: row["status"] for row in minutes}
    for meeting in recent:
        meeting["minutes_status"] = by_meeting.get(meeting["id"])
    return {"upcoming": upcoming, "recent": recent}


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


async def _template_rows(team_id: int, meeting_ids: list[int]) -> list[AgendaItem]:
    template = await TemplateItem.select().where(TemplateItem.team == team_id).order_by(TemplateItem.position)
    return [
        AgendaItem(meeting=meeting_id, position=index, kind=item["kind"], title=item["title"],
                   planned_minutes=item["planned_minutes"], status="pending", version=1)
        for meeting_id in meeting_ids for index, item in enumerate(template)
    ]


async def create_meeting(team: dict, data: MeetingInput, rule: Recurrence | None) -> int:
    """A one-off meeting, or a series and all its occurrences; each gets the team's standing items.
    Returns the id of the first meeting."""
    async with writing():
        await lock_row(Team, team["id"])
        if rule is None:
            rows = await Meeting.insert(
                _meeting_row(team, data, to_utc(data.start_local(), team["time_zone"]), uid=new_uid())
            ).returning(Meeting.id)
        else:
            starts = recurrence.occurrences(data.start_local(), rule, team["time_zone"])
            if not starts:
                raise NoOccurrences()
            # Calendars count DTSTART as the first meeting: start the series on its first real one.
            data = replace(data, day=local(starts[0], team["time_zone"]).date())
            series_id = await _insert_series(team, data, rule)
            uid = (await Series.select(Series.uid).where(Series.id == series_id).first())["uid"]
            rows = await Meeting.insert(*[
                _meeting_row(team, data, start, uid=uid, series_id=series_id, original_start=start)
                for start in starts
            ]).returning(Meeting.id)
        ids = [row["id"] for row in rows]
        items = await _template_rows(team["id"], ids)
        if items:
            await AgendaItem.insert(*items)
    return min(ids)


async def _insert_series(team: dict, data: MeetingInput, rule: Recurrence, uid: str | None = None) -> int:
    now = clock.now()
    rows = await Series.insert(Series(
        team=team["id"], uid=uid or new_uid(), title=data.title, start_local=data.start_local(),
        duration_minutes=data.duration_minutes, time_zone=team["time_zone"], frequency=rule.frequency,
        interval=rule.interval, weekdays=",".join(str(d) for d in rule.weekdays), month_day=rule.month_day,
        week_of_month=rule.week_of_month, weekday=rule.weekday, until=rule.until, occurrences=rule.count,
        location=data.location, join_link=data.join_link, description=data.description, sequence=0,
        version=1, created_at=now, updated_at=now,
    )).returning(Series.id)
    return rows[0]["id"]


async def get_series(series_id: int | None) -> dict | None:
    if series_id is None:
        return None
    return await Series.select().where(Series.id == series_id).first()


async def _has_content(meeting_ids: list[int]) -> set[int]:
    """Meetings that something hangs on (a changed agenda, attendance, minutes, action items)."""
    if not meeting_ids:
        return set()
    busy = set()
    for table, column in ((Attendance, Attendance.meeting), (Minutes, Minutes.meeting),
                          (ActionItem, ActionItem.source_meeting), (Invitation, Invitation.meeting)):
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
    meeting, team = access.meeting, access.team
    async with writing():
        await lock_row(Team, team["id"])
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
        rule = Recurrence(**{**rule.__dict__, "count": max(1, rule.count - earlier)})
    new_series = await _insert_series(team, data, rule)
    await Meeting.update({Meeting.series: new_series}).where(
        (Meeting.series == series["id"]) & (Meeting.original_start >= split_at)
    )
    new = await get_series(new_series)
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
    starts = recurrence.occurrences(start_local, rule, zone)
    if not starts:
        raise NoOccurrences()
    start_local = local(starts[0], zone).replace(tzinfo=None)  # DTSTART is the first real meeting
    time_changed = start_local != series["start_local"] or data.duration_minutes != series["duration_minutes"]
    await Series.update({
        Series.title: data.title, Series.start_local: start_local, Series.duration_minutes: data.duration_minutes,
        Series.frequency: rule.frequency, Series.interval: rule.interval,
        Series.weekdays: ",".join(str(d) for d in rule.weekdays), Series.month_day: rule.month_day,
        Series.week_of_month: rule.week_of_month, Series.weekday: rule.weekday, Series.until: rule.until,
        Series.occurrences: rule.count, Series.location: data.location, Series.join_link: data.join_link,
        Series.description: data.description, Series.sequence: Series.sequence + 1,
        Series.version: Series.version + 1, Series.updated_at: clock.now(),
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
        rows = await Meeting.insert(*[
            _meeting_row(team, data, wanted[day], uid=series["uid"], series_id=series["id"],
                         original_start=wanted[day])
            for day in new_days
        ]).returning(Meeting.id)
        items = await _template_rows(team["id"], [row["id"] for row in rows])
        if items:
            await AgendaItem.insert(*items)
    first_meeting = await Meeting.select(Meeting.id).where(Meeting.series == series["id"]).order_by(
        Meeting.starts_at).first()
    return first_meeting["id"]


async def set_cancelled(access: MeetingAccess, cancelled: bool, version: str) -> None:
    """Cancels (or restores) one meeting; the rest of its series is untouched."""
    async with writing():
        updated = await Meeting.update({
            Meeting.status: "cancelled" if cancelled else "scheduled",
            Meeting.detached: access.meeting["series"] is not None,
            Meeting.sequence: Meeting.sequence + 1, Meeting.version: Meeting.version + 1,
            Meeting.updated_at: clock.now(),
        }).where((Meeting.id == access.meeting["id"]) & (Meeting.version == parse_version(version))).returning(Meeting.id)
        if not updated:
            raise Stale()


# The agenda.

ITEM_COLUMNS = (
    AgendaItem.id, AgendaItem.position, AgendaItem.kind, AgendaItem.title, AgendaItem.presenter,
    AgendaItem.presenter.name, AgendaItem.planned_minutes, AgendaItem.presenter_notes, AgendaItem.notes,
    AgendaItem.status, AgendaItem.started_at, AgendaItem.ended_at, AgendaItem.carried_from,
    AgendaItem.version,
)


@dataclass(frozen=True)
class Agenda:
    items: list[dict]
    actions: list[dict]  # action items created in this meeting
    open_actions: list[dict]  # the team's open ones, for an action-item review item
    total_minutes: int
    overruns: bool


async def agenda(access: MeetingAccess) -> Agenda:
    """Items with running start times, decisions, and the action items they produced."""
    meeting, zone = access.meeting, access.team["time_zone"]
    async with reading():
        items = await AgendaItem.select(*ITEM_COLUMNS).where(AgendaItem.meeting == meeting["id"]).order_by(
            AgendaItem.position
        )
        ids = [item["id"] for item in items] or [0]
        decisions = await Decision.select(Decision.id, Decision.agenda_item, Decision.text).where(
            Decision.agenda_item.is_in(ids)
        ).order_by(Decision.id)
        actions = [] if not access.is_member else await ActionItem.select(
            ActionItem.id, ActionItem.title, ActionItem.status, ActionItem.due_on, ActionItem.source_item,
            ActionItem.owner.name, ActionItem.owner_agency.name, ActionItem.owner_agency.short_name,
        ).where(ActionItem.source_meeting == meeting["id"]).order_by(ActionItem.id)
        needs_review = any(item["kind"] == "action_item_review" for item in items)
        reviewed = (ActionItem.team == access.team["id"]) & ActionItem.status.is_in(["open", "in_progress", "blocked"])
        if not access.agenda_open:  # a past meeting reviewed what existed then, not what came later
            reviewed &= ActionItem.created_at < (meeting["live_ended_at"] or meeting["ends_at"])
        open_actions = await ActionItem.select(
            ActionItem.id, ActionItem.title, ActionItem.status, ActionItem.due_on, ActionItem.owner.name,
            ActionItem.owner_agency.short_name, ActionItem.owner_agency.name,
        ).where(reviewed).order_by(ActionItem.due_on) if needs_review and access.is_member else []
    starts = policy.running_starts(local(meeting["starts_at"], zone), [i["planned_minutes"] for i in items])
    for number, (item, start) in enumerate(zip(items, starts, strict=True), start=1):
        item["number"] = number
        item["planned_start"] = start
        item["decisions"] = [d for d in decisions if d["agenda_item"] == item["id"]]
        item["actions"] = [a for a in actions if a["source_item"] == item["id"]]
    total = sum(i["planned_minutes"] for i in items)
    return Agenda(
        items=items, actions=actions, open_actions=open_actions, total_minutes=total,
        overruns=total > int((meeting["ends_at"] - meeting["starts_at"]).total_seconds() // 60),
    )


async def roster_people(team: dict, day: date | None = None) -> list[dict]:
    """Members on `day` (today by default): presenter, guest and attendance choices."""
    day = day or clock.today_in(team["time_zone"])
    return await Membership.select(
        Membership.person.id.as_alias("id"), Membership.person.name.as_alias("name"),
        Membership.agency.id.as_alias("agency_id"), Membership.agency.name.as_alias("agency_name"),
        Membership.agency.short_name.as_alias("agency_short"), Membership.role, Membership.alternate_for,
    ).where((Membership.team == team["id"]) & teams._current_on(day)).order_by(Membership.person.name)


async def bump_live_version(meeting_id: int) -> None:
    """Every agenda or live change raises live_version, which watching browsers poll.
    (Inside the caller's write transaction.)"""
    await Meeting.update({Meeting.live_version: Meeting.live_version + 1, Meeting.updated_at: clock.now()}).where(
        Meeting.id == meeting_id
    )


def _stored_title(data: ItemInput) -> str:
    # A case-review item's title never carries case facts (CONSENT.md §3): it is shown numbered.
    return "Case review" if data.kind == "case_review" else data.title


async def add_item(access: MeetingAccess, data: ItemInput) -> int | None:
    """Appends an item; None when the agenda is full."""
    async with writing():
        await lock_row(Meeting, access.meeting["id"])
        count = await AgendaItem.count().where(AgendaItem.meeting == access.meeting["id"])
        if count >= policy.MAX_AGENDA_ITEMS:
            return None
        rows = await AgendaItem.insert(AgendaItem(
            meeting=access.meeting["id"], position=count, kind=data.kind, title=_stored_title(data),
            presenter=data.presenter_id, planned_minutes=data.planned_minutes,
            presenter_notes=data.presenter_notes, status="pending", version=1,
        )).returning(AgendaItem.id)
        await bump_live_version(access.meeting["id"])
    return rows[0]["id"]


async def get_item(access: MeetingAccess, item_id: int) -> dict | None:
    return await AgendaItem.select(*ITEM_COLUMNS).where(
        (AgendaItem.id == item_id) & (AgendaItem.meeting == access.meeting["id"])
    ).first()


async def edit_item(access: MeetingAccess, item_id: int, data: ItemInput, version: str) -> bool:
    """False when the item is gone; raises Stale when someone else changed it first."""
    async with writing():
        item = await get_item(access, item_id)
        if item is None:
            return False
        updated = await AgendaItem.update({
            AgendaItem.kind: data.kind, AgendaItem.title: _stored_title(data),
            AgendaItem.presenter: data.presenter_id, AgendaItem.planned_minutes: data.planned_minutes,
            AgendaItem.presenter_notes: data.presenter_notes, AgendaItem.version: item["version"] + 1,
        }).where((AgendaItem.id == item_id) & (AgendaItem.version == parse_version(version))).returning(AgendaItem.id)
        if not updated:
            raise Stale()
        await bump_live_version(access.meeting["id"])
    return True


async def delete_item(access: MeetingAccess, item_id: int) -> bool:
    async with writing():
        item = await get_item(access, item_id)
        if item is None:
            return False
        await Decision.delete().where(Decision.agenda_item == item_id)
        await ActionItem.update({ActionItem.source_item: None}).where(ActionItem.source_item == item_id)
        await AgendaItem.delete().where(AgendaItem.id == item_id)
        await _renumber(access.meeting["id"], None)
        await bump_live_version(access.meeting["id"])
    return True


async def _renumber(meeting_id: int, order: list[int] | None) -> None:
    if order is None:
        rows = await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meeting_id).order_by(
            AgendaItem.position
        )
        order = [row["id"] for row in rows]
    for position, item_id in enumerate(order):
        await AgendaItem.update({AgendaItem.position: position}).where(AgendaItem.id == item_id)


async def reorder(access: MeetingAccess, item_id: int | None, direction: str | None,
                  proposed: list[int] | None) -> bool:
    """Moves one item up or down, or applies a dragged order. False if the order is not valid."""
    async with writing():
        await lock_row(Meeting, access.meeting["id"])
        rows = await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == access.meeting["id"]).order_by(
            AgendaItem.position
        )
        order = [row["id"] for row in rows]
        if proposed is not None:
            new_order = policy.reordered(order, proposed)
        elif item_id is not None and direction is not None:
            new_order = policy.moved(order, item_id, direction)
        else:
            new_order = None
        if new_order is None:
            return False
        if new_order != order:
            await _renumber(access.meeting["id"], new_order)
            await bump_live_version(access.meeting["id"])
    return True


async def apply_template(access: MeetingAccess) -> int:
    """Adds the team's standing items that the agenda does not have yet; returns how many."""
    async with writing():
        await lock_row(Meeting, access.meeting["id"])
        existing = await AgendaItem.select(AgendaItem.title, AgendaItem.kind).where(
            AgendaItem.meeting == access.meeting["id"]
        )
        have = {(row["kind"], row["title"]) for row in existing}
        template = await TemplateItem.select().where(TemplateItem.team == access.team["id"]).order_by(
            TemplateItem.position
        )
        missing = [t for t in template if (t["kind"], t["title"]) not in have]
        if missing:
            await AgendaItem.insert(*[
                AgendaItem(meeting=access.meeting["id"], position=len(existing) + n, kind=t["kind"],
                           title=t["title"], planned_minutes=t["planned_minutes"], status="pending", version=1)
                for n, t in enumerate(missing)
            ])
            await bump_live_version(access.meeting["id"])
    return len(missing)


async def set_published(access: MeetingAccess, published: bool) -> None:
    async with writing():
        await Meeting.update({
            Meeting.agenda_published_at: clock.now() if published else None,
            Meeting.version: Meeting.version + 1, Meeting.updated_at: clock.now(),
        }).where(Meeting.id == access.meeting["id"])
        await bump_live_version(access.meeting["id"])


async def carry_over_candidates(access: MeetingAccess) -> list[dict]:
    """Items left unfinished at the team's last ended meeting, not yet carried onto this one."""
    meeting = access.meeting
    async with reading():
        last = await Meeting.select(Meeting.id, Meeting.title, Meeting.starts_at).where(
            (Meeting.team == access.team["id"]) & (Meeting.live_status == "ended")
            & (Meeting.starts_at < meeting["starts_at"]) & (Meeting.id != meeting["id"])
        ).order_by(Meeting.starts_at, ascending=False).first()
        if last is None:
            return []
        unfinished = await AgendaItem.select(*ITEM_COLUMNS).where(
            (AgendaItem.meeting == last["id"]) & AgendaItem.status.is_in(["pending", "current"])
            & AgendaItem.kind.not_in(["standing", "action_item_review"])
        ).order_by(AgendaItem.position)
        template = await TemplateItem.select(TemplateItem.kind, TemplateItem.title).where(
            TemplateItem.team == access.team["id"])
        carried = await AgendaItem.select(AgendaItem.carried_from).where(
            (AgendaItem.meeting == meeting["id"]) & AgendaItem.carried_from.is_not_null()
        )
    done = {row["carried_from"] for row in carried}
    standing = {(row["kind"], row["title"]) for row in template}  # every meeting gets those anyway
    for item in unfinished:
        item["from_meeting"] = last
    return [item for item in unfinished if item["id"] not in done and (item["kind"], item["title"]) not in standing]


async def carry_over(access: MeetingAccess, item_id: int) -> bool:
    """Copies an unfinished item onto this agenda, once (two clicks at once carry it once)."""
    async with writing():
        await lock_row(Meeting, access.meeting["id"])
        candidates = {item["id"]: item for item in await carry_over_candidates(access)}
        item = candidates.get(item_id)
        if item is None:
            return False
        count = await AgendaItem.count().where(AgendaItem.meeting == access.meeting["id"])
        await AgendaItem.insert(AgendaItem(
            meeting=access.meeting["id"], position=count, kind=item["kind"], title=item["title"],
            presenter=item["presenter"], planned_minutes=item["planned_minutes"],
            presenter_notes=item["presenter_notes"], status="pending", carried_from=item["id"], version=1,
        ))
        await AgendaItem.update({AgendaItem.status: "carried"}).where(AgendaItem.id == item_id)
        await bump_live_version(access.meeting["id"])
    return True


# The team's agenda template.


async def template_items(team_id: int) -> list[dict]:
    return await TemplateItem.select().where(TemplateItem.team == team_id).order_by(TemplateItem.position)


async def add_template_item(team_id: int, data: ItemInput) -> None:
    async with writing():
        await lock_row(Team, team_id)
        count = await TemplateItem.count().where(TemplateItem.team == team_id)
        await TemplateItem.insert(TemplateItem(
            team=team_id, position=count, kind=data.kind, title=_stored_title(data),
            planned_minutes=data.planned_minutes,
        ))


async def delete_template_item(team_id: int, item_id: int) -> None:
    async with writing():
        await TemplateItem.delete().where((TemplateItem.id == item_id) & (TemplateItem.team == team_id))
        rows = await TemplateItem.select(TemplateItem.id).where(TemplateItem.team == team_id).order_by(
            TemplateItem.position
        )
        for position, row in enumerate(rows):
            await TemplateItem.update({TemplateItem.position: position}).where(TemplateItem.id == row["id"])


# Guests.


async def invitations(meeting_id: int) -> list[dict]:
    return await Invitation.select(Invitation.id, Invitation.person.id, Invitation.person.name).where(
        Invitation.meeting == meeting_id
    )


async def invite(access: MeetingAccess, person_id: int, allowed_ids: set[int]) -> bool:
    if person_id not in allowed_ids:
        return False
    async with writing():
        await lock_row(Meeting, access.meeting["id"])
        if not await Invitation.exists().where(
            (Invitation.meeting == access.meeting["id"]) & (Invitation.person == person_id)
        ):
            await Invitation.insert(Invitation(meeting=access.meeting["id"], person=person_id, created_at=clock.now()))
    return True
