"""Action items: "My action items" across teams, a team's list, one item with its log."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery

from server import urls
from server.actions import policy, service
from server.actions.access import ActionAccess, action_access, require
from server.forms import parse_id
from server.i18n import N_
from server.teams.access import TeamAccess, team_access
from server.web.forms import RowId, form_data
from server.web.responses import redirect
from server.web.templating import render

TEMPLATE_GLOBALS = {"ACTION_STATUSES": policy.STATUSES}
STALE_PROGRESS = N_("Someone else updated this action item while you were writing. Their version is shown; "
                    "your update was not saved.")
STALE_EDIT = N_("Someone else changed this action item while you were editing. Both versions are shown "
                "below; nothing was overwritten.")


def status_filter(status: str) -> str:
    return status if status in policy.STATUSES or status in {"unfinished", "all"} else "unfinished"


@get("/actions", name="my_actions")
async def my_actions(request: Request, show: FromQuery[str] = "mine", status: FromQuery[str] = "unfinished",
                     team: FromQuery[str | None] = None) -> Response:
    """Assigned to me, created by me, or my agency's, across every team; filters by status and team."""
    scope = show if show in policy.SCOPES else "mine"
    status = status_filter(status)
    result = await service.my_actions(request.user, scope, status, parse_id(team))
    return render(request, "actions/mine.html", {
        **result, "scope": scope, "status": status, "team_filter": parse_id(team),
        "scopes": policy.SCOPES, "statuses": policy.STATUSES,
    }, block="results")


class TeamActionsController(Controller):
    path = "/teams/{team_id:int}/actions"

    @get("/", name="team_actions")
    async def team_actions(self, request: Request, team_id: RowId, status: FromQuery[str] = "unfinished") -> Response:
        found = await team_access(request.user, team_id, policy.can_see_team_actions)
        status = status_filter(status)
        return render(request, "actions/team.html", {
            "team": found.team, **await service.team_actions(found, status), "status": status,
            "statuses": policy.STATUSES, "can_manage": found.may(policy.can_manage),
        }, block="results")

    @get("/new", name="action.new")
    async def new_action(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request.user, team_id, policy.can_manage)
        return await action_form(request, found, None, {"status": "open"}, {})

    @post("/", status_code=200, name="action.create")
    async def create_action(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request.user, team_id, policy.can_manage)
        form = await form_data(request)
        action_id, errors = await service.create(found, form)
        if action_id is None:
            return await action_form(request, found, None, form, errors, status_code=422)
        return redirect(request, urls.url("action", action_id=action_id), flash="action_saved")


async def action_form(request, found: TeamAccess | ActionAccess, item, values, errors, status_code=200,
                      current=None) -> Response:
    _, people, agencies = await service.owner_choices(found.team, found.today)
    return render(request, "actions/form.html", {
        "team": found.team, "item": item, "values": values, "errors": errors, "people": people,
        "agencies": agencies, "statuses": policy.STATUSES, "current": current,
    }, block="form", status_code=status_code)


class ActionController(Controller):
    path = "/actions/{action_id:int}"

    async def _page(self, request, found: ActionAccess, item=None, errors=None, values=None, status_code=200,
                    current=None) -> Response:
        item = item or await service.get(found.item["id"])
        lead = found.may_manage
        return render(request, "actions/detail.html", {
            "item": item, "team": found.team, "updates": await service.updates(item["id"]), "can_manage": lead,
            "may_update": found.may_update, "errors": errors or {},
            "values": values or {"status": item["status"], "due_on": item["due_on"].isoformat() if item["due_on"] else ""},
            "statuses": policy.STATUSES if lead else {k: policy.STATUSES[k] for k in policy.MEMBER_STATUSES},
            "overdue": policy.is_overdue(item["due_on"], item["status"], found.today),
            "current": current,
        }, block="progress", status_code=status_code)

    @get("/", name="action")
    async def action_page(self, request: Request, action_id: RowId) -> Response:
        return await self._page(request, await action_access(request.user, action_id))

    @post("/progress", status_code=200, name="action.progress")
    async def progress(self, request: Request, action_id: RowId) -> Response:
        found = await action_access(request.user, action_id)
        require(found.may_update)
        form = await form_data(request)
        try:
            errors, saved = await service.record_progress(found, form)
        except service.Stale as stale:
            return await self._page(request, found, stale.current, {"form": STALE_PROGRESS}, form, 409,
                                    current=stale.current)
        if errors:
            return await self._page(request, found, errors=errors, values=form, status_code=422)
        return redirect(request, urls.url("action", action_id=action_id), flash="action_saved" if saved else "action_unchanged")

    @get("/edit", name="action.edit")
    async def edit_action(self, request: Request, action_id: RowId) -> Response:
        found = await action_access(request.user, action_id)
        require(found.may_manage)
        item = await service.get(action_id)
        values = {
            "title": item["title"], "description": item["description"], "owner_id": str(item["owner"] or ""),
            "owner_agency_id": str(item["owner_agency"] or ""), "status": item["status"],
            "due_on": item["due_on"].isoformat() if item["due_on"] else "", "version": str(item["version"]),
        }
        return await action_form(request, found, item, values, {})

    @post("/", status_code=200, name="action.update")
    async def update_action(self, request: Request, action_id: RowId) -> Response:
        found = await action_access(request.user, action_id)
        require(found.may_manage)
        form = await form_data(request)
        try:
            errors, saved = await service.edit(found, form)
        except service.Stale as stale:
            return await action_form(request, found, stale.current, form, {"form": STALE_EDIT}, status_code=409,
                                     current=stale.current)
        if errors:
            return await action_form(request, found, await service.get(action_id), form, errors, status_code=422)
        return redirect(request, urls.url("action", action_id=action_id),
                        flash="action_saved" if saved else "action_edit_unchanged")
