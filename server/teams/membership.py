"""Standing at an instant: the one answer to "is this seat current at t, for which agency, in
which roles" and "which agency does this person represent at t".

A seat counts from its first day up to, not including, its end date, on the calendar of the
team's time zone; an affiliation (a person's primary agency in the directory) likewise, on the
calendar of the site's zone. "Current" is never only `ended_on IS NULL`: rows start and end on
either side of any instant. Nothing else in Convene asks Membership or Affiliation for the rows
that are current (tests/unit/test_layers.py holds everyone to that).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache

from piccolo.query.functions.aggregate import Count

from server import clock
from server.accounts.tables import Affiliation
from server.config import settings
from server.db import Prepared, Raw
from server.teams.policy import NO_STANDING, Standing, is_current
from server.teams.tables import Membership, Team


def _seat_current_on(day: date):
    return (Membership.started_on <= day) & (Membership.ended_on.is_null() | (Membership.ended_on > day))


def _seat_current_somewhere(at: datetime):
    """Seats current at `at` on some calendar of the world (UTC-12 to UTC+14): narrows a query
    whose rows are then held to their own team's day."""
    earliest, latest = clock.day_in(at, "Etc/GMT+12"), clock.day_in(at, "Etc/GMT-14")
    return (Membership.started_on <= latest) & (Membership.ended_on.is_null() | (Membership.ended_on > earliest))


def _affiliation_current_on(day: date):
    return (Affiliation.started_on <= day) & (Affiliation.ended_on.is_null() | (Affiliation.ended_on > day))


def directory_day(at: datetime) -> date:
    """The day affiliations are read on: the site's calendar."""
    return clock.day_in(at, settings.time_zone)


def standing_from_seats(seats: Iterable[dict], day: date) -> Standing:
    """The standing given by a person's seats on one team (rows with id, role, agency,
    alternate_for, started_on, ended_on), on the team's calendar day."""
    current = [seat for seat in seats if seat["role"] and is_current(seat["started_on"], seat["ended_on"], day)]
    if not current:
        return NO_STANDING
    principal = next((seat for seat in current if seat["alternate_for"] is None), current[0])
    guest_seat = next((seat["id"] for seat in current if seat["role"] == "guest"), None)
    return Standing(frozenset(seat["role"] for seat in current), principal["agency"], principal["alternate_for"],
                    guest_seat)


# One person.


_SEATS_ON_TEAM = Prepared(lambda p: Membership.select(
    Membership.id, Membership.role, Membership.agency, Membership.alternate_for, Membership.started_on, Membership.ended_on,
).where((Membership.team == p.team) & (Membership.person == p.person)))
_SEATS_OF_PERSON = Prepared(lambda p: Membership.select(
    Membership.id, Membership.team, Membership.team.time_zone, Membership.role, Membership.agency,
    Membership.alternate_for, Membership.started_on, Membership.ended_on,
).where(Membership.person == p.person))


async def standing(person_id: int, team: dict, at: datetime) -> Standing:
    """The person's standing on the team (a dict with id and time_zone) at instant `at`."""
    seats = await _SEATS_ON_TEAM.rows(team=team["id"], person=person_id)
    return standing_from_seats(seats, clock.day_in(at, team["time_zone"]))


async def standings_on_team(team: dict, person_ids: list[int], at: datetime) -> dict[int, Standing]:
    """Person id → standing on the team at `at`, for several people in one statement (the people
    present at a meeting, say); those with none are left out."""
    seats = await Membership.select(
        Membership.id, Membership.person, Membership.role, Membership.agency, Membership.alternate_for,
        Membership.started_on, Membership.ended_on,
    ).where((Membership.team == team["id"]) & Membership.person.is_in(person_ids or [0]))
    by_person: dict[int, list[dict]] = {}
    for seat in seats:
        by_person.setdefault(seat["person"], []).append(seat)
    day = clock.day_in(at, team["time_zone"])
    found = {person: standing_from_seats(rows, day) for person, rows in by_person.items()}
    return {person: one for person, one in found.items() if one.roles}


