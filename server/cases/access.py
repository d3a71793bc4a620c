"""May this viewer see a team's cases, or this case, at all: the team (or the case, its team) and
the viewer's standing and reader there, loaded once. What the viewer may see OF a case is the
decision's alone (disclosure.py); missing and forbidden answer alike (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from server import clock
from server.accounts.policy import Viewer
from server.agencies.tables import Agency
from server.cases import disclosure, policy
from server.cases.policy import Reader
from server.cases.tables import Case
from server.db import writing
from server.errors import Forbidden, NotFound
from server.teams import membership
from server.teams.access import team_access
from server.teams.policy import Standing


@dataclass(frozen=True)
class CasesAccess:
    """A case-review team, for one of its members."""

    viewer: Viewer
    team: dict
    standing: Standing
    reader: Reader
    agency_sector: str | None = None  # the sector of the agency the viewer sits for

    @property
    def may_declare_emergency(self) -> bool:
        return policy.may_declare_emergency(self.reader, self.agency_sector)

    @property
    def today(self) -> date:
        return clock.day_in(self.viewer.at, self.team["time_zone"])

    @property
    def may_create(self) -> bool:
        return policy.may_create_case(self.standing.roles, self.reader)

    @property
    def may_choose_lead(self) -> bool:
        """A coordinator opens a case for any agency at the table; a member for their own."""
        return "coordinator" in self.standing.roles and policy.may_read_cases(self.reader)

    async def confirm(self) -> CasesAccess:
        """Inside a write: the team and the viewer's standing read again in its transaction."""
        return await cases_access(self.viewer, self.team["id"])


async def cases_access(viewer: Viewer, team_id: int) -> CasesAccess:
    """The team's cases, for an active member of a team that reviews cases; NotFound for anyone
    else (guests, people not on it, the site admin as such) and for any other team."""
    found = await team_access(viewer, team_id)
    if not policy.reviews_cases(found.team["kind"]) or not found.standing.is_member:
        raise NotFound()
    reader = (await disclosure.readers(found.team, [viewer.id], viewer.at))[viewer.id][0]
    if not policy.may_read_cases(reader):
        raise NotFound()
    sector = await Agency.select(Agency.sector).where(Agency.id == reader.agency_id).first() \
        if reader.agency_id is not None else None
    return CasesAccess(viewer, found.team, found.standing, reader, sector["sector"] if sector else None)


@dataclass(frozen=True)
class CaseAccess:
    """A case the viewer may read or manage, with nothing of its entries read (so nothing in the
    ledger): enough to write to it, or to check before reading it. `managing`: asked for by
    someone who must manage it (releases)."""

    viewer: Viewer
    case: dict
    team: dict
    standing: Standing
    reader: Reader
    managing: bool = False

    @property
    def today(self) -> date:
        return clock.day_in(self.viewer.at, self.team["time_zone"])

    @property
    def may_add_entries(self) -> bool:
        return policy.may_add_entries(self.reader)

    async def confirm(self) -> CaseAccess:
        """Inside a write: the case and the viewer's right read again, in the write's transaction."""
        return await case_access(self.viewer, self.case["id"], manage=self.managing)


async def case_access(viewer: Viewer, case_id: int, *, manage: bool = False) -> CaseAccess:
    """NotFound unless the case exists and the viewer may now see one of its entries or manage it
    (as for a missing case); with `manage`, Forbidden for one who may read it but not manage it."""
    async with writing():  # the decision's read may write (the ledger), though nothing is shown here
        found = await membership.with_standing(Case, case_id, viewer.id, viewer.at, disclosure.CASE_FIELDS)
        if found is None:
            raise NotFound()
        case, team, standing, _ = found
        reader = (await disclosure.readers(team, [viewer.id], viewer.at))[viewer.id][0]
        if policy.may_manage_case(standing.roles, reader, case["lead_agency"]):
            return CaseAccess(viewer, case, team, standing, reader, manage)
        # Asked for no entry: nothing is shown, nothing enters the ledger; the case comes back only
        # if the viewer may see something of it.
        if case_id not in await disclosure.disclose(viewer, team, [case_id], "page", kinds=frozenset()):
            raise NotFound()
        if manage:
            raise Forbidden()
        return CaseAccess(viewer, case, team, standing, reader, manage)
