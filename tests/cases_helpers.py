"""Case set-up for tests, written straight to the case tables (as a coordinator's forms would
leave them): a case, its entries, a signed release of information, a revocation (dates count from
the test clock; each returns the new row's id); and what disclose() shows a demo person."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from server import clock
from server.accounts.policy import Viewer
from server.accounts.tables import Person
from server.cases.disclosure import Shown, disclose
from server.cases.tables import Case, CaseEntry, Disclosure, Release, ReleaseParty, Revocation
from server.db import writing
from server.teams.tables import Team

ZONE = "America/New_York"  # the demo teams' zone


def today() -> date:
    return clock.today_in(ZONE)


async def _insert(row) -> int:
    async with writing():
        return (await type(row).insert(row).returning(type(row).id))[0]["id"]


async def make_case(team_id: int, lead_agency: int, reference: str, *, status: str = "open",
                    created_by: int | None = None) -> int:
    return await _insert(Case(team=team_id, lead_agency=lead_agency, reference=reference, status=status,
                              created_by=created_by, created_at=clock.now(), version=1))


async def add_entry(case_id: int, source_agency: int, category: str, *, kind: str = "note", title: str = "",
                    body: str = "", recorded_by: int | None = None, **fields) -> int:
    """Any entry; `fields` for the kind's own columns (client_name, date_of_birth, due_on, status,
    owner_agency, file_name, media_type, size, storage_key, meeting, agenda_item)."""
    return await _insert(CaseEntry(case=case_id, kind=kind, category=category, source_agency=source_agency,
                                   title=title, body=body, recorded_by=recorded_by, recorded_at=clock.now(),
                                   **fields))


async def add_identity(case_id: int, source_agency: int, name: str, born: date | None = None,
                       contact: str = "") -> int:
    return await add_entry(case_id, source_agency, "identity", kind="identity", title=name, body=contact,
                           client_name=name, date_of_birth=born)


async def add_release(case_id: int, *, disclosing: Iterable[int], receiving: Iterable[int],
                      categories: Iterable[str], named: dict[int, Iterable[int]] | None = None,
                      effective_on: date | None = None, expires_on: date | None = None, signed: bool = True,
                      version: int = 1, supersedes: int | None = None) -> int:
    """A release (signed unless told otherwise) from `effective_on` (today by default) until
    `expires_on` (a year on by default), naming who discloses and who receives (`named`: agency →
    the only people there it names)."""
    now = clock.now()
    start = effective_on or today()
    async with writing():
        release_id = (await Release.insert(Release(
            case=case_id, version=version, supersedes=supersedes, signer_name="The client",
            signer_authority="client", signed_on=start, identity_check="Photo ID seen",
            categories=",".join(categories), purpose="care_coordination", effective_on=start,
            expires_on=expires_on or start + timedelta(days=365), states_right_to_revoke=True,
            states_no_conditioning=True, states_redisclosure=True, recorded_at=now,
            signed_at=now if signed else None,
        )).returning(Release.id))[0]["id"]
        parties = [ReleaseParty(release=release_id, agency=agency, role="discloses") for agency in disclosing]
        for agency in receiving:
            people = list((named or {}).get(agency, ()))
            parties += [ReleaseParty(release=release_id, agency=agency, role="receives", person=person)
                        for person in people or [None]]
        await ReleaseParty.insert(*parties)
    return release_id


async def revoke(release_id: int, agency: int | None = None, at: datetime | None = None) -> int:
    """Revokes the whole release (agency None) or one recipient agency, effective `at` (now)."""
    moment = at or clock.now()
    return await _insert(Revocation(release=release_id, agency=agency, effective_at=moment, how="written",
                                    received_by="The coordinator", recorded_at=clock.now()))


async def new_case(team_id: int, lead: int, entries: list[tuple[str, int, str]], releases: list[dict],
                   reference: str = "PC-TST1") -> tuple[int, list[int]]:
    """A case with entries (category, source agency, body) and signed releases in force from a month
    ago ({"categories": [...], "discloses": [agency ids], "receives": [agency ids], "named": {agency:
    person}, "days": how many days on they expire}): the case's id and the releases' ids."""
    case = await make_case(team_id, lead, reference)
    for category, source, body in entries:
        await add_entry(case, source, category, kind="identity" if category == "identity" else "note",
                        title=category, body=body)
    start = today() - timedelta(days=30)
    release_ids = [await add_release(
        case, disclosing=terms["discloses"], receiving=terms["receives"], categories=terms["categories"],
        named={agency: [person] for agency, person in terms.get("named", {}).items()}, effective_on=start,
        expires_on=today() + timedelta(days=terms.get("days", 90))) for terms in releases]
    return case, release_ids


# What a person is shown.


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


# The ledger since a point (the demo county's own history is already in it).


async def ledger_head() -> int:
    """The id of the ledger's last row (0: empty): rows after it are this test's."""
    row = await Disclosure.select(Disclosure.id).order_by(Disclosure.id, ascending=False).first()
    return row["id"] if row else 0


async def ledger_after(head: int, *columns) -> list[dict]:
    return await Disclosure.select(*columns).where(Disclosure.id > head).order_by(Disclosure.id)
