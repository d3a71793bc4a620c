"""Trust details (issue 8, Build 9, the first of them): CSV exports a spreadsheet opens right and
imports of the dates it writes back; agency names alike whatever their case; approval offered
only when a later meeting exists; the Spanish word families use."""

from __future__ import annotations

import base64
import html
import inspect
import json
import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

from server.accounts.tables import Person
from server.actions import service as actions
from server.actions.tables import ActionItem, ActionUpdate
from server.agencies.tables import Agency
from server.meetings.tables import AgendaItem, Invitation, Meeting, Minutes
from server.teams.tables import Membership, Team
from tests.cases_helpers import add_identity, make_case
from tests.conftest import (
    ADMIN,
    CHAIR,
    COORDINATOR,
    GUEST,
    ROOT,
    SCHOOL,
    log_in,
    make_client,
    post_form,
)
from tests.meetings_helpers import days_from_today, on_team, schedule

COLLABORATIVE = "Community Collaborative"


async def test_a_roster_export_starts_with_a_byte_order_mark_and_names_one_charset(client, demo):
    await log_in(client, CHAIR)
    response = await client.get(f"/teams/{demo.team(COLLABORATIVE)}/roster/export.csv")
    assert response.content.startswith("\ufeffname,email".encode())
    assert response.headers["content-type"].lower().count("charset") == 1


