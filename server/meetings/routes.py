"""Meetings: scheduling, agendas, running live, minutes. Controllers parse the request, ask the
access object, call one use case and choose the response."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromQuery

from server import urls
from server.actions import service as actions
from server.errors import Closed, NotFound
from server.forms import parse_id
from server.i18n import N_, gettext
from server.meetings import agenda, live, minutes, policy, recurrence, scheduling, view
from server.meetings.access import MeetingAccess, meeting_access, refreshed
from server.teams import membership
from server.teams.access import TeamAccess, team_access
from server.web.forms import RowId, form_data
from server.web.responses import redirect, with_message
from server.web.templating import render

TEMPLATE_GLOBALS = {
    "AGENDA_KINDS": policy.AGENDA_KINDS, "ATTENDANCE": policy.ATTENDANCE, "MINUTES_STATES": policy.MINUTES_STATES,
    "describe_series": lambda row: recurrence.describe(recurrence.from_row(row), gettext),
}
SCOPES = {"this": N_("Only this meeting"), "following": N_("This and following meetings"),
          "series": N_("Every meeting in the series")}
MEETING_FIELDS = {"title", "day", "start", "duration_minutes", "location", "join_link", "description"}
NO_STORE = {"Cache-Control": "no-store"}


def meeting_values(meeting: dict | None, series: dict | None, zone: str) -> dict:
    if meeting is None:
        return {"duration_minutes": "90", "start": "10:00", "frequency": "none", "ends": "until", "interval": "1"}
    start = scheduling.local(meeting["starts_at"], zone)
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


def parse_meeting_form(form: dict[str, str], scope: str = "series"):
    """The meeting's details and, unless only this meeting changes, its recurrence."""
    data, errors = policy.validate_meeting(form)
    rule, rule_errors = recurrence.parse(form, data.day if data else None)
    if scope not in SCOPES:
        errors["scope"] = N_("Choose which meetings to change.")
    if scope == "this":
        return data, None, {k: v for k, v in errors.items() if k in MEETING_FIELDS}
    return data, rule, {**errors, **rule_errors}


def meeting_form(request, team, values, errors, status_code=200, meeting=None, series=None) -> Response:
    return render(request, "meetings/form.html", {
        "team": team, "values": values, "errors": errors, "meeting": meeting, "series": series,
        "scopes": SCOPES, "frequencies": recurrence.FREQUENCIES, "weekdays": recurrence.WEEKDAYS,
        "ordinals": recurrence.ORDINALS, "weekday_options": dict(enumerate(recurrence.WEEKDAYS)),
    }, block="form", status_code=status_code)


class TeamMeetingsController(Controller):
    path = "/teams/{team_id:int}/meetings"

    @get("/", name="meetings")
    async def list_meetings(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request.user, team_id)
        meetings = await scheduling.team_meetings(found)
        if not policy.can_list_meetings(found.viewer, found.standing, meetings["invited_to_some"]):
            raise found.refusal()
        return render(request, "meetings/list.html", {
            "team": found.team, "meetings": meetings, "can_run": found.may(policy.can_run),
        })

    @get("/new", name="meeting.new")
    async def new_meeting(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request.user, team_id, policy.can_run)
        return meeting_form(request, found.team, meeting_values(None, None, found.team["time_zone"]), {})

    @post("/", status_code=200, name="meeting.create")
    async def create_meeting(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request.user, team_id, policy.can_run)
        form = await form_data(request, multi=frozenset({"weekdays"}))
        data, rule, errors = parse_meeting_form(form)
        if errors or data is None:
            return meeting_form(request, found.team, form, errors, status_code=422)
        try:
            meeting_id = await scheduling.create_meeting(found, data, rule)
        except scheduling.NoOccurrences:
            return meeting_form(request, found.team, form, {"until": scheduling.NO_MEETINGS}, status_code=422)
        return redirect(request, urls.url("meeting", meeting_id=meeting_id), flash="meeting_created")

    @get("/template", name="template")
    async def template(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request.user, team_id, policy.can_run)
        return await self._template(request, found.team, {}, {"planned_minutes": "10", "kind": "standing"})

    async def _template(self, request, team, errors, values, status_code=200) -> Response:
        return render(request, "meetings/template.html", {
            "team": team, "items": await agenda.template_items(team["id"]), "errors": errors, "values": values,
            "kinds": policy.AGENDA_KINDS,
        }, status_code=status_code)

    @post("/template", status_code=200, name="template.add")
    async def add_template_item(self, request: Request, team_id: RowId) -> Response:
        found = await team_access(request.user, team_id, policy.can_run)
        form = await form_data(request)
        errors = await agenda.add_template_item(found, form)
        if errors:
            return await self._template(request, found.team, errors, form, status_code=422)
        return redirect(request, urls.url("template", team_id=team_id), flash="template_saved")

    @post("/template/{item_id:int}/delete", status_code=200, name="template.delete")
    async def delete_template_item(self, request: Request, team_id: RowId, item_id: RowId) -> Response:
        found = await team_access(request.user, team_id, policy.can_run)
        await agenda.delete_template_item(found, item_id)
        return redirect(request, urls.url("template", team_id=team_id), flash="template_saved")


