"""The coordinator's consent dashboard (issue 9, Build 2 and 7): releases in force that expire
within 30 days; for each meeting of the next 60 days, the case-review items whose releases leave
an agency on the roster uncovered, and for what; and the emergency declarations of the last 30
days. For the people who manage cases: a coordinator on the team sees every case, a member of a
lead agency their agency's cases. A fixed number of statements, whatever the numbers of cases,
releases, meetings and people.

Nothing here is a case entry: the dashboard names categories present on a case (its managers
may know that), never what an entry says, and so writes no ledger row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from server.accounts.policy import Viewer
from server.cases import disclosure, policy
from server.cases import release_rules as rules
from server.cases.policy import Reader
from server.cases.tables import Case, CaseReview, Emergency
from server.errors import Forbidden
from server.teams import membership
from server.teams.access import TeamAccess, team_access
from server.teams.policy import Standing

MAX_EMERGENCIES = 100


@dataclass(frozen=True)
class DashboardAccess:
    team: TeamAccess
    reader: Reader
    lead_agency: int | None  # None: every case of the team (a coordinator); else only this agency's

    @property
    def today(self) -> date:
        return self.team.today


def _scope(condition, lead_agency: int | None, column):
    return condition if lead_agency is None else condition & (column == lead_agency)


async def dashboard_access(viewer: Viewer, team_id: int) -> DashboardAccess:
    """A coordinator on the team, or a member of an agency that leads a case of it. NotFound for
    anyone not on the team; Forbidden for the rest of it."""
    found = await team_access(viewer, team_id, lambda v, standing: bool(standing.roles))
    reader = (await disclosure.readers(found.team, [viewer.id], viewer.at))[viewer.id][0]
    if policy.may_read_cases(reader) and "coordinator" in found.roles:
        return DashboardAccess(found, reader, None)
    if policy.may_read_cases(reader) and reader.agency_id is not None and await Case.exists().where(
            (Case.team == team_id) & (Case.lead_agency == reader.agency_id)):
        return DashboardAccess(found, reader, reader.agency_id)
    raise Forbidden()


async def consent_dashboard(access: DashboardAccess) -> dict:
    team = access.team.team
    now = access.team.viewer.at
    cases = await Case.select(Case.id, Case.reference, Case.lead_agency, Case.lead_agency.short_name,
                              Case.lead_agency.name, Case.status).where(
        _scope(Case.team == team["id"], access.lead_agency, Case.lead_agency)).order_by(Case.reference)
    by_id = {case["id"]: case for case in cases}
    open_ids = [case["id"] for case in cases if case["status"] == "open"]
    terms = await disclosure.release_terms(open_ids, team["time_zone"])
    expiring = sorted((
        {"case": by_id[case_id], "release": release,
         "expires_on": rules.expiry_day(release.expires_at, team["time_zone"])}
        for case_id, releases in terms.items() for release in releases if policy.expiring_soon(release, now)),
        key=lambda row: (row["release"].expires_at, row["case"]["reference"]))

    reviews = await CaseReview.select(
        CaseReview.case, CaseReview.agenda_item, CaseReview.agenda_item.meeting.id.as_alias("meeting_id"),
        CaseReview.agenda_item.meeting.title.as_alias("meeting_title"),
        CaseReview.agenda_item.meeting.starts_at.as_alias("starts_at"),
    ).where(
        CaseReview.case.is_in(open_ids or [0]) & (CaseReview.agenda_item.meeting.team == team["id"])
        & (CaseReview.agenda_item.meeting.status == "scheduled")
        & (CaseReview.agenda_item.meeting.live_status != "ended")
        & (CaseReview.agenda_item.meeting.ends_at > now)
        & (CaseReview.agenda_item.meeting.starts_at < now + rules.UPCOMING)
    ).order_by(CaseReview.agenda_item.meeting.starts_at).order_by(CaseReview.agenda_item.position)
    meetings = await _coverage(access, reviews, by_id, terms)

    emergencies = await Emergency.select(
        Emergency.id, Emergency.declared_at, Emergency.ends_at, Emergency.reason, Emergency.person.name,
        Emergency.agency.name, Emergency.case.reference, Emergency.case.id,
    ).where(_scope((Emergency.case.team == team["id"]) & (Emergency.declared_at >= now - rules.RECENT_EMERGENCIES),
                   access.lead_agency, Emergency.case.lead_agency)
            ).order_by(Emergency.declared_at, ascending=False).limit(MAX_EMERGENCIES)
    return {"team": team, "expiring": expiring, "meetings": meetings, "emergencies": emergencies,
            "all_cases": access.lead_agency is None, "now": now}


async def _coverage(access: DashboardAccess, reviews: list[dict], cases: dict[int, dict],
                    terms: dict[int, list]) -> list[dict]:
    """Meetings (in order) with their case-review items, each with the roster's agencies it leaves
    uncovered and for which categories present on the case (from other agencies' records). An
    agency is covered for a category when every person seated for it may see every such entry."""
    if not reviews:
        return []
    team = access.team.team
    now = access.team.viewer.at
    seats = await membership.seated(team, access.today, without_guests=True)
    people = sorted({seat["id"] for seat in seats})
    found = await disclosure.readers(team, people, now)
    entries = await disclosure.entry_facts(sorted({review["case"] for review in reviews}))
    agencies: dict[int, dict] = {}
    seated_for: dict[int, set[int]] = defaultdict(set)
    for seat in seats:
        agencies[seat["agency_id"]] = {"id": seat["agency_id"], "name": seat["agency_name"],
                                       "short_name": seat["agency_short"]}
        seated_for[seat["agency_id"]].add(seat["id"])
    gaps_of_case: dict[int, list[dict]] = {}
    for case_id, case_entries in entries.items():
        decided = {person: policy.decide_all(found[person][0], case_entries, terms.get(case_id, ()), now)
                   for person in people}
        gaps = []
        for agency_id in sorted(agencies, key=lambda a: agencies[a]["name"].lower()):
            others = [entry for entry in case_entries if entry.source_agency != agency_id]
            missing = {entry.category for entry in others
                       if any(entry.id not in decided[person] for person in seated_for[agency_id])}
            if missing:
                gaps.append({"agency": agencies[agency_id],
                             "categories": [code for code in policy.CATEGORIES if code in missing]})
        gaps_of_case[case_id] = gaps
    meetings: dict[int, dict] = {}
    for review in reviews:
        gaps = gaps_of_case.get(review["case"], [])
        if not gaps:
            continue
        meeting = meetings.setdefault(review["meeting_id"], {
            "id": review["meeting_id"], "title": review["meeting_title"], "starts_at": review["starts_at"],
            "items": []})
        meeting["items"].append({"case": cases[review["case"]], "agenda_item": review["agenda_item"], "gaps": gaps})
    return list(meetings.values())


# The home page's notice (there is no email yet): emergencies on cases the viewer manages.


async def emergency_notices(viewer: Viewer, standings: dict[int, Standing], teams: list[dict]) -> list[dict]:
    """Per case-review team of `teams` (rows with id and kind), the emergencies declared in the last
    7 days on cases the viewer manages there (a coordinator: every case of the team; a member of a
    lead agency: that agency's): team id, how many, the latest. No case detail. One statement;
    none for someone on no case-review team."""
    reviewing = {team["id"] for team in teams if policy.reviews_cases(team["kind"])}
    standings = {team: standing for team, standing in standings.items() if team in reviewing}
    coordinating = {team for team, standing in standings.items() if "coordinator" in standing.roles}
    leading = {team: standing.agency_id for team, standing in standings.items()
               if standing.is_member and standing.agency_id is not None
               and standing.agency_id == viewer.primary_agency_id and team not in coordinating}
    teams = sorted(coordinating | set(leading))
    if not teams:
        return []
    rows = await Emergency.select(Emergency.declared_at, Emergency.case.team.as_alias("team"),
                                  Emergency.case.lead_agency.as_alias("lead_agency")).where(
        Emergency.case.team.is_in(teams) & (Emergency.declared_at >= viewer.at - rules.EMERGENCY_NOTICE)
    ).order_by(Emergency.declared_at, ascending=False)
    notices: dict[int, dict] = {}
    for row in rows:
        if row["team"] in coordinating or leading.get(row["team"]) == row["lead_agency"]:
            notice = notices.setdefault(row["team"], {"team": row["team"], "count": 0, "latest": row["declared_at"]})
            notice["count"] += 1
    return list(notices.values())