async def test_an_import_accepts_the_us_dates_a_spreadsheet_writes_back(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    day = days_from_today(-10)
    text = f"email,agency,role,started_on\nderek.shaw@maple.example,MCAP,member,{day.month}/{day.day}/{day.year}\n"
    preview = await client.post(f"/teams/{team_id}/roster/import", data={"_csrf_token": token},
                                files={"file": ("r.csv", ("\ufeff" + text).encode(), "text/csv")})
    assert preview.status_code == 200 and "1 row is ready" in preview.text
    held = preview.text.split('name="upload" value="')[1].split('"')[0]
    assert (await post_form(client, f"/teams/{team_id}/roster/import/confirm", {"upload": held}, token)).status_code == 303
    seat = await Membership.select(Membership.started_on).where(
        (Membership.team == team_id) & (Membership.person == demo.people["derek.shaw@maple.example"])).first()
    assert seat["started_on"] == day


async def test_agency_names_are_unique_whatever_their_case_and_spaces(client, demo):
    token = await log_in(client, ADMIN)
    before = await Agency.count()
    existing = (await Agency.select(Agency.name).where(Agency.id == demo.agencies["HMG"]).first())["name"]
    response = await post_form(client, "/agencies", {"name": f"  {existing.upper()}  ", "sector": "other"}, token)
    assert response.status_code == 422
    assert await Agency.count() == before


async def test_record_approval_is_offered_only_once_a_later_meeting_has_taken_place(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    held = await schedule(client, token, team_id, title="Yesterday's meeting", day=days_from_today(-1).isoformat())
    await post_form(client, f"/meetings/{held}/minutes/start", {}, token)
    await Minutes.update({Minutes.status: "circulated"}).where(Minutes.meeting == held)
    start = (await Meeting.select(Meeting.starts_at).where(Meeting.id == held).first())["starts_at"]
    later = (Meeting.team == team_id) & (Meeting.starts_at > start) & (Meeting.status == "scheduled")
    await Meeting.update({Meeting.status: "cancelled"}).where(later)  # none held since, whatever the clock
    page = (await client.get(f"/meetings/{held}/minutes")).text
    assert "Record approval" not in page and "none has taken place yet" in page
    later_one = await schedule(client, token, team_id, title="This morning's meeting", day=days_from_today(0).isoformat(),
                               start="00:00", duration_minutes="15")
    page = (await client.get(f"/meetings/{held}/minutes")).text
    assert "Record approval" in page and f'value="{later_one}"' in page


async def test_spanish_readers_see_the_term_families_use_for_a_family_partner(app, demo):
    async with await make_client(app) as chair:
        await log_in(chair, CHAIR)
        await post_form(chair, "/account/language", {"language": "es"},
                        (await chair.get("/account")).text.split('name="_csrf_token" value="')[1].split('"')[0])
        roster = (await chair.get(f"/teams/{demo.team(COLLABORATIVE)}/roster")).text
    assert "Representante de familias" in roster and "Socio(a) familiar" not in roster


async def test_an_update_that_changes_nothing_writes_no_log_entry_and_says_so(app, demo):
    lead = await on_team(demo, CHAIR, demo.team(COLLABORATIVE))
    action_id, _ = await actions.create(lead, {"title": "Unchanged", "status": "open",
                                               "owner_id": str(demo.people[SCHOOL])})
    logged = await ActionUpdate.count().where(ActionUpdate.action_item == action_id)
    async with await make_client(app) as owner:
        token = await log_in(owner, SCHOOL)
        version = (await ActionItem.select(ActionItem.version).where(ActionItem.id == action_id).first())["version"]
        response = await post_form(owner, f"/actions/{action_id}/progress", {"status": "open", "version": version}, token)
        assert response.status_code == 303
        page = await owner.get(response.headers["location"])
        assert "Nothing to save" in page.text
    assert await ActionUpdate.count().where(ActionUpdate.action_item == action_id) == logged
    assert (await ActionItem.select(ActionItem.version).where(ActionItem.id == action_id).first())["version"] == version


# Confirmation messages say what happened (and name whom it happened to).


async def flash_on(client, response) -> str:
    """The message the page a change redirected to shows once (empty when there is none)."""
    assert response.status_code == 303, response.text[:500]
    page = (await client.get(response.headers["location"])).text
    return html.unescape(page.split('<p class="flash">')[1].split("</p>")[0]) if '<p class="flash">' in page else ""


async def test_publishing_the_agenda_and_taking_it_back_say_who_sees_it_now(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE))
    published = await post_form(client, f"/meetings/{meeting_id}/publish", {"published": "true"}, token)
    assert await flash_on(client, published) == "The agenda is published; members can see it now."
    drafted = await post_form(client, f"/meetings/{meeting_id}/publish", {"published": "false"}, token)
    assert await flash_on(client, drafted) == "The agenda is back to draft; members and guests no longer see it."


async def test_circulating_sending_back_approving_and_locking_minutes_each_say_so(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    held = await schedule(client, token, team_id, title="Held yesterday", day=days_from_today(-1).isoformat())
    later = await schedule(client, token, team_id, title="Held this morning", day=days_from_today(0).isoformat(),
                           start="00:00", duration_minutes="15")
    await post_form(client, f"/meetings/{held}/minutes/start", {}, token)

    async def move(status: str, **extra) -> str:
        version = (await Minutes.select(Minutes.version).where(Minutes.meeting == held).first())["version"]
        response = await post_form(client, f"/meetings/{held}/minutes/status",
                                   {"status": status, "version": version, **extra}, token)
        return await flash_on(client, response)

    assert await move("circulated") == "The minutes are circulated: the team's members can read them now."
    assert await move("draft") == "The minutes are back to draft; members no longer see them."
    await move("circulated")
    assert await move("approved", approved_at_meeting=later) == "The minutes are recorded as approved."
    assert await move("locked") == "The minutes are locked; they can no longer be changed."


async def test_restoring_a_cancelled_meeting_says_it_is_back_on_the_calendar(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE))
    await post_form(client, f"/meetings/{meeting_id}/cancel", {"version": "1"}, token)
    restored = await post_form(client, f"/meetings/{meeting_id}/restore", {"version": "2"}, token)
    assert await flash_on(client, restored) == "The meeting is restored; it is on the team's calendar again."


async def test_inviting_a_guest_names_them_and_inviting_them_again_says_they_already_are(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE))
    guest = {"person_id": demo.people[GUEST]}
    first = await post_form(client, f"/meetings/{meeting_id}/invitations", guest, token)
    assert await flash_on(client, first) == "Judge Ellen Marsh is invited to this meeting and can see its published agenda."
    again = await post_form(client, f"/meetings/{meeting_id}/invitations", guest, token)
    assert await flash_on(client, again) == "Judge Ellen Marsh is already invited to this meeting."
    assert await Invitation.count().where(Invitation.meeting == meeting_id) == 1


