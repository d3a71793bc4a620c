"""Teams and rosters: who sits on which team, for which agency, in which role, and when."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from server import clock
from server.accounts.policy import Viewer
from server.accounts.tables import Person
from server.agencies.policy import missing_sectors
from server.agencies.tables import Agency
from server.db import lock_row, reading, writing
from server.teams import policy
from server.teams.policy import TeamInput
from server.teams.tables import Membership, Team
from server.web.i18n import N_

TEAM_COLUMNS = (
    Team.id, Team.name, Team.kind, Team.area, Team.time_zone, Team.description, Team.is_public,
    Team.quorum_kind, Team.quorum_value,
)


def _current_on(day):
    return (Membership.started_on <= day) & (
        Membership.ended_on.is_null() | (Membership.ended_on > day)
    )


async def get_team(team_id: int) -> dict | None:
    return await Team.select(*TEAM_COLUMNS).where(Team.id == team_id).first()


async def viewer_roles(viewer: Viewer, team: dict) -> set[str]:
    """The viewer's roles on the team today (in the team's time zone)."""
    day = clock.today_in(team["time_zone"])
    rows = await Membership.select(Membership.role).where(
        (Membership.team == team["id"]) & (Membership.person == viewer.id) & _current_on(day)
    )
    return {row["role"] for row in rows}


@dataclass(frozen=True)
class TeamAccess:
    team: dict
    roles: set[str]
    today: object


async def team_access(viewer: Viewer, team_id: int) -> TeamAccess | None:
    """The team and what the viewer is on it, read on one connection; None when missing."""
    async with reading():
        team = await get_team(team_id)
        if team is None:
            return None
        roles = await viewer_roles(viewer, team)
    return TeamAccess(team=team, roles=roles, today=clock.today_in(team["time_zone"]))


async def teams_for(viewer: Viewer) -> list[dict]:
    """The viewer's current teams with their roles; a site admin also sees every other team."""
    async with reading():
        teams = await Team.select(*TEAM_COLUMNS).order_by(Team.name)
        seats = await Membership.select(
            Membership.team, Membership.role, Membership.started_on, Membership.ended_on,
            Membership.team.time_zone,
        ).where(Membership.person == viewer.id)
        counts = await Membership.select(
            Membership.team, Membership.started_on, Membership.ended_on, Membership.team.time_zone,
        ).where(Membership.ended_on.is_null() | (Membership.ended_on > clock.now().date()))
    roles: dict[int, list[str]] = {}
    for seat in seats:
        if policy.is_active_on(seat["started_on"], seat["ended_on"], clock.today_in(seat["team.time_zone"])):
            roles.setdefault(seat["team"], []).append(seat["role"])
    sizes: dict[int, int] = {}
    for seat in counts:
        if policy.is_active_on(seat["started_on"], seat["ended_on"], clock.today_in(seat["team.time_zone"])):
            sizes[seat["team"]] = sizes.get(seat["team"], 0) + 1
    result = []
    for team in teams:
        if team["id"] in roles or viewer.is_site_admin:
            team["roles"] = roles.get(team["id"], [])
            team["member_count"] = sizes.get(team["id"], 0)
            result.append(team)
    return result


async def save_team(data: TeamInput, team_id: int | None = None) -> int:
    now = clock.now()
    values = {
        Team.name: data.name, Team.kind: data.kind, Team.area: data.area,
        Team.time_zone: data.time_zone, Team.description: data.description,
        Team.is_public: data.is_public, Team.quorum_kind: data.quorum_kind,
        Team.quorum_value: data.quorum_value, Team.updated_at: now,
    }
    async with writing():
        if team_id is None:
            rows = await Team.insert(
                Team(**{column._meta.name: value for column, value in values.items()}, created_at=now)
            ).returning(Team.id)
            return rows[0]["id"]
        await Team.update(values).where(Team.id == team_id)
        return team_id


# The roster.

SEAT_COLUMNS = (
    Membership.id, Membership.role, Membership.started_on, Membership.ended_on, Membership.version,
    Membership.person.id, Membership.person.name, Membership.person.email, Membership.person.phone,
    Membership.person.title, Membership.agency.id, Membership.agency.name,
    Membership.agency.short_name, Membership.agency.sector, Membership.alternate_for.id,
    Membership.alternate_for.name,
)


async def roster(team: dict, today) -> dict:
    """Current seats grouped by agency, past seats, and sector coverage: one query for seats."""
    seats = await Membership.select(*SEAT_COLUMNS).where(Membership.team == team["id"]).order_by(
        Membership.started_on, ascending=False
    )
    current = [s for s in seats if policy.is_active_on(s["started_on"], s["ended_on"], today)]
    upcoming = [s for s in seats if s["started_on"] > today and s["ended_on"] is None]
    past = [s for s in seats if s["ended_on"] is not None and s["ended_on"] <= today]
    by_agency: dict[int, dict] = {}
    for seat in sorted(current, key=lambda s: (s["agency.name"], _role_rank(s["role"]), s["person.name"])):
        group = by_agency.setdefault(
            seat["agency.id"],
            {"id": seat["agency.id"], "name": seat["agency.name"], "sector": seat["agency.sector"], "seats": []},
        )
        group["seats"].append(seat)
    represented = {seat["agency.sector"] for seat in current}
    return {
        "groups": list(by_agency.values()),
        "current": current,
        "upcoming": upcoming,
        "past": sorted(past, key=lambda s: s["ended_on"], reverse=True),
        "missing_sectors": missing_sectors(represented),
    }


