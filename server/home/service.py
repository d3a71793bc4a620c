"""What now: a person's meetings, agendas, minutes and action items across their teams, gathered
in one read with a fixed number of statements whatever the number of teams, meetings and items.

Standing comes from teams/membership.py at the request's instant; who sees which meeting, runs
it, reads which minutes and keeps which action item current are the rules of meetings/policy.py
and actions/ (the site admin sees meetings as a member only, DESIGN.md §4).
"""

from __future__ import annotations

from datetime import date, timedelta

from server import clock
from server.accounts.policy import Viewer
from server.actions import policy as actions_policy
from server.actions import service as actions
from server.actions.access import ActionAccess
from server.actions.tables import ActionItem
from server.cases import dashboard as consent
from server.db import reading
from server.home import policy
from server.meetings import policy as meetings_policy
from server.meetings.tables import Invitation, Meeting, Minutes
from server.teams import membership
from server.teams import service as teams
from server.teams.access import TeamAccess
from server.teams.policy import Standing

# Lists are bounded: past these, the page links to the full lists.
MAX_MEETINGS = 100  # starting in the next two weeks, across every team (agendas look that far)
MAX_MINUTES = 20
MAX_ITEMS = 100
MAX_OVERDUE_ON_TEAM = 10
UPCOMING_ON_TEAM = 3

MEETING_COLUMNS = (
    Meeting.id, Meeting.team, Meeting.title, Meeting.starts_at, Meeting.ends_at, Meeting.status, Meeting.cancel_reason,
    Meeting.location,
    Meeting.agenda_published_at, Meeting.live_status, Meeting.series,
)
ITEM_COLUMNS = (*actions.LIST_COLUMNS, ActionItem.version)
# A window that holds every team's today (a day starts at most ~26 hours before the instant, in
# any zone) and the days after it the page looks at; each row is then held to its team's calendar.
BEFORE, AFTER = timedelta(days=2), policy.AGENDA_AHEAD + timedelta(days=2)


async def what_now(viewer: Viewer) -> dict:
    """Everything the home page shows, for the viewer at the request's instant."""
    now = viewer.at
    async with reading():
        standings = await membership.standings(viewer.id, now)
        team_rows = await teams.teams_for(viewer, standings)
        by_id = {team["id"]: team for team in team_rows}
        today = {team_id: clock.day_in(now, by_id[team_id]["time_zone"]) for team_id in standings}
        meetings = await _meetings(viewer, standings)
        minutes = await _minutes(viewer, standings)
        items, items_capped = await _items(viewer, standings, today)
        emergencies = await consent.emergency_notices(viewer, standings, team_rows)
    this_week, agendas = [], []
    for meeting in meetings:
        team = by_id[meeting["team"]]
        runs = meetings_policy.can_run(viewer, standings[meeting["team"]])
        day = clock.day_in(meeting["starts_at"], team["time_zone"])
        meeting.update(team_name=team["name"], zone=team["time_zone"], runs=runs,
                       days_ahead=(day - today[team["id"]]).days, over=policy.is_over(meeting, now))
        if policy.in_the_week(day, today[team["id"]], meeting["live_status"]):
            this_week.append(meeting)
        if runs and policy.agenda_waiting(meeting, day, today[team["id"]], now):
            agendas.append(meeting)
    for row in minutes:
        team = by_id[row["meeting.team"]]
        row.update(team_name=team["name"], zone=team["time_zone"],
                   leads=meetings_policy.can_run(viewer, standings[team["id"]]))
    mine = [team for team in team_rows if team["roles"]]
    return {
        "teams": team_rows, "my_teams": mine, "meetings": this_week, "agendas": agendas,
        "minutes_to_move": [row for row in minutes if row["leads"]],
        "minutes_to_review": [row for row in minutes if not row["leads"]],
        "items": items, "items_capped": items_capped,
        "keeps_items": bool(actions.member_standings(viewer, standings)),
        "show_zones": len({team["time_zone"] for team in mine}) > 1,
        "minutes_steps": policy.MINUTES_STEPS,
        # Emergency access declared on cases the viewer manages (no email yet): the team, no case detail.
        "emergencies": [{**notice, "team_name": by_id[notice["team"]]["name"], "zone": by_id[notice["team"]]["time_zone"]}
                        for notice in emergencies if notice["team"] in by_id],
    }


def _visible(viewer: Viewer, standings: dict[int, Standing]):
    """Where-condition on Meeting: the meetings the viewer may see on the teams of `standings`:
    their teams' as a member, and as a guest only those they are invited to."""
    members = [team for team, standing in standings.items() if meetings_policy.can_see_meetings(viewer, standing)]
    guest_seats = [standing.guest_seat for standing in standings.values() if standing.is_guest]
    visible = Meeting.team.is_in(members or [0])
    if guest_seats:  # invitations count under the guest seat they were issued for
        visible |= Meeting.id.is_in(Invitation.select(Invitation.meeting).where(
            (Invitation.person == viewer.id) & Invitation.seat.is_in(guest_seats)))
    return visible


async def _meetings(viewer: Viewer, standings: dict[int, Standing]) -> list[dict]:
    """The meetings the viewer may see that start in the window around the next two weeks."""
    window = (Meeting.starts_at >= viewer.at - BEFORE) & (Meeting.starts_at < viewer.at + AFTER)
    rows = await Meeting.select(*MEETING_COLUMNS).where(_visible(viewer, standings) & window).order_by(
        Meeting.starts_at).limit(MAX_MEETINGS)
    return [row for row in rows if row["team"] in standings]


