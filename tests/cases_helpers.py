"""Case set-up for tests, written straight to the case tables (as a coordinator's forms would
leave them): a case, its entries, a signed release of information, a revocation. Dates count
from the test clock; every function returns the new row's id."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from server import clock
from server.cases.tables import Case, CaseEntry, Release, ReleaseParty, Revocation
from server.db import writing

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
