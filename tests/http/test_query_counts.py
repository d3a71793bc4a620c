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


# The home page and the team overview: a person on one team with one item due, then on twelve
# teams in three time zones (member, lead or guest), with meetings this week (one live, one
# cancelled, agendas in draft), minutes to review and move along, and 200 items due.
HOME_PAGE = 7  # session, standings, teams, their sizes, meetings, minutes, action items
TEAM_OVERVIEW = 7  # session, team and standing, roster, access grants, upcoming, the next one, overdue items


async def busy_teams(demo, person: int, agency: int, count: int) -> None:
    from server.actions.tables import ActionItem
    from server.meetings.tables import Invitation, Meeting, Minutes
    from server.teams.tables import Team

    now = clock.now()
    zones = ["America/New_York", "America/Chicago", "America/Los_Angeles"]
    team_ids = [row["id"] for row in await Team.insert(*[
        Team(name=f"Busy team {n:02d}", kind="other", area="", time_zone=zones[n % 3], description="",
             is_public=False, quorum_kind="share", quorum_value=50, created_at=now, updated_at=now)
        for n in range(count)]).returning(Team.id)]
    roles = ["member", "chair", "guest", "family_partner"]
    seats = await Membership.insert(*[
        Membership(team=team_id, person=person, agency=agency, role=roles[n % 4],
                   started_on=now.date() - timedelta(days=30), created_at=now, version=1)
        for n, team_id in enumerate(team_ids)]).returning(Membership.id)
    meetings = []
    for team_id in team_ids:
        for n, (days, live, status, published) in enumerate([
                (0, "live", "scheduled", True), (1, "not_started", "cancelled", True), (2, "not_started", "scheduled", False),
                (5, "not_started", "scheduled", True), (-20, "ended", "scheduled", True), (-40, "ended", "scheduled", True)]):
            starts = now + timedelta(days=days, minutes=-30 if live == "live" else 60)
            meetings.append(Meeting(
                team=team_id, uid=f"busy-{team_id}-{n}", title=f"Busy meeting {n}", starts_at=starts,
                ends_at=starts + timedelta(hours=1), time_zone="UTC", status=status, live_status=live,
                agenda_published_at=now - timedelta(days=30) if published else None, created_at=now, updated_at=now))
    meeting_ids = [row["id"] for row in await Meeting.insert(*meetings).returning(Meeting.id)]
    held = [meeting_id for meeting_id, meeting in zip(meeting_ids, meetings, strict=True) if meeting.live_status == "ended"]
    await Minutes.insert(*[Minutes(meeting=meeting_id, status=["draft", "circulated"][n % 2], record="{}", version=1,
                                   updated_at=now) for n, meeting_id in enumerate(held)])
    guest_teams = {team_id: seat["id"] for n, (team_id, seat) in enumerate(zip(team_ids, seats, strict=True))
                   if roles[n % 4] == "guest"}
    await Invitation.insert(*[Invitation(meeting=meeting_id, person=person, created_at=now, seat=guest_teams[meeting.team])
                              for meeting_id, meeting in zip(meeting_ids, meetings, strict=True)
                              if meeting.team in guest_teams])
    await ActionItem.insert(*[ActionItem(
        team=team_id, title=f"Busy item {n}", owner=person if n % 2 else None, owner_agency=agency,
        due_on=now.date() + timedelta(days=n % 12 - 5), status="open", created_by=person, created_at=now,
        updated_at=now, version=1) for team_id in team_ids for n in range(200 // count)])


async def test_the_home_page_and_team_overview_cost_the_same_on_1_team_as_on_12_busy_ones(client, demo, count_queries):
    from server.actions.tables import ActionItem

    await log_in(client, SCHOOL)  # one team, one item due
    collaborative = demo.team("Community Collaborative")
    pages = ["/", f"/teams/{collaborative}"]
    one_team = {page: await statements_for(client, count_queries, page) for page in pages}
    quiet = (await client.get("/")).text
    await busy_teams(demo, demo.people[SCHOOL], demo.agencies["MCS"], 12)
    now = clock.now()
    await ActionItem.insert(*[ActionItem(
        team=collaborative, title=f"Late {n}", owner_agency=demo.agencies["JC"], due_on=now.date() - timedelta(days=n + 1),
        status="open", created_at=now, updated_at=now, version=1) for n in range(40)])
    busy = {page: await statements_for(client, count_queries, page) for page in pages}
    page = (await client.get("/")).text
    assert page.count('class="quick-item"') == 100 > quiet.count('class="quick-item"') > 0
    assert "Showing the first 100. The rest are under My action items." in page
    assert page.count('class="now-meeting') > 30 and "Live now" in page and "Cancelled" in page
    assert busy == one_team == {"/": HOME_PAGE, f"/teams/{collaborative}": TEAM_OVERVIEW}, count_queries.statements


async def test_a_case_page_with_200_entries_and_50_releases_costs_what_one_with_two_entries_does(
        client, demo, count_queries):
    """The decision reads the case's releases, parties and revocations in three statements and its
    entries in two, whatever their number (CONSENT.md: a constant cost per case page)."""
    from server.cases.policy import CATEGORIES
    from server.cases.tables import CaseEntry, Release, ReleaseParty, Revocation
    from tests.cases_helpers import add_entry, add_identity, add_release, make_case, revoke

    team, agencies = demo.team("Perinatal Cluster"), demo.agencies
    sources = [agencies[a] for a in ("MCHD", "HRS", "MMC", "CPS", "MHAS", "MCAP")]
    small, large = [await make_case(team, agencies["MCHD"], reference) for reference in ("PC-5MAL", "PC-B1GG")]
    for case_id in (small, large):
        await add_identity(case_id, agencies["MCHD"], "Counted Client")
        await add_entry(case_id, agencies["HRS"], "sud", body="Counted entry")
        await add_release(case_id, disclosing=sources, receiving=[agencies["CPS"]], categories=list(CATEGORIES))
    now = clock.now()
    await CaseEntry.insert(*[CaseEntry(case=large, kind="note", category=list(CATEGORIES)[n % len(CATEGORIES)],
                                       source_agency=sources[n % len(sources)], body=f"Entry {n}", recorded_at=now)
                             for n in range(198)])
    for n in range(49):
        release = await add_release(large, disclosing=sources[: 1 + n % 6], receiving=[agencies["CPS"], agencies["MMC"]],
                                    categories=list(CATEGORIES)[: 1 + n % 10])
        if n % 7 == 0:
            await revoke(release, agencies["MMC"])
    assert await CaseEntry.count().where(CaseEntry.case == large) == 200
    assert await Release.count().where(Release.case == large) == 50
    assert await ReleaseParty.count() and await Revocation.count()
    await log_in(client, "tamara.nguyen@maple.example")  # Children Services: covered by every release
    small_cost = await statements_for(client, count_queries, f"/cases/{small}")
    large_cost = await statements_for(client, count_queries, f"/cases/{large}")
    assert large_cost == small_cost, (small_cost, large_cost)
    locks = 0 if db.is_sqlite() else 2  # PostgreSQL's advisory locks: the team's cases, the ledger's head
    assert large_cost <= 16 + locks, count_queries.statements
