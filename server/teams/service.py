"""Teams and rosters: who sits on which team, for which agency, in which role, and when."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from server import clock
from server.accounts.policy import Viewer
from server.accounts.tables import Person
from server.agencies.tables import Agency
from server.db import contains, lock_row, reading, writing
from server.errors import Forbidden, Invalid, NotFound, Stale
from server.forms import neutralised, parse_id
from server.i18n import N_
from server.teams import membership, policy
from server.teams.access import TeamAccess
from server.teams.policy import TeamInput
from server.teams.tables import AccessGrant, Membership, RosterUpload, Team
from server.tokens import new_token, token_hash

TEAM_COLUMNS = (
    Team.id, Team.name, Team.kind, Team.area, Team.time_zone, Team.description, Team.is_public,
    Team.quorum_kind, Team.quorum_value, Team.expected_sectors,
)


async def get_team(team_id: int) -> dict | None:
    return await Team.select(*TEAM_COLUMNS).where(Team.id == team_id).first()


async def teams_for(viewer: Viewer, standings: dict[int, policy.Standing] | None = None) -> list[dict]:
    """The viewer's current teams with their roles and sizes; a site admin sees every team.
    Sizes are counted in SQL for these teams only. `standings`: the viewer's, when already read."""
    async with reading():
        if standings is None:
            standings = await membership.standings(viewer.id, viewer.at)
        query = Team.select(*TEAM_COLUMNS).order_by(Team.name)
        if not viewer.is_site_admin:
            query = query.where(Team.id.is_in(list(standings) or [0]))
        teams = await query
        sizes = await membership.seat_counts(teams, viewer.at)
    for team in teams:
        team["roles"] = sorted(standings[team["id"]].roles, key=_role_rank) if team["id"] in standings else []
        team["member_count"] = sizes.get(team["id"], 0)
    return teams