def _role_rank(role: str) -> int:
    return list(policy.ROLES).index(role)


async def seat_choices(team_id: int, today) -> dict:
    """What the add-member form offers: active people and agencies, and current principals."""
    async with reading():
        people = await Person.select(Person.id, Person.name, Person.email).where(
            Person.active == True  # noqa: E712
        ).order_by(Person.name)
        agencies = await Agency.select(Agency.id, Agency.name).where(
            Agency.active == True  # noqa: E712
        ).order_by(Agency.name)
        seats = await Membership.select(
            Membership.person.id, Membership.person.name, Membership.alternate_for
        ).where((Membership.team == team_id) & _current_on(today))
    return {
        "people": people,
        "agencies": agencies,
        "principals": [
            {"id": s["person.id"], "name": s["person.name"]} for s in seats if s["alternate_for"] is None
        ],
        "seated_ids": {s["person.id"] for s in seats},
    }


async def _facts(team_id: int, today) -> policy.RosterFacts:
    people = await Person.select(Person.id).where(Person.active == True)  # noqa: E712
    agencies = await Agency.select(Agency.id).where(Agency.active == True)  # noqa: E712
    seats = await Membership.select(Membership.person, Membership.alternate_for).where(
        (Membership.team == team_id) & (Membership.ended_on.is_null() | (Membership.ended_on > today))
    )
    return policy.RosterFacts(
        active_person_ids={p["id"] for p in people},
        active_agency_ids={a["id"] for a in agencies},
        seated_person_ids={s["person"] for s in seats},
        principal_person_ids={s["person"] for s in seats if s["alternate_for"] is None},
    )


def _seat_row(team_id: int, seat: policy.SeatInput, by: Viewer) -> Membership:
    return Membership(
        team=team_id, person=seat.person_id, agency=seat.agency_id, role=seat.role,
        alternate_for=seat.alternate_for_id, started_on=seat.started_on, created_at=clock.now(),
        created_by=by.id, version=1,
    )


async def add_seat(
    team: dict, form: dict[str, str], by: Viewer, today, grantable: frozenset[str]
) -> dict[str, str]:
    """Adds a member to the roster; returns field messages (empty on success)."""
    async with writing():
        await lock_row(Team, team["id"])
        seat, errors = policy.validate_seat(form, await _facts(team["id"], today), today, grantable)
        if seat is None:
            return errors
        await Membership.insert(_seat_row(team["id"], seat, by))
    return {}


class StaleSeat(Exception):
    """The seat changed since the form was loaded."""


class SeatNotYours(Exception):
    """The viewer may not change a seat with this role (see policy.grantable_roles)."""


async def get_seat(team_id: int, seat_id: int) -> dict | None:
    return await Membership.select(*SEAT_COLUMNS).where(
        (Membership.id == seat_id) & (Membership.team == team_id)
    ).first()


async def change_seat(
    team: dict, seat_id: int, form: dict[str, str], by: Viewer, today, grantable: frozenset[str]
) -> dict[str, str] | None:
    """Role, agency or alternate change from a date: the old seat ends, a new one begins.

    Returns None when the seat is missing or already ended, field messages otherwise.
    Raises StaleSeat when someone else changed the seat since the form was loaded.
    """
    async with writing():
        await lock_row(Team, team["id"])
        old = await Membership.select(
            Membership.id, Membership.person, Membership.started_on, Membership.ended_on,
            Membership.version, Membership.role, Membership.agency, Membership.alternate_for,
        ).where((Membership.id == seat_id) & (Membership.team == team["id"])).first()
        if old is None:
            return None
        if str(old["version"]) != str(form.get("version", "")):
            raise StaleSeat()
        if old["ended_on"] is not None and old["ended_on"] <= today:
            return None
        if old["role"] not in grantable:
            raise SeatNotYours()
        facts = await _facts(team["id"], today)
        seat, errors = policy.validate_seat(form, facts, today, grantable, replacing_person_id=old["person"])
        if seat is None:
            return errors
        if seat.started_on < old["started_on"]:
            return {"started_on": N_("A change cannot take effect before the seat began.")}
        unchanged = (seat.role, seat.agency_id, seat.alternate_for_id) == (
            old["role"], old["agency"], old["alternate_for"]
        )
        if unchanged:
            return {}
        await _end_if_unchanged(seat_id, old["version"], seat.started_on, by)
        await Membership.insert(_seat_row(team["id"], seat, by))
    return {}


