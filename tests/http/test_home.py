"""The home page answers "what now": for every demo account, the meetings of today and the next
seven days (live ones with the way in), what waits for a lead (agendas to publish, minutes to
move along), minutes out for review, and my action items overdue or due this week, each with a
status update in place. The team overview leads with the next meeting and the overdue items."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from server import clock
from server.actions import service as actions
from server.actions.tables import ActionItem, ActionUpdate
from server.meetings import scheduling
from server.meetings.tables import Invitation, Meeting, Minutes
from tests.conftest import (
    ADMIN,
    CHAIR,
    COORDINATOR,
    FAMILY,
    GUEST,
    SCHOOL,
    TREATMENT,
    log_in,
    make_client,
    post_form,
)
from tests.meetings_helpers import ZONE, held_meeting, local, on_meeting, on_team, schedule, today

COLLAB, CLUSTER, LEADERSHIP, CFT = "Community Collaborative", "Perinatal Cluster", "Leadership", "CFT"
# Each demo account: the teams whose meetings they see as a member, and the teams they run
# (README's accounts, the Collaborative's guest, and the site admin, who sits on two teams).
ACCOUNTS = {
    ADMIN: ((COLLAB, LEADERSHIP), (COLLAB,)),
    CHAIR: ((COLLAB,), (COLLAB,)),
    COORDINATOR: ((CLUSTER, LEADERSHIP), (CLUSTER, LEADERSHIP)),
    TREATMENT: ((COLLAB, CLUSTER), ()),
    SCHOOL: ((COLLAB,), ()),
    FAMILY: ((COLLAB, CLUSTER, CFT), ()),
    GUEST: ((), ()),
}
OPEN = ["open", "in_progress", "blocked"]


def section(page: str, heading_id: str) -> str:
    """The HTML of the page's section labelled by `heading_id` ('' if there is none)."""
    found = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', page, re.S)
    return found.group(0) if found else ""