async def save_team(data: TeamInput, team_id: int | None = None) -> int:
    now = clock.now()
    values = {
        Team.name: data.name, Team.kind: data.kind, Team.area: data.area,
        Team.time_zone: data.time_zone, Team.description: data.description,
        Team.is_public: data.is_public, Team.quorum_kind: data.quorum_kind,
        Team.quorum_value: data.quorum_value, Team.expected_sectors: data.expected_sectors, Team.updated_at: now,
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

SEAT_COLUMNS = membership.SEAT_COLUMNS
MAX_PEOPLE_FOUND = 20


async def roster(team: dict, today: date) -> dict:
    """Current seats grouped by agency, upcoming and past seats, and sector coverage: one query."""
    seats = await Membership.select(*SEAT_COLUMNS).where(Membership.team == team["id"]).order_by(
        Membership.started_on, ascending=False
    )
    current, upcoming, past = membership.sort_roster(seats, today)
    by_agency: dict[int, dict] = {}
    for seat in sorted(current, key=lambda s: (s["agency.name"], _role_rank(s["role"]), s["person.name"])):
        group = by_agency.setdefault(
            seat["agency.id"],
            {"id": seat["agency.id"], "name": seat["agency.name"], "sector": seat["agency.sector"], "seats": []},
        )
        group["seats"].append(seat)
    represented = {seat["agency.sector"] for seat in current}
    expected = policy.expected_sectors(team["kind"], team["expected_sectors"])
    return {
        "groups": list(by_agency.values()),
        "current": current,
        "upcoming": upcoming,
        "past": past,
        "expected_sectors": expected,
        "own_sectors": team["expected_sectors"] is not None,
        "missing_sectors": policy.missing_sectors(expected, represented),
        "grants": await access_grants(team["id"], limit=policy.GRANTS_ON_ROSTER),
    }


async def access_grants(team_id: int | None = None, limit: int = 200) -> list[dict]:
    """Access granted on one team (or every team), newest first."""
    query = AccessGrant.select(
        AccessGrant.id, AccessGrant.at, AccessGrant.role, AccessGrant.previous_role,
        AccessGrant.person.id, AccessGrant.person.name, AccessGrant.granted_by.id, AccessGrant.granted_by.name,
        AccessGrant.team.id, AccessGrant.team.name, AccessGrant.team.time_zone,
    )
    if team_id is not None:
        query = query.where(AccessGrant.team == team_id)
    rows = await query.order_by(AccessGrant.at, ascending=False).order_by(AccessGrant.id, ascending=False).limit(limit)
    for row in rows:
        row["self_granted"] = row["person.id"] == row["granted_by.id"]
    return rows


def _role_rank(role: str) -> int:
    return list(policy.ROLES).index(role)


async def seat_choices(team_id: int, today: date, person_ids: tuple[int, ...] = ()) -> dict:
    """What the seat forms offer: active agencies, the team's current principals, and the people
    already chosen in the form (people are found by search, never listed all at once)."""
    async with reading():
        agencies = await Agency.select(Agency.id, Agency.name).where(
            Agency.active == True  # noqa: E712
        ).order_by(Agency.name)
        seats = await membership.seated({"id": team_id}, today)
        chosen = await Person.select(Person.id, Person.name, Person.email).where(
            Person.id.is_in(list(person_ids)) & (Person.active == True)  # noqa: E712
        ) if person_ids else []
    return {
        "agencies": agencies,
        "principals": [{"id": s["id"], "name": s["name"]} for s in seats if s["alternate_for"] is None],
        "chosen": chosen,
    }


async def find_people(team_id: int, today: date, at: datetime, search: str) -> list[dict]:
    """Active people whose name or email contains `search` and who hold no seat on the team
    (now or starting later), with their agency at `at`: at most MAX_PEOPLE_FOUND, for the
    roster's active search."""
    search = " ".join(search.split())[:100]
    if len(search) < 2:
        return []
    async with reading():
        seated, _ = await membership.seat_facts(team_id, today)
        people = await Person.select(Person.id, Person.name, Person.email).where(
            (Person.active == True)  # noqa: E712
            & (contains(Person.name, search) | contains(Person.email, search))
            & Person.id.not_in(list(seated) or [0])
        ).order_by(Person.name).limit(MAX_PEOPLE_FOUND)
        agencies = await membership.primary_agencies([p["id"] for p in people], at)
        names = {a["id"]: a["name"] for a in await Agency.select(Agency.id, Agency.name).where(
            Agency.id.is_in(list(set(agencies.values())) or [0]))}
    for person in people:
        person["agency"] = names.get(agencies.get(person["id"]), "")
    return people


async def _facts(team_id: int, today: date, person_ids: set[int]) -> policy.RosterFacts:
    """What the roster rules need, read inside the write: which of these people are active,
    which agencies are, and who holds a seat on the team now or from a later date."""
    people = await Person.select(Person.id).where(
        Person.id.is_in(list(person_ids) or [0]) & (Person.active == True)  # noqa: E712
    )
    agencies = await Agency.select(Agency.id).where(Agency.active == True)  # noqa: E712
    seated, principals = await membership.seat_facts(team_id, today)
    return policy.RosterFacts(
        active_person_ids={p["id"] for p in people},
        active_agency_ids={a["id"] for a in agencies},
        seated_person_ids=seated,
        principal_person_ids=principals,
    )


def _form_person_ids(*forms: dict[str, str]) -> set[int]:
    ids = set()
    for form in forms:
        for key in ("person_id", "alternate_for_id"):
            person_id = parse_id(form.get(key))
            if person_id is not None:
                ids.add(person_id)
    return ids


def _seat_row(team_id: int, seat: policy.SeatInput, by: Viewer) -> Membership:
    return Membership(
        team=team_id, person=seat.person_id, agency=seat.agency_id, role=seat.role,
        alternate_for=seat.alternate_for_id, started_on=seat.started_on, created_at=clock.now(),
        created_by=by.id, version=1,
    )


async def _insert_seats(access: TeamAccess, seats: list[policy.SeatInput], previous_role: str | None = None) -> None:
    """Inside writing(): new seats, and an access grant for each that is one."""
    team_id, by = access.team["id"], access.viewer.id
    if not seats:
        return
    rows = await Membership.insert(*[_seat_row(team_id, seat, access.viewer) for seat in seats]).returning(
        Membership.id, Membership.person, Membership.role, Membership.alternate_for)
    seat_ids = {(row["person"], row["role"], row["alternate_for"]): row["id"] for row in rows}  # RETURNING's order is the engine's
    grants = [
        AccessGrant(team=team_id, seat=seat_ids[(seat.person_id, seat.role, seat.alternate_for_id)],
                    person=seat.person_id, granted_by=by, role=seat.role, previous_role=previous_role, at=clock.now())
        for seat in seats if policy.is_access_grant(seat.person_id, by, seat.role, previous_role)
    ]
    if grants:
        await AccessGrant.insert(*grants)


def _grantable(access: TeamAccess) -> frozenset[str]:
    return policy.grantable_roles(access.viewer, access.standing)


async def _roster_locked(access: TeamAccess) -> TeamAccess:
    """Inside writing(): the roster locked and the viewer's standing read again, so a seat ended
    meanwhile (theirs, say) is what decides."""
    await lock_row(Team, access.team["id"])
    return await access.confirm(policy.can_manage_roster)


async def add_seat(access: TeamAccess, form: dict[str, str]) -> dict[str, str]:
    """Adds a member to the roster; returns field messages (empty on success)."""
    async with writing():
        access = await _roster_locked(access)
        team, today = access.team, access.today
        facts = await _facts(team["id"], today, _form_person_ids(form))
        seat, errors = policy.validate_seat(form, facts, today, _grantable(access))
        if seat is None:
            return errors
        await _insert_seats(access, [seat])
    return {}


async def get_seat(team_id: int, seat_id: int) -> dict | None:
    return await Membership.select(*SEAT_COLUMNS).where(
        (Membership.id == seat_id) & (Membership.team == team_id)
    ).first()


async def editable_seat(access: TeamAccess, seat_id: int) -> dict:
    """A seat of this team that the viewer may change; NotFound or Forbidden otherwise."""
    seat = await get_seat(access.team["id"], seat_id)
    if seat is None:
        raise NotFound()
    if seat["role"] not in _grantable(access):
        raise Forbidden()
    return seat


async def _seat_to_change(team_id: int, seat_id: int, version: str, today: date, grantable: frozenset[str]) -> dict:
    """Inside writing(): the seat as it is now. NotFound if it is not this team's or has ended,
    Stale if it changed since the form was loaded, Forbidden if its role is not the viewer's to change."""
    old = await Membership.select(
        Membership.id, Membership.person, Membership.started_on, Membership.ended_on,
        Membership.version, Membership.role, Membership.agency, Membership.alternate_for,
    ).where((Membership.id == seat_id) & (Membership.team == team_id)).first()
    if old is None:
        raise NotFound()
    if str(old["version"]) != str(version):
        raise Stale()
    if membership.has_ended(old, today):
        raise NotFound()
    if old["role"] not in grantable:
        raise Forbidden()
    return old


async def change_seat(access: TeamAccess, seat_id: int, form: dict[str, str]) -> dict[str, str]:
    """Role, agency or alternate change from a date: the old seat ends, a new one begins.
    Returns field messages (empty on success)."""
    async with writing():
        access = await _roster_locked(access)
        team, today, grantable = access.team, access.today, _grantable(access)
        old = await _seat_to_change(team["id"], seat_id, form.get("version", ""), today, grantable)
        facts = await _facts(team["id"], today, _form_person_ids(form) | {old["person"]})
        seat, errors = policy.validate_seat(form, facts, today, grantable, replacing_person_id=old["person"])
        if seat is None:
            return errors
        problem = policy.change_start_problem(seat.started_on, old["started_on"])
        if problem:
            return {"started_on": problem}
        if (seat.role, seat.agency_id, seat.alternate_for_id) == (old["role"], old["agency"], old["alternate_for"]):
            return {}
        await _end_if_unchanged(seat_id, old["version"], seat.started_on, access.viewer)
        await _insert_seats(access, [seat], previous_role=old["role"])
    return {}


async def end_seat(access: TeamAccess, seat_id: int, raw_date: str, version: str) -> None:
    """Ends a membership; Invalid when the date is wrong."""
    async with writing():
        access = await _roster_locked(access)
        team, today = access.team, access.today
        old = await _seat_to_change(team["id"], seat_id, version, today, _grantable(access))
        ended_on, problem = policy.validate_end(raw_date, old["started_on"], today)
        if problem:
            raise Invalid(problem)
        await _end_if_unchanged(seat_id, old["version"], ended_on, access.viewer)


async def _end_if_unchanged(seat_id: int, version: int, ended_on, by: Viewer) -> None:
    """Ends the seat only if nobody changed it since it was read: the version guards the write,
    so two concurrent editors cannot both win (READ COMMITTED on PostgreSQL allows that)."""
    updated = await Membership.update(
        {Membership.ended_on: ended_on, Membership.ended_by: by.id, Membership.version: version + 1}
    ).where((Membership.id == seat_id) & (Membership.version == version)).returning(Membership.id)
    if not updated:
        raise Stale()


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
    content = neutralised(content)
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


async def _directory(records: list[dict[str, str]]) -> policy.Directory:
    """The people (by the emails the file names) and the active agencies, for checking rows."""
    emails = {(record.get(key) or "").strip().lower() for record in records for key in ("email", "alternate_for")}
    people = await Person.select(Person.id, Person.email).where(
        Person.email.is_in(sorted(emails - {""}) or [""]) & (Person.active == True)  # noqa: E712
    )
    agencies = await Agency.select(Agency.id, Agency.name, Agency.short_name).where(
        Agency.active == True  # noqa: E712
    )
    by_name = {a["short_name"].lower(): a["id"] for a in agencies if a["short_name"]}
    by_name.update({a["name"].lower(): a["id"] for a in agencies})
    return policy.Directory({p["email"].lower(): p["id"] for p in people}, by_name)


async def _check_import(access: TeamAccess, records: list[dict[str, str]]) -> list[policy.ImportRow]:
    directory = await _directory(records)
    facts = await _facts(access.team["id"], access.today, set(directory.people_by_email.values()))
    return policy.check_import(records, directory, facts, access.today, _grantable(access))


async def preview_import(access: TeamAccess, records: list[dict[str, str]]) -> list[policy.ImportRow]:
    async with reading():
        return await _check_import(access, records)


UPLOAD_LIFETIME = timedelta(hours=2)
UPLOAD_GONE = N_("This preview has expired or was already added. Upload the file again.")


async def hold_upload(access: TeamAccess, content: bytes) -> str:
    """Keeps a previewed CSV for its confirmation; the token is all the confirm form carries."""
    token, now = new_token(), clock.now()
    async with writing():
        await RosterUpload.delete().where(RosterUpload.created_at < now - UPLOAD_LIFETIME)
        await RosterUpload.insert(RosterUpload(
            token_hash=token_hash(token), team=access.team["id"], person=access.viewer.id,
            content=content.decode("utf-8-sig"), created_at=now,
        ))
    return token


def _held(access: TeamAccess, token: str):
    return ((RosterUpload.token_hash == token_hash(token)) & (RosterUpload.team == access.team["id"])
            & (RosterUpload.person == access.viewer.id)
            & (RosterUpload.created_at >= access.viewer.at - UPLOAD_LIFETIME))


async def held_upload(access: TeamAccess, token: str) -> bytes:
    """The CSV this person previewed for this team under `token`; Invalid once gone."""
    row = await RosterUpload.select(RosterUpload.content).where(_held(access, token)).first() if token else None
    if row is None:
        raise Invalid(UPLOAD_GONE)
    return row["content"].encode()


async def commit_import(access: TeamAccess, records: list[dict[str, str]],
                        token: str) -> tuple[int, list[policy.ImportRow]]:
    """Writes every row in one transaction, or nothing when any row has a problem; the upload
    is used once."""
    async with writing():
        access = await _roster_locked(access)
        rows = await _check_import(access, records)
        if any(row.problems for row in rows):
            return 0, rows
        if not await RosterUpload.delete().where(_held(access, token)).returning(RosterUpload.id):
            raise Invalid(UPLOAD_GONE)  # a second click, or another tab, confirmed it already
        await _insert_seats(access, [row.seat for row in rows if row.seat])
    return len(rows), rows
