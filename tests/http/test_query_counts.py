"""Pages cost a fixed number of SQL statements, however long their lists are."""

from __future__ import annotations

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
                   started_on=now.date().replace(year=now.year - 1), created_at=now, version=1)
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