def text(fragment: str) -> str:
    """What a person reads: tags out, entities decoded, white space collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def listed_item(page: str, action_id: int) -> str:
    found = re.search(rf'<li class="quick-item" id="item-{action_id}">.*?</li>', page, re.S)
    return found.group(0) if found else ""


def links_to(fragment: str, path: str) -> bool:
    return f'href="{path}"' in fragment


async def home_of(app, email: str) -> str:
    async with await make_client(app) as browser:
        await log_in(browser, email)
        response = await browser.get("/")
        assert response.status_code == 200
        return response.text


async def meetings_around(team_ids: list[int]) -> list[dict]:
    """The teams' meetings from two days back to two weeks ahead, with their day in the demo's zone."""
    now = clock.now()
    rows = await Meeting.select().where(
        Meeting.team.is_in(team_ids or [0]) & (Meeting.starts_at > now - timedelta(days=2))
        & (Meeting.starts_at < now + timedelta(days=16))
    )
    for row in rows:
        row["day"] = local(row["starts_at"]).date()
    return rows


@pytest.mark.parametrize("email", list(ACCOUNTS))
async def test_each_demo_account_sees_its_meetings_this_week_what_waits_for_it_and_its_items_due(app, demo, email):
    member_of, runs = ([demo.team(name) for name in names] for names in ACCOUNTS[email])
    person, day = demo.people[email], today()
    page = await home_of(app, email)

    # Meetings today and in the next seven days: their teams' (a guest: those invited to), no other.
    everyone = await meetings_around(list(demo.teams.values()))
    invited = {row["meeting"] for row in await Invitation.select(Invitation.meeting).where(Invitation.person == person)}
    visible = [m for m in everyone if m["team"] in member_of or m["id"] in invited]
    week = section(page, "week-heading")
    shown = [m for m in visible if day <= m["day"] <= day + timedelta(days=7)]
    assert shown, f"{email} has no meeting this week in the demo"
    for meeting in everyone:
        assert links_to(week, f"/meetings/{meeting['id']}") == (meeting in shown), (email, meeting["title"])

    # Leads: upcoming agendas still drafts (two weeks ahead) and minutes to circulate or approve.
    waiting = section(page, "waiting-heading")
    drafts = [m for m in everyone if m["team"] in runs and m["agenda_published_at"] is None
              and m["status"] == "scheduled" and m["starts_at"] > clock.now() and m["day"] <= day + timedelta(days=14)]
    lead_minutes = await Minutes.select(Minutes.meeting, Minutes.status).where(
        Minutes.meeting.team.is_in(runs or [0]) & Minutes.status.is_in(["draft", "circulated"]))
    assert bool(waiting) == bool(runs)
    if runs:
        assert drafts and {m["status"] for m in lead_minutes} == {"draft", "circulated"}
    for meeting in drafts:
        assert links_to(waiting, f"/meetings/{meeting['id']}")
    for row in lead_minutes:
        assert links_to(waiting, f"/meetings/{row['meeting']}/minutes")

    # Members: the minutes circulated for review on the teams they do not run.
    review = section(page, "review-heading")
    circulated = await Minutes.select(Minutes.meeting).where(
        Minutes.meeting.team.is_in([t for t in member_of if t not in runs] or [0]) & (Minutes.status == "circulated"))
    assert bool(review) == bool(circulated)
    for row in circulated:
        assert links_to(review, f"/meetings/{row['meeting']}/minutes")
    assert "/minutes" not in week + section(page, "items-heading")

    # My action items: overdue or due within the week, each with its update form; none later.
    items = section(page, "items-heading")
    mine = await ActionItem.select().where((ActionItem.owner == person) & ActionItem.status.is_in(OPEN))
    assert bool(items) == bool(member_of)
    due = [item for item in mine if item["due_on"] <= day + timedelta(days=7)]
    assert bool(due) == bool(member_of), email
    for item in mine:
        row = listed_item(items, item["id"])
        assert bool(row) == (item in due), (email, item["title"])
        if row:
            assert f'action="/home/actions/{item["id"]}/progress"' in row
            assert ('class="overdue-label"' in row) == (item["due_on"] < day)


async def test_the_family_partner_reads_her_home_page_in_spanish_with_dates_in_spanish(app, demo):
    page = await home_of(app, FAMILY)
    assert '<html lang="es">' in page
    week = text(section(page, "week-heading"))
    assert week.startswith("Reuniones de hoy y de esta semana")
    working_session = await Meeting.select(Meeting.starts_at).where(
        Meeting.title == "Diversion referral pathway working session").first()
    assert format_date(local(working_session["starts_at"]).date(), "full", locale="es") in week
    assert "Mis tareas: vencidas y para esta semana" in text(section(page, "items-heading"))


async def test_a_guest_sees_only_the_meetings_they_are_invited_to_and_a_cancelled_one_stays_marked(app, demo, client):
    team_id = demo.team(COLLAB)
    token = await log_in(client, CHAIR)
    invited = await schedule(client, token, team_id, title="Invited, then cancelled", day=(today() + timedelta(days=1)).isoformat())
    other = await schedule(client, token, team_id, title="Not for guests", day=(today() + timedelta(days=1)).isoformat())
    await scheduling.invite(await on_meeting(demo, CHAIR, invited), {"person_id": str(demo.people[GUEST])})
    version = (await Meeting.select(Meeting.version).where(Meeting.id == invited).first())["version"]
    assert (await post_form(client, f"/meetings/{invited}/cancel", {"version": str(version)}, token)).status_code == 303
    for email, sees_other in ((GUEST, False), (SCHOOL, True)):
        week = section(await home_of(app, email), "week-heading")
        meeting = re.search(rf'<li class="now-meeting[^"]*">(?:(?!</li>).)*/meetings/{invited}".*?</li>', week, re.S)
        assert meeting and "Cancelled" in text(meeting.group(0)), email
        assert links_to(week, f"/meetings/{other}") == sees_other, email


async def test_a_meeting_running_now_takes_its_chair_to_the_live_view_and_members_to_the_meeting_page(app, demo, client):
    team_id = demo.team(COLLAB)
    token = await log_in(client, CHAIR)
    starts = local(clock.now() + timedelta(minutes=10)).replace(second=0, microsecond=0)
    meeting_id = await schedule(client, token, team_id, title="Running now", day=starts.date().isoformat(),
                                start=starts.strftime("%H:%M"))
    assert (await post_form(client, f"/meetings/{meeting_id}/live/start", {"confirmed": "yes"}, token)).status_code == 303
    for email, way_in, says in ((CHAIR, f"/meetings/{meeting_id}/live", "Open the live view"),
                                (SCHOOL, f"/meetings/{meeting_id}", "Follow the meeting live")):
        week = section(await home_of(app, email), "week-heading")
        meeting = re.search(r'<li class="now-meeting is-live">.*?</li>', week, re.S).group(0)
        assert "Running now" in meeting and "Live now" in text(meeting)
        assert re.search(rf'<a class="button" href="{way_in}">{says}</a>', meeting), email
    async with await make_client(app) as member:
        await log_in(member, SCHOOL)
        card = section((await member.get(f"/teams/{team_id}")).text, "next-heading")
    assert text(card).startswith("Meeting now") and "Live now" in text(card)
    assert f'href="/meetings/{meeting_id}">Follow the meeting live' in card


async def test_meetings_show_in_their_teams_time_zone_and_on_their_teams_calendar(app, demo, client):
    """A team on Pacific time: "tomorrow" and 10:00 are the team's, and the zone is named when a
    person's teams keep different clocks."""
    admin_token = await log_in(client, ADMIN)
    response = await post_form(client, "/teams", {"name": "Pacific Coast Collaborative", "kind": "other",
                                                  "time_zone": "America/Los_Angeles", "quorum_kind": "share",
                                                  "quorum_value": "50"}, admin_token)
    team_id = int(response.headers["location"].rsplit("/", 1)[1])
    pacific_today = clock.today_in("America/Los_Angeles")
    response = await post_form(client, f"/teams/{team_id}/roster", {
        "person_id": str(demo.people[SCHOOL]), "agency_id": str(demo.agencies["MCS"]), "role": "chair",
        "started_on": pacific_today.isoformat()}, admin_token)
    assert response.status_code == 303, response.text[:500]
    async with await make_client(app) as school:
        token = await log_in(school, SCHOOL)
        meeting_id = await schedule(school, token, team_id, title="Pacific meeting",
                                    day=(pacific_today + timedelta(days=1)).isoformat(), start="10:00")
        week = section((await school.get("/")).text, "week-heading")
    meeting = re.search(rf'<li class="now-meeting">(?:(?!</li>).)*/meetings/{meeting_id}".*?</li>', week, re.S)
    assert meeting, week
    assert text(meeting.group(0)).startswith("Tomorrow, 10:00 AM – 11:30 AM (America/Los_Angeles)")
    stored = await Meeting.select(Meeting.starts_at).where(Meeting.id == meeting_id).first()
    assert stored["starts_at"].astimezone(ZoneInfo("America/Los_Angeles")).hour == 10