async def standings(person_id: int, at: datetime) -> dict[int, Standing]:
    """Team id → the person's standing there at `at`, for every team where they have one."""
    seats = await _SEATS_OF_PERSON.rows(person=person_id)
    by_team: dict[int, list[dict]] = {}
    zones: dict[int, str] = {}
    for seat in seats:
        by_team.setdefault(seat["team"], []).append(seat)
        zones[seat["team"]] = seat["team.time_zone"]
    result = {}
    for team_id, team_seats in by_team.items():
        found = standing_from_seats(team_seats, clock.day_in(at, zones[team_id]))
        if found.roles:
            result[team_id] = found
    return result


async def primary_agency(person_id: int, at: datetime) -> int | None:
    """The agency the person works for in the directory at `at` (None: none on record)."""
    return (await primary_agencies([person_id], at)).get(person_id)


async def primary_agencies(person_ids: list[int], at: datetime) -> dict[int, int]:
    """Person id → their primary agency id at `at`, in one query."""
    if not person_ids:
        return {}
    rows = await Affiliation.select(Affiliation.person, Affiliation.agency).where(
        Affiliation.person.is_in(person_ids) & _affiliation_current_on(directory_day(at))
    ).order_by(Affiliation.started_on, Affiliation.id)
    # the latest start wins an overlap (then the latest recorded), as in primary_agency_sql
    return {row["person"]: row["agency"] for row in rows}


def primary_agency_sql(person_sql: str) -> str:
    """A SQL scalar subquery: the primary agency of the person `person_sql` on the day given
    twice as parameters ({} {}). For one-statement loads such as the session lookup."""
    return (
        f"(SELECT a.agency FROM affiliation a WHERE a.person = {person_sql} AND a.started_on <= {{}}"
        f" AND (a.ended_on IS NULL OR a.ended_on > {{}}) ORDER BY a.started_on DESC, a.id DESC LIMIT 1)"
    )


def people_of_agency_condition(agency_id: int, at: datetime):
    """Where-condition on Affiliation: the people working for the agency at `at`."""
    return (Affiliation.agency == agency_id) & _affiliation_current_on(directory_day(at))


def people_matching_agency_condition(agency_condition, at: datetime):
    """Where-condition on Affiliation: affiliations current at `at` whose agency matches."""
    return agency_condition & _affiliation_current_on(directory_day(at))


async def affiliated_counts(at: datetime) -> dict[int, int]:
    """Agency id → how many active people work there at `at` (counted in SQL)."""
    rows = await Affiliation.select(Affiliation.agency, Count(Affiliation.id, alias="people")).where(
        _affiliation_current_on(directory_day(at)) & (Affiliation.person.active == True)  # noqa: E712
    ).group_by(Affiliation.agency)
    return {row["agency"]: row["people"] for row in rows}


# One team's roster.


SEAT_COLUMNS = (
    Membership.id, Membership.role, Membership.started_on, Membership.ended_on, Membership.version,
    Membership.person.id, Membership.person.name, Membership.person.email, Membership.person.phone,
    Membership.person.title, Membership.agency.id, Membership.agency.name,
    Membership.agency.short_name, Membership.agency.sector, Membership.alternate_for.id,
    Membership.alternate_for.name,
)


def is_seat_current(seat: dict, day: date) -> bool:
    return is_current(seat["started_on"], seat["ended_on"], day)


def has_ended(seat: dict, day: date) -> bool:
    """The seat's last day is before `day` (its end date has come)."""
    return seat["ended_on"] is not None and seat["ended_on"] <= day


def _seated(without_guests: bool) -> Prepared:
    def build(p):
        condition = (Membership.team == p.team) & _seat_current_on(p.day)
        if without_guests:
            condition &= Membership.role != "guest"
        return Membership.select(
            Membership.person.id.as_alias("id"), Membership.person.name.as_alias("name"),
            Membership.agency.id.as_alias("agency_id"), Membership.agency.name.as_alias("agency_name"),
            Membership.agency.short_name.as_alias("agency_short"), Membership.agency.sector.as_alias("agency_sector"),
            Membership.role, Membership.alternate_for,
            Membership.id.as_alias("seat_id"),
        ).where(condition).order_by(Membership.person.name)
    return Prepared(build)


