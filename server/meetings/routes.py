"""Meetings: scheduling, agendas, running live, minutes."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException
from litestar.params import FromQuery

from server import clock
from server.actions import policy as action_policy
from server.actions import service as actions
from server.forms import parse_id
from server.meetings import live, minutes, policy, recurrence, service
from server.meetings.service import MeetingAccess, Stale
from server.teams.policy import ROLES
from server.teams.routes import access as team_access
from server.web.errors import error_page
from server.web.forms import RowId, form_data
from server.web.i18n import N_
from server.web.responses import redirect
from server.web.templating import is_fragment_request, render

NOT_RUNNING = N_("The meeting is not running.")
NO_MEETINGS = N_("These dates hold no meeting of this pattern. Move the last date or the pattern.")
SCOPES = {"this": N_("Only this meeting"), "following": N_("This and following meetings"),
          "series": N_("Every meeting in the series")}


class AgendaClosed(HTTPException):
    status_code = 409
    detail = "agenda closed"


async def meeting_access(request: Request, meeting_id: int, *, run: bool = False,
                         agenda: bool = False) -> MeetingAccess:
    """The meeting and the viewer's standing; 404 if it does not exist or they may not know it.
    `run`: the viewer must run the meeting; `agenda`: the agenda must still be open to change."""
    found = await service.meeting_access(request.scope["user"], meeting_id)
    if found is None or not policy.can_see_meeting(found.roles, found.invited):
        raise NotFoundException()
    if run and not found.can_run:
        raise PermissionDeniedException()
    if agenda and not found.agenda_open:
        raise AgendaClosed()
    return found


def meeting_values(meeting: dict | None, series: dict | None, zone: str) -> dict:
    if meeting is None:
        return {"duration_minutes": "90", "start": "10:00", "frequency": "none", "ends": "until", "interval": "1"}
    start = service.local(meeting["starts_at"], zone)
    values = {
        "title": meeting["title"], "day": start.date().isoformat(), "start": start.strftime("%H:%M"),
        "duration_minutes": str(int((meeting["ends_at"] - meeting["starts_at"]).total_seconds() // 60)),
        "location": meeting["location"], "join_link": meeting["join_link"], "description": meeting["description"],
        "frequency": "none", "ends": "until", "interval": "1", "version": str(meeting["version"]),
    }
    if series:
        values.update({
            "frequency": series["frequency"], "interval": str(series["interval"]), "weekdays": series["weekdays"],
            "month_day": str(series["month_day"] or ""), "week_of_month": str(series["week_of_month"] or ""),
            "weekday": str(series["weekday"] if series["weekday"] is not None else ""),
            "ends": "count" if series["occurrences"] else "until", "count": str(series["occurrences"] or ""),
            "until": series["until"].isoformat() if series["until"] else "",
        })
    return values


def parse_meeting_form(form: dict[str, str]):
    data, errors = policy.validate_meeting(form)
    rule, rule_errors = recurrence.parse(form, data.day if data else None)
    return data, rule, {**errors, **rule_errors}


def meeting_form(request, team, values, errors, status_code=200, meeting=None, series=None) -> Response:
    return render(request, "meetings/form.html", {
        "team": team, "values": values, "errors": errors, "meeting": meeting, "series": series,
        "scopes": SCOPES, "frequencies": recurrence.FREQUENCIES, "weekdays": recurrence.WEEKDAYS,
        "ordinals": recurrence.ORDINALS, "weekday_options": dict(enumerate(recurrence.WEEKDAYS)),
    }, block="form", status_code=status_code)


class TeamMeetingsController(Controller):
    path = "/teams/{team_id:int}/meetings"

    @get("/")
    async def list_meetings(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request, team_id, lambda viewer, roles: True)
        meetings = await service.team_meetings(found.team, request.scope["user"], found.roles)
        if not policy.can_see_meetings(found.roles) and not meetings["upcoming"] and not meetings["recent"]:
            raise PermissionDeniedException()
        return render(request, "meetings/list.html", {
            "team": found.team, "meetings": meetings, "can_run": policy.can_run(found.roles),
        })

    @get("/new")
    async def new_meeting(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request, team_id, lambda viewer, roles: policy.can_run(roles))
        return meeting_form(request, found.team, meeting_values(None, None, found.team["time_zone"]), {})

    @post("/", status_code=200)
    async def create_meeting(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request, team_id, lambda viewer, roles: policy.can_run(roles))
        form = await form_data(request, multi=frozenset({"weekdays"}))
        data, rule, errors = parse_meeting_form(form)
        if errors or data is None:
            return meeting_form(request, found.team, form, errors, status_code=422)
        try:
            meeting_id = await service.create_meeting(found.team, data, rule)
        except service.NoOccurrences:
            return meeting_form(request, found.team, form, {"until": NO_MEETINGS}, status_code=422)
        return redirect(request, f"/meetings/{meeting_id}", flash="meeting_created")

    @get("/template")
    async def template(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request, team_id, lambda viewer, roles: policy.can_run(roles))
        return await self._template(request, found.team, {}, {"planned_minutes": "10", "kind": "standing"})

    async def _template(self, request, team, errors, values, status_code=200) -> Response:
        return render(request, "meetings/template.html", {
            "team": team, "items": await service.template_items(team["id"]), "errors": errors, "values": values,
            "kinds": policy.AGENDA_KINDS,
        }, status_code=status_code)

    @post("/template", status_code=200)
    async def add_template_item(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request, team_id, lambda viewer, roles: policy.can_run(roles))
        form = await form_data(request)
        data, errors = policy.validate_item(form, set())
        if data is None:
            return await self._template(request, found.team, errors, form, status_code=422)
        await service.add_template_item(team_id, data)
        return redirect(request, f"/teams/{team_id}/meetings/template", flash="template_saved")

    @post("/template/{item_id:int}/delete", status_code=200)
    async def delete_template_item(self, request: Request, team_id: RowId, item_id: RowId) -> Response:
        await team_access(request, team_id, lambda viewer, roles: policy.can_run(roles))
        await service.delete_template_item(team_id, item_id)
        return redirect(request, f"/teams/{team_id}/meetings/template", flash="template_saved")


class MeetingController(Controller):
    path = "/meetings/{meeting_id:int}"

    async def _page(self, request: Request, found: MeetingAccess, *, errors=None, values=None,
                    status_code: int = 200, block: str | tuple[str, ...] | None = None,
                    oob: bool = False) -> Response:
        agenda = await service.agenda(found) if found.can_see_agenda else None
        context = {
            "m_": found.meeting, "team": found.team, "access": found, "agenda": agenda,
            "series": await service.get_series(found.meeting["series"]),
            "errors": errors or {}, "values": values or {"planned_minutes": "10", "kind": "discussion"},
            "kinds": policy.AGENDA_KINDS, "zone": found.team["time_zone"],
            "minutes": await minutes.get_minutes(found.meeting["id"]),
            "now": clock.now(), "oob": oob,
        }
        polled_panel = is_fragment_request(request) and block in ("live_panel", ("live_panel",))
        if found.can_run and not polled_panel:  # the chair's editing aids, not needed by a poll
            context.update({
                "people": await service.roster_people(found.team),
                "carry": await service.carry_over_candidates(found),
                "invited": await service.invitations(found.meeting["id"]),
            })
        return render(request, "meetings/detail.html", context, block=block, status_code=status_code)

    @get("/")
    async def meeting_page(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id)
        return await self._page(request, found, block="agenda")

    @get("/edit")
    async def edit_meeting(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True)
        series = await service.get_series(found.meeting["series"])
        values = meeting_values(found.meeting, series, found.team["time_zone"])
        values["scope"] = "this"
        return meeting_form(request, found.team, values, {}, meeting=found.meeting,
                                            series=series)

    @post("/", status_code=200)
    async def update_meeting(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True)
        form = await form_data(request, multi=frozenset({"weekdays"}))
        scope = form.get("scope", "this") if found.meeting["series"] else "this"
        data, rule, errors = parse_meeting_form(form)
        if scope not in SCOPES:
            errors["scope"] = N_("Choose which meetings to change.")
        if scope == "this":
            errors = {k: v for k, v in errors.items() if k in {"title", "day", "start", "duration_minutes",
                                                              "location", "join_link", "description"}}
        series = await service.get_series(found.meeting["series"])
        if errors or data is None:
            return meeting_form(request, found.team, form, errors, status_code=422,
                                                meeting=found.meeting, series=series)
        try:
            target = await service.edit_meeting(found, data, rule if scope != "this" else None, scope,
                                                form.get("version", ""))
        except Stale:
            return error_page(request, 409)
        except service.NoOccurrences:
            return meeting_form(request, found.team, form, {"until": NO_MEETINGS}, status_code=422,
                                meeting=found.meeting, series=series)
        return redirect(request, f"/meetings/{target}", flash="meeting_saved")

    @post("/cancel", status_code=200)
    async def cancel(self, request: Request, meeting_id: RowId) -> Response:
        return await self._set_cancelled(request, meeting_id, True)

    @post("/restore", status_code=200)
    async def restore(self, request: Request, meeting_id: RowId) -> Response:
        return await self._set_cancelled(request, meeting_id, False)

    async def _set_cancelled(self, request: Request, meeting_id: int, cancelled: bool) -> Response:
        found = await meeting_access(request, meeting_id, run=True)
        form = await form_data(request)
        try:
            await service.set_cancelled(found, cancelled, form.get("version", ""))
        except Stale:
            return error_page(request, 409)
        return redirect(request, f"/meetings/{meeting_id}", flash="meeting_cancelled" if cancelled else "meeting_saved")

    @post("/publish", status_code=200)
    async def publish(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True, agenda=True)
        form = await form_data(request)
        await service.set_published(found, form.get("published", "true") == "true")
        return redirect(request, f"/meetings/{meeting_id}", flash="agenda_saved")

    @post("/template", status_code=200)
    async def apply_template(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True, agenda=True)
        await service.apply_template(found)
        return await self._agenda_changed(request, found)

    @post("/items", status_code=200)
    async def add_item(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True, agenda=True)
        form = await form_data(request)
        people = await service.roster_people(found.team)
        data, errors = policy.validate_item(form, {p["id"] for p in people})
        if data is None:
            return await self._page(request, found, errors=errors, values=form, status_code=422, block="add_item")
        if await service.add_item(found, data) is None:
            return error_page(request, 422, N_("An agenda holds at most 80 items."))
        return await self._agenda_changed(request, found)

    async def _agenda_changed(self, request: Request, found: MeetingAccess) -> Response:
        """htmx gets the refreshed agenda; a browser without JavaScript goes back to the page."""
        if request.headers.get("hx-request") == "true":
            fresh = await service.meeting_access(request.scope["user"], found.meeting["id"])
            response = await self._page(request, fresh, block="agenda")
            # Whatever the form targeted (an item being edited, say), the whole agenda is new:
            # later items' planned times depend on every change.
            response.headers.update({"HX-Retarget": "#agenda", "HX-Reswap": "outerHTML"})
            return response
        return redirect(request, f"/meetings/{found.meeting['id']}#agenda", flash="agenda_saved")

    @get("/items/{item_id:int}/edit")
    async def edit_item(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True, agenda=True)
        item = await service.get_item(found, item_id)
        if item is None:
            raise NotFoundException()
        values = {k: str(item[k] if item[k] is not None else "") for k in
                  ("kind", "title", "planned_minutes", "presenter_notes", "version")}
        values["presenter_id"] = str(item["presenter"] or "")
        return self._item_form(request, found, item, values, {}, await service.roster_people(found.team))

    def _item_form(self, request, found, item, values, errors, people, status_code=200) -> Response:
        return render(request, "meetings/item_edit.html", {
            "m_": found.meeting, "team": found.team, "item": item, "values": values, "errors": errors,
            "people": people, "kinds": policy.AGENDA_KINDS,
        }, block="item_form", status_code=status_code)

    @post("/items/{item_id:int}", status_code=200)
    async def update_item(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True, agenda=True)
        form = await form_data(request)
        people = await service.roster_people(found.team)
        data, errors = policy.validate_item(form, {p["id"] for p in people})
        item = await service.get_item(found, item_id)
        if item is None:
            raise NotFoundException()
        if data is None:
            return self._item_form(request, found, item, form, errors, people, status_code=422)
        try:
            await service.edit_item(found, item_id, data, form.get("version", ""))
        except Stale:
            return error_page(request, 409)
        return await self._agenda_changed(request, found)

    @post("/items/{item_id:int}/delete", status_code=200)
    async def delete_item(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True, agenda=True)
        if not await service.delete_item(found, item_id):
            raise NotFoundException()
        return await self._agenda_changed(request, found)

    @post("/items/{item_id:int}/move", status_code=200)
    async def move_item(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True, agenda=True)
        form = await form_data(request)
        if not await service.reorder(found, item_id, form.get("direction", ""), None):
            return error_page(request, 422)
        return await self._agenda_changed(request, found)

    @post("/items/order", status_code=200)
    async def order_items(self, request: Request, meeting_id: RowId) -> Response:
        """The order after a drag and drop: every item id, in the new order."""
        found = await meeting_access(request, meeting_id, run=True, agenda=True)
        form = await form_data(request)
        proposed = [parse_id(part) or 0 for part in form.get("order", "").split(",")[:200]]
        if not await service.reorder(found, None, None, proposed):
            return error_page(request, 422, N_("The agenda changed meanwhile; reload and try again."))
        return await self._agenda_changed(request, found)

    @post("/carry/{item_id:int}", status_code=200)
    async def carry_over(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True, agenda=True)
        if not await service.carry_over(found, item_id):
            raise NotFoundException()
        return await self._agenda_changed(request, found)

    @post("/invitations", status_code=200)
    async def invite(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True)
        form = await form_data(request)
        guests = {p["id"] for p in await service.roster_people(found.team) if p["role"] == "guest"}
        person = parse_id(form.get("person_id"))
        if person is None or not await service.invite(found, person, guests):
            return error_page(request, 422, N_("Choose a guest from the team's roster."))
        return redirect(request, f"/meetings/{meeting_id}", flash="guest_invited")

    # Running the meeting live.

    async def _live(self, request: Request, found: MeetingAccess, block: str | None = None,
                    status_code: int = 200, errors=None, values=None) -> Response:
        agenda = await service.agenda(found) if found.can_see_agenda else None
        current = next((i for i in agenda.items if i["id"] == found.meeting["current_item_id"]), None) if agenda else None
        context = {
            "m_": found.meeting, "team": found.team, "access": found, "agenda": agenda, "current": current,
            "zone": found.team["time_zone"], "now": clock.now(), "errors": errors or {}, "values": values or {},
            "attendance": await live.attendance(found) if found.can_run else None,
            "roles": ROLES, "statuses": policy.ATTENDANCE,
        }
        if found.can_run:
            _, people, agencies = await actions.owner_choices(found.team)
            context.update({"owners": people, "agencies": agencies})
        return render(request, "meetings/live.html", context, block=block, status_code=status_code)

    @get("/live")
    async def live_view(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True)
        return await self._live(request, found, block="live")

    @get("/live/panel")
    async def live_panel(self, request: Request, meeting_id: RowId, v: FromQuery[int | None] = None) -> Response:
        """Polled every few seconds by everyone watching: 204 while nothing changed."""
        found = await meeting_access(request, meeting_id)
        if v is not None and v == found.meeting["live_version"]:
            return Response(b"", status_code=204, headers={"Cache-Control": "no-store"})
        # People watching (not running) the meeting also get the agenda, swapped out of band.
        blocks = ("live_panel",) if found.can_run else ("live_panel", "agenda")
        response = await self._page(request, found, block=blocks, oob=not found.can_run)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def _live_action(self, request: Request, meeting_id: int, action) -> Response:
        found = await meeting_access(request, meeting_id, run=True)
        try:
            await action(found, await form_data(request))
        except live.NotLive:
            return error_page(request, 409, NOT_RUNNING)
        fresh = await service.meeting_access(request.scope["user"], meeting_id)
        if request.headers.get("hx-request") == "true":
            return await self._live(request, fresh, block="live")
        target = f"/meetings/{meeting_id}" if fresh.meeting["live_status"] == "ended" else f"/meetings/{meeting_id}/live"
        return redirect(request, target)

    @post("/live/start", status_code=200)
    async def start(self, request: Request, meeting_id: RowId) -> Response:
        return await self._live_action(request, meeting_id, lambda found, form: live.start(found))

    @post("/live/next", status_code=200)
    async def next_item(self, request: Request, meeting_id: RowId) -> Response:
        return await self._live_action(request, meeting_id, lambda found, form: live.go_to(found, "next"))

    @post("/live/previous", status_code=200)
    async def previous_item(self, request: Request, meeting_id: RowId) -> Response:
        return await self._live_action(request, meeting_id, lambda found, form: live.go_to(found, "previous"))

    @post("/live/end", status_code=200)
    async def end(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True)
        try:
            await live.end(found)
        except live.NotLive:
            return error_page(request, 409, NOT_RUNNING)
        return redirect(request, f"/meetings/{meeting_id}/minutes", flash="meeting_ended")

    @post("/items/{item_id:int}/notes", status_code=200)
    async def save_notes(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True)
        form = await form_data(request)
        try:
            saved = await live.save_notes(found, item_id, form.get("notes", ""))
        except live.NotLive:
            return error_page(request, 409, NOT_RUNNING)
        if not saved:
            raise NotFoundException()
        return await self._live_or_back(request, found)

    async def _live_or_back(self, request: Request, found: MeetingAccess) -> Response:
        if request.headers.get("hx-request") == "true":
            fresh = await service.meeting_access(request.scope["user"], found.meeting["id"])
            return await self._live(request, fresh, block="live")
        return redirect(request, f"/meetings/{found.meeting['id']}/live")

    @post("/items/{item_id:int}/decisions", status_code=200)
    async def add_decision(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True)
        text = " ".join((await form_data(request)).get("text", "").split())
        if not text or len(text) > 2000:
            return await self._live(request, found, block="live", status_code=422,
                                    errors={"decision": N_("Write the decision (at most 2000 characters).")})
        try:
            added = await live.add_decision(found, item_id, text, request.scope["user"])
        except live.NotLive:
            return error_page(request, 409, NOT_RUNNING)
        if not added:
            raise NotFoundException()
        return await self._live_or_back(request, found)

    @post("/attendance", status_code=200)
    async def check_in(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True)
        form = await form_data(request)
        person = parse_id(form.get("person_id"))
        standing = parse_id(form.get("standing_in_for")) if form.get("standing_in_for") else None
        ok = person is not None and (standing is not None or not form.get("standing_in_for"))
        status = form.get("status") or form.get("departed_status", "")  # "Left" keeps the status
        try:
            recorded = ok and await live.check_in(found, person, status, standing, form.get("departed") == "true",
                                                  request.scope["user"])
        except live.NotLive:
            return error_page(request, 409, N_("The meeting has ended; attendance is closed."))
        if not recorded:
            return error_page(request, 422, N_("Choose a roster member and an attendance status."))
        return await self._live_or_back(request, found)

    @post("/actions", status_code=200)
    async def add_action(self, request: Request, meeting_id: RowId) -> Response:
        """An action item created inline while the meeting runs."""
        found = await meeting_access(request, meeting_id, run=True)
        if found.meeting["live_status"] != "live":
            return error_page(request, 409, NOT_RUNNING)
        form = await form_data(request)
        people, _, agencies = await actions.owner_choices(found.team)
        data, errors = action_policy.validate_action(form, people, {a["id"] for a in agencies})
        if data is None:
            return await self._live(request, found, block="live", status_code=422, errors=errors, values=form)
        item = form.get("item_id", "")
        await actions.create(found.team, data, request.scope["user"], meeting_id,
                             parse_id(item))
        return await self._live_or_back(request, found)

    # Minutes.

    @get("/minutes")
    async def minutes_page(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id)
        record = await minutes.get_minutes(meeting_id)
        if record is None and found.can_run and found.meeting["starts_at"] <= clock.now():
            record = await minutes.ensure_minutes(found)
        if record is None or not policy.can_see_minutes(found.roles, record["status"]):
            raise NotFoundException()
        return await self._minutes(request, found, record, {})

    async def _minutes(self, request, found, record, errors, status_code=200, body=None) -> Response:
        return render(request, "meetings/minutes.html", {
            "m_": found.meeting, "team": found.team, "access": found, "minutes": record,
            "revisions": await minutes.revisions(record["id"]) if found.can_run else [],
            "approvals": await minutes.approval_meetings(found) if found.can_run else [],
            "errors": errors, "body": record["body"] if body is None else body, "zone": found.team["time_zone"],
            "states": policy.MINUTES_STATES, "editable": policy.minutes_editable(record["status"]),
        }, status_code=status_code)

    @post("/minutes", status_code=200)
    async def save_minutes(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True)
        form = await form_data(request)
        body = form.get("body", "").replace("\r\n", "\n")
        record = await minutes.get_minutes(meeting_id)
        if record is None:
            raise NotFoundException()
        if len(body) > 100_000:
            return await self._minutes(request, found, record, {"body": N_("This is too long.")}, 422, body)
        try:
            await minutes.save(found, body, form.get("version", ""), request.scope["user"])
        except minutes.NotEditable:
            return error_page(request, 409, N_("Approved minutes cannot be edited."))
        except Stale:
            return error_page(request, 409)
        return redirect(request, f"/meetings/{meeting_id}/minutes", flash="minutes_saved")

    @post("/minutes/status", status_code=200)
    async def move_minutes(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id, run=True)
        form = await form_data(request)
        approving = form.get("approved_at_meeting", "")
        try:
            problem = await minutes.move(found, form.get("status", ""), form.get("version", ""), request.scope["user"],
                                         parse_id(approving))
        except Stale:
            return error_page(request, 409)
        if problem:
            record = await minutes.get_minutes(meeting_id)
            if record is None:
                raise NotFoundException()
            return await self._minutes(request, found, record, {"status": problem}, 422)
        return redirect(request, f"/meetings/{meeting_id}/minutes", flash="minutes_saved")

    @get("/minutes/print")
    async def print_minutes(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request, meeting_id)
        record = await minutes.get_minutes(meeting_id)
        if record is None or not policy.can_see_minutes(found.roles, record["status"]):
            raise NotFoundException()
        return render(request, "meetings/minutes_print.html", {
            "m_": found.meeting, "team": found.team, "minutes": record, "zone": found.team["time_zone"],
            "states": policy.MINUTES_STATES,
        })


