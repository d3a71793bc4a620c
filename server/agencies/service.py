"""Agencies: the directory of member organisations."""

from __future__ import annotations

from server import clock
from server.accounts.policy import Viewer
from server.accounts.tables import Affiliation
from server.agencies.policy import AgencyInput
from server.agencies.tables import Agency
from server.db import lock_key, reading, writing
from server.teams.policy import can_view_roster
from server.teams.tables import Membership

AGENCY_COLUMNS = (
    Agency.id, Agency.name, Agency.short_name, Agency.sector, Agency.is_part2_program,
    Agency.is_hipaa_covered, Agency.is_ferpa_agency, Agency.active,
)


class NameTaken(Exception):
    pass


async def list_agencies(include_inactive: bool = True) -> list[dict]:
    async with reading():
        query = Agency.select(*AGENCY_COLUMNS).order_by(Agency.name)
        if not include_inactive:
            query = query.where(Agency.active == True)  # noqa: E712
        agencies = await query
        people = await Affiliation.select(Affiliation.agency).where(
            Affiliation.ended_on.is_null() & (Affiliation.person.active == True)  # noqa: E712
        )
    counts: dict[int, int] = {}
    for row in people:
        counts[row["agency"]] = counts.get(row["agency"], 0) + 1
    for agency in agencies:
        agency["people_count"] = counts.get(agency["id"], 0)
    return agencies


async def get_agency(agency_id: int, today, viewer: Viewer | None = None) -> dict | None:
    """The agency, its current people, and the teams it currently sits on.

    With a viewer, only the teams whose roster that viewer may see are listed: a family's
    Child and Family Team is nobody else's business.
    """
    async with reading():
        agency = await Agency.select(*AGENCY_COLUMNS).where(Agency.id == agency_id).first()
        if agency is None:
            return None
        agency["people"] = await Affiliation.select(
            Affiliation.person.id.as_alias("id"), Affiliation.person.name.as_alias("name"),
            Affiliation.person.email.as_alias("email"), Affiliation.person.phone.as_alias("phone"),
            Affiliation.person.title.as_alias("title"),
        ).where(
            (Affiliation.agency == agency_id) & Affiliation.ended_on.is_null()
            & (Affiliation.person.active == True)  # noqa: E712
        ).order_by(Affiliation.person.name)
        seats = await Membership.select(
            Membership.team.id, Membership.team.name, Membership.team.kind, Membership.role,
            Membership.person.name,
        ).where(
            (Membership.agency == agency_id) & (Membership.started_on <= today)
            & (Membership.ended_on.is_null() | (Membership.ended_on > today))
        ).order_by(Membership.team.name)
        visible = await _rosters_visible_to(viewer, today) if viewer else None
    teams: dict[int, dict] = {}
    for seat in seats:
        if visible is not None and seat["team.id"] not in visible:
            continue
        team = teams.setdefault(
            seat["team.id"],
            {"id": seat["team.id"], "name": seat["team.name"], "kind": seat["team.kind"], "seats": []},
        )
        team["seats"].append({"name": seat["person.name"], "role": seat["role"]})
    agency["teams"] = list(teams.values())
    return agency


async def _rosters_visible_to(viewer: Viewer, today) -> set[int] | None:
    """Ids of the teams whose roster the viewer may see; None means every team."""
    if viewer.is_site_admin:
        return None
    seats = await Membership.select(Membership.team, Membership.role).where(
        (Membership.person == viewer.id) & (Membership.started_on <= today)
        & (Membership.ended_on.is_null() | (Membership.ended_on > today))
    )
    roles: dict[int, set[str]] = {}
    for seat in seats:
        roles.setdefault(seat["team"], set()).add(seat["role"])
    return {team for team, team_roles in roles.items() if can_view_roster(viewer, team_roles)}


async def save_agency(data: AgencyInput, agency_id: int | None = None) -> int:
    now = clock.now()
    values = {
        Agency.name: data.name, Agency.short_name: data.short_name, Agency.sector: data.sector,
        Agency.is_part2_program: data.is_part2_program, Agency.is_hipaa_covered: data.is_hipaa_covered,
        Agency.is_ferpa_agency: data.is_ferpa_agency, Agency.updated_at: now,
    }
    async with writing():
        await lock_key(f"agency-name:{data.name}")  # two admins naming two agencies alike at once
        clash = Agency.exists().where(Agency.name == data.name)
        if agency_id is not None:
            clash = clash.where(Agency.id != agency_id)
        if await clash:
            raise NameTaken(data.name)
        if agency_id is None:
            rows = await Agency.insert(
                Agency(**{column._meta.name: value for column, value in values.items()}, created_at=now)
            ).returning(Agency.id)
            return rows[0]["id"]
        await Agency.update(values).where(Agency.id == agency_id)
        return agency_id


async def set_active(agency_id: int, active: bool) -> None:
    async with writing():
        await Agency.update({Agency.active: active, Agency.updated_at: clock.now()}).where(
            Agency.id == agency_id
        )