_SEATED = {without_guests: _seated(without_guests) for without_guests in (False, True)}


async def seated(team: dict, day: date, *, without_guests: bool = False) -> list[dict]:
    """The team's current seats on `day` (the team's calendar), by person name: id, name,
    agency_id, agency_name, agency_short, agency_sector, role, alternate_for, seat_id."""
    return await _SEATED[without_guests].rows(team=team["id"], day=day)


async def seat_facts(team_id: int, day: date) -> tuple[set[int], set[int]]:
    """Who holds a seat on the team on or after `day` (seated now or starting later), and who
    of them sits as a principal (an alternate may stand in for those)."""
    seats = await Membership.select(Membership.person, Membership.alternate_for).where(
        (Membership.team == team_id) & (Membership.ended_on.is_null() | (Membership.ended_on > day))
    )
    return {s["person"] for s in seats}, {s["person"] for s in seats if s["alternate_for"] is None}


async def seat_counts(teams: list[dict], at: datetime) -> dict[int, int]:
    """Team id → current seats at `at`, for these teams only, counted in SQL. Each team's day is
    its own zone's, so the condition has one branch per zone among them."""
    if not teams:
        return {}
    zones = {team["time_zone"] for team in teams}
    by_zone = None
    for zone in sorted(zones):
        branch = (Membership.team.time_zone == zone) & _seat_current_on(clock.day_in(at, zone))
        by_zone = branch if by_zone is None else by_zone | branch
    rows = await Membership.select(Membership.team, Count(Membership.id, alias="seats")).where(
        Membership.team.is_in([team["id"] for team in teams]) & by_zone
    ).group_by(Membership.team)
    return {row["team"]: row["seats"] for row in rows}


async def current_teams(person_ids: list[int], at: datetime) -> dict[int, set[int]]:
    """The teams each person has a current seat on at `at` (any role), in one statement."""
    seats = await Membership.select(
        Membership.person, Membership.team, Membership.team.time_zone, Membership.started_on, Membership.ended_on,
    ).where(Membership.person.is_in(person_ids or [0]) & _seat_current_somewhere(at))
    teams: dict[int, set[int]] = {person_id: set() for person_id in person_ids}
    for seat in seats:
        if is_seat_current(seat, clock.day_in(at, seat["team.time_zone"])):
            teams[seat["person"]].add(seat["team"])
    return teams


async def agency_seats(agency_id: int, at: datetime) -> list[dict]:
    """The seats people hold for the agency at `at`, with their team (id, name, kind, time_zone)."""
    seats = await Membership.select(
        Membership.team.id, Membership.team.name, Membership.team.kind, Membership.team.time_zone,
        Membership.role, Membership.person.name, Membership.started_on, Membership.ended_on,
    ).where((Membership.agency == agency_id) & _seat_current_somewhere(at)).order_by(Membership.team.name)
    return [seat for seat in seats if is_seat_current(seat, clock.day_in(at, seat["team.time_zone"]))]


# One statement: an object, its team and the viewer's seats there.


SEAT_SELECT = (
    "s.id AS seat_id, s.role AS seat_role, s.agency AS seat_agency, s.alternate_for AS seat_alternate_for,"
    " s.started_on AS seat_started_on, s.ended_on AS seat_ended_on"
)


def seat_join(team_sql: str) -> str:
    """SQL joining the viewer's seats (one {} parameter: the person id) on the team `team_sql`."""
    return f"LEFT JOIN membership s ON s.team = {team_sql} AND s.person = {{}}"


def standing_from_rows(rows: list[dict], time_zone: str, at: datetime) -> Standing:
    """The standing given by rows that selected SEAT_SELECT through seat_join()."""
    seats = [
        {"id": row["seat_id"], "role": row["seat_role"], "agency": row["seat_agency"],
         "alternate_for": row["seat_alternate_for"],
         "started_on": row["seat_started_on"], "ended_on": row["seat_ended_on"]}
        for row in rows if row["seat_role"] is not None
    ]
    return standing_from_seats(seats, clock.day_in(at, time_zone))


