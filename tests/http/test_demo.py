"""The demo county: a year of meetings for every team, minutes in every state, action items
for every demo account, and nothing that names a client."""

from __future__ import annotations

import re
from datetime import timedelta

from server import clock
from server.actions.tables import ActionItem, ActionUpdate
from server.demo import TIME_ZONE, load_demo
from server.meetings import agenda, minutes, record
from server.meetings.tables import (
    AgendaItem,
    Attendance,
    Meeting,
    Minutes,
    MinutesRevision,
    TemplateItem,
)
from tests.conftest import ADMIN, CHAIR, COORDINATOR, FAMILY, SCHOOL, TREATMENT, log_in
from tests.meetings_helpers import as_lead

README_ACCOUNTS = (CHAIR, COORDINATOR, TREATMENT, SCHOOL, FAMILY)
OPEN = ["open", "in_progress", "blocked"]


async def test_loading_the_demo_twice_loads_it_once(demo):
    meetings = await Meeting.count()
    assert await load_demo() is False
    assert await Meeting.count() == meetings


async def test_every_team_has_a_year_of_held_meetings_and_three_months_of_upcoming_ones(demo):
    now, today = clock.now(), clock.today_in(TIME_ZONE)
    for team_id in demo.teams.values():
        meetings = await Meeting.select().where(Meeting.team == team_id).order_by(Meeting.starts_at)
        held = [m for m in meetings if m["live_status"] == "ended"]
        upcoming = [m for m in meetings if m["starts_at"] > now]
        assert len(held) >= 4 and len(upcoming) >= 3
        assert all(m["ends_at"] < now and m["live_started_at"] and m["live_ended_at"] for m in held)
        assert upcoming[-1]["starts_at"].date() > today + timedelta(days=60)
        regular = [m for m in upcoming if m["series"]]  # the one-off working sessions aside (drafts)
        assert regular[0]["agenda_published_at"] is not None and upcoming[-1]["agenda_published_at"] is None
        assert [m["status"] for m in meetings].count("cancelled") == 1
        moved = [m for m in meetings if m["detached"] and m["status"] == "scheduled"]
        assert len(moved) == 1 and moved[0]["starts_at"] != moved[0]["original_start"]
        assert await TemplateItem.count().where(TemplateItem.team == team_id) in (2, 3, 4)


async def test_past_minutes_are_approved_at_the_next_meeting_except_the_latest_two(demo):
    for team_id in demo.teams.values():
        held = await Meeting.select(Meeting.id).where(
            (Meeting.team == team_id) & (Meeting.live_status == "ended")).order_by(Meeting.starts_at)
        ids = [m["id"] for m in held]
        rows = {r["meeting"]: r for r in await Minutes.select().where(Minutes.meeting.is_in(ids))}
        assert [rows[i]["status"] for i in ids[-2:]] == ["circulated", "draft"]
        for earlier, later in zip(ids[:-2], ids[1:-1], strict=True):
            assert rows[earlier]["status"] in ("approved", "locked")
            assert rows[earlier]["approved_at_meeting"] == later and rows[earlier]["approved_at"] is not None
        assert any(rows[i]["status"] == "locked" for i in ids)
    without_revision = await Minutes.count().where(
        Minutes.id.not_in(MinutesRevision.select(MinutesRevision.minutes)))
    assert without_revision == 0


async def test_demo_minutes_hold_exactly_the_record_the_app_takes_when_a_meeting_ends(demo):
    rows = await Minutes.select(Minutes.meeting, Minutes.record)
    assert rows
    for row in rows:
        assert record.loads(row["record"]) == await minutes.build_record(await as_lead(demo, row["meeting"]))


async def test_no_case_review_item_is_titled_anything_but_case_review_or_has_notes(demo):
    cases = await AgendaItem.select(AgendaItem.title, AgendaItem.notes, AgendaItem.presenter_notes).where(
        AgendaItem.kind == "case_review")
    assert cases  # the cluster and the CFT review cases
    assert {(c["title"], c["notes"], c["presenter_notes"]) for c in cases} == {("Case review", "", "")}


async def test_every_readme_account_has_two_open_action_items_and_one_overdue(app, client, demo):
    today = clock.today_in(TIME_ZONE)
    for email in README_ACCOUNTS:
        person = demo.people[email]
        items = await ActionItem.select().where((ActionItem.owner == person) & ActionItem.status.is_in(OPEN))
        assert len(items) >= 2, email
        assert any(i["due_on"] < today for i in items), email
    await log_in(client, TREATMENT)
    page = await client.get("/actions")
    assert page.status_code == 200
    assert len(re.findall(r'<tr role="row" class="overdue">', page.text)) >= 1


async def test_action_items_come_in_every_status_from_past_meetings_with_a_progress_log(demo):
    rows = await ActionItem.select()
    assert {r["status"] for r in rows} == {"open", "in_progress", "blocked", "done", "dropped"}
    assert all(r["source_meeting"] is not None and (r["owner"] or r["owner_agency"]) for r in rows)
    assert any(r["owner"] is None for r in rows)  # one given to an agency only
    logged = {u["action_item"]: u for u in await ActionUpdate.select().order_by(ActionUpdate.at)}
    assert set(logged) == {r["id"] for r in rows}
    due, today = [r["due_on"] for r in rows], clock.today_in(TIME_ZONE)
    assert min(due) < today - timedelta(days=30) and max(due) > today + timedelta(days=20)


async def test_an_alternate_stood_in_once_and_most_members_came(demo):
    stand_ins = await Attendance.select().where(Attendance.standing_in_for.is_not_null())
    assert len(stand_ins) == 1
    assert await Attendance.count().where(Attendance.status.is_in(["present", "remote"])) > \
        3 * await Attendance.count().where(Attendance.status.is_in(["absent", "excused"]))


async def test_the_latest_meeting_left_unfinished_items_to_carry_over(demo):
    for team_id in demo.teams.values():
        upcoming = await Meeting.select(Meeting.id).where(
            (Meeting.team == team_id) & (Meeting.live_status == "not_started") & (Meeting.starts_at > clock.now())
        ).order_by(Meeting.starts_at).first()
        assert await agenda.carry_over_candidates(await as_lead(demo, upcoming["id"]))


async def test_each_teams_meetings_past_meeting_and_minutes_pages_show_for_its_lead(app, client, demo):
    leads = {"Community Collaborative": CHAIR, "Perinatal Cluster": COORDINATOR,
             "Leadership": COORDINATOR, "CFT": FAMILY}
    for fragment, email in leads.items():
        await log_in(client, email)
        team_id = demo.team(fragment)
        listing = await client.get(f"/teams/{team_id}/meetings")
        assert listing.status_code == 200
        held = await Meeting.select(Meeting.id).where(
            (Meeting.team == team_id) & (Meeting.live_status == "ended")).order_by(Meeting.starts_at, ascending=False)
        approved = held[2]["id"]  # members see minutes once circulated
        assert f'href="/meetings/{approved}"' in listing.text
        assert (await client.get(f"/meetings/{approved}")).status_code == 200
        assert (await client.get(f"/meetings/{approved}/minutes")).status_code == 200
        client.cookies.clear()
    await log_in(client, ADMIN)
    assert (await client.get("/actions")).status_code == 200
