"""Action items: created by a team's leads (often live in a meeting), kept current by the
people and agencies they are given to."""

from __future__ import annotations

from server import clock
from server.accounts.policy import Viewer
from server.accounts.tables import Affiliation
from server.actions import policy
from server.actions.policy import ActionInput, ProgressInput
from server.actions.tables import ActionItem, ActionUpdate
from server.db import reading, writing
from server.forms import parse_version
from server.meetings.service import bump_live_version
from server.meetings.tables import AgendaItem, Meeting
from server.teams.tables import Membership, Team

ACTION_COLUMNS = (
    ActionItem.id, ActionItem.team, ActionItem.title, ActionItem.description, ActionItem.owner,
    ActionItem.owner_agency, ActionItem.due_on, ActionItem.status, ActionItem.source_meeting,
    ActionItem.source_item, ActionItem.created_by, ActionItem.created_at, ActionItem.updated_at,
    ActionItem.version, ActionItem.owner.name, ActionItem.owner_agency.name, ActionItem.owner_agency.short_name,
    ActionItem.team.name, ActionItem.team.time_zone, ActionItem.source_meeting.title,
    ActionItem.source_meeting.starts_at, ActionItem.source_item.title, ActionItem.created_by.name,
)


class Stale(Exception):
    """Someone else saved the action item first; carries the current record."""

    def __init__(self, current: dict):
        super().__init__("stale action item")
        self.current = current


async def viewer_agency(viewer: Viewer) -> int | None:
    row = await Affiliation.select(Affiliation.agency).where(
        (Affiliation.person == viewer.id) & Affiliation.ended_on.is_null()
    ).first()
    return row["agency"] if row else None


async def get(action_id: int) -> dict | None:
    return await ActionItem.select(*ACTION_COLUMNS).where(ActionItem.id == action_id).first()


async def updates(action_id: int) -> list[dict]:
    return await ActionUpdate.select(
        ActionUpdate.id, ActionUpdate.at, ActionUpdate.author.name, ActionUpdate.status_from,
        ActionUpdate.status_to, ActionUpdate.due_from, ActionUpdate.due_to, ActionUpdate.note,
    ).where(ActionUpdate.action_item == action_id).order_by(ActionUpdate.at, ascending=False)


async def owner_choices(team: dict) -> tuple[dict[int, int | None], list[dict], list[dict]]:
    """People on the roster (mapped to the agency they sit for) and the agencies at the table.
    Guests are left out: they have no action-item rights (DESIGN.md §4)."""
    day = clock.today_in(team["time_zone"])
    seats = await Membership.select(
        Membership.person.id, Membership.person.name, Membership.agency.id, Membership.agency.name,
    ).where(
        (Membership.team == team["id"]) & (Membership.started_on <= day) & (Membership.role != "guest")
        & (Membership.ended_on.is_null() | (Membership.ended_on > day))
    ).order_by(Membership.person.name)
    people = {s["person.id"]: s["agency.id"] for s in seats}
    person_options = [{"id": s["person.id"], "name": s["person.name"]} for s in seats]
    agencies = {s["agency.id"]: s["agency.name"] for s in seats}
    agency_options = [{"id": k, "name": v} for k, v in sorted(agencies.items(), key=lambda kv: kv[1])]
    return people, person_options, agency_options


async def create(team: dict, data: ActionInput, by: Viewer, meeting_id: int | None = None,
                 item_id: int | None = None) -> int:
    now = clock.now()
    async with writing():
        if item_id is not None and not await AgendaItem.exists().where(
            (AgendaItem.id == item_id) & (AgendaItem.meeting == meeting_id)
        ):
            item_id = None
        rows = await ActionItem.insert(ActionItem(
            team=team["id"], title=data.title, description=data.description, owner=data.owner_id,
            owner_agency=data.owner_agency_id, due_on=data.due_on, status=data.status,
            source_meeting=meeting_id, source_item=item_id, created_by=by.id, created_at=now,
            updated_at=now, version=1,
        )).returning(ActionItem.id)
        await ActionUpdate.insert(ActionUpdate(
            action_item=rows[0]["id"], author=by.id, at=now, status_to=data.status, due_to=data.due_on,
            note="",
        ))
        if meeting_id is not None:
            await bump_live_version(meeting_id)
    return rows[0]["id"]