async def test_a_guest_is_uninvited_with_a_button_and_a_message_naming_them(app, demo):
    async with await make_client(app) as chair, await make_client(app) as guest:
        token = await log_in(chair, CHAIR)
        meeting_id = await schedule(chair, token, demo.team(COLLABORATIVE))
        await post_form(chair, f"/meetings/{meeting_id}/publish", {"published": "true"}, token)
        await post_form(chair, f"/meetings/{meeting_id}/invitations", {"person_id": demo.people[GUEST]}, token)
        await log_in(guest, GUEST)
        assert (await guest.get(f"/meetings/{meeting_id}")).status_code == 200

        page = (await chair.get(f"/meetings/{meeting_id}")).text
        uninvite = f"/meetings/{meeting_id}/invitations/{demo.people[GUEST]}/delete"
        assert f'action="{uninvite}"' in page and "Withdraw invitation for Judge Ellen Marsh" in page
        withdrawn = await post_form(chair, uninvite, {}, token)
        assert await flash_on(chair, withdrawn) == "Judge Ellen Marsh is no longer invited to this meeting."
        assert await Invitation.count().where(Invitation.meeting == meeting_id) == 0
        assert (await guest.get(f"/meetings/{meeting_id}")).status_code == 404
        twice = await post_form(chair, uninvite, {}, token)  # a second click: nothing to withdraw, said so
        assert "not invited" in await flash_on(chair, twice)


async def test_adding_standing_items_already_on_the_agenda_says_there_is_nothing_to_add(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE))  # gets the standing items
    items = await AgendaItem.count().where(AgendaItem.meeting == meeting_id)
    without_javascript = await post_form(client, f"/meetings/{meeting_id}/template", {}, token)
    assert await flash_on(client, without_javascript) == "Nothing to add: every standing item is already on the agenda."
    with_htmx = await post_form(client, f"/meetings/{meeting_id}/template", {}, token, headers={"HX-Request": "true"})
    assert with_htmx.status_code == 200 and 'id="agenda"' in with_htmx.text
    assert '<div id="messages" hx-swap-oob="innerHTML"><p class="flash">Nothing to add: every standing item' in with_htmx.text
    assert await AgendaItem.count().where(AgendaItem.meeting == meeting_id) == items

    first = (await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meeting_id).first())["id"]
    await post_form(client, f"/meetings/{meeting_id}/items/{first}/delete", {}, token)
    added = await post_form(client, f"/meetings/{meeting_id}/template", {}, token)
    assert await flash_on(client, added) == "The team's standing items are added to the agenda."


async def test_a_flash_cookie_convene_did_not_sign_shows_nothing(client, demo):
    """The words in the message area are Convene's: a planted cookie cannot fill in a name."""
    from server.web.flash import cookie_value
    from server.web.responses import FLASH_COOKIE

    await log_in(client, CHAIR)
    genuine = cookie_value("guest_invited", {"name": "Judge Ellen Marsh"})
    key, payload, _ = genuine.split(".")
    forged_payload = base64.urlsafe_b64encode(b'{"name": "Call 555-0100 to keep your account"}').decode().rstrip("=")
    for planted in (f"{key}.{forged_payload}.{genuine.split('.')[2]}", "guest_invited", f"{key}.{payload}.x"):
        client.cookies.set(FLASH_COOKIE, planted)
        assert '<p class="flash">' not in (await client.get("/")).text, planted
    client.cookies.set(FLASH_COOKIE, genuine)
    assert "Judge Ellen Marsh is invited" in (await client.get("/")).text


# Cancelling a meeting asks first and records why.

REASON = "No quorum expected over the holiday"


