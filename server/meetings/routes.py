"""Meetings: scheduling, agendas, running live, minutes. Controllers parse the request, ask the
access object, call one use case and choose the response."""

from __future__ import annotations

import json

from litestar import Controller, Request, Response, get, post
from litestar.enums import MediaType
from litestar.params import FromQuery

from server import clock, i18n, urls
from server.cases import meeting_cases
from server.errors import NotFound
from server.forms import parse_id, whole_number
from server.i18n import N_, gettext
from server.meetings import agenda, live, minutes, policy, record, recurrence, scheduling, view
from server.meetings.access import MeetingAccess, meeting_access, refreshed
from server.teams import membership
from server.teams.access import team_access
from server.web import templating
from server.web.downloads import download, filename_part
from server.web.forms import RowId, form_data
from server.web.pdf import pdf_from_html
from server.web.responses import redirect, with_message
from server.web.templating import render, render_text

TEMPLATE_GLOBALS = {
    "AGENDA_KINDS": policy.AGENDA_KINDS, "ATTENDANCE": policy.ATTENDANCE, "MINUTES_STATES": policy.MINUTES_STATES,
    "OUTCOMES": policy.OUTCOMES, "MAJORITIES": policy.MAJORITIES, "MOTION_RESULTS": policy.MOTION_RESULTS,
    "START_QUESTIONS": policy.START_QUESTIONS, "ENDS": recurrence.ENDS, "MAX_RECUSALS": policy.MAX_RECUSALS,
    "recusal_rows": policy.recusal_rows, "notes_hash": policy.notes_hash,
    "describe_series": lambda row: recurrence.describe(recurrence.from_row(row), gettext),
}
SCOPES = {"this": N_("Only this meeting"), "following": N_("This and following meetings"),
          "series": N_("Every meeting in the series")}
MEETING_FIELDS = {"title", "day", "start", "duration_minutes", "location", "join_link", "description"}
NO_STORE = {"Cache-Control": "no-store"}
STALE_MINUTES = N_("Someone else saved these minutes after you opened them and changed some of what you changed. Your corrections are below, not yet saved, with everything else they changed; what they changed is shown first. Save again to keep yours where you both changed something.")
BOTH_CHANGED = N_("Someone else changed this too: see what they changed above. Yours is kept here.")
STALE_MOVE = N_("Someone else changed these minutes meanwhile; here they are as they are now. Try again.")


