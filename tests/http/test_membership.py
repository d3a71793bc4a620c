"""Standing at an instant (server/teams/membership.py) on the real database: seats and
affiliations that start and end on either side of the instant, read on the team's calendar
(and the site's, for affiliations), in a zone where the instant is already the next day in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from server.accounts.tables import Affiliation, LoginSession, Person
from server.agencies.tables import Agency
from server.teams import membership
from server.teams.tables import Membership, Team

# 05:30 UTC on March 1 is still February 28, 21:30 in Los Angeles (and 00:30 in New York).
AT = datetime(2027, 3, 1, 5, 30, tzinfo=UTC)
LOCAL_TODAY = date(2027, 2, 28)
UTC_TODAY = date(2027, 3, 1)
LOS_ANGELES = "America/Los_Angeles"


async def agency(name: str) -> int:
    rows = await Agency.insert(Agency(name=name, short_name=name[:4], sector="other", active=True,
                                      created_at=AT, updated_at=AT)).returning(Agency.id)
    return rows[0]["id"]


async def person(name: str) -> int:
    rows = await Person.insert(Person(name=name, email=f"{name.lower().replace(' ', '.')}@test.example",
                                      active=True, created_at=AT, updated_at=AT)).returning(Person.id)
    return rows[0]["id"]


async def team(zone: str = LOS_ANGELES, name: str = "West team") -> dict:
    rows = await Team.insert(Team(name=name, kind="other", time_zone=zone, created_at=AT, updated_at=AT)).returning(
        Team.id)
    return {"id": rows[0]["id"], "time_zone": zone}


async def seat(team_id: int, person_id: int, agency_id: int, started: date, ended: date | None = None,
               role: str = "member", alternate_for: int | None = None) -> None:
    await Membership.insert(Membership(team=team_id, person=person_id, agency=agency_id, role=role, started_on=started,
                                       ended_on=ended, alternate_for=alternate_for, created_at=AT, version=1))


async def test_a_seat_is_current_from_its_first_local_day_until_its_end_date_on_the_teams_calendar():
    west, office = await team(), await agency("Office")
    cases = {
        "started today (local)": (LOCAL_TODAY, None, True),
        "starts tomorrow (local), today in UTC": (UTC_TODAY, None, False),
        "ends tomorrow (local): today is its last day": (LOCAL_TODAY - timedelta(days=30), UTC_TODAY, True),
        "ended today (local)": (LOCAL_TODAY - timedelta(days=30), LOCAL_TODAY, False),
        "open-ended, long ago": (date(2020, 1, 1), None, True),
        "a day's seat, tomorrow": (UTC_TODAY, UTC_TODAY + timedelta(days=1), False),
        "a day's seat, today": (LOCAL_TODAY, UTC_TODAY, True),
    }
    people = {}
    for label, (started, ended, _) in cases.items():
        people[label] = await person(label.title().replace("(", "").replace(")", "").replace(",", "").replace(":", ""))
        await seat(west["id"], people[label], office, started, ended)
    for label, (_, _, current) in cases.items():
        standing = await membership.standing(people[label], west, AT)
        assert (standing.roles == {"member"}) is current, label
        assert (standing.agency_id == office) is current, label
    seated = {row["id"] for row in await membership.seated(west, LOCAL_TODAY)}
    assert seated == {people[label] for label, (_, _, current) in cases.items() if current}
    assert await membership.seat_counts([west], AT) == {west["id"]: sum(c for _, _, c in cases.values())}


async def test_a_person_who_changed_agency_today_represents_the_new_one():
    west, old, new = await team(), await agency("Old office"), await agency("New office")
    someone = await person("Changed Agency")
    await seat(west["id"], someone, old, date(2026, 1, 5), LOCAL_TODAY)  # the change took effect today
    await seat(west["id"], someone, new, LOCAL_TODAY, role="co_chair")
    standing = await membership.standing(someone, west, AT)
    assert standing.roles == {"co_chair"} and standing.agency_id == new and standing.leads
    yesterday = await membership.standing(someone, west, AT - timedelta(days=1))
    assert yesterday.roles == {"member"} and yesterday.agency_id == old and not yesterday.leads


async def test_the_same_instant_is_another_day_on_each_teams_calendar():
    west, east, office = await team(), await team("Pacific/Auckland", "Far east team"), await agency("Office")
    someone = await person("Two Zones")
    # Both seats start on March 1: already March 1 in Auckland, still February 28 in Los Angeles.
    await seat(west["id"], someone, office, UTC_TODAY)
    await seat(east["id"], someone, office, UTC_TODAY)
    standings = await membership.standings(someone, AT)
    assert set(standings) == {east["id"]}
    counts = await membership.seat_counts([west, east], AT)
    assert counts.get(west["id"], 0) == 0 and counts[east["id"]] == 1


async def test_a_primary_agency_follows_the_affiliation_current_on_the_sites_calendar():
    """The site's zone is America/New_York: at AT it is 00:30 on March 1 there."""
    old, new, later = await agency("Before"), await agency("Now"), await agency("Later")
    someone = await person("Moved Office")
    await Affiliation.insert(
        Affiliation(person=someone, agency=old, started_on=date(2025, 1, 1), ended_on=UTC_TODAY),
        Affiliation(person=someone, agency=new, started_on=UTC_TODAY),
        Affiliation(person=someone, agency=later, started_on=UTC_TODAY + timedelta(days=1)),
    )
    assert membership.directory_day(AT) == UTC_TODAY
    assert await membership.primary_agency(someone, AT) == new
    assert await membership.primary_agency(someone, AT - timedelta(hours=1)) == old  # 23:30 on February 28
    assert await membership.primary_agency(someone, AT + timedelta(days=1)) == later
    affiliations = await membership.current_affiliations([someone], AT)
    assert affiliations[someone]["name"] == "Now"


async def test_the_one_statement_session_lookup_reads_the_primary_agency_at_its_instant():
    """primary_agency_sql is what the session lookup joins: it must agree with primary_agency."""
    old, new = await agency("Earlier desk"), await agency("Current desk")
    someone = await person("Desk Changer")
    await Affiliation.insert(
        Affiliation(person=someone, agency=old, started_on=date(2025, 1, 1), ended_on=UTC_TODAY),
        Affiliation(person=someone, agency=new, started_on=UTC_TODAY),
    )
    for at in (AT, AT - timedelta(hours=1)):
        day = membership.directory_day(at)
        rows = await LoginSession.raw(
            f"SELECT {membership.primary_agency_sql('p.id')} AS agency FROM person p WHERE p.id = {{}}",
            day, day, someone)
        assert rows[0]["agency"] == await membership.primary_agency(someone, at)


async def test_an_alternates_standing_names_whom_they_stand_in_for():
    west, office = await team(), await agency("Office")
    principal, alternate = await person("Principal Member"), await person("Alternate Member")
    await seat(west["id"], principal, office, date(2026, 1, 1))
    await seat(west["id"], alternate, office, date(2026, 1, 1), alternate_for=principal)
    standing = await membership.standing(alternate, west, AT)
    assert standing.alternate_for == principal and standing.is_member
    assert (await membership.standing(principal, west, AT)).alternate_for is None
    assert (await membership.seat_facts(west["id"], LOCAL_TODAY))[1] == {principal}