async def test_cancelling_asks_first_and_members_see_the_reason_on_the_meeting_page_and_lists(app, demo):
    team_id = demo.team(COLLABORATIVE)
    async with await make_client(app) as chair, await make_client(app) as member:
        token = await log_in(chair, CHAIR)
        # Early tomorrow: among the next meetings the team's overview lists.
        meeting_id = await schedule(chair, token, team_id, day=days_from_today(1).isoformat(), start="06:00")
        page = (await chair.get(f"/meetings/{meeting_id}")).text
        assert f'href="/meetings/{meeting_id}/cancel"' in page  # a link to the question, not a button that cancels
        assert f'action="/meetings/{meeting_id}/cancel"' not in page
        question = await chair.get(f"/meetings/{meeting_id}/cancel")
        assert question.status_code == 200 and "Cancel this meeting?" in question.text
        assert 'name="reason"' in question.text and "at most 300 characters" in question.text
        assert (await Meeting.select(Meeting.status).where(Meeting.id == meeting_id).first())["status"] == "scheduled"

        cancelled = await post_form(chair, f"/meetings/{meeting_id}/cancel", {"version": "1", "reason": f"  {REASON} "},
                                    token)
        assert await flash_on(chair, cancelled) == "The meeting is cancelled."
        row = await Meeting.select(Meeting.status, Meeting.cancel_reason).where(Meeting.id == meeting_id).first()
        assert row == {"status": "cancelled", "cancel_reason": REASON}

        await log_in(member, SCHOOL)
        assert f"Cancelled: {REASON}" in (await member.get(f"/meetings/{meeting_id}")).text
        assert REASON in (await member.get(f"/teams/{team_id}/meetings")).text
        assert REASON in (await member.get(f"/teams/{team_id}")).text


async def test_restoring_a_meeting_clears_its_cancellation_reason(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE))
    await post_form(client, f"/meetings/{meeting_id}/cancel", {"version": "1", "reason": REASON}, token)
    await post_form(client, f"/meetings/{meeting_id}/restore", {"version": "2"}, token)
    row = await Meeting.select(Meeting.status, Meeting.cancel_reason).where(Meeting.id == meeting_id).first()
    assert row == {"status": "scheduled", "cancel_reason": ""}
    assert "Cancelled:" not in (await client.get(f"/meetings/{meeting_id}")).text


async def test_a_cancellation_reason_over_its_limit_is_refused_and_the_meeting_stays_on(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE))
    refused = await post_form(client, f"/meetings/{meeting_id}/cancel", {"version": "1", "reason": "x" * 301}, token)
    assert refused.status_code == 422 and "at most 300 characters" in refused.text
    assert (await Meeting.select(Meeting.status).where(Meeting.id == meeting_id).first())["status"] == "scheduled"


# A lead's full edit that changes nothing; a new item due in the past asks first.


async def test_a_full_edit_that_changes_nothing_writes_nothing_and_says_so(client, demo):
    lead = await on_team(demo, CHAIR, demo.team(COLLABORATIVE))
    action_id, _ = await actions.create(lead, {"title": "Share the respite waitlist", "status": "open",
                                               "owner_id": str(demo.people[SCHOOL]),
                                               "due_on": days_from_today(7).isoformat()})
    columns = (ActionItem.version, ActionItem.updated_at)
    before = await ActionItem.select(*columns).where(ActionItem.id == action_id).first()
    logged = await ActionUpdate.count().where(ActionUpdate.action_item == action_id)
    token = await log_in(client, CHAIR)
    form = (await client.get(f"/actions/{action_id}/edit")).text
    values = dict(re.findall(r'<input id="(title|due_on)" name="\w+" type="\w+" value="([^"]*)"', form))
    owner, agency = (re.search(rf'name="{name}".*?<option value="(\d*)" selected', form, re.S).group(1)
                     for name in ("owner_id", "owner_agency_id"))
    unchanged = {**values, "owner_id": owner, "owner_agency_id": agency, "status": "open", "description": "",
                 "version": before["version"]}
    response = await post_form(client, f"/actions/{action_id}", unchanged, token)
    assert await flash_on(client, response) == "Nothing to save: the action item is as it was."
    assert await ActionItem.select(*columns).where(ActionItem.id == action_id).first() == before
    assert await ActionUpdate.count().where(ActionUpdate.action_item == action_id) == logged