async def test_an_item_given_to_my_agency_is_on_my_home_page_and_not_on_another_agencys(app, demo):
    lead = await on_team(demo, CHAIR, demo.team(COLLAB))
    action_id, problems = await actions.create(lead, {
        "title": "Bring the crisis-line numbers", "owner_agency_id": str(demo.agencies["MHAS"]), "status": "open",
        "due_on": (today() + timedelta(days=1)).isoformat()})
    assert action_id, problems
    mhas_member = listed_item(await home_of(app, "beth.lindqvist@maple.example"), action_id)
    assert "Bring the crisis-line numbers" in mhas_member and "For MHAS" in text(mhas_member)
    assert listed_item(await home_of(app, SCHOOL), action_id) == ""


# The quick status update.


async def overdue_item_of(demo, email: str) -> dict:
    return await ActionItem.select().where(
        (ActionItem.owner == demo.people[email]) & ActionItem.status.is_in(OPEN) & (ActionItem.due_on < today())
    ).order_by(ActionItem.due_on).first()


def quick_form(item: dict, **changes: str) -> dict:
    return {"status": item["status"], "due_on": item["due_on"].isoformat(), "note": "",
            "version": str(item["version"]), **changes}


async def log_of(action_id: int) -> list[dict]:
    return await ActionUpdate.select().where(ActionUpdate.action_item == action_id).order_by(ActionUpdate.id)


async def test_a_status_update_from_the_home_page_without_javascript_saves_and_comes_back_home(client, demo):
    token = await log_in(client, SCHOOL)
    item = await overdue_item_of(demo, SCHOOL)
    before = await log_of(item["id"])
    response = await post_form(client, f"/home/actions/{item['id']}/progress",
                               quick_form(item, status="in_progress"), token)
    assert response.status_code == 303 and response.headers["location"] == "/"
    page = (await client.get("/")).text
    assert "The action item is saved." in page
    assert "In progress" in text(listed_item(page, item["id"]))
    after = await log_of(item["id"])
    assert len(after) == len(before) + 1
    assert (after[-1]["status_from"], after[-1]["status_to"], after[-1]["author"]) == (
        item["status"], "in_progress", demo.people[SCHOOL])