async def end_seat(
    team: dict, seat_id: int, raw_date: str, version: str, by: Viewer, today, grantable: frozenset[str]
) -> str | None | bool:
    """Ends a membership. True on success, a message when the date is wrong, None if missing."""
    async with writing():
        await lock_row(Team, team["id"])
        old = await Membership.select(
            Membership.id, Membership.role, Membership.started_on, Membership.ended_on, Membership.version
        ).where((Membership.id == seat_id) & (Membership.team == team["id"])).first()
        if old is None:
            return None
        if str(old["version"]) != version:
            raise StaleSeat()
        if old["ended_on"] is not None and old["ended_on"] <= today:
            return None
        if old["role"] not in grantable:
            raise SeatNotYours()
        ended_on, problem = policy.validate_end(raw_date, old["started_on"], today)
        if problem:
            return problem
        await _end_if_unchanged(seat_id, old["version"], ended_on, by)
    return True


async def _end_if_unchanged(seat_id: int, version: int, ended_on, by: Viewer) -> None:
    """Ends the seat only if nobody changed it since it was read: the version guards the write,
    so two concurrent editors cannot both win (READ COMMITTED on PostgreSQL allows that)."""
    updated = await Membership.update(
        {Membership.ended_on: ended_on, Membership.ended_by: by.id, Membership.version: version + 1}
    ).where((Membership.id == seat_id) & (Membership.version == version)).returning(Membership.id)
    if not updated:
        raise StaleSeat()


# CSV export and import.


async def roster_csv(team: dict, today) -> str:
    seats = await Membership.select(*SEAT_COLUMNS).where(Membership.team == team["id"]).order_by(
        Membership.agency.name, Membership.person.name, Membership.started_on
    )
    emails = {s["person.id"]: s["person.email"] for s in seats}
    alternates = await Person.select(Person.id, Person.email).where(
        Person.id.is_in([s["alternate_for.id"] for s in seats if s["alternate_for.id"]] or [0])
    )
    emails.update({p["id"]: p["email"] for p in alternates})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(policy.CSV_COLUMNS)
    for s in seats:
        writer.writerow(
            [_csv_safe(v) for v in (
                s["person.name"], s["person.email"], s["person.phone"], s["agency.name"], s["role"],
                emails.get(s["alternate_for.id"], "") if s["alternate_for.id"] else "",
                s["started_on"].isoformat(), s["ended_on"].isoformat() if s["ended_on"] else "",
            )]
        )
    return out.getvalue()


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; defuse them."""
    return "'" + value if value and value[0] in "=+-@\t\r" else value


class BadCsv(Exception):
    pass


def parse_csv(raw: bytes) -> list[dict[str, str]]:
    """Reads an uploaded roster; raises BadCsv with a message a person can act on."""
    if len(raw) > 1_000_000:
        raise BadCsv(N_("The file is larger than 1 MB."))
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadCsv(N_("Save the file as CSV in UTF-8 and try again.")) from None
    if "\x00" in content:
        raise BadCsv(N_("The file is not a readable CSV file."))
    try:
        reader = csv.DictReader(io.StringIO(content))
        headers = [h.strip().lower() for h in (reader.fieldnames or [])]
        missing = [c for c in policy.IMPORT_REQUIRED if c not in headers]
        if missing:
            raise BadCsv(N_("The first row must name the columns email, agency and role."))
        reader.fieldnames = headers
        records = []
        for record in reader:
            if len(records) >= policy.MAX_IMPORT_ROWS:
                raise BadCsv(N_("Import at most 500 rows at a time."))
            if any((v or "").strip() for k, v in record.items() if k is not None and isinstance(v, str)):
                records.append({k: v if isinstance(v, str) else "" for k, v in record.items() if k})
    except csv.Error:
        raise BadCsv(N_("The file is not a readable CSV file.")) from None
    if not records:
        raise BadCsv(N_("The file has no rows below the header."))
    return records


async def _directory() -> policy.Directory:
    people = await Person.select(Person.id, Person.email).where(Person.active == True)  # noqa: E712
    agencies = await Agency.select(Agency.id, Agency.name, Agency.short_name).where(
        Agency.active == True  # noqa: E712
    )
    by_name = {a["short_name"].lower(): a["id"] for a in agencies if a["short_name"]}
    by_name.update({a["name"].lower(): a["id"] for a in agencies})
    return policy.Directory({p["email"].lower(): p["id"] for p in people}, by_name)


async def preview_import(
    team: dict, records: list[dict[str, str]], today, grantable: frozenset[str]
) -> list[policy.ImportRow]:
    async with reading():
        facts = await _facts(team["id"], today)
        return policy.check_import(records, await _directory(), facts, today, grantable)


async def commit_import(
    team: dict, records: list[dict[str, str]], by: Viewer, today, grantable: frozenset[str]
) -> tuple[int, list[policy.ImportRow]]:
    """Writes every row in one transaction, or nothing when any row has a problem."""
    async with writing():
        await lock_row(Team, team["id"])
        facts = await _facts(team["id"], today)
        rows = policy.check_import(records, await _directory(), facts, today, grantable)
        if any(row.problems for row in rows):
            return 0, rows
        await Membership.insert(*[_seat_row(team["id"], row.seat, by) for row in rows if row.seat])
    return len(rows), rows
