"""Scheduling: one-offs, series, one occurrence moved or cancelled, splitting a series."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from server import clock
from server.meetings import recurrence
from server.meetings.recurrence import Recurrence
from server.meetings.tables import AgendaItem, Meeting, Series, TemplateItem
from tests.conftest import CHAIR, SCHOOL, log_in, make_client, post_form
from tests.meetings_helpers import (
    days_from_today,
    local,
    month_start,
    schedule,
    series_meetings,
    third_wednesday,
)
from tests.unit.test_recurrence import independent

COLLABORATIVE = "Community Collaborative"


def third_wednesdays() -> dict[str, str]:
    """Twelve meetings on the third Wednesday, from the one two months ahead of the test clock."""
    return {"frequency": "monthly_weekday", "week_of_month": "3", "weekday": "2", "ends": "count",
            "count": "12", "day": third_wednesday().isoformat()}


def at_ten(day) -> datetime:
    return datetime.combine(day, time(10, 0))


async def test_a_third_wednesday_series_keeps_its_local_time_and_matches_an_icalendar_client(client, demo):
    token = await log_in(client, CHAIR)
    first = await schedule(client, token, demo.team(COLLABORATIVE), **third_wednesdays())
    meeting = await Meeting.objects().where(Meeting.id == first).first()
    meetings = await series_meetings(meeting.series)
    assert len(meetings) == 12
    assert {(local(m["starts_at"]).hour, local(m["starts_at"]).minute) for m in meetings} == {(10, 0)}
    expected = independent(at_ten(third_wednesday()), Recurrence("monthly_weekday", week_of_month=3,
                                                                      weekday=2, count=12), "America/New_York")
    assert [m["starts_at"] for m in meetings] == expected
    assert len({m["uid"] for m in meetings}) == 1  # one calendar identity for the whole series


async def test_new_meetings_start_with_the_teams_standing_items(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    await TemplateItem.delete().where(TemplateItem.team == team_id)
    await TemplateItem.insert(
        TemplateItem(team=team_id, position=0, kind="standing", title="Welcome", planned_minutes=5),
        TemplateItem(team=team_id, position=1, kind="action_item_review", title="Action items", planned_minutes=10),
    )
    first = await schedule(client, token, team_id, frequency="weekly", ends="count", count="3")
    series_id = (await Meeting.select(Meeting.series).where(Meeting.id == first).first())["series"]
    ids = [m["id"] for m in await series_meetings(series_id)]
    items = await AgendaItem.select(AgendaItem.title, AgendaItem.meeting).where(
        AgendaItem.meeting.is_in(ids)).order_by(AgendaItem.id)
    assert len(items) == 6
    assert [i["title"] for i in items if i["meeting"] == first] == ["Welcome", "Action items"]


async def test_deleting_another_teams_standing_item_through_your_own_teams_address_is_a_404(client, demo):
    token = await log_in(client, CHAIR)
    other = await TemplateItem.insert(TemplateItem(team=demo.team("Perinatal Cluster"), position=0,
                                                   kind="standing", title="Theirs", planned_minutes=5))
    other_id = other[0]["id"]
    response = await post_form(client, f"/teams/{demo.team(COLLABORATIVE)}/meetings/template/{other_id}/delete",
                               {}, token)
    assert response.status_code == 404
    assert await TemplateItem.exists().where(TemplateItem.id == other_id)


async def test_cancelling_one_occurrence_leaves_the_rest_of_the_series_alone(client, demo):
    token = await log_in(client, CHAIR)
    first = await schedule(client, token, demo.team(COLLABORATIVE), **third_wednesdays())
    series_id = (await Meeting.select(Meeting.series).where(Meeting.id == first).first())["series"]
    before = await series_meetings(series_id)
    third = before[2]
    response = await post_form(client, f"/meetings/{third['id']}/cancel", {"version": third["version"]}, token)
    assert response.status_code == 303
    after = await series_meetings(series_id)
    assert [m["status"] for m in after] == ["scheduled"] * 2 + ["cancelled"] + ["scheduled"] * 9
    assert after[2]["sequence"] == before[2]["sequence"] + 1
    assert [(m["starts_at"], m["sequence"]) for i, m in enumerate(after) if i != 2] == \
        [(m["starts_at"], m["sequence"]) for i, m in enumerate(before) if i != 2]


async def test_moving_one_occurrence_keeps_its_recurrence_id_and_the_others_stay(client, demo):
    token = await log_in(client, CHAIR)
    first = await schedule(client, token, demo.team(COLLABORATIVE), **third_wednesdays())
    series_id = (await Meeting.select(Meeting.series).where(Meeting.id == first).first())["series"]
    before = await series_meetings(series_id)
    fourth = before[3]
    response = await post_form(client, f"/meetings/{fourth['id']}", {
        "scope": "this", "version": fourth["version"], "title": "Collaborative meeting (moved)",
        "day": (local(fourth["starts_at"]).date() + timedelta(days=1)).isoformat(),
        "start": "13:00", "duration_minutes": "60",
    }, token)
    assert response.status_code == 303, response.text[:500]
    after = await series_meetings(series_id)
    moved = after[3]
    assert moved["detached"] and moved["original_start"] == fourth["original_start"]
    assert local(moved["starts_at"]).hour == 13
    assert local(moved["starts_at"]).date() == local(fourth["starts_at"]).date() + timedelta(days=1)
    assert moved["sequence"] == 1
    assert [m["starts_at"] for i, m in enumerate(after) if i != 3] == [m["starts_at"] for i, m in enumerate(before) if i != 3]


async def test_this_and_following_splits_the_series_in_two_that_each_match_their_rule(client, demo):
    token = await log_in(client, CHAIR)
    first = await schedule(client, token, demo.team(COLLABORATIVE), **third_wednesdays())
    series_id = (await Meeting.select(Meeting.series).where(Meeting.id == first).first())["series"]
    before = await series_meetings(series_id)
    sixth = before[5]
    split_day = local(sixth["starts_at"]).date()
    response = await post_form(client, f"/meetings/{sixth['id']}", {
        **third_wednesdays(), "scope": "following", "version": sixth["version"], "title": "Collaborative (afternoons)",
        "day": split_day.isoformat(), "start": "14:00", "duration_minutes": "90",  # count stays 12 in all
    }, token)
    assert response.status_code == 303, response.text[:800]
    old = await Series.objects().where(Series.id == series_id).first()
    new = await Series.objects().order_by(Series.id, ascending=False).first()
    assert new.id != series_id
    old_meetings, new_meetings = await series_meetings(series_id), await series_meetings(new.id)
    assert len(old_meetings) == 5 and len(new_meetings) == 7
    assert old_meetings[-1]["starts_at"] < new_meetings[0]["starts_at"]
    assert [m["starts_at"] for m in old_meetings] == independent(
        at_ten(third_wednesday()), recurrence.from_row(old.to_dict()), "America/New_York")
    assert [m["starts_at"] for m in new_meetings] == independent(
        datetime.combine(split_day, datetime.min.time()).replace(hour=14), recurrence.from_row(new.to_dict()),
        "America/New_York")
    assert new_meetings[0]["id"] == sixth["id"]  # the meeting itself (and its agenda) moved to the new series
    assert {m["title"] for m in new_meetings} == {"Collaborative (afternoons)"}
    assert {m["title"] for m in old_meetings} == {"Collaborative meeting"}


async def test_editing_the_whole_series_moves_every_occurrence_except_ones_edited_alone(client, demo):
    token = await log_in(client, CHAIR)
    first = await schedule(client, token, demo.team(COLLABORATIVE), **third_wednesdays())
    series_id = (await Meeting.select(Meeting.series).where(Meeting.id == first).first())["series"]
    meetings = await series_meetings(series_id)
    second = meetings[1]
    await post_form(client, f"/meetings/{second['id']}", {
        "scope": "this", "version": second["version"], "title": "Special session",
        "day": local(second["starts_at"]).date().isoformat(), "start": "16:00", "duration_minutes": "60",
    }, token)
    first_meeting = (await series_meetings(series_id))[0]
    response = await post_form(client, f"/meetings/{first}", {
        **third_wednesdays(), "scope": "series", "version": first_meeting["version"], "start": "11:30",
        "title": "Collaborative meeting", "duration_minutes": "90",
    }, token)
    assert response.status_code == 303, response.text[:800]
    after = await series_meetings(series_id)
    hours = [(local(m["starts_at"]).hour, local(m["starts_at"]).minute) for m in after]
    assert hours[1] == (16, 0)
    assert set(hours[:1] + hours[2:]) == {(11, 30)}
    assert all(m["sequence"] >= 1 for m in after)


async def test_members_see_published_agendas_only(app, client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE))
    await post_form(client, f"/meetings/{meeting_id}/items", {
        "title": "Shared referral form", "kind": "decision", "planned_minutes": "15"}, token)
    async with await make_client(app) as member:
        await log_in(member, SCHOOL)
        draft = await member.get(f"/meetings/{meeting_id}")
        assert draft.status_code == 200
        assert "Shared referral form" not in draft.text
        assert "has not been published yet" in draft.text
        await post_form(client, f"/meetings/{meeting_id}/publish", {"published": "true"}, token)
        published = await member.get(f"/meetings/{meeting_id}")
        assert "Shared referral form" in published.text


async def test_a_case_review_item_never_shows_the_title_typed_for_it(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE))
    await post_form(client, f"/meetings/{meeting_id}/items", {
        "title": "Jane Doe, positive screen", "kind": "case_review", "planned_minutes": "15"}, token)
    page = await client.get(f"/meetings/{meeting_id}")
    assert "Jane Doe" not in page.text
    assert re.search(r"Case review \(\d+\)", page.text)
    assert not await AgendaItem.exists().where(AgendaItem.title.like("%Jane%"))


async def test_a_series_typed_on_another_day_starts_on_its_first_real_meeting(client, demo):
    token = await log_in(client, CHAIR)
    # Typed on the Monday before; the rule asks for the third Wednesday.
    monday_before = third_wednesday() - timedelta(days=2)
    first = await schedule(client, token, demo.team(COLLABORATIVE), **{**third_wednesdays(),
                                                                       "day": monday_before.isoformat()})
    meeting = await Meeting.objects().where(Meeting.id == first).first()
    series = await Series.objects().where(Series.id == meeting.series).first()
    assert series.start_local.date() == third_wednesday()
    assert local(meeting.starts_at).date() == third_wednesday()
    meetings = await series_meetings(series.id)
    assert [m["starts_at"] for m in meetings] == independent(series.start_local, recurrence.from_row(series.to_dict()),
                                                             "America/New_York")


async def test_a_pattern_with_no_meeting_before_its_end_is_refused(client, demo):
    token = await log_in(client, CHAIR)
    response = await post_form(client, f"/teams/{demo.team(COLLABORATIVE)}/meetings", {
        # The first week of a month holds no third Wednesday.
        "title": "Never", "day": month_start(2).isoformat(), "start": "10:00", "duration_minutes": "60",
        "frequency": "monthly_weekday", "week_of_month": "3", "weekday": "2", "ends": "until",
        "until": (month_start(2) + timedelta(days=6)).isoformat(),
    }, token)
    assert response.status_code == 422
    assert "hold no meeting of this pattern" in response.text
    assert not await Meeting.exists().where(Meeting.title == "Never")


async def test_an_ended_meetings_agenda_is_closed(client, demo):
    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team(COLLABORATIVE))
    await post_form(client, f"/meetings/{meeting_id}/live/start", {"confirmed": "yes"}, token)
    await post_form(client, f"/meetings/{meeting_id}/live/end", {"confirmed": "yes"}, token)
    before = await AgendaItem.count().where(AgendaItem.meeting == meeting_id)
    response = await post_form(client, f"/meetings/{meeting_id}/items",
                               {"title": "Late addition", "kind": "discussion", "planned_minutes": "5"}, token)
    assert response.status_code == 409 and "agenda is closed" in response.text
    assert await AgendaItem.count().where(AgendaItem.meeting == meeting_id) == before
    page = await client.get(f"/meetings/{meeting_id}")
    assert "Add an item" not in page.text and "Publish the agenda" not in page.text


async def test_editing_the_whole_series_leaves_meetings_already_held_alone(client, demo):
    token = await log_in(client, CHAIR)
    team_id = demo.team(COLLABORATIVE)
    # Ten Wednesdays from five weeks ago: some past, some ahead.
    five_weeks_ago = days_from_today(-35)
    first_day = five_weeks_ago - timedelta(days=(five_weeks_ago.weekday() - 2) % 7)
    first = await schedule(client, token, team_id, frequency="weekly", weekdays="2", ends="count", count="10",
                           day=first_day.isoformat())
    series_id = (await Meeting.select(Meeting.series).where(Meeting.id == first).first())["series"]
    before = await series_meetings(series_id)
    now = clock.now()
    past = [m for m in before if m["starts_at"] < now]
    assert past and len(past) < len(before)
    upcoming = next(m for m in before if m["starts_at"] >= now)
    response = await post_form(client, f"/meetings/{upcoming['id']}", {
        "scope": "series", "version": upcoming["version"], "title": "Collaborative meeting", "day": first_day.isoformat(),
        "start": "10:00", "duration_minutes": "90", "frequency": "weekly", "weekdays": "3", "ends": "count",
        "count": "10"}, token)
    assert response.status_code == 303, response.text[:500]
    after = {m["id"]: m for m in await series_meetings(series_id)}
    for meeting in past:  # same rows, same times, not cancelled
        assert after[meeting["id"]]["starts_at"] == meeting["starts_at"]
        assert after[meeting["id"]]["status"] == "scheduled"
    future = [m for m in after.values() if m["starts_at"] >= now]
    assert future and all(local(m["starts_at"]).weekday() == 3 for m in future)