async def test_a_new_action_item_due_in_the_past_asks_first_and_saves_once_confirmed(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    yesterday = days_from_today(-1).isoformat()
    form = {"title": "Send the signed MOU", "owner_id": demo.people[SCHOOL], "status": "open", "due_on": yesterday}
    count = await ActionItem.count()
    asked = await post_form(client, f"/teams/{team_id}/actions", form, token)
    assert asked.status_code == 422 and "This due date has already passed" in asked.text
    assert 'name="past_due_confirmed"' in asked.text and "Save with this past date" in asked.text
    assert await ActionItem.count() == count

    still_asked = await post_form(client, f"/teams/{team_id}/actions",  # the tick survives another problem
                                  {**form, "title": "", "past_due_confirmed": "yes"}, token)
    assert still_asked.status_code == 422 and re.search(r'name="past_due_confirmed" value="yes"\s+checked', still_asked.text)
    saved = await post_form(client, f"/teams/{team_id}/actions", {**form, "past_due_confirmed": "yes"}, token)
    assert saved.status_code == 303
    assert (await ActionItem.select(ActionItem.due_on).where(ActionItem.title == form["title"]).first())["due_on"] == \
        days_from_today(-1)


async def test_a_due_date_is_past_only_on_the_teams_own_calendar(client, demo, clock_at):
    """Late in the evening in New York it is already tomorrow in UTC: today is not yet past."""
    today = days_from_today(0)
    clock_at(datetime.combine(today, time(23, 30), tzinfo=ZoneInfo("America/New_York")))
    token = await log_in(client, CHAIR)
    form = {"title": "Call the shelter back", "owner_id": demo.people[SCHOOL], "status": "open", "due_on": today.isoformat()}
    assert (await post_form(client, f"/teams/{demo.team(COLLABORATIVE)}/actions", form, token)).status_code == 303


async def test_the_live_meetings_inline_action_form_asks_the_same_before_a_past_due_date(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE), day=days_from_today(0).isoformat(),
                                start="00:00", duration_minutes="15")
    await post_form(client, f"/meetings/{meeting_id}/live/start", {"confirmed": "yes"}, token)
    form = {"title": "Book the room for the retreat", "owner_id": demo.people[SCHOOL],
            "due_on": days_from_today(-3).isoformat()}
    asked = await post_form(client, f"/meetings/{meeting_id}/actions", form, token, headers={"HX-Request": "true"})
    assert asked.status_code == 422 and "This due date has already passed" in asked.text
    assert 'id="action-due_on-confirm" name="past_due_confirmed"' in asked.text
    assert await ActionItem.count().where(ActionItem.source_meeting == meeting_id) == 0
    saved = await post_form(client, f"/meetings/{meeting_id}/actions", {**form, "past_due_confirmed": "yes"}, token,
                            headers={"HX-Request": "true"})
    assert saved.status_code == 200
    assert await ActionItem.count().where(ActionItem.source_meeting == meeting_id) == 1


# Phone numbers.


async def test_phone_numbers_in_the_usual_forms_are_saved_as_typed(client, demo):
    token = await log_in(client, ADMIN)
    for n, typed in enumerate(["(555) 010-2040", "555.010.2040 x12", "+1 555 010 2040", " 555-010-2040 ext. 7 "]):
        response = await post_form(client, "/people", {"name": f"Phone Person {n}", "email": f"phone{n}@maple.example",
                                                         "phone": typed, "preferred_language": "en"}, token)
        assert response.status_code == 200 and "set-password" in response.text, typed  # the new person's link
        saved = await Person.select(Person.phone).where(Person.email == f"phone{n}@maple.example").first()
        assert saved["phone"] == typed.strip()


async def test_a_phone_number_that_is_not_one_is_refused_with_a_clear_message(client, demo):
    token = await log_in(client, ADMIN)
    person_id = demo.people[SCHOOL]
    before = await Person.count()
    for typed in ["call the front desk", "555-01", "1-800-FLOWERS", "555-010-2040 or 555-010-2041", "+1 555 010 2040 x"]:
        response = await post_form(client, "/people", {"name": "No Phone", "email": "nophone@maple.example",
                                                         "phone": typed, "preferred_language": "en"}, token)
        assert response.status_code == 422 and "Enter a phone number in digits" in response.text, typed
        edit = await post_form(client, f"/people/{person_id}", {"name": "Angela Brooks", "email": SCHOOL,
                                                                 "phone": typed, "preferred_language": "en"}, token)
        assert edit.status_code == 422, typed
    assert await Person.count() == before
    assert (await Person.select(Person.phone).where(Person.id == person_id).first())["phone"] != "555-01"