def page_number(value: str) -> int:
    """A page asked for in the address: a whole number from 1, else the first page."""
    number = whole_number(value, 5)
    return number if number else 1


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
            "ends": "count" if series["occurrences"] else ("until" if series["until"] else "never"),
            "count": str(series["occurrences"] or ""),
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
    async def list_meetings(self, request: Request, team_id: RowId, past: FromQuery[str] = "1",
                            upcoming: FromQuery[str] = "1") -> Response:
        """Upcoming meetings and the team's history, a page of each (`?past=2`: older ones)."""
        found = await team_access(request.user, team_id)
        meetings = await scheduling.team_meetings(found, page_number(past), page_number(upcoming))
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
        blocks = (block,) if isinstance(block, str) else (block or ())
        shows_agenda = not templating.is_fragment_request(request) or "agenda" in blocks
        context = await view.meeting_page(found, editing_aids=editing_aids, shows_agenda=shows_agenda)
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
        if errors:  # the form alone comes back (hx-target="this"): the agenda stays on the page
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
        """The item's form; a case review's with the case it reviews chosen (unless the form says)."""
        linked = (await meeting_cases.reviewed(found.meeting["id"])).get(item["id"]) \
            if item["kind"] == "case_review" else None
        values = {"case_id": str(linked["id"]) if linked else "", **values}
        return render(request, "meetings/item_edit.html", {
            "m_": found.meeting, "team": found.team, "item": item, "values": values, "errors": errors,
            "people": await membership.seated(found.team, found.today), "kinds": policy.AGENDA_KINDS,
            "cases": meeting_cases.choices(await meeting_cases.open_cases(found.team), linked),
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
                    status_code: int = 200, errors=None, values=None, announce: str | None = None,
                    **extra) -> Response:
        """The live view (for htmx its fragment). `announce` is said in the page's message area
        once swapped ("current" names the item now open), for everyone, screen readers included."""
        context = await view.live_page(found)
        context.update({"errors": errors or {}, "values": values or {}, "statuses": policy.ATTENDANCE,
                        "questions": [], "ending": False, "notes_base": None, "notes_theirs": None,
                        "notes_saved_at": None, "oob": False, **extra})
        response = render(request, "meetings/live.html", context, block=block, status_code=status_code,
                          headers=NO_STORE)
        if announce and request.htmx:
            current = context["current"]
            if announce == "current":
                announce = gettext("Now: item %(n)s of %(total)s, %(title)s", n=current["number"],
                                   total=len(context["agenda"].items), title=current["display_title"]) if current else None
            else:
                announce = gettext(announce)
            if announce:
                response.headers["HX-Trigger-After-Settle"] = json.dumps({"convene:announce": announce})
        return response

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

    async def _live_changed(self, request: Request, found: MeetingAccess, announce: str | None = None) -> Response:
        """After a live action: for htmx the live view's fragment, else a redirect back to it."""
        fresh = await refreshed(found)
        if request.htmx:
            return await self._live(request, fresh, announce=announce)
        if fresh.meeting["live_status"] == "ended":
            return redirect(request, urls.url("meeting", meeting_id=fresh.meeting["id"]))
        return redirect(request, urls.url("live", meeting_id=fresh.meeting["id"], _fragment="live"))

    async def _live_action(self, request: Request, found: MeetingAccess, form: dict, action, announce=None,
                           then=None, form_name: str | None = None) -> Response:
        """Runs a live use case that carries the notes being typed. Field messages come back on
        the live view (422); notes that meet someone else's newer notes stop the action and come
        back beside theirs (409). `then` answers instead of the live view when all went well;
        `form_name` says which of the view's forms the field messages belong to."""
        if form_name:
            form = {**form, "form": form_name}
        try:
            problems = await action
        except live.NotesConflict as conflict:
            return await self._live(request, await refreshed(found), status_code=409, values=form,
                                    notes_theirs=conflict.theirs, notes_base=conflict.base)
        if problems:
            return await self._live(request, await refreshed(found), status_code=422, errors=problems, values=form)
        return await then() if then else await self._live_changed(request, found, announce)

    @post("/live/start", status_code=200, name="live.start")
    async def start(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        questions = await live.start(found, confirmed=form.get("confirmed") == "yes", publish=form.get("publish") == "yes")
        if questions:
            return await self._live(request, found, questions=questions)
        return await self._live_changed(request, found, "current")

    @post("/live/undo", status_code=200, name="live.undo")
    async def undo_start(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        await live.undo_start(found)
        return await self._live_changed(request, found, N_("The start is undone: the meeting has not started."))

    async def _move(self, request: Request, meeting_id: int, direction=None, item_id=None) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        return await self._live_action(request, found, form, live.go_to(found, form, direction, item_id), "current")

    @post("/live/next", status_code=200, name="live.next")
    async def next_item(self, request: Request, meeting_id: RowId) -> Response:
        return await self._move(request, meeting_id, direction="next")

    @post("/live/previous", status_code=200, name="live.previous")
    async def previous_item(self, request: Request, meeting_id: RowId) -> Response:
        return await self._move(request, meeting_id, direction="previous")

    @post("/live/items/{item_id:int}/open", status_code=200, name="live.go")
    async def go_to_item(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        return await self._move(request, meeting_id, item_id=item_id)

    @post("/items/{item_id:int}/outcome", status_code=200, name="item.outcome")
    async def set_outcome(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        return await self._live_action(request, found, form, live.set_outcome(found, item_id, form.get("outcome", ""), form))

    @post("/live/end", status_code=200, name="live.end")
    async def end(self, request: Request, meeting_id: RowId) -> Response:
        """Asks first (the notes are saved on the way); the confirmed second post ends it."""
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        if form.get("confirmed") != "yes":
            async def ask():
                return await self._live(request, await refreshed(found), ending=True)
            return await self._live_action(request, found, form, live.keep_notes(found, form), then=ask)

        async def to_minutes():
            return redirect(request, urls.url("minutes", meeting_id=meeting_id), flash="meeting_ended")
        return await self._live_action(request, found, form, live.end(found, form), then=to_minutes)

    @post("/items/{item_id:int}/notes", status_code=200, name="item.notes")
    async def save_notes(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        """Saved as the chair types (htmx answers with where the notes say they are saved) or
        with the Save button (back to the live view)."""
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        saved, errors = await live.save_notes(found, item_id, form)
        if errors:
            return await self._live(request, found, status_code=422, errors=errors, values=form)
        if not request.htmx:
            if saved.theirs is not None:  # both texts on the page, nothing lost
                return await self._live(request, await refreshed(found), status_code=409, values=form,
                                        notes_theirs=saved.theirs, notes_base=saved.base)
            return redirect(request, urls.url("live", meeting_id=meeting_id, _fragment="live"))
        return render(request, "meetings/_notes_status.html", {
            "m_": found.meeting, "current": {"id": item_id}, "zone": found.team["time_zone"],
            "notes_theirs": saved.theirs, "notes_saved_at": found.viewer.at, "notes_base": saved.base,
            "oob": saved.theirs is None,
        }, status_code=409 if saved.theirs is not None else 200)

    @post("/items/{item_id:int}/decisions", status_code=200, name="item.decision")
    async def add_decision(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        if form.get("add_recusal"):  # one more recusal row: the form again as typed, nothing saved
            return await self._live(request, found, values=form)
        return await self._live_action(request, found, form, live.add_decision(found, item_id, form),
                                       N_("The decision is recorded."), form_name="decision")

    @post("/attendance", status_code=200, name="live.attendance")
    async def check_in(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        return await self._live_action(request, found, form, live.check_in(found, form),
                                       N_("Attendance is saved."))

    @post("/attendance/everyone", status_code=200, name="live.everyone_present")
    async def everyone_present(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        return await self._live_action(request, found, form, live.mark_everyone_present(found, form),
                                       N_("Everyone not yet checked in is marked present."))

    @post("/live/actions/{action_id:int}/status", status_code=200, name="live.review")
    async def review_action(self, request: Request, meeting_id: RowId, action_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        return await self._live_action(request, found, form, live.review_action(found, action_id, form),
                                       N_("The action item's status is saved."))

    @post("/actions", status_code=200, name="live.action")
    async def add_action(self, request: Request, meeting_id: RowId) -> Response:
        """An action item created inline while the meeting runs."""
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        return await self._live_action(request, found, form, live.add_action(found, form, parse_id(form.get("item_id"))),
                                       N_("The action item is added."), form_name="action")

    # The case side of a case-review item: review notes, the room check, the meeting screen.

    @post("/live/items/{item_id:int}/review-notes", status_code=200, name="live.review_note")
    async def add_review_note(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        """A note taken on the open case review: an entry of its case, never minutes text."""
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        return await self._live_action(request, found, form, meeting_cases.add_review_note(found, item_id, form),
                                       N_("The note is added to the case."), form_name="review_note")

    @post("/live/items/{item_id:int}/step-out", status_code=200, name="live.step_out")
    async def step_out(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        """The room check: someone not covered by the case's releases steps out for the item."""
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        return await self._live_action(request, found, form, meeting_cases.step_out(
            found, item_id, parse_id(form.get("person_id"))), N_("Marked as stepped out for this item."))

    @post("/live/items/{item_id:int}/back", status_code=200, name="live.bring_back")
    async def bring_back(self, request: Request, meeting_id: RowId, item_id: RowId) -> Response:
        """Someone who stepped out (or, without a person, everyone) is back in the room."""
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        return await self._live_action(request, found, form, meeting_cases.bring_back(
            found, item_id, parse_id(form.get("person_id"))), N_("Back in the room."))

    @get("/screen", name="meeting-screen")
    async def meeting_screen(self, request: Request, meeting_id: RowId, v: FromQuery[int | None] = None,
                             f: FromQuery[str] = "") -> Response:
        """The shared screen for the projector: the open item and, for a case review, only what
        everyone in the room may see. It polls with what it shows (`v`, `f`): 204 while the
        meeting and the decision would show the same; a revocation redraws it at once."""
        found = await meeting_access(request.user, meeting_id, run=True)
        if request.htmx and v is not None and v == found.meeting["live_version"] \
                and f == await meeting_cases.screen_fingerprint(found):
            return Response(b"", status_code=204, headers=NO_STORE)
        return render(request, "cases/screen.html", {
            "m_": found.meeting, "team": found.team, "screen": await meeting_cases.screen(found),
            "zone": found.team["time_zone"], "entry_kinds": meeting_cases.ENTRY_KINDS,
            "categories": meeting_cases.CATEGORIES,
        }, block="screen", headers=NO_STORE)

    # Minutes.

    async def _visible_minutes(self, request: Request, meeting_id: int) -> tuple[MeetingAccess, dict]:
        found = await meeting_access(request.user, meeting_id)
        minutes_row = await minutes.get_minutes(meeting_id)
        if minutes_row is None or not found.can_see_minutes(minutes_row["status"]):
            raise NotFound()
        return found, minutes_row

    @get("/minutes", name="minutes")
    async def minutes_page(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id)
        minutes_row = await minutes.get_minutes(meeting_id)
        if minutes_row is None and found.can_start_minutes:  # offered, never created by a GET
            return render(request, "meetings/minutes_start.html", {"m_": found.meeting, "team": found.team,
                                                                   "zone": found.team["time_zone"]})
        if minutes_row is None or not found.can_see_minutes(minutes_row["status"]):
            raise NotFound()
        return await self._minutes(request, found, minutes_row)

    @post("/minutes/start", status_code=200, name="minutes.start")
    async def start_minutes(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        await minutes.start_minutes(found)
        return redirect(request, urls.url("minutes", meeting_id=meeting_id))

    async def _minutes(self, request, found: MeetingAccess, minutes_row: dict, errors=None, status_code=200,
                       values=None, theirs=None, comment_values=None) -> Response:
        """The minutes page: the record in the reader's language, members' comments, and for the
        people who run the meeting the corrections form, the way to approval and the revisions.
        `values` are corrections typed but not saved; `theirs` what someone saved meanwhile."""
        lead = found.can_run
        shown = record.shown(record.loads(minutes_row["record"]), found.meeting)
        editable = lead and policy.minutes_editable(minutes_row["status"])
        return render(request, "meetings/minutes.html", {
            "m_": found.meeting, "team": found.team, "access": found, "minutes": minutes_row, "shown": shown,
            "revisions": await minutes.revisions(minutes_row["id"]) if lead else [],
            "approvals": await minutes.approval_meetings(found) if lead else [],
            "comments": await minutes.comments(minutes_row["id"]),
            # The people who run the meeting correct the minutes themselves; members comment.
            "may_comment": not lead and policy.can_comment_on_minutes(found.viewer, found.standing,
                                                                      minutes_row["status"]),
            "errors": errors or {}, "values": values, "theirs": theirs, "comment_values": comment_values or {},
            "zone": found.team["time_zone"], "states": policy.MINUTES_STATES, "editable": editable,
        }, status_code=status_code)

    async def _record(self, meeting_id: int) -> dict:
        minutes_row = await minutes.get_minutes(meeting_id)
        if minutes_row is None:
            raise NotFound()
        return minutes_row

    @post("/minutes", status_code=200, name="minutes.save")
    async def save_minutes(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        try:
            errors = await minutes.save(found, form)
        except minutes.MinutesStale as stale:
            return await self._stale_minutes(request, found, stale, form)
        if errors:
            return await self._minutes(request, found, await self._record(meeting_id), errors, 422, values=form)
        return redirect(request, urls.url("minutes", meeting_id=meeting_id), flash="minutes_saved")

    async def _stale_minutes(self, request, found: MeetingAccess, stale, form: dict) -> Response:
        """Someone saved the minutes first and changed what the editor changed too: the form
        comes back with the editor's text (laid over everything else they saved), what changed
        meanwhile shown first, the fields both changed marked, and the newer version to save
        over (409)."""
        current = stale.current
        loaded = await minutes.revision(current["id"], record.parse_version(form.get("version")) or 0)
        newest = await minutes.revision(current["id"], current["version"])
        changes = self._compared(request, loaded, newest) if loaded and newest else []
        errors = {"form": STALE_MINUTES, **dict.fromkeys(stale.conflicts, BOTH_CHANGED)}
        return await self._minutes(request, found, current, errors, 409, values=stale.values or form,
                                   theirs={"revision": newest, "changes": changes})

    def _compared(self, request, older: dict, newer: dict) -> list:
        """Two states of the minutes, each written out in the reader's language, line by line."""
        say = record.Say(gettext, templating.when, templating.clock_time, newer["record"].get("time_zone") or "UTC")
        return record.compared(record.lines(older["record"], older["status"], say),
                               record.lines(newer["record"], newer["status"], say))

    @post("/minutes/status", status_code=200, name="minutes.status")
    async def move_minutes(self, request: Request, meeting_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        form = await form_data(request)
        status = form.get("status", "")
        try:
            problem = await minutes.move(found, status, form.get("version", ""),
                                         parse_id(form.get("approved_at_meeting", "")))
        except minutes.MinutesStale:
            return await self._minutes(request, found, await self._record(meeting_id), {"status": STALE_MOVE}, 409)
        if problem:
            return await self._minutes(request, found, await self._record(meeting_id), {"status": problem}, 422)
        return redirect(request, urls.url("minutes", meeting_id=meeting_id), flash=f"minutes_{status}")

    @post("/minutes/comments", status_code=200, name="minutes.comment")
    async def comment(self, request: Request, meeting_id: RowId) -> Response:
        found, _ = await self._visible_minutes(request, meeting_id)
        form = await form_data(request)
        errors = await minutes.add_comment(found, form)
        if errors:
            return await self._minutes(request, found, await self._record(meeting_id), errors, 422,
                                       comment_values=form)
        return redirect(request, urls.url("minutes", meeting_id=meeting_id, _fragment="comments"),
                        flash="comment_saved")

    @post("/minutes/comments/{comment_id:int}/addressed", status_code=200, name="minutes.comment_addressed")
    async def comment_addressed(self, request: Request, meeting_id: RowId, comment_id: RowId) -> Response:
        found = await meeting_access(request.user, meeting_id, run=True)
        await minutes.mark_addressed(found, comment_id)
        return redirect(request, urls.url("minutes", meeting_id=meeting_id, _fragment="comments"))

    @get("/minutes/compare", name="minutes.compare")
    async def compare_minutes(self, request: Request, meeting_id: RowId, older: FromQuery[str] = "",
                              newer: FromQuery[str] = "") -> Response:
        """Any two saved states of the minutes, compared line by line (for the people who run the
        meeting, who alone see drafts)."""
        found = await meeting_access(request.user, meeting_id, run=True)
        minutes_row = await self._record(meeting_id)
        first, second = await minutes.two_revisions(minutes_row["id"], record.parse_version(older),
                                                    record.parse_version(newer))
        return render(request, "meetings/minutes_compare.html", {
            "m_": found.meeting, "team": found.team, "older": first, "newer": second,
            "lines": self._compared(request, first, second), "zone": found.team["time_zone"],
            "states": policy.MINUTES_STATES,
        })

    async def _printable(self, request: Request, meeting_id: int) -> tuple[MeetingAccess, str]:
        found, minutes_row = await self._visible_minutes(request, meeting_id)
        return found, render_text("meetings/minutes_print.html", {
            "m_": found.meeting, "team": found.team, "minutes": minutes_row, "lang": i18n.current_language.get(),
            "shown": record.shown(record.loads(minutes_row["record"]), found.meeting), "zone": found.team["time_zone"],
            "states": policy.MINUTES_STATES,
        })

    @get("/minutes/print", name="minutes.print")
    async def print_minutes(self, request: Request, meeting_id: RowId) -> Response:
        _, html = await self._printable(request, meeting_id)
        return Response(html, media_type=MediaType.HTML, headers={"Vary": "HX-Request"})

    @get("/minutes.pdf", name="minutes.pdf")
    async def minutes_pdf(self, request: Request, meeting_id: RowId) -> Response:
        """The print view as a PDF to circulate, named after the meeting and its day."""
        found, html = await self._printable(request, meeting_id)
        day = clock.day_in(found.meeting["starts_at"], found.team["time_zone"]).isoformat()
        name = f"{filename_part(found.meeting['title'])} {day} - {gettext('Minutes')}.pdf"
        return download(await pdf_from_html(html), name, "application/pdf")
