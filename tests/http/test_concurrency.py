"""Concurrent roster writes against the real server with two worker processes."""

from __future__ import annotations

import asyncio
import re

import httpx

from server import clock
from server.accounts.tables import Person
from server.teams.tables import Membership
from tests.conftest import CHAIR, PASSWORD, SCHOOL

CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def logged_in_client(base_url: str, email: str) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(base_url=base_url, timeout=60)
    token = CSRF_RE.search((await client.get("/login")).text).group(1)
    response = await client.post("/login", data={"email": email, "password": PASSWORD, "_csrf_token": token})
    assert response.status_code == 303
    return client, CSRF_RE.search((await client.get("/account")).text).group(1)  # a new one since login


async def add_newcomers(count: int) -> list[int]:
    now = clock.now()
    rows = await Person.insert(*[
        Person(name=f"Newcomer {n:02d}", email=f"newcomer{n:02d}@maple.example", active=True,
               created_at=now, updated_at=now)
        for n in range(count)
    ]).returning(Person.id)
    return [row["id"] for row in rows]


async def test_twenty_concurrent_roster_additions_all_land_without_database_locked_errors(demo, two_workers):
    newcomers = await add_newcomers(20)
    team_id = demo.team("Community Collaborative")
    before = await Membership.count().where(Membership.team == team_id)
    base_url = two_workers
    client, token = await logged_in_client(base_url, CHAIR)
    try:
        responses = await asyncio.gather(*[
            client.post(f"/teams/{team_id}/roster", data={
                "_csrf_token": token, "person_id": person_id, "agency_id": demo.agencies["FSA"],
                "role": "member",
            })
            for person_id in newcomers
        ])
    finally:
        await client.aclose()
    assert [r.status_code for r in responses] == [303] * 20, [r.text[:300] for r in responses if r.status_code != 303]
    assert await Membership.count().where(Membership.team == team_id) == before + 20


async def test_twenty_concurrent_edits_of_one_seat_save_one_and_refuse_the_rest(demo, two_workers):
    team_id = demo.team("Community Collaborative")
    seat = await Membership.select().where(
        (Membership.team == team_id) & (Membership.person == demo.people[SCHOOL]) & Membership.ended_on.is_null()
    ).first()
    roles = ["co_chair", "guest", "family_partner", "chair"] * 5  # each a change a chair may make
    base_url = two_workers
    client, token = await logged_in_client(base_url, CHAIR)
    try:
        responses = await asyncio.gather(*[
            client.post(f"/teams/{team_id}/roster/{seat['id']}", data={
                "_csrf_token": token, "agency_id": demo.agencies["MCS"], "role": role,
                "version": seat["version"],
            })
            for role in roles
        ])
    finally:
        await client.aclose()
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [303] + [409] * 19, [r.text[:400] for r in responses if r.status_code not in (303, 409)]
    seats = await Membership.select().where(
        (Membership.team == team_id) & (Membership.person == demo.people[SCHOOL])
    )
    assert len(seats) == 2
    assert sum(1 for s in seats if s["ended_on"] is None) == 1


async def test_adding_one_person_twice_at_the_same_moment_gives_them_one_seat(demo, two_workers):
    team_id = demo.team("Community Collaborative")
    derek = demo.people["derek.shaw@maple.example"]
    base_url = two_workers
    client, token = await logged_in_client(base_url, CHAIR)
    try:
        responses = await asyncio.gather(*[
            client.post(f"/teams/{team_id}/roster", data={
                "_csrf_token": token, "person_id": derek, "agency_id": demo.agencies["MCAP"],
                "role": "member",
            })
            for _ in range(10)
        ])
    finally:
        await client.aclose()
    assert sorted(r.status_code for r in responses) == [303] + [422] * 9
    assert await Membership.count().where((Membership.team == team_id) & (Membership.person == derek)) == 1


async def test_a_watcher_sees_live_changes_made_through_other_workers(demo, two_workers):
    """Two worker processes share nothing in memory: the live version lives in the database."""
    from datetime import timedelta

    from server.meetings.tables import Meeting, TemplateItem
    from tests.meetings_helpers import NEW_YORK

    await TemplateItem.delete().where(TemplateItem.team == demo.team("Community Collaborative"))
    soon = clock.now().astimezone(NEW_YORK) + timedelta(minutes=30)
    base_url = two_workers
    chair, token = await logged_in_client(base_url, CHAIR)
    member, _ = await logged_in_client(base_url, SCHOOL)
    try:
        created = await chair.post(f"/teams/{demo.team('Community Collaborative')}/meetings", data={
            "_csrf_token": token, "title": "Across workers", "day": soon.date().isoformat(),
            "start": soon.strftime("%H:%M"), "duration_minutes": "60"})
        meeting_id = int(created.headers["location"].rsplit("/", 1)[1])
        for title in ("First", "Second"):
            await chair.post(f"/meetings/{meeting_id}/items", data={
                "_csrf_token": token, "title": title, "kind": "discussion", "planned_minutes": "5"})
        await chair.post(f"/meetings/{meeting_id}/publish", data={"_csrf_token": token, "published": "true"})
        version = (await Meeting.select(Meeting.live_version).where(Meeting.id == meeting_id).first())["live_version"]
        # Several polls, so both workers answer some of them.
        polls = [await member.get(f"/meetings/{meeting_id}/live/panel?v={version}") for _ in range(6)]
        assert {p.status_code for p in polls} == {204}
        await chair.post(f"/meetings/{meeting_id}/live/start", data={"_csrf_token": token, "confirmed": "yes"})
        await chair.post(f"/meetings/{meeting_id}/live/next", data={"_csrf_token": token})
        seen = [await member.get(f"/meetings/{meeting_id}/live/panel?v={version}") for _ in range(6)]
        assert all(p.status_code == 200 and "Second" in p.text.split("Now:")[1][:300] for p in seen)
    finally:
        await chair.aclose()
        await member.aclose()


async def test_parallel_password_guesses_count_against_each_other(demo, two_workers):
    """Failures are recorded before the slow password check, so a burst cannot slip past the limit."""
    from server.accounts.tables import LoginFailure

    base_url = two_workers
    client = httpx.AsyncClient(base_url=base_url, timeout=60)
    try:
        token = CSRF_RE.search((await client.get("/login")).text).group(1)
        responses = await asyncio.gather(*[
            client.post("/login", data={"email": SCHOOL, "password": f"guess {n}", "_csrf_token": token})
            for n in range(20)
        ])
    finally:
        await client.aclose()
    statuses = [r.status_code for r in responses]
    assert statuses.count(422) == 5 and statuses.count(429) == 15, statuses
    assert await LoginFailure.count().where(LoginFailure.email == SCHOOL) == 5
