"""Agencies: the directory of member organisations."""

from __future__ import annotations

from datetime import datetime

from server import clock
from server.accounts.policy import Viewer
from server.accounts.tables import Affiliation
from server.agencies import policy
from server.agencies.policy import AgencyInput
from server.agencies.tables import Agency
from server.db import lock_key, reading, writing
from server.errors import NotFound
from server.teams import membership
from server.teams.policy import NO_STANDING, can_view_roster

AGENCY_COLUMNS = (
    Agency.id, Agency.name, Agency.short_name, Agency.sector, Agency.is_part2_program,
    Agency.is_hipaa_covered, Agency.is_ferpa_agency, Agency.active,
)


class NameTaken(Exception):
    pass


async def list_agencies(at: datetime, include_inactive: bool = True) -> list[dict]:
    """Every agency with how many active people work there at `at` (counted in SQL)."""
    async with reading():
        query = Agency.select(*AGENCY_COLUMNS).order_by(Agency.name)
        if not include_inactive:
            query = query.where(Agency.active == True)  # noqa: E712
        agencies = await query
        counts = await membership.affiliated_counts(at)
    for agency in agencies:
        agency["people_count"] = counts.get(agency["id"], 0)
    return agencies


async def get_agency(agency_id: int) -> dict | None:
    return await Agency.select(*AGENCY_COLUMNS).where(Agency.id == agency_id).first()


async def agency_page(viewer: Viewer, agency_id: int) -> dict:
    """The agency, its current people, and the teams it sits on that the viewer may see the
    roster of (a family's Child and Family Team is nobody else's business). NotFound when
    missing, or inactive and the viewer is not the site admin."""
    async with reading():
        agency = await get_agency(agency_id)
        if agency is None or not policy.can_see_agency(viewer, agency):
            raise NotFound()
        agency["people"] = await Affiliation.select(
            Affiliation.person.id.as_alias("id"), Affiliation.person.name.as_alias("name"),
            Affiliation.person.email.as_alias("email"), Affiliation.person.phone.as_alias("phone"),
            Affiliation.person.title.as_alias("title"),
        ).where(
            membership.people_of_agency_condition(agency_id, viewer.at)
            & (Affiliation.person.active == True)  # noqa: E712
        ).order_by(Affiliation.person.name).limit(policy.MAX_PEOPLE_SHOWN)
        seats = await membership.agency_seats(agency_id, viewer.at)
        standings = {} if viewer.is_site_admin else await membership.standings(viewer.id, viewer.at)
        their_teams = {} if viewer.is_site_admin else await membership.current_teams(
            [person["id"] for person in agency["people"]], viewer.at)
    my_teams = {team for team, standing in standings.items() if standing.is_member}
    for person in agency["people"]:
        person["contact_shown"] = policy.can_see_contact(viewer, person["id"], my_teams,
                                                         their_teams.get(person["id"], set()))
    teams: dict[int, dict] = {}
    for seat in seats:
        standing = standings.get(seat["team.id"], NO_STANDING)
        if not can_view_roster(viewer, standing):
            continue
        team = teams.setdefault(
            seat["team.id"],
            {"id": seat["team.id"], "name": seat["team.name"], "kind": seat["team.kind"], "seats": []},
        )
        team["seats"].append({"name": seat["person.name"], "role": seat["role"]})
    agency["teams"] = list(teams.values())
    return agency


async def save_agency(data: AgencyInput, agency_id: int | None = None) -> int:
    now = clock.now()
    values = {
        Agency.name: data.name, Agency.short_name: data.short_name, Agency.sector: data.sector,
        Agency.is_part2_program: data.is_part2_program, Agency.is_hipaa_covered: data.is_hipaa_covered,
        Agency.is_ferpa_agency: data.is_ferpa_agency, Agency.updated_at: now,
    }
    async with writing():
        # Two admins naming two agencies alike at once; "Help Me Grow" and "help me grow " are alike.
        await lock_key(f"agency-name:{policy.name_key(data.name)}")
        names = await Agency.select(Agency.id, Agency.name)
        if any(policy.name_key(row["name"]) == policy.name_key(data.name) and row["id"] != agency_id for row in names):
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
