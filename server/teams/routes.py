"""Teams and their rosters."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery

from server import urls
from server.cases import policy as cases_policy
from server.errors import Invalid, NotFound
from server.forms import parse_id
from server.home import service as home
from server.i18n import N_
from server.meetings import policy as meetings_policy
from server.teams import policy, service
from server.teams.access import TeamAccess, team_access
from server.web.downloads import csv_download
from server.web.forms import RowId, form_data, uploaded_file, without_nul
from server.web.guards import admin_required
from server.web.responses import redirect
from server.web.templating import render

CSV_LIMIT = 1_000_000
TEMPLATE_GLOBALS = {"KINDS": policy.KINDS, "ROLES": policy.ROLES, "QUORUM_KINDS": policy.QUORUM_KINDS,
                    "SECTOR_CHOICES": policy.SECTOR_CHOICES, "USUAL_SECTORS": policy.USUAL_SECTORS,
                    "COVERAGE_SECTORS": policy.COVERAGE_SECTORS}


ACCESS_LOG_LIMIT = 500


class TeamController(Controller):
    path = "/teams"

    @get("/", name="teams")
    async def list_teams(self, request: Request) -> Response:
        return render(request, "teams/list.html", {"teams": await service.teams_for(request.user)})

    @get("/access", guards=[admin_required], name="access_log")
    async def access_log(self, request: Request) -> Response:
        """Seats people gave themselves and changes that raised someone's access, on every team."""
        grants = await service.access_grants(limit=ACCESS_LOG_LIMIT)
        return render(request, "teams/access_log.html", {"grants": grants, "capped": len(grants) == ACCESS_LOG_LIMIT})

    @get("/new", guards=[admin_required], name="team.new")
    async def new_team(self, request: Request) -> Response:
        return self._form(request, None, {"time_zone": "America/New_York", "quorum_kind": "share",
                                          "quorum_value": "50", "sectors": "usual"}, {})

    @post("/", guards=[admin_required], status_code=200, name="team.create")
    async def create_team(self, request: Request) -> Response:
        return await self._save(request, None)

    @get("/{team_id:int}", name="team")
    async def overview(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request.user, team_id, policy.can_view_team)
        roster = await service.roster(found.team, found.today) if found.may(policy.can_view_roster) else None
        return render(request, "teams/overview.html", {
            "team": found.team, "roles": found.roles, "roster": roster, **await home.team_now(found),
            "can_manage": found.may(policy.can_manage_roster),
            "can_edit": policy.can_manage_teams(request.user),
            "can_run": found.may(meetings_policy.can_run),
            "can_see_actions": found.standing.is_member,
            "can_see_cases": found.standing.is_member and cases_policy.reviews_cases(found.team["kind"]),
        })

    @get("/{team_id:int}/edit", guards=[admin_required], name="team.edit")
    async def edit_team(self, request: Request, team_id: RowId) -> Response:
        team = await self._team(team_id)
        values = {**team, "is_public": "on" if team["is_public"] else "", "quorum_value": str(team["quorum_value"]),
                  "sectors": "usual" if team["expected_sectors"] is None else "own",
                  # the boxes start from what the team expects now, its own list or its kind's
                  "expected_sectors": ",".join(policy.expected_sectors(team["kind"], team["expected_sectors"]))}
        return self._form(request, team, values, {})

    @post("/{team_id:int}", guards=[admin_required], status_code=200, name="team.update")
    async def update_team(self, request: Request, team_id: RowId) -> Response:
        return await self._save(request, await self._team(team_id))

    async def _team(self, team_id: int) -> dict:
        team = await service.get_team(team_id)
        if team is None:
            raise NotFound()
        return team

    def _form(self, request: Request, team: dict | None, values: dict, errors: dict, status_code: int = 200):
        return render(request, "teams/form.html", {
            "team": team, "values": values, "errors": errors, "time_zones": policy.COMMON_TIME_ZONES,
        }, block="form", status_code=status_code)

    async def _save(self, request: Request, team: dict | None) -> Response:
        form = await form_data(request, multi=frozenset({"expected_sectors"}))
        data, errors = policy.validate_team(form)
        if data is None:
            return self._form(request, team, form, errors, status_code=422)
        team_id = await service.save_team(data, team["id"] if team else None)
        return redirect(request, urls.url("team", team_id=team_id), flash="team_saved")


def role_options(found: TeamAccess) -> dict[str, str]:
    allowed = policy.grantable_roles(found.viewer, found.standing)
    return {code: label for code, label in policy.ROLES.items() if code in allowed}