async def test_a_status_update_with_htmx_answers_the_item_in_place_and_says_so(client, demo):
    token = await log_in(client, SCHOOL)
    item = await overdue_item_of(demo, SCHOOL)
    response = await post_form(client, f"/home/actions/{item['id']}/progress",
                               quick_form(item, status="done", note="Map sent to the bus company."), token,
                               headers={"HX-Request": "true"})
    assert response.status_code == 200 and "hx-redirect" not in response.headers
    body = response.text
    assert body.lstrip().startswith(f'<div class="quick-body" id="item-{item["id"]}-body">')
    assert 'class="badge status-done"' in body and "overdue-label" not in body  # done: no longer overdue
    said = re.search(rf'<p id="item-{item["id"]}-said" hx-swap-oob="innerHTML">(.*?)</p>', body, re.S)
    assert said and text(said.group(1)) == "The action item is saved."
    updated = (await ActionItem.select(ActionItem.status, ActionItem.version).where(
        ActionItem.id == item["id"]).first())
    assert updated == {"status": "done", "version": item["version"] + 1}
    assert f'name="version" value="{item["version"] + 1}"' in body
    assert (await log_of(item["id"]))[-1]["note"] == "Map sent to the bus company."


async def test_an_update_that_changes_nothing_says_nothing_to_save_and_logs_nothing(client, demo):
    token = await log_in(client, SCHOOL)
    item = await overdue_item_of(demo, SCHOOL)
    before = await log_of(item["id"])
    response = await post_form(client, f"/home/actions/{item['id']}/progress", quick_form(item), token,
                               headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Nothing to save: the status and due date are as they were" in text(response.text)
    assert await log_of(item["id"]) == before


async def test_a_new_due_date_from_the_home_page_needs_a_reason(app, client, demo):
    token = await log_in(client, SCHOOL)
    item = await overdue_item_of(demo, SCHOOL)
    later = (today() + timedelta(days=30)).isoformat()
    before = await log_of(item["id"])
    for headers in ({"HX-Request": "true"}, {}):
        response = await post_form(client, f"/home/actions/{item['id']}/progress",
                                   quick_form(item, due_on=later), token, headers=headers)
        assert response.status_code == 422
        row = listed_item(response.text, item["id"]) or response.text
        assert "Not saved. Say why the due date changes." in text(row)
        assert f'id="item-{item["id"]}-note-error"' in row and "<details class=\"quick-more\" open>" in row
        assert f'value="{later}"' in row  # what was typed is kept
    assert await log_of(item["id"]) == before
    response = await post_form(client, f"/home/actions/{item['id']}/progress",
                               quick_form(item, due_on=later, note="The bus company answers next month."), token)
    assert response.status_code == 303
    assert (await ActionItem.select(ActionItem.due_on).where(ActionItem.id == item["id"]).first())["due_on"] \
        .isoformat() == later
    assert listed_item((await client.get("/")).text, item["id"]) == ""  # due in a month: off the week's list


async def test_an_update_made_stale_by_someone_else_shows_their_version_and_saves_nothing(app, client, demo):
    token = await log_in(client, SCHOOL)
    item = await overdue_item_of(demo, SCHOOL)
    async with await make_client(app) as chair:
        chair_token = await log_in(chair, CHAIR)
        response = await post_form(chair, f"/actions/{item['id']}/progress",
                                   {**quick_form(item, status="blocked", note="Waiting for the bus schedule.")},
                                   chair_token)
        assert response.status_code == 303
    for headers in ({"HX-Request": "true"}, {}):  # in place, or the whole home page without JavaScript
        response = await post_form(client, f"/home/actions/{item['id']}/progress",
                                   quick_form(item, status="in_progress"), token, headers=headers)
        assert response.status_code == 409
        row = listed_item(response.text, item["id"]) or response.text
        assert "Not saved. Someone else updated this action item while you were writing" in text(row)
        assert 'class="badge status-blocked"' in row
        assert f'name="version" value="{item["version"] + 1}"' in row
    current = await ActionItem.select(ActionItem.status).where(ActionItem.id == item["id"]).first()
    assert current["status"] == "blocked"


# Empty states.


async def test_someone_with_nothing_to_do_is_told_so_and_where_to_look(app, client, demo):
    token = await log_in(client, ADMIN)
    response = await post_form(client, "/teams", {"name": "Quiet Workgroup", "kind": "other",
                                                  "time_zone": ZONE, "quorum_kind": "share", "quorum_value": "50"},
                               token)
    team_id = int(response.headers["location"].rsplit("/", 1)[1])
    retired = "george.halvorsen@maple.example"  # his one seat ended long ago
    response = await post_form(client, f"/teams/{team_id}/roster", {
        "person_id": str(demo.people[retired]), "agency_id": str(demo.agencies["CPS"]), "role": "member",
        "started_on": today().isoformat()}, token)
    assert response.status_code == 303
    async with await make_client(app) as browser:
        await log_in(browser, retired)
        page, overview = (await browser.get("/")).text, (await browser.get(f"/teams/{team_id}")).text
    clear = text(section(page, "clear-heading"))
    assert clear.startswith("Nothing needs you right now")
    assert "open one of your teams below" in clear and 'href="/actions"' in section(page, "clear-heading")
    assert section(page, "week-heading") == "" and "Quiet Workgroup" in text(section(page, "teams-heading"))
    assert section(overview, "next-heading") == ""
    assert "None of the team's action items is overdue." in text(section(overview, "overdue-heading"))
    nowhere = await home_of(app, "irene.castillo@maple.example")  # no current seat anywhere
    assert "You are not on any team's roster yet." in text(nowhere) and "Nothing needs you" not in nowhere


# The team overview.


@pytest.mark.parametrize("email", [CHAIR, SCHOOL, GUEST])
async def test_the_team_overview_leads_with_the_next_meeting_and_the_teams_overdue_items(app, demo, email):
    team_id = demo.team(COLLAB)
    async with await make_client(app) as browser:
        await log_in(browser, email)
        page = (await browser.get(f"/teams/{team_id}")).text
    visible = Meeting.team == team_id
    if email == GUEST:
        visible &= Meeting.id.is_in(Invitation.select(Invitation.meeting).where(
            Invitation.person == demo.people[GUEST]))
    upcoming = await Meeting.select().where(visible & (Meeting.ends_at >= clock.now())
                                            & (Meeting.status == "scheduled")).order_by(Meeting.starts_at).first()
    card = section(page, "next-heading")
    assert text(card).startswith("Next meeting") and links_to(card, f"/meetings/{upcoming['id']}")
    agenda = ("The agenda is published." if upcoming["agenda_published_at"] else
              "The agenda is a draft: members see it once you publish it." if email == CHAIR else
              "The agenda is not published yet.")
    assert agenda in text(card)
    overdue = section(page, "overdue-heading")
    if email == GUEST:
        assert overdue == ""  # guests see no action items
        return
    late = await ActionItem.select(ActionItem.id, ActionItem.due_on).where(
        (ActionItem.team == team_id) & ActionItem.status.is_in(OPEN) & (ActionItem.due_on < today()))
    assert late
    for item in late:
        assert links_to(overdue, f"/actions/{item['id']}")
    later = await ActionItem.select(ActionItem.id).where((ActionItem.team == team_id) & (ActionItem.due_on >= today()))
    assert not any(links_to(overdue, f"/actions/{item['id']}") for item in later)



async def test_the_overview_skips_meetings_cancelled_or_over_to_find_the_next_one(app, demo, client):
    """Three meetings this hour, none of them next: two cancelled (still listed, marked), one
    already ended live (gone from the list at once)."""
    team_id = demo.team(COLLAB)
    lead = await on_team(demo, CHAIR, team_id)
    gone = [(await held_meeting(lead, title, minutes_ago=minutes))[0].meeting["id"]
            for title, minutes in (("Called off", 12), ("Called off too", 11), ("Over early", 10))]
    await Meeting.update({Meeting.status: "cancelled", Meeting.live_status: "not_started"}).where(
        Meeting.id.is_in(gone[:2]))
    expected = await Meeting.select(Meeting.id).where(
        (Meeting.team == team_id) & (Meeting.status == "scheduled") & (Meeting.live_status == "not_started")
        & (Meeting.ends_at > clock.now())).order_by(Meeting.starts_at).first()
    await log_in(client, SCHOOL)
    page = (await client.get(f"/teams/{team_id}")).text
    table = section(page, "meetings-heading")
    assert all(links_to(table, f"/meetings/{meeting_id}") for meeting_id in gone[:2])  # cancelled, and marked
    assert not links_to(table, f"/meetings/{gone[2]}")  # a meeting that has ended is no longer ahead
    card = section(page, "next-heading")
    assert links_to(card, f"/meetings/{expected['id']}") and not any(
        links_to(card, f"/meetings/{meeting_id}") for meeting_id in gone)
