"""Teams and their rosters."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException

from server.accounts.policy import Viewer
from server.meetings import policy as meetings_policy
from server.meetings import service as meetings_service
from server.teams import policy, service
from server.teams.service import TeamAccess
from server.web.errors import error_page
from server.web.forms import RowId, form_data, uploaded_file
from server.web.guards import admin_required
from server.web.i18n import N_
from server.web.responses import redirect
from server.web.templating import render

CSV_LIMIT = 1_000_000


async def access(request: Request, team_id: int, allowed) -> TeamAccess:
    """The team and the viewer's roles, or 404/403 by the team policy predicate `allowed`."""
    viewer: Viewer = request.scope["user"]
    found = await service.team_access(viewer, team_id)
    if found is None:
        raise NotFoundException()
    if not allowed(viewer, found.roles):
        raise PermissionDeniedException()
    return found


class TeamController(Controller):
    path = "/teams"

    @get("/")
    async def list_teams(self, request: Request) -> Response:
        return render(request, "teams/list.html", {"teams": await service.teams_for(request.scope["user"])})

    @get("/new", guards=[admin_required])
    async def new_team(self, request: Request) -> Response:
        return render(request, "teams/form.html", {
            "team": None, "values": {"time_zone": "America/New_York", "quorum_kind": "share", "quorum_value": "50"},
            "errors": {},
            "time_zones": policy.COMMON_TIME_ZONES,
        })

    @post("/", guards=[admin_required], status_code=200)
    async def create_team(self, request: Request) -> Response:
        return await self._save(request, None)

    @get("/{team_id:int}")
    async def overview(self, request: Request, team_id: RowId) -> Response:
        found = await access(request, team_id, policy.can_view_team)
        viewer = request.scope["user"]
        roster = None
        if policy.can_view_roster(viewer, found.roles):
            roster = await service.roster(found.team, found.today)
        meetings = await meetings_service.team_meetings(found.team, viewer, found.roles, limit=3)
        return render(request, "teams/overview.html", {
            "team": found.team, "roles": found.roles, "roster": roster, "meetings": meetings,
            "can_manage": policy.can_manage_roster(viewer, found.roles),
            "can_edit": policy.can_manage_teams(viewer),
            "can_run": meetings_policy.can_run(found.roles),
            "can_see_actions": bool(found.roles - {"guest"}),
        })

    @get("/{team_id:int}/edit", guards=[admin_required])
    async def edit_team(self, request: Request, team_id: RowId) -> Response:
        team = await service.get_team(team_id)
        if team is None:
            raise NotFoundException()
        values = {**team, "is_public": "on" if team["is_public"] else "", "quorum_value": str(team["quorum_value"])}
        return render(request, "teams/form.html", {
            "team": team, "values": values, "errors": {}, "time_zones": policy.COMMON_TIME_ZONES,
        })

    @post("/{team_id:int}", guards=[admin_required], status_code=200)
    async def update_team(self, request: Request, team_id: RowId) -> Response:
        team = await service.get_team(team_id)
        if team is None:
            raise NotFoundException()
        return await self._save(request, team)

    async def _save(self, request: Request, team: dict | None) -> Response:
        form = await form_data(request)
        data, errors = policy.validate_team(form)
        if data is not None:
            team_id = await service.save_team(data, team["id"] if team else None)
            return redirect(request, f"/teams/{team_id}", flash="team_saved")
        return render(request, "teams/form.html", {
            "team": team, "values": form, "errors": errors, "time_zones": policy.COMMON_TIME_ZONES,
        }, block="form", status_code=422)


def grantable(request: Request, found: TeamAccess) -> frozenset[str]:
    return policy.grantable_roles(request.scope["user"], found.roles)


def role_options(allowed: frozenset[str]) -> dict[str, str]:
    return {code: label for code, label in policy.ROLES.items() if code in allowed}