# Set-password links speak their owner's language.


async def test_a_set_password_link_speaks_its_owners_language_and_ends_saying_the_password_is_set(client, demo):
    """Luis prefers Spanish; his browser asks for English."""
    from server.accounts.service import create_password_link

    token = await create_password_link(demo.people["luis.romero@maple.example"])
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    page = await client.get(f"/set-password/{token}", headers=english_browser)
    assert '<html lang="es">' in page.text and "Establezca su contraseña" in page.text
    csrf = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
    too_short = await post_form(client, f"/set-password/{token}", {"password": "short", "confirm": "short"}, csrf,
                                headers=english_browser)
    assert too_short.status_code == 422 and '<html lang="es">' in too_short.text and "Contraseña nueva" in too_short.text
    done = await post_form(client, f"/set-password/{token}", {"password": "river-lantern-47", "confirm": "river-lantern-47"},
                           csrf, headers=english_browser)
    assert done.headers["location"] == "/login"
    login = await client.get("/login", headers=english_browser)
    assert '<html lang="es">' in login.text
    assert '<p class="flash">Se estableció su contraseña. Ya puede iniciar sesión.</p>' in login.text


# Every CSV export.

async def case_export(demo) -> str:
    """A case of the coordinator's agency, and its export."""
    health = demo.agencies["MCHD"]
    case_id = await make_case(demo.team("Perinatal Cluster"), health, "PC-CSV2")
    await add_identity(case_id, health, "=Export Example")
    return f"/cases/{case_id}/export.csv"


# Each CSV the app serves, and how to reach it as someone who may: a new export fails the test
# below until it is listed here (and so checked).
CSV_EXPORTS = {
    "/teams/{team_id:int}/roster/export.csv": (CHAIR, lambda demo: f"/teams/{demo.team(COLLABORATIVE)}/roster/export.csv"),
    "/cases/{case_id:int}/export.csv": (COORDINATOR, case_export),
}


async def test_every_csv_export_is_a_download_with_a_byte_order_mark_and_one_charset(app, client, demo):
    served = {route.path for route in app.routes if route.path.endswith(".csv")}
    assert served == set(CSV_EXPORTS), "list every CSV export in CSV_EXPORTS"
    # Modules that answer with CSV (an uploaded CSV document is served as its own bytes, not exported).
    writers = [str(path.relative_to(ROOT)) for path in (ROOT / "server").rglob("*.py")
               if "text/csv" in (text := path.read_text()) and "Response(" in text]
    assert writers == ["server/web/downloads.py"], "CSV goes out through web/downloads.csv_download only"
    for persona, path in CSV_EXPORTS.values():
        async with await make_client(app) as browser:  # each export as its own person
            await log_in(browser, persona)
            target = path(demo)
            response = await browser.get(await target if inspect.isawaitable(target) else target)
            assert response.content.startswith("\ufeff".encode())
            assert response.headers["content-type"] == "text/csv; charset=utf-8"
            assert response.headers["content-disposition"].startswith("attachment; filename=")
            assert "filename*=UTF-8''" in response.headers["content-disposition"]
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["content-security-policy"].startswith("sandbox")


# Sector coverage against the sectors a team expects.


def coverage(page: str) -> str:
    return page.split('id="coverage-heading"')[1].split("</section>")[0]


async def test_sector_coverage_is_judged_against_the_sectors_usual_for_the_teams_kind(client, demo):
    await log_in(client, ADMIN)
    family_team = coverage((await client.get(f"/teams/{demo.team('Child and Family Team')}/roster")).text)
    assert "Juvenile justice" not in family_team and "Medical" not in family_team
    assert "Every expected sector is represented." in family_team and "Child and family team" in family_team
    cluster = coverage((await client.get(f"/teams/{demo.team('Perinatal Cluster')}/roster")).text)
    assert "Juvenile justice" not in cluster and "Education" not in cluster
    collaborative = coverage((await client.get(f"/teams/{demo.team(COLLABORATIVE)}")).text)
    assert "Not represented:" in collaborative and "Housing" in collaborative  # a county table expects every system


