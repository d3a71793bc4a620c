"""The only reader of case tables for showing anything (CONSENT.md §3–5).

Every function here runs in one write transaction: it takes the viewer's standing at the
request's instant from teams/membership.py, reads the cases' releases, asks the decision
(cases/policy.py) for each entry, writes the ledger rows for what will be shown, and returns only
that. A case the viewer may neither read nor manage is missing to them (NotFound), exactly as one
that does not exist. Agendas, minutes, the live view, exports, search and reports call here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from server.accounts.policy import Viewer
from server.accounts.tables import Person
from server.cases import ledger, policy
from server.cases.policy import Basis, Entry, Grant, Reader, ReleaseTerms, Revoked
from server.cases.tables import Case, CaseEntry, Emergency, Release, ReleaseParty, Revocation
from server.db import lock_key, writing
from server.errors import NotFound
from server.teams import membership
from server.teams.policy import NO_STANDING, Standing

CASE_FIELDS = ("id", "team", "lead_agency", "reference", "status", "created_at", "version")


def team_cases_lock(team_id: int) -> str:
    """The lock that what changes a release's grant and every disclosure of the team's cases take
    (PostgreSQL; SQLite's write lock already serialises them)."""
    return f"team-cases:{team_id}"


def reader_for(person: dict | None, person_id: int, standing: Standing) -> Reader:
    """The decision's reader: active and a member of the team, speaking for the agency of their
    seat only when that is the agency they work for now (a move to another agency ends it)."""
    if person is None:
        return Reader(person_id, False, False, None)
    agency = standing.agency_id if standing.agency_id is not None and standing.agency_id == person["agency"] else None
    return Reader(person_id, bool(person["active"]), standing.is_member, agency)


async def readers(team: dict, person_ids: list[int], at: datetime) -> dict[int, tuple[Reader, Standing, str]]:
    """Person id → (reader, standing on the team, name) at `at`, for everyone asked: three statements."""
    standings = await membership.standings_on_team(team, person_ids, at)
    people = await Person.select(Person.id, Person.active, Person.name).where(Person.id.is_in(person_ids or [0]))
    agencies = await membership.primary_agencies(person_ids, at)
    found = {person["id"]: {**person, "agency": agencies.get(person["id"])} for person in people}
    return {person_id: (reader_for(found.get(person_id), person_id, standings.get(person_id, NO_STANDING)),
                        standings.get(person_id, NO_STANDING), found[person_id]["name"] if person_id in found else "")
            for person_id in person_ids}


# Releases as the decision reads them.


async def release_terms(case_ids: list[int], time_zone: str) -> dict[int, list[ReleaseTerms]]:
    """Case id → its releases (every version), with parties and revocations: three statements."""
    if not case_ids:
        return {}
    releases = await Release.select(
        Release.id, Release.case, Release.version, Release.signed_at, Release.superseded_at, Release.categories,
        Release.effective_on, Release.expires_on, Release.event_recorded_at,
    ).where(Release.case.is_in(case_ids))
    ids = [r["id"] for r in releases] or [0]
    parties = await ReleaseParty.select(ReleaseParty.release, ReleaseParty.agency, ReleaseParty.role,
                                        ReleaseParty.person).where(ReleaseParty.release.is_in(ids))
    revocations = await Revocation.select(Revocation.release, Revocation.agency, Revocation.effective_at).where(
        Revocation.release.is_in(ids))
    disclosing, recipients, named = defaultdict(set), defaultdict(set), defaultdict(lambda: defaultdict(set))
    for party in parties:
        if party["role"] == "discloses":
            disclosing[party["release"]].add(party["agency"])
        else:
            recipients[party["release"]].add(party["agency"])
            if party["person"] is not None:
                named[party["release"]][party["agency"]].add(party["person"])
    revoked = defaultdict(list)
    for row in revocations:
        revoked[row["release"]].append(Revoked(row["effective_at"], row["agency"]))
    terms: dict[int, list[ReleaseTerms]] = {case_id: [] for case_id in case_ids}
    for r in releases:
        start, end = policy.window(r["effective_on"], r["expires_on"], time_zone)
        terms[r["case"]].append(ReleaseTerms(
            id=r["id"], version=r["version"], signed=r["signed_at"] is not None,
            superseded=r["superseded_at"] is not None, effective_at=start, expires_at=end,
            event_recorded_at=r["event_recorded_at"], disclosing=frozenset(disclosing[r["id"]]),
            recipients=frozenset(recipients[r["id"]]),
            named={agency: frozenset(people) for agency, people in named[r["id"]].items()},
            categories=frozenset(c for c in r["categories"].split(",") if c), revocations=tuple(revoked[r["id"]]),
        ))
    return terms


async def _grants(case_ids: list[int], person_ids: list[int], at: datetime) -> dict[tuple[int, int], list[Grant]]:
    """(person, case) → the emergencies they declared that have not ended at `at`."""
    rows = await Emergency.select(Emergency.id, Emergency.case, Emergency.person, Emergency.declared_at,
                                  Emergency.ends_at, Emergency.reason).where(
        Emergency.case.is_in(case_ids or [0]) & Emergency.person.is_in(person_ids or [0]) & (Emergency.ends_at > at))
    grants: dict[tuple[int, int], list[Grant]] = defaultdict(list)
    for row in rows:
        grants[row["person"], row["case"]].append(
            Grant(row["id"], row["person"], row["declared_at"], row["ends_at"], row["reason"]))
    return grants


# The ledger rows for what is shown.


def ledger_rows(viewer: Viewer, reader: Reader, person_id: int, person_name: str, case_id: int,
                shown: Iterable[tuple[dict, Basis]], surface: str) -> list[dict]:
    """One row per ground of disclosure (own records, each release, an emergency) of one case."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    bases: dict[tuple, Basis] = {}
    for entry, basis in shown:
        key = (basis.kind, basis.release.id if basis.release else None, basis.grant.id if basis.grant else None)
        groups[key].append(entry)
        bases[key] = basis
    rows = []
    for key, entries in groups.items():
        basis = bases[key]
        categories = sorted({e["category"] for e in entries})
        rows.append({
            "at": viewer.at, "viewer": person_id, "viewer_name": person_name, "viewer_agency": reader.agency_id,
            "case": case_id, "entries": ",".join(str(e["id"]) for e in sorted(entries, key=lambda e: e["id"])),
            "categories": ",".join(categories), "basis": basis.kind,
            "release": basis.release.id if basis.release else None,
            "release_version": basis.release.version if basis.release else None,
            "surface": surface, "notice": ",".join(policy.notices(categories)),
            "reason": basis.grant.reason if basis.grant else "",
            "shown_by": viewer.id,
        })
    return rows


# What the viewer (or everyone in a room) may see of some cases of one team.


@dataclass(frozen=True)
class Shown:
    """One case as it may be shown: the case row, the permitted entries (each with "basis"), whether
    some entry was withheld (never how many), and whether the viewer manages the case."""

    case: dict
    entries: list[dict]
    withheld: bool
    may_manage: bool
    reader: Reader | None = None  # the viewer, as the decision saw them
    terms: tuple[ReleaseTerms, ...] = ()  # the case's releases as the decision read them

    @property
    def readable(self) -> bool:
        return bool(self.entries)

    @property
    def notices(self) -> list[str]:
        return policy.notices(e["category"] for e in self.entries)

    @property
    def client_name(self) -> str | None:
        """The client's name, when an identity entry is shown."""
        return next((e["client_name"] for e in self.entries if e["kind"] == "identity" and e.get("client_name")),
                    None)


ENTRY_COLUMNS = (
    CaseEntry.id, CaseEntry.case, CaseEntry.kind, CaseEntry.category, CaseEntry.source_agency,
    CaseEntry.source_agency.name, CaseEntry.source_agency.short_name, CaseEntry.title, CaseEntry.body,
    CaseEntry.client_name, CaseEntry.date_of_birth, CaseEntry.due_on, CaseEntry.status, CaseEntry.owner_agency,
    CaseEntry.owner_agency.name, CaseEntry.file_name, CaseEntry.media_type, CaseEntry.size, CaseEntry.meeting,
    CaseEntry.agenda_item, CaseEntry.recorded_by.name, CaseEntry.recorded_at,
)
ENTRY_ORDER = ("identity", "summary", "need", "service", "plan_item", "action", "review_note", "note", "attachment")


def _entry_order(entry: dict) -> tuple:
    return ENTRY_ORDER.index(entry["kind"]) if entry["kind"] in ENTRY_ORDER else 99, entry["recorded_at"], entry["id"]


async def disclose(viewer: Viewer, team: dict, case_ids: list[int] | None, surface: str, *,
                   kinds: frozenset[str] | None = None, entry_id: int | None = None, with_storage: bool = False,
                   audience: list[int] | None = None,
                   keep: Callable[[dict, list[dict]], bool] | None = None) -> dict[int, Shown]:
    """THE read of case entries for showing. The team's cases (all of them, or `case_ids`) as they
    may be shown now to the viewer, or to every person of `audience` at once (a room: an entry is
    shown only when each of them may see it). Only entries of `kinds` are returned (all when None),
    though any permitted entry makes a case readable. The ledger gets a row per person and ground.
    Cases the viewer may neither read nor manage are left out, and so are those `keep` (a case and
    the entries that would be shown of it) turns down, with nothing of them recorded: a search
    matches within what the viewer may see and records only what it shows. Runs in one write
    transaction."""
    async with writing():
        await lock_key(team_cases_lock(team["id"]))  # a release's change commits wholly before or after
        condition = Case.team == team["id"]
        if case_ids is not None:
            condition &= Case.id.is_in(case_ids or [0])
        cases = await Case.select(*(getattr(Case, name) for name in CASE_FIELDS)).where(condition).order_by(
            Case.reference)
        if not cases:
            return {}
        ids = [case["id"] for case in cases]
        people = sorted({viewer.id, *(audience or ())})  # whoever is shown it; the viewer always is
        found_readers = await readers(team, people, viewer.at)
        terms = await release_terms(ids, team["time_zone"])
        entry_condition = CaseEntry.case.is_in(ids)
        if entry_id is not None:
            entry_condition &= CaseEntry.id == entry_id
        projections = await CaseEntry.select(CaseEntry.id, CaseEntry.case, CaseEntry.kind, CaseEntry.category,
                                             CaseEntry.source_agency).where(entry_condition)
        by_case: dict[int, list[dict]] = defaultdict(list)
        for row in projections:
            by_case[row["case"]].append(row)
        grants = await _grants(ids, people, viewer.at)
        decided: dict[int, dict[int, dict[int, Basis]]] = {}  # person → case → entry → basis
        for person in people:
            reader = found_readers[person][0]
            decided[person] = {
                case_id: policy.decide_all(reader, [Entry(r["id"], r["source_agency"], r["category"])
                                                    for r in by_case[case_id]], terms[case_id], viewer.at,
                                           grants.get((person, case_id), ()))
                for case_id in ids}
        viewer_reader, viewer_standing, viewer_name = found_readers[viewer.id]
        permitted = {case_id: {r["id"] for r in by_case[case_id] if all(r["id"] in decided[p][case_id] for p in people)}
                     for case_id in ids}
        kind_of = {row["id"]: row["kind"] for row in projections}
        wanted = {entry for case_id in ids for entry in permitted[case_id] if kinds is None or kind_of[entry] in kinds}
        columns = ENTRY_COLUMNS + ((CaseEntry.storage_key,) if with_storage else ())
        details = await CaseEntry.select(*columns).where(CaseEntry.id.is_in(sorted(wanted))) if wanted else []
        shown_rows: dict[int, list[dict]] = defaultdict(list)
        for row in details:
            shown_rows[row["case"]].append(row)
        result: dict[int, Shown] = {}
        ledger_rows_all: list[dict] = []
        for case in cases:
            case_id = case["id"]
            may_manage = policy.may_manage_case(viewer_standing.roles, viewer_reader, case["lead_agency"])
            if not permitted[case_id] and not may_manage:
                continue
            entries = sorted(shown_rows[case_id], key=_entry_order)
            if keep is not None and not keep(case, entries):
                continue
            for person in people:
                reader, _, name = found_readers[person]
                ledger_rows_all += ledger_rows(viewer, reader, person, name, case_id,
                                               ((e, decided[person][case_id][e["id"]]) for e in entries), surface)
            for entry in entries:
                entry["basis"] = decided[viewer.id][case_id][entry["id"]].kind
            result[case_id] = Shown(case, entries, len(permitted[case_id]) < len(by_case[case_id]), may_manage,
                                    viewer_reader, tuple(terms[case_id]))
        await ledger.append(ledger_rows_all)
        return result


# One case, as one viewer may see it.


@dataclass(frozen=True)
class CaseView:
    shown: Shown
    team: dict
    standing: Standing
    reader: Reader
    releases: list[dict] = field(default_factory=list)  # for those who manage the case
    terms: list[ReleaseTerms] = field(default_factory=list)
    at: datetime | None = None  # the instant it was decided at

    @property
    def case(self) -> dict:
        return self.shown.case


async def read_case(viewer: Viewer, case_id: int, surface: str = "page", *, entry_id: int | None = None,
                    with_storage: bool = False) -> CaseView:
    """The case and what the viewer may see of it now, with the ledger written. NotFound when the
    viewer may neither see an entry of it nor manage it (or, with `entry_id`, may not see that
    entry): as for a case that does not exist."""
    async with writing():
        found = await membership.with_standing(Case, case_id, viewer.id, viewer.at, ("id",))
        if found is None:
            raise NotFound()
        _, team, standing, _ = found
        shown = (await disclose(viewer, team, [case_id], surface, entry_id=entry_id, with_storage=with_storage)
                 ).get(case_id)
        if shown is None or (entry_id is not None and not shown.entries):
            raise NotFound()
        terms = list(shown.terms) if shown.may_manage else []
        releases = await _release_rows(case_id) if shown.may_manage else []
        return CaseView(shown, team, standing, shown.reader, releases, terms, viewer.at)


async def _release_rows(case_id: int) -> list[dict]:
    """The case's releases as the people who manage them see them, newest first."""
    return await Release.select(
        *Release.all_columns(exclude=[Release.document_key]), Release.recorded_by.name,
    ).where(Release.case == case_id).order_by(Release.id, ascending=False)


# What a case holds, for its managers' coverage questions (nothing here is shown).


async def entry_facts(case_ids: list[int]) -> dict[int, list[Entry]]:
    """Case id → its entries as the decision reads them (id, source agency, category), never their
    content: for the consent dashboard's "who is not covered for what". One statement."""
    rows = await CaseEntry.select(CaseEntry.id, CaseEntry.case, CaseEntry.source_agency, CaseEntry.category).where(
        CaseEntry.case.is_in(case_ids or [0]))
    found: dict[int, list[Entry]] = {case_id: [] for case_id in case_ids}
    for row in rows:
        found[row["case"]].append(Entry(row["id"], row["source_agency"], row["category"]))
    return found
# Deciding without showing: the room check, and whether a shown meeting screen is still right.


async def decided(team: dict, case_id: int, person_ids: list[int], at: datetime
                  ) -> tuple[frozenset[int], dict[int, frozenset[int]]]:
    """The case's entry ids, and for each person the ids they may see at `at`, decided exactly as
    disclose() decides. Nothing is shown, so nothing goes into the ledger: callers show no entry
    from this, only who is not covered (names and agencies) or whether a screen must be redrawn."""
    if not await Case.exists().where((Case.id == case_id) & (Case.team == team["id"])):
        return frozenset(), {person: frozenset() for person in person_ids}
    found = await readers(team, person_ids, at) if person_ids else {}
    terms = (await release_terms([case_id], team["time_zone"]))[case_id]
    entries = (await entry_facts([case_id]))[case_id]
    grants = await _grants([case_id], person_ids, at) if person_ids else {}
    return frozenset(e.id for e in entries), {
        person: frozenset(policy.decide_all(found[person][0], entries, terms, at, grants.get((person, case_id), ())))
        for person in person_ids}
