"""Pages cost a fixed number of SQL statements, however long their lists are."""

from __future__ import annotations

from datetime import timedelta

from server import clock
from server.accounts.tables import Affiliation, Person
from server.teams.tables import Membership
from tests.conftest import ADMIN, CHAIR, log_in


async def add_members(team_id: int, agency_id: int, count: int) -> None:
    now = clock.now()
    rows = await Person.insert(*[
        Person(name=f"Extra {n:03d}", email=f"extra{n:03d}@maple.example", active=True,
               created_at=now, updated_at=now)
        for n in range(count)
    ]).returning(Person.id)
    await Affiliation.insert(*[Affiliation(person=r["id"], agency=agency_id, started_on=now.date()) for r in rows])
    await Membership.insert(*[
        Membership(team=team_id, person=r["id"], agency=agency_id, role="member",
                   started_on=now.date() - timedelta(days=365), created_at=now, version=1)
        for r in rows
    ])


async def statements_for(client, count_queries, path: str) -> int:
    count_queries.statements.clear()
    response = await client.get(path)
    assert response.status_code == 200
    return len(count_queries)


async def test_roster_team_agency_and_people_pages_cost_the_same_with_40_more_members(client, demo, count_queries):
    await log_in(client, ADMIN)
    team_id = demo.team("Community Collaborative")
    pages = [f"/teams/{team_id}/roster", f"/teams/{team_id}", "/", "/teams", "/agencies",
             f"/agencies/{demo.agencies['FSA']}", "/people", "/people?q=maple"]
    before = {page: await statements_for(client, count_queries, page) for page in pages}
    await add_members(team_id, demo.agencies["FSA"], 40)
    after = {page: await statements_for(client, count_queries, page) for page in pages}
    assert after == before
    assert max(before.values()) <= 8, before


async def test_the_chairs_roster_page_runs_a_handful_of_statements(client, demo, count_queries):
    await log_in(client, CHAIR)
    count = await statements_for(client, count_queries, f"/teams/{demo.team('Community Collaborative')}/roster")
    assert count <= 7


async def agenda_of(meeting_id: int, count: int, presenter: int) -> None:
    from server.meetings.tables import AgendaItem, Decision

    rows = await AgendaItem.insert(*[
        AgendaItem(meeting=meeting_id, position=n, kind=["discussion", "action_item_review", "decision"][n % 3],
                   title=f"Item {n}", presenter=presenter, planned_minutes=5, status="pending", version=1)
        for n in range(count)
    ]).returning(AgendaItem.id)
    await Decision.insert(*[Decision(agenda_item=r["id"], text="Agreed", recorded_at=clock.now()) for r in rows])


async def test_the_meeting_page_costs_the_same_with_5_and_60_agenda_items(client, demo, count_queries):
    from tests.meetings_helpers import schedule

    token = await log_in(client, CHAIR)
    team_id = demo.team("Community Collaborative")
    small = await schedule(client, token, team_id, title="Small")
    large = await schedule(client, token, team_id, title="Large")
    await agenda_of(small, 5, demo.people[CHAIR])
    await agenda_of(large, 60, demo.people[CHAIR])
    counts = {}
    for meeting_id in (small, large):
        for path in (f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/live",
                     f"/meetings/{meeting_id}/live/panel"):
            counts[(meeting_id, path.rsplit("/", 1)[-1])] = await statements_for(client, count_queries, path)
    assert [counts[(small, p)] for p in (str(small), "live", "panel")] == \
        [counts[(large, p)] for p in (str(large), "live", "panel")], counts
    assert counts[(large, str(large))] <= 16, counts


async def test_my_action_items_cost_the_same_with_5_and_500_items(client, demo, count_queries):
    from server.actions.tables import ActionItem

    await log_in(client, CHAIR)
    now = clock.now()

    async def add(count: int) -> None:
        await ActionItem.insert(*[ActionItem(
            team=demo.team("Community Collaborative"), title=f"Item {n}", owner=demo.people[CHAIR],
            owner_agency=demo.agencies["JC"], status="open", created_by=demo.people[CHAIR],
            created_at=now, updated_at=now, version=1) for n in range(count)])

    await add(5)
    paths = ["/actions", "/actions?show=agency&status=all", "/actions?show=created",
             f"/teams/{demo.team('Community Collaborative')}/actions"]
    few = [await statements_for(client, count_queries, path) for path in paths]
    await add(495)
    many = [await statements_for(client, count_queries, path) for path in paths]
    assert few == many
    assert max(many) <= 6
