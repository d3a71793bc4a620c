"""Cases, entries and releases for tests, inserted as rows (tests may import the case tables; the
app reads them only through server/cases/). Dates come from the test clock."""

from __future__ import annotations

from datetime import time, timedelta

from server.cases.tables import CaseEntry, CaseReview
from tests import cases_helpers

ZONE = "America/New_York"


async def new_case(team_id: int, lead_agency: int, reference: str, created_by: int | None = None) -> int:
    return await cases_helpers.make_case(team_id, lead_agency, reference, created_by=created_by)


async def entry(case_id: int, source_agency: int, category: str, body: str, *, kind: str = "note",
                client_name: str = "", title: str = "") -> int:
    return await cases_helpers.add_entry(case_id, source_agency, category, kind=kind, title=title, body=body,
                                         client_name=client_name)


async def release(case_id: int, disclosing: list[int], receiving: list[int], categories: list[str], *,
                  recorded_by: int | None = None, expires_in_days: int | None = 180) -> int:
    """A signed release in force from yesterday (on the team's calendar) for `expires_in_days`."""
    today = cases_helpers.today()
    return await cases_helpers.add_release(
        case_id, disclosing=disclosing, receiving=receiving, categories=categories,
        effective_on=today - timedelta(days=1),
        expires_on=today + timedelta(days=expires_in_days if expires_in_days is not None else 365))


async def revoke(release_id: int, agency: int | None = None, recorded_by: int | None = None) -> None:
    """Revoked now: the whole release, or for one recipient agency."""
    await cases_helpers.revoke(release_id, agency)


async def reviewed_case(item_id: int) -> int | None:
    found = await CaseReview.select(CaseReview.case).where(CaseReview.agenda_item == item_id).first()
    return found["case"] if found else None


async def entries_of(case_id: int, kind: str | None = None) -> list[dict]:
    condition = CaseEntry.case == case_id
    if kind is not None:
        condition &= CaseEntry.kind == kind
    return await CaseEntry.select().where(condition).order_by(CaseEntry.id)


# The Perinatal Cluster's case used across the meeting tests: whom its release covers.

CLUSTER = "Perinatal Cluster"
CLIENT = "Marisol Canary-Vega"  # an identity entry's name: found on a page only where it may be
SUD_NOTE = "Canary: buprenorphine since March, screens negative"
HOUSING_NOTE = "Canary: housing application filed with the county"
COORDINATION_NOTE = "Canary: prenatal visits twice a month"
# Covered (the release receives their agency): MCHD (the coordinator), CPS (Tamara Nguyen), MMC.
# Not covered: HRS (Jordan Ellis: their own SUD entry only), MCAP (Derek Shaw: their own housing
# entry only), HMG (Olivia Grant), FSA (Rosa Delgado), MVCHC, MHAS.
COVERED = ("MCHD", "CPS", "MMC")


async def cluster_case(demo, reference: str = "PC-7T3K", *, client: str = CLIENT) -> tuple[int, int]:
    """A case of the Perinatal Cluster, led by the health department, with an identity, a care
    coordination, an SUD (Part 2) and a housing entry, and one release covering COVERED for all
    four categories: (case, release)."""
    agencies = demo.agencies
    team_id = demo.team(CLUSTER)
    case_id = await new_case(team_id, agencies["MCHD"], reference)
    await entry(case_id, agencies["MCHD"], "identity", "Born in the spring of 1998; lives on Elm Street",
                kind="identity", client_name=client)
    await entry(case_id, agencies["MCHD"], "coordination", COORDINATION_NOTE, kind="plan_item")
    await entry(case_id, agencies["HRS"], "sud", SUD_NOTE, kind="service")
    await entry(case_id, agencies["MCAP"], "housing", HOUSING_NOTE, kind="need")
    release_id = await release(case_id, [agencies["MCHD"], agencies["HRS"], agencies["MCAP"]],
                               [agencies[a] for a in COVERED], ["identity", "coordination", "sud", "housing"])
    return case_id, release_id


# A meeting of the Perinatal Cluster that reviews cases, run by its coordinator.


async def review_meeting(demo, case_ids: list[int | None], *, published: bool = True,
                         weeks_ahead: int = 6) -> tuple[int, list[int]]:
    """A Perinatal Cluster meeting some weeks ahead (six by default): a welcome item, then a case-review item for
    each case (None: the case is not chosen yet), added through the agenda's use case as the
    coordinator: (meeting, [welcome item, case-review items...])."""
    from server.meetings import agenda, scheduling
    from server.meetings.policy import MeetingInput
    from server.meetings.tables import AgendaItem, TemplateItem
    from tests.conftest import COORDINATOR
    from tests.meetings_helpers import add_item, days_from_today, on_meeting, on_team

    lead = await on_team(demo, COORDINATOR, demo.team(CLUSTER))
    await TemplateItem.delete().where(TemplateItem.team == lead.team["id"])
    meeting_id = await scheduling.create_meeting(lead, MeetingInput(
        "Perinatal Cluster case reviews", days_from_today(7 * weeks_ahead), time(12, 0), 90, "Room 2", "", ""), None)
    access = await on_meeting(demo, COORDINATOR, meeting_id)
    items = [await add_item(access, "standing", "Welcome and confidentiality reminder", 5)]
    for case_id in case_ids:
        problems = await agenda.add_item(access, {
            "kind": "case_review", "title": "Case review", "planned_minutes": "20",
            "case_id": str(case_id) if case_id else ""})
        assert not problems, problems
        row = await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meeting_id).order_by(
            AgendaItem.id, ascending=False).first()
        items.append(row["id"])
    if published:
        await agenda.set_published(await on_meeting(demo, COORDINATOR, meeting_id), True)
    return meeting_id, items


async def check_in(demo, meeting_id: int, emails: list[str], status: str = "present") -> None:
    """People checked in by the coordinator, through the live view's use case."""
    from server.meetings import live
    from tests.conftest import COORDINATOR
    from tests.meetings_helpers import on_meeting

    for email in emails:
        await live.check_in(await on_meeting(demo, COORDINATOR, meeting_id),
                            {"person_id": str(demo.people[email]), "status": status})


async def open_item(demo, meeting_id: int, item_id: int) -> None:
    """The meeting started (if it has not) and the item opened, as the coordinator would."""
    from server.meetings import live
    from tests.conftest import COORDINATOR
    from tests.meetings_helpers import on_meeting

    access = await on_meeting(demo, COORDINATOR, meeting_id)
    if access.meeting["live_status"] == "not_started":
        assert not await live.start(access, confirmed=True)
        access = await on_meeting(demo, COORDINATOR, meeting_id)
    await live.go_to(access, {}, item_id=item_id)