TEAM_FIELDS = ("id", "name", "kind", "area", "time_zone", "description", "is_public", "quorum_kind", "quorum_value",
               "expected_sectors")


async def with_standing(
    table, object_id: int, person_id: int, at: datetime, fields: tuple[str, ...] = (),
    extra: tuple[str, ...] = (), extra_args: tuple = (),
) -> tuple[dict, dict, Standing, dict] | None:
    """One statement: a row of `table` (which has a `team` column; or the team itself), its team
    and the person's standing there at `at`. `extra` are SQL expressions (alias included) over
    the row `o`, with `extra_args` for their {} parameters; their values come back in the last dict.
    None when the row does not exist."""
    arguments = (*extra_args, person_id, object_id)
    rows = await _standing_query(table, fields, extra).rows(**{f"p{n}": value for n, value in enumerate(arguments)})
    if not rows:
        return None
    first = rows[0]
    team = {field: first[f"t__{field}"] for field in TEAM_FIELDS}
    team["is_public"] = bool(team["is_public"])
    row = team if table is Team else {field: first[f"o__{field}"] for field in fields}
    known = {f"t__{field}" for field in TEAM_FIELDS} | {f"o__{field}" for field in fields}
    extras = {key: value for key, value in first.items() if key not in known and not key.startswith("seat_")}
    return row, team, standing_from_rows(rows, team["time_zone"], at), extras


@cache
def _standing_query(table, fields: tuple[str, ...], extra: tuple[str, ...]) -> Raw:
    """with_standing's statement for one shape of call, written once (every page runs one)."""
    selected = [f"t.{field} AS t__{field}" for field in TEAM_FIELDS]
    if table is not Team:
        selected += [f"o.{field} AS o__{field}" for field in fields]
    selected += [SEAT_SELECT, *extra]
    # quoted: a table may bear a reserved word's name ("case")
    source = "team t" if table is Team else f"\"{table._meta.tablename}\" o JOIN team t ON t.id = o.team"
    where = "t.id = {}" if table is Team else "o.id = {}"
    sql = f"SELECT {', '.join(selected)} FROM {source} {seat_join('t.id')} WHERE {where}"
    numbers = itertools.count()  # the {} in order: the extras', the person's, the row's
    return Raw(re.sub(r"\{\}", lambda _: f"{{p{next(numbers)}}}", sql), table)


def sort_roster(seats: list[dict], day: date) -> tuple[list[dict], list[dict], list[dict]]:
    """A team's seats (any columns, with started_on and ended_on) as current on `day`, starting
    later, and past (most recently ended first)."""
    current = [seat for seat in seats if is_seat_current(seat, day)]
    upcoming = [seat for seat in seats if seat["started_on"] > day]
    past = [seat for seat in seats if has_ended(seat, day)]
    return current, upcoming, sorted(past, key=lambda seat: seat["ended_on"], reverse=True)


# The directory's side: primary agencies (affiliations).


async def current_affiliations(person_ids: list[int], at: datetime) -> dict[int, dict]:
    """Person id → {id, name, short_name} of their primary agency at `at`, in one query."""
    if not person_ids:
        return {}
    rows = await Affiliation.select(
        Affiliation.id, Affiliation.person, Affiliation.agency.id, Affiliation.agency.name,
        Affiliation.agency.short_name,
    ).where(Affiliation.person.is_in(person_ids) & _affiliation_current_on(directory_day(at))).order_by(
        Affiliation.started_on
    )
    return {
        row["person"]: {"id": row["agency.id"], "name": row["agency.name"], "short_name": row["agency.short_name"],
                        "affiliation_id": row["id"]}
        for row in rows
    }


def is_affiliation_current(row: dict, at: datetime) -> bool:
    return is_current(row["started_on"], row["ended_on"], directory_day(at))