class RosterController(Controller):
    path = "/teams/{team_id:int}/roster"

    async def _page(self, request: Request, found: TeamAccess, *, errors=None, values=None,
                    status_code: int = 200, block: str | None = None) -> Response:
        viewer = request.scope["user"]
        can_manage = policy.can_manage_roster(viewer, found.roles)
        choices = await service.seat_choices(found.team["id"], found.today) if can_manage else None
        return render(request, "teams/roster.html", {
            "team": found.team, "roster": await service.roster(found.team, found.today),
            "can_manage": can_manage, "choices": choices, "errors": errors or {},
            "values": values or {"started_on": found.today.isoformat()}, "today": found.today,
            "grantable": grantable(request, found), "role_options": role_options(grantable(request, found)),
        }, block=block, status_code=status_code)

    @get("/")
    async def roster_page(self, request: Request, team_id: RowId) -> Response:
        found = await access(request, team_id, policy.can_view_roster)
        return await self._page(request, found, block="roster")

    @post("/", status_code=200)
    async def add_member(self, request: Request, team_id: RowId) -> Response:
        found = await access(request, team_id, policy.can_manage_roster)
        form = await form_data(request)
        errors = await service.add_seat(found.team, form, request.scope["user"], found.today,
                                        grantable(request, found))
        if errors:
            return await self._page(request, found, errors=errors, values=form, status_code=422,
                                    block="add_form")
        return redirect(request, f"/teams/{team_id}/roster", flash="member_added")

    @get("/{seat_id:int}/edit")
    async def edit_member(self, request: Request, team_id: RowId, seat_id: RowId) -> Response:
        found = await access(request, team_id, policy.can_manage_roster)
        seat = await service.get_seat(team_id, seat_id)
        if seat is None:
            raise NotFoundException()
        if seat["role"] not in grantable(request, found):
            raise PermissionDeniedException()
        return self._seat_form(request, found, seat, await service.seat_choices(team_id, found.today), {
            "role": seat["role"], "agency_id": str(seat["agency.id"]),
            "alternate_for_id": str(seat["alternate_for.id"] or ""), "started_on": found.today.isoformat(),
            "version": str(seat["version"]),
        })

    def _seat_form(self, request, found, seat, choices, values, errors=None, status_code=200) -> Response:
        return render(request, "teams/seat_edit.html", {
            "team": found.team, "seat": seat, "choices": choices, "values": values,
            "errors": errors or {}, "today": found.today, "role_options": role_options(grantable(request, found)),
        }, block="seat_form", status_code=status_code)

    @post("/{seat_id:int}", status_code=200)
    async def change_member(self, request: Request, team_id: RowId, seat_id: RowId) -> Response:
        found = await access(request, team_id, policy.can_manage_roster)
        form = await form_data(request)
        try:
            errors = await service.change_seat(found.team, seat_id, form, request.scope["user"], found.today,
                                               grantable(request, found))
        except service.StaleSeat:
            return error_page(request, 409)
        except service.SeatNotYours:
            raise PermissionDeniedException() from None
        if errors is None:
            raise NotFoundException()
        if errors:
            seat = await service.get_seat(team_id, seat_id)
            choices = await service.seat_choices(team_id, found.today)
            return self._seat_form(request, found, seat, choices, form, errors, status_code=422)
        return redirect(request, f"/teams/{team_id}/roster", flash="member_changed")

    @post("/{seat_id:int}/end", status_code=200)
    async def end_member(self, request: Request, team_id: RowId, seat_id: RowId) -> Response:
        found = await access(request, team_id, policy.can_manage_roster)
        form = await form_data(request)
        try:
            result = await service.end_seat(found.team, seat_id, form.get("ended_on", ""),
                                            form.get("version", ""), request.scope["user"], found.today,
                                            grantable(request, found))
        except service.StaleSeat:
            return error_page(request, 409)
        except service.SeatNotYours:
            raise PermissionDeniedException() from None
        if result is None:
            raise NotFoundException()
        if isinstance(result, str):
            return error_page(request, 422, result)
        return redirect(request, f"/teams/{team_id}/roster", flash="member_ended")

    @get("/export.csv")
    async def export_csv(self, request: Request, team_id: RowId) -> Response:
        found = await access(request, team_id, policy.can_view_roster)
        body = await service.roster_csv(found.team, found.today)
        filename = f"roster-{team_id}-{found.today.isoformat()}.csv"
        return Response(body, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store",
        })

    @get("/import")
    async def import_page(self, request: Request, team_id: RowId) -> Response:
        found = await access(request, team_id, policy.can_manage_roster)
        return render(request, "teams/import.html", {"team": found.team, "rows": None, "error": None,
                                                       "csv_text": ""})

    @post("/import", status_code=200)
    async def import_preview(self, request: Request, team_id: RowId) -> Response:
        """Shows every row with its problems; writes nothing."""
        found = await access(request, team_id, policy.can_manage_roster)
        raw = await uploaded_file(request, "file", CSV_LIMIT)
        if raw is None:
            raw = (await form_data(request)).get("csv_text", "").encode()
        return await self._import(request, found, raw, commit=False)

    @post("/import/confirm", status_code=200)
    async def import_confirm(self, request: Request, team_id: RowId) -> Response:
        """Writes every row in one transaction, or none when any row has a problem."""
        found = await access(request, team_id, policy.can_manage_roster)
        raw = (await form_data(request)).get("csv_text", "").encode()
        return await self._import(request, found, raw, commit=True)

    async def _import(self, request: Request, found: TeamAccess, raw: bytes, commit: bool) -> Response:
        context = {"team": found.team, "rows": None, "error": None, "csv_text": ""}
        try:
            records = service.parse_csv(raw)
        except service.BadCsv as problem:
            context["error"] = str(problem)
            return render(request, "teams/import.html", context, status_code=422)
        if commit:
            written, rows = await service.commit_import(found.team, records, request.scope["user"], found.today,
                                                        grantable(request, found))
            if written:
                return redirect(request, f"/teams/{found.team['id']}/roster", flash="roster_imported")
        else:
            rows = await service.preview_import(found.team, records, found.today, grantable(request, found))
        has_problems = any(row.problems for row in rows)
        context.update(rows=rows, csv_text=raw.decode("utf-8-sig"), has_problems=has_problems,
                       error=N_("Nothing was saved. Fix the rows marked below and upload the file again.")
                       if has_problems else None)
        return render(request, "teams/import.html", context, status_code=422 if has_problems else 200)


@get("/")
async def home(request: Request) -> Response:
    """A person's teams, first thing after logging in."""
    return render(request, "home.html", {"teams": await service.teams_for(request.scope["user"])})