class RosterController(Controller):
    path = "/teams/{team_id:int}/roster"

    async def _page(self, request: Request, found: TeamAccess, *, errors=None, values=None,
                    status_code: int = 200, block: str | None = None, person_search: str = "") -> Response:
        can_manage = found.may(policy.can_manage_roster)
        values = values or {"started_on": found.today.isoformat()}
        choices = found_people = None
        if can_manage:
            chosen = parse_id(values.get("person_id"))
            choices = await service.seat_choices(found.team["id"], found.today, (chosen,) if chosen else ())
            found_people = await service.find_people(found.team["id"], found.today, found.viewer.at, person_search)
        return render(request, "teams/roster.html", {
            "team": found.team, "roster": await service.roster(found.team, found.today),
            "can_manage": can_manage, "choices": choices, "errors": errors or {}, "values": values,
            "today": found.today, "grantable": policy.grantable_roles(found.viewer, found.standing),
            "role_options": role_options(found), "person_search": person_search, "found_people": found_people,
        }, block=block, status_code=status_code)

    @get("/", name="roster")
    async def roster_page(self, request: Request, team_id: RowId, person_q: FromQuery[str] = "") -> Response:
        found = await team_access(request.user, team_id, policy.can_view_roster)
        return await self._page(request, found, block="roster", person_search=without_nul(person_q)[:100])

    @get("/people", name="roster.people")
    async def people_search(self, request: Request, team_id: RowId, person_q: FromQuery[str] = "") -> Response:
        """The roster's active search: people who could be added, as choices for the add form."""
        found = await team_access(request.user, team_id, policy.can_manage_roster)
        search = without_nul(person_q)[:100]
        return render(request, "teams/_people_found.html", {
            "found_people": await service.find_people(found.team["id"], found.today, found.viewer.at, search),
            "person_search": search, "values": {},
        })

    @post("/", status_code=200, name="roster.add")
    async def add_member(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request.user, team_id, policy.can_manage_roster)
        form = await form_data(request)
        errors = await service.add_seat(found, form)
        if errors:
            return await self._page(request, found, errors=errors, values=form, status_code=422, block="add_form")
        return redirect(request, urls.url("roster", team_id=team_id), flash="member_added")

    @get("/{seat_id:int}/edit", name="seat.edit")
    async def edit_member(self, request: Request, team_id: RowId, seat_id: RowId) -> Response:
        found = await team_access(request.user, team_id, policy.can_manage_roster)
        seat = await service.editable_seat(found, seat_id)
        return await self._seat_form(request, found, seat, {
            "role": seat["role"], "agency_id": str(seat["agency.id"]),
            "alternate_for_id": str(seat["alternate_for.id"] or ""), "started_on": found.today.isoformat(),
            "version": str(seat["version"]),
        })

    async def _seat_form(self, request, found: TeamAccess, seat, values, errors=None, status_code=200) -> Response:
        return render(request, "teams/seat_edit.html", {
            "team": found.team, "seat": seat, "choices": await service.seat_choices(found.team["id"], found.today),
            "values": values, "errors": errors or {}, "today": found.today, "role_options": role_options(found),
        }, block="seat_form", status_code=status_code)

    @post("/{seat_id:int}", status_code=200, name="seat.change")
    async def change_member(self, request: Request, team_id: RowId, seat_id: RowId) -> Response:
        found = await team_access(request.user, team_id, policy.can_manage_roster)
        form = await form_data(request)
        errors = await service.change_seat(found, seat_id, form)
        if errors:
            seat = await service.get_seat(team_id, seat_id)
            return await self._seat_form(request, found, seat, form, errors, status_code=422)
        return redirect(request, urls.url("roster", team_id=team_id), flash="member_changed")

    @post("/{seat_id:int}/end", status_code=200, name="seat.end")
    async def end_member(self, request: Request, team_id: RowId, seat_id: RowId) -> Response:
        found = await team_access(request.user, team_id, policy.can_manage_roster)
        form = await form_data(request)
        await service.end_seat(found, seat_id, form.get("ended_on", ""), form.get("version", ""))
        return redirect(request, urls.url("roster", team_id=team_id), flash="member_ended")

    @get("/export.csv", name="roster.export")
    async def export_csv(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request.user, team_id, policy.can_view_roster)
        return csv_download(await service.roster_csv(found.team, found.today),
                            f"roster-{team_id}-{found.today.isoformat()}.csv")

    @get("/import", name="roster.import")
    async def import_page(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request.user, team_id, policy.can_manage_roster)
        return render(request, "teams/import.html", {"team": found.team, "rows": None, "error": None})

    @post("/import", status_code=200, name="roster.import.preview")
    async def import_preview(self, request: Request, team_id: RowId) -> Response:
        """Shows every row with its problems; writes nothing."""
        found = await team_access(request.user, team_id, policy.can_manage_roster)
        raw = await uploaded_file(request, "file", CSV_LIMIT)
        if raw is None:
            raw = (await form_data(request)).get("csv_text", "").encode()
        return await self._import(request, found, raw)

    @post("/import/confirm", status_code=200, name="roster.import.confirm")
    async def import_confirm(self, request: Request, team_id: RowId) -> Response:
        """Writes every row in one transaction, or none when any row has a problem."""
        found = await team_access(request.user, team_id, policy.can_manage_roster)
        token = (await form_data(request)).get("upload", "")
        try:
            return await self._import(request, found, await service.held_upload(found, token), token=token)
        except Invalid as gone:  # expired, or confirmed already (a second click, another tab)
            return self._import_problem(request, found, gone.explanation)

    def _import_problem(self, request: Request, found: TeamAccess, message: str) -> Response:
        return render(request, "teams/import.html", {"team": found.team, "rows": None, "error": message}, status_code=422)

    async def _import(self, request: Request, found: TeamAccess, raw: bytes, token: str | None = None) -> Response:
        """A preview (no token) or the confirmation of the upload held under `token`."""
        try:
            records = service.parse_csv(raw)
        except service.BadCsv as problem:
            return self._import_problem(request, found, str(problem))
        if token is not None:
            written, rows = await service.commit_import(found, records, token)
            if written:
                return redirect(request, urls.url("roster", team_id=found.team["id"]), flash="roster_imported")
        else:
            rows = await service.preview_import(found, records)
        has_problems = any(row.problems for row in rows)
        upload = None if has_problems else await service.hold_upload(found, raw)
        context = {"team": found.team, "rows": rows, "has_problems": has_problems, "upload": upload,
                   "error": N_("Nothing was saved. Fix the rows marked below and upload the file again.")
                   if has_problems else None}
        return render(request, "teams/import.html", context, status_code=422 if has_problems else 200)
