"""Shared set-up for case tests: a demo person as a viewer at an instant, a team as disclose()
takes it, and what disclose() shows a person of a team's cases."""

from __future__ import annotations

from datetime import datetime, timedelta

from server import clock
from server.accounts.policy import Viewer
from server.accounts.tables import Person
from server.cases.disclosure import Shown, disclose
from server.cases.tables import Case
from server.teams.tables import Team


async def viewer(email: str, at: datetime | None = None) -> Viewer:
    person = await Person.select(Person.id, Person.name, Person.email, Person.is_site_admin).where(
        Person.email == email).first()
    return Viewer(id=person["id"], name=person["name"], email=person["email"], language="en",
                  is_site_admin=person["is_site_admin"], session_id=0, at=at or clock.now())


async def team(team_id: int) -> dict:
    return await Team.select(Team.id, Team.name, Team.time_zone, Team.kind).where(Team.id == team_id).first()


async def case_id(reference: str) -> int:
    return (await Case.select(Case.id).where(Case.reference == reference).first())["id"]


async def shown(email: str, team_id: int, surface: str = "page", at: datetime | None = None) -> dict[str, Shown]:
    """Reference → what disclose() shows the person now of each of the team's cases they may see
    or manage (the ledger gets its rows, as for a page)."""
    found = await disclose(await viewer(email, at), await team(team_id), None, surface)
    return {case.case["reference"]: case for case in found.values()}


def categories(case: Shown) -> set[str]:
    return {entry["category"] for entry in case.entries}


async def new_case(team_id: int, lead: int, entries: list[tuple[str, int, str]], releases: list[dict],
                   reference: str = "PC-TST1") -> tuple[int, list[int]]:
    """A case with entries (category, source agency, body) and signed releases in force from
    a month ago ({"categories": [...], "discloses": [agency ids], "receives": [agency ids],
    "named": {agency: person}}): the case's id and the releases' ids."""
    from server.cases.tables import CaseEntry, Release, ReleaseParty

    now, today = clock.now(), clock.today_in("America/New_York")
    start = today - timedelta(days=30)
    rows = await Case.insert(Case(team=team_id, lead_agency=lead, reference=reference, created_at=now)).returning(
        Case.id)
    case = rows[0]["id"]
    await CaseEntry.insert(*[
        CaseEntry(case=case, kind="identity" if category == "identity" else "note", category=category,
                  source_agency=source, title=category, body=body, recorded_at=now)
        for category, source, body in entries])
    release_ids = []
    for terms in releases:
        made = await Release.insert(Release(
            case=case, signer_name="Test Signer", signer_authority="client", signed_on=start, identity_check="ID",
            categories=",".join(terms["categories"]), purpose="care_coordination", effective_on=start,
            expires_on=today + timedelta(days=terms.get("days", 90)), states_right_to_revoke=True,
            states_no_conditioning=True, states_redisclosure=True, recorded_at=now, signed_at=now,
        )).returning(Release.id)
        release_id = made[0]["id"]
        release_ids.append(release_id)
        named = terms.get("named", {})
        await ReleaseParty.insert(
            *[ReleaseParty(release=release_id, agency=a, role="discloses") for a in terms["discloses"]],
            *[ReleaseParty(release=release_id, agency=a, role="receives", person=named.get(a))
              for a in terms["receives"]])
    return case, release_ids