async def edit(item: dict, data: ActionInput, version: str, by: Viewer) -> None:
    """A lead's full edit. Raises Stale (with the current record) when the version moved on."""
    now = clock.now()
    async with writing():
        updated = await ActionItem.update({
            ActionItem.title: data.title, ActionItem.description: data.description,
            ActionItem.owner: data.owner_id, ActionItem.owner_agency: data.owner_agency_id,
            ActionItem.due_on: data.due_on, ActionItem.status: data.status, ActionItem.updated_at: now,
            ActionItem.version: ActionItem.version + 1,
        }).where((ActionItem.id == item["id"]) & (ActionItem.version == parse_version(version))).returning(ActionItem.id)
        if not updated:
            raise Stale(await get(item["id"]))
        current = item
        if (data.status, data.due_on) != (current["status"], current["due_on"]):
            await ActionUpdate.insert(ActionUpdate(
                action_item=item["id"], author=by.id, at=now, status_from=current["status"], status_to=data.status,
                due_from=current["due_on"], due_to=data.due_on, note="",
            ))
        await _bump_source(item)


async def record_progress(item: dict, data: ProgressInput, version: str, by: Viewer) -> None:
    """A progress update by the owner, their agency or a lead; kept in the item's log."""
    now = clock.now()
    async with writing():
        updated = await ActionItem.update({
            ActionItem.status: data.status, ActionItem.due_on: data.due_on, ActionItem.updated_at: now,
            ActionItem.version: ActionItem.version + 1,
        }).where((ActionItem.id == item["id"]) & (ActionItem.version == parse_version(version))).returning(ActionItem.id)
        if not updated:
            raise Stale(await get(item["id"]))
        await ActionUpdate.insert(ActionUpdate(
            action_item=item["id"], author=by.id, at=now, status_from=item["status"], status_to=data.status,
            due_from=item["due_on"] if data.due_changed else None, due_to=data.due_on if data.due_changed else None,
            note=data.note,
        ))
        await _bump_source(item)


async def _bump_source(item: dict) -> None:
    if item["source_meeting"] is not None:
        await Meeting.update({Meeting.live_version: Meeting.live_version + 1}).where(
            (Meeting.id == item["source_meeting"]) & (Meeting.live_status == "live")
        )


# Lists.


async def my_actions(viewer: Viewer, scope: str, status: str, team_id: int | None) -> dict:
    """"My action items" across every team: assigned to me, created by me, or my agency's.

    A constant number of queries whatever the number of items or teams.
    """
    async with reading():
        agency_id = await viewer_agency(viewer)
        today = clock.now().date()
        teams = await Membership.select(Membership.team.id, Membership.team.name).where(
            (Membership.person == viewer.id) & (Membership.role != "guest") & (Membership.started_on <= today)
            & (Membership.ended_on.is_null() | (Membership.ended_on > today))
        ).order_by(Membership.team.name)
        if scope == "created":  # on teams the viewer still sits on
            who = (ActionItem.created_by == viewer.id) & ActionItem.team.is_in([t["team.id"] for t in teams] or [0])
        elif scope == "agency":
            # Only on teams the viewer sits on: another team's items are not theirs to know.
            who = (ActionItem.owner_agency == (agency_id or 0)) & ActionItem.team.is_in(
                [t["team.id"] for t in teams] or [0])
        else:
            who = ActionItem.owner == viewer.id
        query = ActionItem.select(*ACTION_COLUMNS).where(who).order_by(ActionItem.due_on).order_by(ActionItem.id)
        if status == "unfinished":
            query = query.where(ActionItem.status.is_in(list(policy.OPEN_STATUSES)))
        elif status in policy.STATUSES:
            query = query.where(ActionItem.status == status)
        if team_id is not None:
            query = query.where(ActionItem.team == team_id)
        items = await query.limit(1000)
    for item in items:  # "today" is the team's today
        item["overdue"] = policy.is_overdue(item["due_on"], item["status"], clock.today_in(item["team.time_zone"]))
    unique_teams = {t["team.id"]: t["team.name"] for t in teams}
    return {"items": items, "teams": [{"id": k, "name": v} for k, v in unique_teams.items()],
            "agency_id": agency_id}


async def team_actions(team: dict, status: str) -> list[dict]:
    query = ActionItem.select(*ACTION_COLUMNS).where(ActionItem.team == team["id"]).order_by(
        ActionItem.due_on).order_by(ActionItem.id)
    if status == "unfinished":
        query = query.where(ActionItem.status.is_in(list(policy.OPEN_STATUSES)))
    elif status in policy.STATUSES:
        query = query.where(ActionItem.status == status)
    items = await query.limit(1000)
    today = clock.today_in(team["time_zone"])
    for item in items:
        item["overdue"] = policy.is_overdue(item["due_on"], item["status"], today)
    return items


async def team_of(action: dict) -> dict:
    return await Team.select().where(Team.id == action["team"]).first()


