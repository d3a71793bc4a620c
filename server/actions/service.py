"""Action items: created by a team's leads (often live in a meeting), kept current by the
people and agencies they are given to."""

from __future__ import annotations

from datetime import date

from server import clock, errors
from server.accounts.policy import Viewer
from server.actions import policy
from server.actions.access import ActionAccess
from server.actions.tables import ActionItem, ActionUpdate
from server.db import reading, writing
from server.forms import parse_version
from server.meetings import live
from server.meetings.tables import AgendaItem
from server.teams import membership
from server.teams.access import TeamAccess
from server.teams.policy import Standing
from server.teams.tables import Team

ACTION_COLUMNS = (
    ActionItem.id, ActionItem.team, ActionItem.title, ActionItem.description, ActionItem.owner,
    ActionItem.owner_agency, ActionItem.due_on, ActionItem.status, ActionItem.source_meeting,
    ActionItem.source_item, ActionItem.created_by, ActionItem.created_at, ActionItem.updated_at,
    ActionItem.version, ActionItem.owner.name, ActionItem.owner_agency.name, ActionItem.owner_agency.short_name,
    ActionItem.team.name, ActionItem.team.time_zone, ActionItem.source_meeting.title,
    ActionItem.source_meeting.starts_at, ActionItem.source_item.title, ActionItem.created_by.name,
)
# What a list of action items shows: three joins, not the item page's six (on PostgreSQL,
# planning a six-way join costs more than running it).
LIST_COLUMNS = (
    ActionItem.id, ActionItem.team, ActionItem.title, ActionItem.owner, ActionItem.owner_agency,
    ActionItem.due_on, ActionItem.status, ActionItem.owner.name, ActionItem.owner_agency.name,
    ActionItem.owner_agency.short_name, ActionItem.team.name, ActionItem.team.time_zone,
)
MAX_LISTED = 500  # a list longer than this is filtered, not scrolled


class Stale(errors.Stale):
    """Someone else saved the action item first; carries the current record."""

    def __init__(self, current: dict):
        super().__init__()
        self.current = current


async def get(action_id: int) -> dict | None:
    return await ActionItem.select(*ACTION_COLUMNS).where(ActionItem.id == action_id).first()


async def updates(action_id: int) -> list[dict]:
    return await ActionUpdate.select(
        ActionUpdate.id, ActionUpdate.at, ActionUpdate.author.name, ActionUpdate.status_from,
        ActionUpdate.status_to, ActionUpdate.due_from, ActionUpdate.due_to, ActionUpdate.note,
    ).where(ActionUpdate.action_item == action_id).order_by(ActionUpdate.at, ascending=False)


async def owner_choices(team: dict, day: date) -> tuple[dict[int, int | None], list[dict], list[dict]]:
    """People on the roster on `day` (mapped to the agency they sit for) and the agencies at the
    table. Guests are left out: they have no action-item rights (DESIGN.md §4)."""
    seats = await membership.seated(team, day, without_guests=True)
    people = {s["id"]: s["agency_id"] for s in seats}
    person_options = [{"id": s["id"], "name": s["name"]} for s in seats]
    agencies = {s["agency_id"]: s["agency_name"] for s in seats}
    agency_options = [{"id": k, "name": v} for k, v in sorted(agencies.items(), key=lambda kv: kv[1])]
    return people, person_options, agency_options


async def _validated(team: dict, day: date, form: dict[str, str], *, new: bool = False):
    """A new item's due date is checked against the team's day (a past one needs confirming)."""
    people, _, agencies = await owner_choices(team, day)
    return policy.validate_action(form, people, {a["id"] for a in agencies}, today=day if new else None)


async def create(access: TeamAccess, form: dict[str, str], meeting_id: int | None = None,
                 item_id: int | None = None) -> tuple[int | None, dict[str, str]]:
    """A new action item (from a meeting and agenda item when given): its id, or field messages.
    The owner must be on the roster at the time of the write."""
    now = clock.now()
    async with writing():
        access = await access.confirm(policy.can_manage)
        data, problems = await _validated(access.team, access.today, form, new=True)
        if data is None:
            return None, problems
        if item_id is not None and not await AgendaItem.exists().where(
            (AgendaItem.id == item_id) & (AgendaItem.meeting == meeting_id)
        ):
            item_id = None
        rows = await ActionItem.insert(ActionItem(
            team=access.team["id"], title=data.title, description=data.description, owner=data.owner_id,
            owner_agency=data.owner_agency_id, due_on=data.due_on, status=data.status,
            source_meeting=meeting_id, source_item=item_id, created_by=access.viewer.id, created_at=now,
            updated_at=now, version=1,
        )).returning(ActionItem.id)
        await ActionUpdate.insert(ActionUpdate(
            action_item=rows[0]["id"], author=access.viewer.id, at=now, status_to=data.status, due_to=data.due_on,
            note="",
        ))
        if meeting_id is not None:
            await live.bump_version(meeting_id)
    return rows[0]["id"], {}


