"""What the disclosure ledger gives back (CONSENT.md §5): the list of a case's disclosures that a
client may ask for (42 CFR 2.24: those of the past three years) and a person's access report.

Both read the ledger only: they show when, to whom, which categories and on what ground, never an
entry, so they do not go through disclosure.py and leave no ledger row of their own. Each page
costs a fixed number of statements, however long the list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from server.accounts.policy import Viewer
from server.accounts.tables import Person
from server.agencies.tables import Agency
from server.cases import disclosure, policy
from server.cases.tables import Case, Disclosure, Release
from server.config import settings
from server.errors import NotFound
from server.i18n import N_

PAGE_SIZE = 50

SURFACES = {
    "page": N_("Case page"),
    "export": N_("Export"),
    "print": N_("Print view"),
    "live": N_("Live meeting view"),
    "screen": N_("Meeting screen"),
    "agenda": N_("Agenda"),
}
BASES = {
    "own": N_("Own agency's records (access)"),
    "release": N_("Release of information"),
    "emergency": N_("Medical emergency"),
}
NOTICE_NAMES = {"part2": N_("42 CFR Part 2 notice"), "ferpa": N_("FERPA redisclosure notice")}

COLUMNS = (Disclosure.id, Disclosure.at, Disclosure.viewer, Disclosure.viewer_name, Disclosure.viewer_agency,
           Disclosure.case, Disclosure.categories, Disclosure.basis, Disclosure.release, Disclosure.release_version,
           Disclosure.surface, Disclosure.notice, Disclosure.reason, Disclosure.shown_by)


@dataclass(frozen=True)
class Page:
    rows: list[dict]
    number: int
    more: bool  # a further (older) page exists


def _codes(text: str, order: Iterable[str]) -> list[str]:
    """Comma-separated codes, in the vocabulary's order (identity first), unknown ones last."""
    order = list(order)
    return sorted((code for code in text.split(",") if code),
                  key=lambda code: (order.index(code) if code in order else len(order), code))


async def _page(condition, number: int | None) -> Page:
    """The ledger rows meeting `condition`, newest first: a page of them, or all (number None)."""
    query = Disclosure.select(*COLUMNS).where(condition).order_by(Disclosure.id, ascending=False)
    if number is None:
        return Page(await query, 1, False)
    rows = await query.limit(PAGE_SIZE + 1).offset((number - 1) * PAGE_SIZE)
    return Page(rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE)


async def _described(rows: list[dict]) -> None:
    """Each row told in words a person reads: the agency's name, the release's date, who showed it
    (a meeting screen is someone else's): three statements at most, whatever the number of rows."""
    agency_ids = {row["viewer_agency"] for row in rows if row["viewer_agency"] is not None}
    release_ids = {row["release"] for row in rows if row["release"] is not None}
    shown_by = {row["shown_by"] for row in rows if row["shown_by"] != row["viewer"]}
    agencies = {a["id"]: a for a in await Agency.select(Agency.id, Agency.name, Agency.short_name).where(
        Agency.id.is_in(sorted(agency_ids)))} if agency_ids else {}
    releases = {r["id"]: r for r in await Release.select(Release.id, Release.signed_on).where(
        Release.id.is_in(sorted(release_ids)))} if release_ids else {}
    people = {p["id"]: p["name"] for p in await Person.select(Person.id, Person.name).where(
        Person.id.is_in(sorted(shown_by)))} if shown_by else {}
    for row in rows:
        row["agency"] = agencies.get(row["viewer_agency"])
        row["release_signed_on"] = releases.get(row["release"], {}).get("signed_on")
        row["shown_by_name"] = people.get(row["shown_by"], "") if row["shown_by"] != row["viewer"] else ""
        row["category_codes"] = _codes(row["categories"], policy.CATEGORIES)
        row["notice_codes"] = _codes(row["notice"], NOTICE_NAMES)


# The case's disclosures, for the client who asks.


@dataclass(frozen=True)
class CaseDisclosures:
    case: dict
    team: dict
    page: Page
    since: datetime  # the first instant the list covers


async def _managed_case(viewer: Viewer, case_id: int) -> tuple[dict, dict]:
    """The case and its team, for those who manage it (a coordinator on the team, a member of its
    lead agency); NotFound for everyone else, as for a case that does not exist."""
    row = await Case.select(Case.id, Case.reference, Case.lead_agency, Case.team.id, Case.team.name,
                            Case.team.time_zone).where(Case.id == case_id).first()
    if row is None:
        raise NotFound()
    team = {"id": row["team.id"], "name": row["team.name"], "time_zone": row["team.time_zone"]}
    reader, standing, _ = (await disclosure.readers(team, [viewer.id], viewer.at))[viewer.id]
    if not policy.may_manage_case(standing.roles, reader, row["lead_agency"]):
        raise NotFound()
    return {"id": row["id"], "reference": row["reference"], "lead_agency": row["lead_agency"]}, team


async def case_disclosures(viewer: Viewer, case_id: int, page: int | None = 1) -> CaseDisclosures:
    """The case's disclosures to other agencies in the past three years, newest first (a page of
    them; all of them for the printed list, `page` None). Views by an agency of its own records
    are access, not disclosure, and are left out."""
    case, team = await _managed_case(viewer, case_id)
    since = policy.disclosure_list_since(viewer.at)
    found = await _page((Disclosure.case == case_id) & Disclosure.basis.is_in(sorted(policy.DISCLOSURE_BASES))
                        & (Disclosure.at >= since), page)
    await _described(found.rows)
    return CaseDisclosures(case, team, found, since)


# A person's access report: every time they were shown case entries.


@dataclass(frozen=True)
class AccessReport:
    person: dict
    page: Page


async def access_report(viewer: Viewer, person_id: int, page: int = 1) -> AccessReport:
    """Every ledger row where the person was shown case entries (their own agency's records, a
    release's, an emergency's), newest first, with the case's reference and team only."""
    if not policy.may_see_access_report(viewer.id, viewer.is_site_admin, person_id):
        raise NotFound()
    person = await Person.select(Person.id, Person.name, Person.active).where(Person.id == person_id).first()
    if person is None:
        raise NotFound()
    found = await _page(Disclosure.viewer == person_id, page)
    await _described(found.rows)
    await _with_cases(found.rows)
    return AccessReport(person, found)


async def _with_cases(rows: Iterable[dict]) -> None:
    """Each row's case reference and team (one statement). The ledger keeps ids, not keys: a row
    whose case is gone still shows, without a reference."""
    rows = list(rows)
    case_ids = sorted({row["case"] for row in rows})
    cases = {c["id"]: c for c in await Case.select(
        Case.id, Case.reference, Case.team.id, Case.team.name, Case.team.time_zone).where(
        Case.id.is_in(case_ids))} if case_ids else {}
    for row in rows:
        found = cases.get(row["case"], {})
        row["reference"] = found.get("reference", "")
        row["team_id"] = found.get("team.id")
        row["team_name"] = found.get("team.name", "")
        row["zone"] = found.get("team.time_zone") or settings.time_zone
