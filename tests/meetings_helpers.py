"""Shared set-up for meeting tests: schedule through the real HTTP forms, on days counted from
the test clock (never fixed calendar dates)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from server import clock
from server.accounts.policy import Viewer
from server.meetings import agenda, scheduling
from server.meetings.access import MeetingAccess, meeting_access
from server.meetings.policy import MeetingInput
from server.meetings.tables import AgendaItem, Meeting
from server.teams.access import TeamAccess, team_access
from server.teams.policy import LEADING_ROLES
from server.teams.tables import Membership
from tests.conftest import post_form

ZONE = "America/New_York"  # the demo teams' zone
NEW_YORK = ZoneInfo(ZONE)


def today() -> date:
    """Today in the demo teams' zone, by the test clock."""
    return clock.today_in(ZONE)


def days_from_today(days: int) -> date:
    return today() + timedelta(days=days)


def nth_weekday(year: int, month: int, nth: int, weekday: int) -> date:
    """The nth (1..4, or -1 for the last) weekday (0 = Monday) of a month."""
    days = [week[weekday] for week in calendar.monthcalendar(year, month) if week[weekday]]
    return date(year, month, days[nth - 1] if nth > 0 else days[-1])


def month_start(months_ahead: int) -> date:
    """The first day of the month `months_ahead` months after this one."""
    first = today().replace(day=1)
    month_index = first.month - 1 + months_ahead
    return date(first.year + month_index // 12, month_index % 12 + 1, 1)


def third_wednesday(months_ahead: int = 2) -> date:
    start = month_start(months_ahead)
    return nth_weekday(start.year, start.month, 3, 2)


def upcoming_day() -> date:
    """A day six weeks ahead: far enough that nothing of the demo happens in between."""
    return days_from_today(42)


async def schedule(client, token: str, team_id: int, **fields) -> int:
    form = {"title": "Collaborative meeting", "day": upcoming_day().isoformat(), "start": "10:00",
            "duration_minutes": "90", "frequency": "none", **fields}
    response = await post_form(client, f"/teams/{team_id}/meetings", form, token)
    assert response.status_code == 303, response.text[:800]
    return int(response.headers["location"].rsplit("/", 1)[1])


async def series_meetings(series_id: int) -> list[dict]:
    return await Meeting.select().where(Meeting.series == series_id).order_by(Meeting.original_start)


def local(moment: datetime) -> datetime:
    return moment.astimezone(NEW_YORK)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# Set-up through the real use cases, as a person of the demo (never by hand-made access objects).


def viewer_of(demo, email: str) -> Viewer:
    """The person with this email as a request would see them, at the test clock's instant."""
    return Viewer(id=demo.people[email], name=email, email=email, language="en", is_site_admin=False,
                  session_id=0, at=clock.now())


async def on_team(demo, email: str, team_id: int) -> TeamAccess:
    return await team_access(viewer_of(demo, email), team_id)


async def on_meeting(demo, email: str, meeting_id: int) -> MeetingAccess:
    return await meeting_access(viewer_of(demo, email), meeting_id)


async def add_item(access: MeetingAccess, kind: str, title: str, planned_minutes: int = 10) -> int:
    """Appends an agenda item through the agenda's use case; returns its id."""
    problems = await agenda.add_item(access, {"kind": kind, "title": title, "planned_minutes": str(planned_minutes)})
    assert not problems, problems
    row = await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == access.meeting["id"]).order_by(
        AgendaItem.id, ascending=False).first()
    return row["id"]


async def held_meeting(lead: TeamAccess, title: str, minutes_ago: int,
                       items: tuple[tuple[str, str], ...] = ()) -> tuple[MeetingAccess, list[int]]:
    """A one-hour meeting that started `minutes_ago` minutes ago with these agenda items (kind,
    title), was run live and ended before any item was opened, agenda published; returned as the lead who scheduled it
    sees it, with the items' ids.

    Under an hour ago, so no demo meeting (each at least an hour long) can have ended after it started.
    """
    zone = lead.team["time_zone"]
    # Counted back in UTC, then read on the local clock: local wall time jumps on a daylight-saving day.
    start = (clock.now().replace(second=0, microsecond=0) - timedelta(minutes=minutes_ago)).astimezone(
        ZoneInfo(zone)).replace(tzinfo=None)
    data = MeetingInput(title, start.date(), start.time(), 60, "Room 2", "", "")
    meeting_id = await scheduling.create_meeting(lead, data, None)
    scheduled = await meeting_access(lead.viewer, meeting_id)
    item_ids = [await add_item(scheduled, kind, item_title) for kind, item_title in items]
    starts_at = scheduling.to_utc(start, zone)
    await Meeting.update({
        Meeting.agenda_published_at: starts_at - timedelta(days=3), Meeting.live_status: "ended",
        Meeting.live_started_at: starts_at, Meeting.live_ended_at: starts_at + timedelta(hours=1),
    }).where(Meeting.id == meeting_id)
    # As the meeting's end records it: items never opened were not reached.
    await AgendaItem.update({AgendaItem.outcome: "not_reached"}).where(AgendaItem.meeting == meeting_id)
    return await meeting_access(lead.viewer, meeting_id), item_ids


async def as_lead(demo, meeting_id: int) -> MeetingAccess:
    """The meeting as one of its team's leads sees it (someone who runs it)."""
    meeting = await Meeting.select(Meeting.team).where(Meeting.id == meeting_id).first()
    seat = await Membership.select(Membership.person.email).where(
        (Membership.team == meeting["team"]) & Membership.role.is_in(sorted(LEADING_ROLES))
        & Membership.ended_on.is_null()
    ).first()
    return await on_meeting(demo, seat["person.email"], meeting_id)
