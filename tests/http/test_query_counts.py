"""Pages cost a fixed number of SQL statements, however long their lists are."""

from __future__ import annotations

import io
from datetime import timedelta

from server import clock, db
from server.accounts.tables import Affiliation, Person
from server.teams.tables import Membership
from tests.conftest import ADMIN, CHAIR, SCHOOL, log_in, make_client, post_form


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
    """`count` items, each with a decision, a document and a link; and one for the whole meeting."""
    from server.attachments.service import STORAGE
    from server.attachments.tables import Attachment
    from server.meetings.tables import AgendaItem, Decision
    from tests.attachment_samples import PDF

    rows = await AgendaItem.insert(*[
        AgendaItem(meeting=meeting_id, position=n, kind=["discussion", "action_item_review", "decision"][n % 3],
                   title=f"Item {n}", presenter=presenter, planned_minutes=5, status="pending", version=1)
        for n in range(count)
    ]).returning(AgendaItem.id)
    await Decision.insert(*[Decision(agenda_item=r["id"], text="Agreed", recorded_at=clock.now()) for r in rows])
    key = STORAGE.place(STORAGE.receive(io.BytesIO(PDF), len(PDF)))
    await Attachment.insert(*[
        Attachment(meeting=meeting_id, agenda_item=item, kind=kind, title=f"Document {n}.pdf", url=url,
                   media_type="application/pdf" if kind == "file" else "", size=len(PDF),
                   storage_key=key if kind == "file" else "",
                   uploaded_at=clock.now())
        for n, item in enumerate([None] + [r["id"] for r in rows])
        for kind, url in (("file", ""), ("link", f"https://example.org/{n}"))
    ])


# What the meeting pages cost, pinned: a change that adds a statement shows up here.
MEETING_PAGE = 8  # session, access (with minutes), items with decisions, action items, documents, roster,
# carry-over, guests
LIVE_VIEW = 7  # session, access, items with decisions, action items, roster, check-ins, owners
CHANGED_PANEL = 5  # a member watching: session, access, items with decisions, action items, documents
UNCHANGED_POLL = 2  # session, and the meeting with the viewer's standing
# Access, the access again inside the write, roster, count, insert, bump (PostgreSQL also locks
# the meeting's row); then the agenda.
ADD_ITEM_POST = 7 + MEETING_PAGE - 1 + (0 if db.is_sqlite() else 1)


async def two_meetings(client, token, demo) -> tuple[int, int]:
    from tests.meetings_helpers import schedule

    team_id = demo.team("Community Collaborative")
    small = await schedule(client, token, team_id, title="Small")
    large = await schedule(client, token, team_id, title="Large")
    await agenda_of(small, 5, demo.people[CHAIR])
    await agenda_of(large, 60, demo.people[CHAIR])
    for meeting_id in (small, large):
        await post_form(client, f"/meetings/{meeting_id}/publish", {"published": "true"}, token)
    return small, large


async def test_the_meeting_page_costs_the_same_with_5_and_60_agenda_items(app, client, demo, count_queries):
    token = await log_in(client, CHAIR)
    small, large = await two_meetings(client, token, demo)
    counts = {}
    for meeting_id in (small, large):
        for page in ("", "/live", "/live/panel"):
            counts[(meeting_id, page)] = await statements_for(client, count_queries, f"/meetings/{meeting_id}{page}")
    assert [counts[(small, page)] for page in ("", "/live")] == [counts[(large, page)] for page in ("", "/live")]
    assert counts[(large, "")] == MEETING_PAGE, count_queries.statements
    assert counts[(large, "/live")] == LIVE_VIEW
    async with await make_client(app) as member:
        await log_in(member, SCHOOL)
        for meeting_id in (small, large):
            count_queries.statements.clear()
            response = await member.get(f"/meetings/{meeting_id}/live/panel", headers={"HX-Request": "true"})
            assert response.status_code == 200
            assert len(count_queries) == CHANGED_PANEL, (meeting_id, count_queries.statements)


PACKET = 5  # session, access, items with decisions, action items, documents


