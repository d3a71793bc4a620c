"""Action items: "My action items" across teams, a team's list, one item with its log."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromQuery

from server import clock
from server.actions import policy, service
from server.forms import parse_id
from server.teams import service as teams
from server.teams.routes import access as team_access
from server.web.forms import RowId, form_data
from server.web.i18n import N_
from server.web.responses import redirect
from server.web.templating import render


def _team_filter(value: str | None) -> int | None:
    return parse_id(value)


@get("/actions")
async def my_actions(request: Request, show: FromQuery[str] = "mine", status: FromQuery[str] = "unfinished",
                     team: FromQuery[str | None] = None) -> Response:
    """Assigned to me, created by me, or my agency's, across every team; filters by status and team."""
    scope = show if show in policy.SCOPES else "mine"
    status = status if status in policy.STATUSES or status in {"unfinished", "all"} else "unfinished"
    result = await service.my_actions(request.scope["user"], scope, status, _team_filter(team))
    return render(request, "actions/mine.html", {
        **result, "scope": scope, "status": status, "team_filter": _team_filter(team),
        "scopes": policy.SCOPES, "statuses": policy.STATUSES,
    }, block="results")


class TeamActionsController(Controller):
    path = "/teams/{team_id:int}/actions"

    @get("/")
    async def team_actions(self, request: Request, team_id: RowId, status: FromQuery[str] = "unfinished") -> Response:
        found = await team_access(request, team_id, lambda viewer, roles: bool(roles - {"guest"}))
        status = status if status in policy.STATUSES or status in {"unfinished", "all"} else "unfinished"
        return render(request, "actions/team.html", {
            "team": found.team, "items": await service.team_actions(found.team, status), "status": status,
            "statuses": policy.STATUSES, "can_manage": policy.can_manage(found.roles),
        }, block="results")

    @get("/new")
    async def new_action(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request, team_id, lambda viewer, roles: policy.can_manage(roles))
        return await action_form(request, found.team, None, {"status": "open"}, {})

    @post("/", status_code=200)
    async def create_action(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request, team_id, lambda viewer, roles: policy.can_manage(roles))
        form = await form_data(request)
        people, _, agencies = await service.owner_choices(found.team)
        data, errors = policy.validate_action(form, people, {a["id"] for a in agencies})
        if data is None:
            return await action_form(request, found.team, None, form, errors, status_code=422)
        action_id = await service.create(found.team, data, request.scope["user"])
        return redirect(request, f"/actions/{action_id}", flash="action_saved")


async def action_form(request, team, item, values, errors, status_code=200, current=None) -> Response:
    _, people, agencies = await service.owner_choices(team)
    return render(request, "actions/form.html", {
        "team": team, "item": item, "values": values, "errors": errors, "people": people,
        "agencies": agencies, "statuses": policy.STATUSES, "current": current,
    }, block="form", status_code=status_code)


class ActionController(Controller):
    path = "/actions/{action_id:int}"

    async def _load(self, request: Request, action_id: int):
        """The item, its team, the viewer's roles there and agency; 404 unless on the team."""
        viewer = request.scope["user"]
        item = await service.get(action_id)
        if item is None:
            raise NotFoundException()
        team = await service.team_of(item)
        roles = await teams.viewer_roles(viewer, team)
        agency_id = await service.viewer_agency(viewer)
        may_update = policy.can_update(viewer, roles, item["owner"], item["owner_agency"], agency_id)
        if not (roles - {"guest"}) and not may_update:
            raise NotFoundException()
        return item, team, roles, may_update

    async def _page(self, request, item, team, roles, may_update, errors=None, values=None, status_code=200,
                    current=None) -> Response:
        lead = policy.can_manage(roles)
        return render(request, "actions/detail.html", {
            "item": item, "team": team, "updates": await service.updates(item["id"]), "can_manage": lead,
            "may_update": may_update, "errors": errors or {},
            "values": values or {"status": item["status"], "due_on": item["due_on"].isoformat() if item["due_on"] else ""},
            "statuses": policy.STATUSES if lead else {k: policy.STATUSES[k] for k in policy.MEMBER_STATUSES},
            "overdue": policy.is_overdue(item["due_on"], item["status"], clock.today_in(team["time_zone"])),
            "current": current,
        }, block="progress", status_code=status_code)

    @get("/")
    async def action_page(self, request: Request, action_id: RowId) -> Response:
        item, team, roles, may_update = await self._load(request, action_id)
        return await self._page(request, item, team, roles, may_update)

    @post("/progress", status_code=200)
    async def progress(self, request: Request, action_id: RowId) -> Response:
        item, team, roles, may_update = await self._load(request, action_id)
        if not may_update:
            raise PermissionDeniedException()
        form = await form_data(request)
        data, errors = policy.validate_progress(form, item["due_on"], policy.can_manage(roles))
        if data is None:
            return await self._page(request, item, team, roles, may_update, errors, form, 422)
        try:
            await service.record_progress(item, data, form.get("version", ""), request.scope["user"])
        except service.Stale as stale:
            return await self._page(request, stale.current, team, roles, may_update,
                                    {"form": N_("Someone else updated this action item while you were "
                                                       "writing. Their version is shown; your update was not saved.")},
                                    form, 409, current=stale.current)
        return redirect(request, f"/actions/{action_id}", flash="action_saved")

    @get("/edit")
    async def edit_action(self, request: Request, action_id: RowId) -> Response:
        item, team, roles, _ = await self._load(request, action_id)
        if not policy.can_manage(roles):
            raise PermissionDeniedException()
        values = {
            "title": item["title"], "description": item["description"], "owner_id": str(item["owner"] or ""),
            "owner_agency_id": str(item["owner_agency"] or ""), "status": item["status"],
            "due_on": item["due_on"].isoformat() if item["due_on"] else "", "version": str(item["version"]),
        }
        return await action_form(request, team, item, values, {})

    @post("/", status_code=200)
    async def update_action(self, request: Request, action_id: RowId) -> Response:
        item, team, roles, _ = await self._load(request, action_id)
        if not policy.can_manage(roles):
            raise PermissionDeniedException()
        form = await form_data(request)
        people, _, agencies = await service.owner_choices(team)
        data, errors = policy.validate_action(form, people, {a["id"] for a in agencies})
        if data is None:
            return await action_form(request, team, item, form, errors, status_code=422)
        try:
            await service.edit(item, data, form.get("version", ""), request.scope["user"])
        except service.Stale as stale:
            errors = {"form": N_("Someone else changed this action item while you were editing. "
                                       "Both versions are shown below; nothing was overwritten.")}
            return await action_form(request, team, stale.current, form, errors, status_code=409,
                                     current=stale.current)
        return redirect(request, f"/actions/{action_id}", flash="action_saved")