class MeetingController(Controller):
    path = "/meetings/{meeting_id:int}"

    async def _page(self, request: Request, found: MeetingAccess, *, errors=None, values=None,
                    status_code: int = 200, block: str | tuple[str, ...] | None = None, oob: bool = False,
                    editing_aids: bool = True) -> Response:
        context = await view.meeting_page(found, editing_aids=editing_aids)
        context.update({
            "errors": errors or {}, "values": values or {"planned_minutes": "10", "kind": "discussion"},
            "kinds": policy.AGENDA_KINDS, "oob": oob,
        })
        return render(request, "meetings/detail.html", context, block=block, status_code=status_code)

    @get("/", name="meeting")
    async def meeting_page(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id)
        return await self._page(request, found, block="agenda")

    @get("/edit", name="meeting.edit")
    async def edit_meeting(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        series = await scheduling.get_series(found.meeting["series"])
        values = {**meeting_values(found.meeting, series, found.team["time_zone"]), "scope": "this"}
        return meeting_form(request, found.team, values, {}, meeting=found.meeting, series=series)

    @post("/", status_code=200, name="meeting.update")
    async def update_meeting(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request, multi=frozenset({"weekdays"}))
        scope = form.get("scope", "this") if found.meeting["series"] else "this"
        data, rule, errors = parse_meeting_form(form, scope)
        series = await scheduling.get_series(found.meeting["series"])
        if errors or data is None:
            return meeting_form(request, found.team, form, errors, status_code=422, meeting=found.meeting,
                                series=series)
        try:
            target = await scheduling.edit_meeting(found, data, rule, scope, form.get("version", ""))
        except scheduling.NoOccurrences:
            return meeting_form(request, found.team, form, {"until": scheduling.NO_MEETINGS}, status_code=422,
                                meeting=found.meeting, series=series)
        return redirect(request, urls.url("meeting", meeting_id=target), flash="meeting_saved")

    @get("/cancel", name="meeting.cancel.ask")
    async def ask_to_cancel(self, request: Request, meeting_id: RowId) -> Response:
        """Cancelling asks first, and for the reason members will see."""
        found = await meeting_access(request.user, meeting_id, run=True)
        if found.meeting["status"] == "cancelled":
            return redirect(request, urls.url("meeting", meeting_id=meeting_id))
        return self._cancel_form(request, found, {"version": str(found.meeting["version"])}, {})

    def _cancel_form(self, request: Request, found: MeetingAccess, values, errors, status_code=200) -> Response:
        return render(request, "meetings/cancel.html", {
            "m_": found.meeting, "team": found.team, "zone": found.team["time_zone"], "values": values,
            "errors": errors, "max_reason": policy.MAX_CANCEL_REASON,
        }, status_code=status_code)

    @post("/cancel", status_code=200, name="meeting.cancel")
    async def cancel(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        reason, errors = policy.validate_cancel_reason(form)
        if reason is None:
            return self._cancel_form(request, found, form, errors, status_code=422)
        await scheduling.set_cancelled(found, True, form.get("version", ""), reason)
        return redirect(request, urls.url("meeting", meeting_id=meeting_id),
                        flash="meeting_cancelled" if found.meeting["series"] else "meeting_cancelled_one")

    @post("/restore", status_code=200, name="meeting.restore")
    async def restore(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        await scheduling.set_cancelled(found, False, (await form_data(request)).get("version", ""))
        return redirect(request, urls.url("meeting", meeting_id=meeting_id), flash="meeting_restored")

    @post("/invitations", status_code=200, name="meeting.invite")
    async def invite(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        name, invited_now = await scheduling.invite(found, await form_data(request))
        return redirect(request, urls.url("meeting", meeting_id=meeting_id, _fragment="guests"),
                        flash="guest_invited" if invited_now else "guest_already_invited", name=name)

    @post("/invitations/{person_id:int}/delete", status_code=200, name="meeting.uninvite")
    async def uninvite(self, request: Request, meeting_id: RowId, person_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        name = await scheduling.uninvite(found, person_id)
        where = urls.url("meeting", meeting_id=meeting_id, _fragment="guests")
        if name is None:  # withdrawn already (a second click, another tab)
            return redirect(request, where, flash="guest_not_invited")
        return redirect(request, where, flash="guest_uninvited", name=name)

    # The agenda.

    @post("/publish", status_code=200, name="meeting.publish")
    async def publish(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True, agenda=True)
        published = (await form_data(request)).get("published", "true") == "true"
        await agenda.set_published(found, published)
        return redirect(request, urls.url("meeting", meeting_id=meeting_id),
                        flash="agenda_published" if published else "agenda_unpublished")

    @post("/template", status_code=200, name="meeting.standing_items")
    async def apply_template(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True, agenda=True)
        if await agenda.apply_template(found):
            flash = "standing_items_added"
        else:
            flash = "standing_items_none" if await agenda.template_items(found.team["id"]) else "standing_items_undefined"
        return await self._agenda_changed(request, found, flash)

    @post("/items", status_code=200, name="item.add")
    async def add_item(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True, agenda=True)
        form = await form_data(request)
        errors = await agenda.add_item(found, form)
        if errors:
            return await self._page(request, found, errors=errors, values=form, status_code=422, block="add_item")
        return await self._agenda_changed(request, found)

    async def _agenda_changed(self, request: Request, found: MeetingAccess, flash: str | None = None) -> Response:
        """htmx gets the refreshed agenda (and `flash`, when the change needs saying); a browser
        without JavaScript goes back to the page."""
        if not request.htmx:
            return redirect(request, urls.url("meeting", meeting_id=found.meeting["id"], _fragment="agenda"),
                            flash=flash or "agenda_saved")
        response = await self._page(request, await refreshed(found), block="agenda")
        # Whatever the form targeted (an item being edited, say), the whole agenda is new:
        # later items' planned times depend on every change.
        response.headers.update({"HX-Retarget": "#agenda", "HX-Reswap": "outerHTML"})
        return with_message(response, flash) if flash else response

    @get("/items/{item_id:int}/edit", name="item.edit")
    async def edit_item(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True, agenda=True)
        item = await agenda.get_item(found, item_id)
        values = {k: str(item[k] if item[k] is not None else "") for k in
                  ("kind", "title", "planned_minutes", "presenter_notes", "version")}
        values["presenter_id"] = str(item["presenter"] or "")
        return await self._item_form(request, found, item, values, {})

    async def _item_form(self, request, found: MeetingAccess, item, values, errors, status_code=200) -> Response:
        return render(request, "meetings/item_edit.html", {
            "m_": found.meeting, "team": found.team, "item": item, "values": values, "errors": errors,
            "people": await membership.seated(found.team, found.today), "kinds": policy.AGENDA_KINDS,
        }, block="item_form", status_code=status_code)

    @post("/items/{item_id:int}", status_code=200, name="item.update")
    async def update_item(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True, agenda=True)
        form = await form_data(request)
        errors = await agenda.edit_item(found, item_id, form)
        if errors:
            return await self._item_form(request, found, await agenda.get_item(found, item_id), form, errors,
                                         status_code=422)
        return await self._agenda_changed(request, found)

    @post("/items/{item_id:int}/delete", status_code=200, name="item.delete")
    async def delete_item(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True, agenda=True)
        await agenda.delete_item(found, item_id)
        return await self._agenda_changed(request, found)

    @post("/items/{item_id:int}/move", status_code=200, name="item.move")
    async def move_item(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True, agenda=True)
        form = await form_data(request)
        await agenda.reorder(found, item_id, form.get("direction", ""), None)
        return await self._agenda_changed(request, found)

    @post("/items/order", status_code=200, name="items.order")
    async def order_items(self, request: Request, meeting_id: RowId) -> Response:
        """The order after a drag and drop: every item id, in the new order."""
        found = await meeting_access(request.user, meeting_id, run=True, agenda=True)
        form = await form_data(request)
        proposed = [parse_id(part) or 0 for part in form.get("order", "").split(",")[:200]]
        await agenda.reorder(found, None, None, proposed)
        return await self._agenda_changed(request, found)

    @post("/carry/{item_id:int}", status_code=200, name="item.carry")
    async def carry_over(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True, agenda=True)
        await agenda.carry_over(found, item_id)
        return await self._agenda_changed(request, found)

    # Running the meeting live.

    async def _live(self, request: Request, found: MeetingAccess, block: str | None = "live",
                    status_code: int = 200, errors=None, values=None) -> Response:
        context = await view.live_page(found)
        context.update({"errors": errors or {}, "values": values or {}, "statuses": policy.ATTENDANCE})
        return render(request, "meetings/live.html", context, block=block, status_code=status_code)

    @get("/live", name="live")
    async def live_view(self, request: Request, meeting_id: RowId) -> Response:
        return await self._live(request, await meeting_access(request.user, meeting_id, run=True))

    @get("/live/panel", name="live.panel")
    async def live_panel(self, request: Request, meeting_id: RowId, v: FromQuery[int | None] = None) -> Response:
        """Polled every few seconds by everyone watching: 204 while nothing changed."""
        found = await meeting_access(request.user, meeting_id)
        if v is not None and v == found.meeting["live_version"]:
            return Response(b"", status_code=204, headers=NO_STORE)
        # People watching (not running) the meeting also get the agenda, swapped out of band.
        blocks = ("live_panel",) if found.can_run else ("live_panel", "agenda")
        response = await self._page(request, found, block=blocks, oob=not found.can_run,
                                    editing_aids=not request.htmx)
        response.headers.update(NO_STORE)
        return response

    async def _live_changed(self, request: Request, found: MeetingAccess) -> Response:
        fresh = await refreshed(found)
        if request.htmx:
            return await self._live(request, fresh)
        if fresh.meeting["live_status"] == "ended":
            return redirect(request, urls.url("meeting", meeting_id=fresh.meeting["id"]))
        return redirect(request, urls.url("live", meeting_id=fresh.meeting["id"]))

    @post("/live/start", status_code=200, name="live.start")
    async def start(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        await live.start(found)
        return await self._live_changed(request, found)

    @post("/live/next", status_code=200, name="live.next")
    async def next_item(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        await live.go_to(found, "next")
        return await self._live_changed(request, found)

    @post("/live/previous", status_code=200, name="live.previous")
    async def previous_item(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        await live.go_to(found, "previous")
        return await self._live_changed(request, found)

    @post("/live/end", status_code=200, name="live.end")
    async def end(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        await live.end(found)
        return redirect(request, urls.url("minutes", meeting_id=meeting_id), flash="meeting_ended")

    @post("/items/{item_id:int}/notes", status_code=200, name="item.notes")
    async def save_notes(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        errors = await live.save_notes(found, item_id, form)
        if errors:
            return await self._live(request, found, status_code=422, errors=errors, values=form)
        return await self._live_changed(request, found)

    @post("/items/{item_id:int}/decisions", status_code=200, name="item.decision")
    async def add_decision(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        errors = await live.add_decision(found, item_id, await form_data(request))
        if errors:
            return await self._live(request, found, status_code=422, errors=errors)
        return await self._live_changed(request, found)

    @post("/attendance", status_code=200, name="live.attendance")
    async def check_in(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        await live.check_in(found, await form_data(request))
        return await self._live_changed(request, found)

    @post("/actions", status_code=200, name="live.action")
    async def add_action(self, request: Request, meeting_id: RowId) -> Response:
        """An action item created inline while the meeting runs."""
        found = await meeting_access(request.user, meeting_id, run=True)
        if found.meeting["live_status"] != "live":
            raise Closed(live.NOT_RUNNING)
        form = await form_data(request)
        team = TeamAccess(found.viewer, found.team, found.standing)
        action_id, errors = await actions.create(team, form, meeting_id, parse_id(form.get("item_id")))
        if action_id is None:
            return await self._live(request, found, status_code=422, errors=errors, values=form)
        return await self._live_changed(request, found)

    # Minutes.

    @get("/minutes", name="minutes")
    async def minutes_page(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id)
        record = await minutes.get_minutes(meeting_id)
        if record is None and found.can_start_minutes:  # offered, never created by a GET
            return render(request, "meetings/minutes_start.html", {"m_": found.meeting, "team": found.team,
                                                                   "zone": found.team["time_zone"]})
        if record is None or not found.can_see_minutes(record["status"]):
            raise NotFound()
        return await self._minutes(request, found, record, {})

    @post("/minutes/start", status_code=200, name="minutes.start")
    async def start_minutes(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        await minutes.start_minutes(found)
        return redirect(request, urls.url("minutes", meeting_id=meeting_id))

    async def _minutes(self, request, found: MeetingAccess, record, errors, status_code=200, body=None) -> Response:
        return render(request, "meetings/minutes.html", {
            "m_": found.meeting, "team": found.team, "access": found, "minutes": record,
            "revisions": await minutes.revisions(record["id"]) if found.can_run else [],
            "approvals": await minutes.approval_meetings(found) if found.can_run else [],
            "errors": errors, "body": record["body"] if body is None else body, "zone": found.team["time_zone"],
            "states": policy.MINUTES_STATES, "editable": policy.minutes_editable(record["status"]),
        }, status_code=status_code)

    async def _record(self, meeting_id: int) -> dict:
        record = await minutes.get_minutes(meeting_id)
        if record is None:
            raise NotFound()
        return record

    @post("/minutes", status_code=200, name="minutes.save")
    async def save_minutes(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        body = form.get("body", "").replace("\r\n", "\n")
        errors = await minutes.save(found, body, form.get("version", ""))
        if errors:
            return await self._minutes(request, found, await self._record(meeting_id), errors, 422, body)
        return redirect(request, urls.url("minutes", meeting_id=meeting_id), flash="minutes_saved")

    @post("/minutes/status", status_code=200, name="minutes.status")
    async def move_minutes(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        problem = await minutes.move(found, form.get("status", ""), form.get("version", ""),
                                     parse_id(form.get("approved_at_meeting", "")))
        if problem:
            return await self._minutes(request, found, await self._record(meeting_id), {"status": problem}, 422)
        return redirect(request, urls.url("minutes", meeting_id=meeting_id), flash=f"minutes_{form['status']}")

    @get("/minutes/print", name="minutes.print")
    async def print_minutes(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id)
        record = await minutes.get_minutes(meeting_id)
        if record is None or not found.can_see_minutes(record["status"]):
            raise NotFound()
        return render(request, "meetings/minutes_print.html", {
            "m_": found.meeting, "team": found.team, "minutes": record, "zone": found.team["time_zone"],
            "states": policy.MINUTES_STATES,
        })