async def edit(access: ActionAccess, form: dict[str, str]) -> tuple[dict[str, str], bool]:
    """A lead's full edit: field messages (or none) and whether anything was written (an edit
    that changes nothing leaves the item, its version and its log as they were). Raises Stale
    (with the current record) when the version moved on."""
    now = clock.now()
    async with writing():
        access = await access.confirm()
        if not access.may_manage:
            raise errors.Forbidden()
        data, problems = await _validated(access.team, access.today, form)
        if data is None:
            return problems, False
        before = await get(access.item["id"])
        if policy.changes_nothing(data.as_columns(), before):
            return {}, False
        updated = await ActionItem.update({
            ActionItem.title: data.title, ActionItem.description: data.description,
            ActionItem.owner: data.owner_id, ActionItem.owner_agency: data.owner_agency_id,
            ActionItem.due_on: data.due_on, ActionItem.status: data.status, ActionItem.updated_at: now,
            ActionItem.version: ActionItem.version + 1,
        }).where(
            (ActionItem.id == access.item["id"]) & (ActionItem.version == parse_version(form.get("version")))
        ).returning(ActionItem.id)
        if not updated:
            raise Stale(before)
        if (data.status, data.due_on) != (before["status"], before["due_on"]):
            await ActionUpdate.insert(ActionUpdate(
                action_item=access.item["id"], author=access.viewer.id, at=now, status_from=before["status"],
                status_to=data.status, due_from=before["due_on"], due_to=data.due_on, note="",
            ))
        await _changed_in_meeting(before)
    return {}, True


async def record_progress(access: ActionAccess, form: dict[str, str]) -> tuple[dict[str, str], bool]:
    """A progress update by the owner, their agency or a lead, kept in the item's log: field
    messages (or none) and whether anything was written (an update that changes nothing is not
    logged). Raises Stale when someone saved first."""
    now = clock.now()
    async with writing():
        access = await access.confirm()  # the owner and the viewer's standing as they are now
        if not access.may_update:
            raise errors.Forbidden()
        before = await get(access.item["id"])
        data, problems = policy.validate_progress(form, before["due_on"], access.may_manage)
        if data is None:
            return problems, False
        if policy.changes_nothing({"status": data.status, "due_on": data.due_on}, before, data.note):
            return {}, False
        updated = await ActionItem.update({
            ActionItem.status: data.status, ActionItem.due_on: data.due_on, ActionItem.updated_at: now,
            ActionItem.version: ActionItem.version + 1,
        }).where(
            (ActionItem.id == access.item["id"]) & (ActionItem.version == parse_version(form.get("version")))
        ).returning(ActionItem.id)
        if not updated:
            raise Stale(before)
        await ActionUpdate.insert(ActionUpdate(
            action_item=access.item["id"], author=access.viewer.id, at=now, status_from=before["status"],
            status_to=data.status, due_from=before["due_on"] if data.due_changed else None,
            due_to=data.due_on if data.due_changed else None, note=data.note,
        ))
        await _changed_in_meeting(before)
    return {}, True


async def _changed_in_meeting(item: dict) -> None:
    """People watching the meeting the item came from see the change while it runs."""
    if item["source_meeting"] is not None:
        await live.bump_version(item["source_meeting"], only_while_live=True)


# Lists.


def _status_filter(query, status: str):
    if status == "unfinished":
        return query.where(ActionItem.status.is_in(list(policy.OPEN_STATUSES)))
    if status in policy.STATUSES:
        return query.where(ActionItem.status == status)
    return query


def member_standings(viewer: Viewer, standings: dict[int, Standing]) -> dict[int, Standing]:
    """The teams (of the viewer's standings) whose action items they see: where they sit as a member."""
    return {team: standing for team, standing in standings.items() if policy.can_see_team_actions(viewer, standing)}


def given_to(viewer: Viewer, standings: dict[int, Standing], scope: str):
    """Where-condition on ActionItem: "my action items" on the teams of `standings` (see
    member_standings): "mine", given to me; "agency", given to the agency I sit for on the item's
    team; "created", created by me. Items of teams I have left are not mine to keep current."""
    member_teams = list(standings) or [0]
    if scope == "created":
        return (ActionItem.created_by == viewer.id) & ActionItem.team.is_in(member_teams)
    if scope == "agency":
        who = None
        for team, standing in standings.items():
            branch = (ActionItem.team == team) & (ActionItem.owner_agency == (standing.agency_id or 0))
            who = branch if who is None else who | branch
        return who if who is not None else ActionItem.id == 0
    return (ActionItem.owner == viewer.id) & ActionItem.team.is_in(member_teams)


async def my_actions(viewer: Viewer, scope: str, status: str, team_id: int | None) -> dict:
    """"My action items" across the teams where I sit as a member at the viewer's instant:
    assigned to me, created by me, or my agency's (the agency I sit for on each team). A constant number of
    queries whatever the number of items or teams."""
    async with reading():
        standings = member_standings(viewer, await membership.standings(viewer.id, viewer.at))
        query = _status_filter(ActionItem.select(*LIST_COLUMNS).where(given_to(viewer, standings, scope)), status)
        if team_id is not None:
            query = query.where(ActionItem.team == team_id)
        items = await query.order_by(ActionItem.due_on).order_by(ActionItem.id).limit(MAX_LISTED)
        teams = await Team.select(Team.id, Team.name).where(Team.id.is_in(list(standings) or [0])).order_by(Team.name)
    for item in items:  # "today" is the team's today
        item["overdue"] = policy.is_overdue(item["due_on"], item["status"],
                                            clock.day_in(viewer.at, item["team.time_zone"]))
    return {"items": items, "teams": teams, "capped": len(items) == MAX_LISTED, "limit": MAX_LISTED}


async def team_actions(access: TeamAccess, status: str) -> dict:
    query = _status_filter(ActionItem.select(*LIST_COLUMNS).where(ActionItem.team == access.team["id"]), status)
    items = await query.order_by(ActionItem.due_on).order_by(ActionItem.id).limit(MAX_LISTED)
    for item in items:
        item["overdue"] = policy.is_overdue(item["due_on"], item["status"], access.today)
    return {"items": items, "capped": len(items) == MAX_LISTED, "limit": MAX_LISTED}