async def test_a_team_can_keep_its_own_list_of_expected_sectors(client, demo):
    token = await log_in(client, ADMIN)
    team_id = demo.team("Child and Family Team")
    team = {"name": "Child and Family Team CFT-0142", "kind": "child_family_team", "time_zone": "America/New_York",
            "quorum_kind": "share", "quorum_value": "50"}
    form = await client.get(f"/teams/{team_id}/edit")
    assert 'id="sectors-usual" name="sectors" value="usual" checked' in form.text
    assert re.search(r'name="expected_sectors" value="education"\s+checked', form.text)  # starts from the usual ones

    own = {**team, "sectors": "own", "expected_sectors": ["education", "housing", "behavioral_health"]}
    assert (await post_form(client, f"/teams/{team_id}", own, token)).status_code == 303
    stored = (await Team.select(Team.expected_sectors).where(Team.id == team_id).first())["expected_sectors"]
    assert stored == "behavioral_health,education,housing"
    roster = coverage((await client.get(f"/teams/{team_id}/roster")).text)
    assert "Not represented:" in roster and "Housing" in roster and "Family and peer support" not in roster
    assert 'id="sectors-own" name="sectors" value="own" checked' in (await client.get(f"/teams/{team_id}/edit")).text

    refused = await post_form(client, f"/teams/{team_id}", {**own, "expected_sectors": ["education", "astrology"]}, token)
    assert refused.status_code == 422 and "Choose sectors from the list." in refused.text
    assert (await post_form(client, f"/teams/{team_id}", {**team, "sectors": "usual"}, token)).status_code == 303
    assert (await Team.select(Team.expected_sectors).where(Team.id == team_id).first())["expected_sectors"] is None


# htmx swaps.


async def test_htmx_restoring_history_gets_the_whole_page_not_the_fragment(client, demo):
    """The Back button after a search that changed the address: htmx asks the server for the
    page it goes back to and puts the answer in place of the whole body."""
    await log_in(client, ADMIN)
    fragment = await client.get("/people?q=Shaw", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "Derek Shaw" in fragment.text
    restored = await client.get("/people?q=Shaw", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restored.text and 'aria-label="Main"' in restored.text and "Derek Shaw" in restored.text


async def test_a_refused_agenda_item_brings_back_its_form_alone_and_an_added_one_the_agenda(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE))
    page = (await client.get(f"/meetings/{meeting_id}")).text
    add_form = page.split('id="add-item-form"')[0].rsplit("<form", 1)[1]
    assert 'hx-target="this"' in add_form  # a 422 replaces the form, never the agenda around it
    htmx = {"HX-Request": "true"}
    refused = await post_form(client, f"/meetings/{meeting_id}/items", {"title": "Budget", "kind": "discussion",
                                                                        "planned_minutes": "900"}, token, headers=htmx)
    assert refused.status_code == 422 and refused.text.lstrip().startswith("<form") and "HX-Retarget" not in refused.headers
    added = await post_form(client, f"/meetings/{meeting_id}/items", {"title": "Budget", "kind": "discussion",
                                                                      "planned_minutes": "15"}, token, headers=htmx)
    assert added.headers["HX-Retarget"] == "#agenda" and 'id="agenda"' in added.text


def test_no_template_carries_what_the_csp_refuses_and_htmx_is_told_not_to_add_it():
    """Inline styles and scripts, event-handler attributes and script run from attributes: the
    CSP refuses them all (a console error in the browser). htmx adds none of its own: no
    indicator style sheet, no eval for hx-on, js: values or trigger filters."""
    refused = re.compile(r"""\sstyle=|<style|<script(?![^>]*\bsrc=)|\son[a-z]+=|hx-on|hx-vars|["']js:|javascript:""")
    offenders = [f"{path.relative_to(ROOT)}: {match.group(0).strip()}" for path in (ROOT / "templates").rglob("*.html")
                 for match in refused.finditer(path.read_text())]
    assert not offenders, offenders
    config = json.loads(re.search(r"""name="htmx-config" content='([^']+)'""",
                                  (ROOT / "templates" / "base.html").read_text()).group(1))
    assert config["includeIndicatorStyles"] is False and config["allowEval"] is False
    assert config["allowScriptTags"] is False