async def test_the_meeting_packet_costs_the_same_with_5_and_60_agenda_items(client, demo, count_queries):
    import zipfile

    token = await log_in(client, CHAIR)
    small, large = await two_meetings(client, token, demo)
    for meeting_id, items in ((small, 5), (large, 60)):
        count_queries.statements.clear()
        response = await client.get(f"/meetings/{meeting_id}/packet")
        assert response.status_code == 200
        assert len(count_queries) == PACKET, count_queries.statements
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            assert len(archive.namelist()) == 1 + 1 + items  # the agenda, the meeting's document, one per item


async def test_an_unchanged_live_poll_costs_two_statements(client, demo, count_queries):
    from server.meetings.tables import Meeting

    token = await log_in(client, CHAIR)
    _, large = await two_meetings(client, token, demo)
    version = (await Meeting.select(Meeting.live_version).where(Meeting.id == large).first())["live_version"]
    count_queries.statements.clear()
    response = await client.get(f"/meetings/{large}/live/panel?v={version}", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert len(count_queries) == UNCHANGED_POLL, count_queries.statements


async def test_adding_an_agenda_item_costs_the_same_on_a_short_and_a_long_agenda(client, demo, count_queries):
    token = await log_in(client, CHAIR)
    small, large = await two_meetings(client, token, demo)
    costs = []
    for meeting_id in (small, large):
        count_queries.statements.clear()
        response = await client.post(f"/meetings/{meeting_id}/items", data={
            "title": "One more", "kind": "discussion", "planned_minutes": "5", "_csrf_token": token,
        }, headers={"HX-Request": "true"})
        assert response.status_code == 200 and "One more" in response.text
        costs.append(len(count_queries))
    assert costs == [ADD_ITEM_POST, ADD_ITEM_POST], count_queries.statements


async def test_a_page_uses_one_database_connection_session_lookup_included(client, demo, count_connections):
    token = await log_in(client, CHAIR)
    small, _ = await two_meetings(client, token, demo)
    team_id = demo.team("Community Collaborative")
    for path in ("/", f"/teams/{team_id}", f"/teams/{team_id}/roster", f"/teams/{team_id}/meetings",
                 f"/meetings/{small}", f"/meetings/{small}/live", f"/meetings/{small}/live/panel", "/actions",
                 "/agencies"):
        count_connections.clear()
        response = await client.get(path)
        assert response.status_code == 200, path
        assert count_connections == ["read" if db.is_sqlite() else "transaction"], (path, count_connections)


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


async def test_sqlite_keeps_idle_read_connections_and_their_prepared_statements(client, demo, count_connections,
                                                                               monkeypatch):
    if not db.is_sqlite():
        return  # PostgreSQL has asyncpg's pool (CONVENE_DB_POOL_SIZE); this is SQLite's own
    await log_in(client, CHAIR)
    monkeypatch.setenv("CONVENE_DB_POOL_SIZE", "2")
    count_connections.clear()
    try:
        for _ in range(3):
            assert (await client.get("/")).status_code == 200
        assert count_connections == ["read"], count_connections  # opened once, then taken from the idle ones
    finally:
        await db.close()  # no idle connection may outlive the test's database file


async def test_a_cached_agenda_never_hides_a_change(client, demo):
    """The agenda list is rendered once per distinct content: a change made behind the app's
    back (no live version raised) still shows on the next request."""
    from server.meetings.tables import AgendaItem
    from tests.meetings_helpers import schedule

    token = await log_in(client, CHAIR)
    meeting_id = await schedule(client, token, demo.team("Community Collaborative"))
    await post_form(client, f"/meetings/{meeting_id}/items", {"title": "Before", "kind": "discussion",
                                                              "planned_minutes": "5"}, token)
    assert "Before" in (await client.get(f"/meetings/{meeting_id}")).text
    await AgendaItem.update({AgendaItem.title: "After"}).where(AgendaItem.meeting == meeting_id)
    page = (await client.get(f"/meetings/{meeting_id}")).text
    assert "After" in page and "Before" not in page