async def _minutes(viewer: Viewer, standings: dict[int, Standing]) -> list[dict]:
    """Minutes the viewer's leads move along (drafts, circulated) and members review (circulated),
    the latest meetings first."""
    leads = [team for team, standing in standings.items() if meetings_policy.can_run(viewer, standing)]
    readers = [team for team, standing in standings.items()
               if meetings_policy.can_see_meetings(viewer, standing) and team not in leads]
    # The statuses first, on their own: the few minutes still moving are found by their index,
    # not by reading every approved one.
    still_moving = sorted(set(policy.MINUTES_STEPS) | set(policy.MINUTES_TO_REVIEW))
    condition = Minutes.status.is_in(still_moving) & (
        (Minutes.meeting.team.is_in(leads or [0]) & Minutes.status.is_in(list(policy.MINUTES_STEPS)))
        | (Minutes.meeting.team.is_in(readers or [0]) & Minutes.status.is_in(list(policy.MINUTES_TO_REVIEW))))
    return await Minutes.select(
        Minutes.id, Minutes.status, Minutes.meeting.id, Minutes.meeting.title, Minutes.meeting.starts_at,
        Minutes.meeting.team,
    ).where(condition).order_by(Minutes.meeting.starts_at, ascending=False).limit(MAX_MINUTES)


async def _items(viewer: Viewer, standings: dict[int, Standing], today: dict[int, date]) -> tuple[list[dict], bool]:
    """My unfinished action items (given to me, or to the agency I sit for on the item's team)
    that are overdue or due within the week on their team's calendar (`today`), soonest first;
    and whether there were more than the page lists."""
    mine = actions.member_standings(viewer, standings)
    if not mine:
        return [], False
    who = actions.given_to(viewer, mine, "mine") | actions.given_to(viewer, mine, "agency")
    # Unfinished said as "not finished": SQLite then finds them by owner and agency (their
    # indexes) rather than reading every open item of the region by its status.
    finished = [status for status in actions_policy.STATUSES if status not in actions_policy.OPEN_STATUSES]
    rows = await ActionItem.select(*ITEM_COLUMNS).where(
        who & ActionItem.status.not_in(finished)
        & (ActionItem.due_on <= max(today[team] for team in mine) + policy.WEEK)
    ).order_by(ActionItem.due_on).order_by(ActionItem.id).limit(MAX_ITEMS)
    return [
        _with_quick_update(row, today[row["team"]], actions_policy.can_manage(viewer, mine[row["team"]]))
        for row in rows if policy.due_soon(row["due_on"], today[row["team"]])
    ], len(rows) == MAX_ITEMS


def _with_quick_update(item: dict, today: date, lead: bool) -> dict:
    """An action item as the home page lists it, with what its quick update form offers."""
    item.update(
        overdue=actions_policy.is_overdue(item["due_on"], item["status"], today), due_today=item["due_on"] == today,
        statuses=actions_policy.STATUSES if lead else {
            code: actions_policy.STATUSES[code] for code in actions_policy.MEMBER_STATUSES},
        form={"status": item["status"], "due_on": item["due_on"].isoformat() if item["due_on"] else "", "note": "",
              "version": str(item["version"])},
    )
    return item


async def quick_item(access: ActionAccess) -> dict:
    """One action item as the home page lists it, read afresh (after an update, or a refusal)."""
    return _with_quick_update(await actions.get(access.item["id"]), access.today, access.may_manage)


# A team's own "what now", on its overview page.


async def team_now(access: TeamAccess) -> dict:
    """The team's next meetings the viewer may see, the one to lead with (running now, else the
    next that has not begun or been cancelled) and, for its members, the team's overdue action
    items, the longest overdue first."""
    now = access.viewer.at
    visible = _visible(access.viewer, {access.team["id"]: access.standing}) & (Meeting.team == access.team["id"])
    ahead = (Meeting.status == "scheduled") & (Meeting.live_status == "not_started") & (Meeting.ends_at > now)
    overdue = None
    async with reading():
        # As the meeting list has them: a meeting that has ended is history at once; one running
        # past its scheduled end is still here.
        upcoming = await Meeting.select(*MEETING_COLUMNS).where(visible & (
            ((Meeting.ends_at >= now) & (Meeting.live_status != "ended")) | (Meeting.live_status == "live"))).order_by(
            Meeting.starts_at).limit(UPCOMING_ON_TEAM)
        # A meeting running now comes first, even one started before another's scheduled time
        # ("live" sorts before "not_started").
        next_meeting = await Meeting.select(*MEETING_COLUMNS).where(
            visible & ((Meeting.live_status == "live") | ahead)).order_by(Meeting.live_status).order_by(
            Meeting.starts_at).first()
        if access.may(actions_policy.can_see_team_actions):
            overdue = await ActionItem.select(*actions.LIST_COLUMNS).where(
                (ActionItem.team == access.team["id"]) & ActionItem.status.is_in(list(actions_policy.OPEN_STATUSES))
                & (ActionItem.due_on < access.today)
            ).order_by(ActionItem.due_on).order_by(ActionItem.id).limit(MAX_OVERDUE_ON_TEAM + 1)
    for item in overdue or []:
        item["overdue"] = True
    return {
        "meetings": {"upcoming": upcoming}, "next_meeting": next_meeting,
        "overdue": overdue[:MAX_OVERDUE_ON_TEAM] if overdue is not None else None,
        "more_overdue": overdue is not None and len(overdue) > MAX_OVERDUE_ON_TEAM,
    }
