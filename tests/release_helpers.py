"""Set-up for the release, dashboard and emergency tests: a case of the demo's Perinatal Cluster
with entries of several agencies and categories (rows written directly: the case pages are built
elsewhere), releases recorded through the real HTTP forms, and what a person is shown of the case
read through the one disclosure function."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from server import clock
from server.cases import disclosure
from server.cases.tables import Case, CaseEntry, Release
from server.teams.tables import Team
from tests.attachment_samples import PDF
from tests.meetings_helpers import ZONE, viewer_of

CLUSTER = "Perinatal Cluster"
COORDINATOR = "coordinator@maple.example"  # coordinator of the cluster, Health Department (MCHD)
NURSE = "grace.whitman@maple.example"  # member for MCHD: the lead agency of the test case
HOUSING = "derek.shaw@maple.example"  # member for the housing agency (MCAP)
CPS = "tamara.nguyen@maple.example"  # member for Children Services (CPS)
TREATMENT = "treatment@maple.example"  # member for Harbor Recovery (HRS), a Part 2 program
OB = "nadia.haddad@maple.example"  # chair of the cluster, Maple Memorial Medical Center (medical)
CHC = "lena.fischer@maple.example"  # member for the community health center (medical)
HMG = "olivia.grant@maple.example"  # member for Help Me Grow: no record of the case, no release
FAMILY = "family@maple.example"  # family partner (FSA)
SCHOOL = "school@maple.example"  # not on the cluster at all

# The case's entries: (source agency, category, body). Each body is a string no page has otherwise.
ENTRIES = (
    ("MCHD", "coordination", "canary-coordination-7Q"),
    ("MCHD", "housing", "canary-housing-7Q"),
    ("HRS", "sud", "canary-sud-7Q"),
    ("MMC", "medical", "canary-medical-7Q"),
)


def today() -> date:
    return clock.today_in(ZONE)


async def cluster(demo) -> dict:
    return await Team.select(Team.id, Team.time_zone).where(Team.id == demo.team(CLUSTER)).first()


async def make_case(demo, reference: str = "PC-T3ST", lead: str = "MCHD", entries=ENTRIES) -> int:
    now = clock.now()
    row = await Case.insert(Case(team=demo.team(CLUSTER), lead_agency=demo.agencies[lead], reference=reference,
                                 created_by=demo.people[COORDINATOR], created_at=now)).returning(Case.id)
    case_id = row[0]["id"]
    if entries:
        await CaseEntry.insert(*[
            CaseEntry(case=case_id, kind="note", category=category, source_agency=demo.agencies[agency],
                      title=f"Note from {agency}", body=body, recorded_at=now)
            for agency, category, body in entries])
    return case_id


async def seen(demo, email: str, case_id: int, at: datetime | None = None) -> set[str]:
    """The bodies of the case's entries the person is shown now, or by a request of the instant
    `at` (through disclosure.disclose, which writes the ledger)."""
    viewer = viewer_of(demo, email)
    if at is not None:
        viewer = replace(viewer, at=at)
    shown = await disclosure.disclose(viewer, await cluster(demo), [case_id], "page")
    return {entry["body"] for entry in shown[case_id].entries} if case_id in shown else set()


def ids(demo, *agencies: str) -> list[str]:
    return [str(demo.agencies[agency]) for agency in agencies]


def release_form(demo, **changes) -> dict:
    """A release disclosing MCHD's records to the housing agency and Children Services, for care
    coordination and housing, for a year: everything CONSENT.md §2 asks."""
    start = today()
    form = {
        "signer_name": "Maria Lopez", "signer_authority": "client", "signed_on": start.isoformat(),
        "identity_check": "Driver's license seen by the coordinator", "disclosing": ids(demo, "MCHD"),
        "recipients": ids(demo, "MCAP", "CPS"), "categories": ["coordination", "housing"],
        "purpose": "care_coordination", "purpose_detail": "Plan of Safe Care", "effective_on": start.isoformat(),
        "expires_on": (start + timedelta(days=365)).isoformat(), "expiry_event": "",
        "states_right_to_revoke": "on", "states_no_conditioning": "on", "states_redisclosure": "on",
    }
    return {**form, **changes}


async def post_release(client, token: str, path: str, form: dict, *, save: str = "sign",
                       document: tuple[str, bytes] | None = ("Signed ROI.pdf", PDF)):
    files = {"document": (document[0], document[1], "application/octet-stream")} if document else {
        "document": ("", b"", "application/octet-stream")}
    return await client.post(path, data={**form, "save": save, "_csrf_token": token}, files=files)


async def record_release(client, token: str, case_id: int, form: dict, **kwargs) -> int:
    response = await post_release(client, token, f"/cases/{case_id}/releases/new", form, **kwargs)
    assert response.status_code == 303, response.text[:2000]
    return int(response.headers["location"].rsplit("/", 1)[1])


async def release_row(release_id: int) -> dict:
    return await Release.select().where(Release.id == release_id).first()


async def case_review(demo, case_id: int, days_ahead: int, title: str = "Cluster meeting") -> int:
    """A meeting of the cluster `days_ahead` days from now with a case-review item for the case
    (the link written directly: another part of Convene builds the form that makes it)."""
    from server.cases.tables import CaseReview
    from server.meetings.tables import AgendaItem, Meeting

    now = clock.now()
    starts = now.replace(microsecond=0) + timedelta(days=days_ahead)
    meeting = await Meeting.insert(Meeting(
        team=demo.team(CLUSTER), uid=f"test-{case_id}-{days_ahead}@convene", title=title, starts_at=starts,
        ends_at=starts + timedelta(hours=1), time_zone=ZONE, created_at=now, updated_at=now,
    )).returning(Meeting.id)
    item = await AgendaItem.insert(AgendaItem(meeting=meeting[0]["id"], position=1, kind="case_review",
                                              title="Case review")).returning(AgendaItem.id)
    await CaseReview.insert(CaseReview(agenda_item=item[0]["id"], case=case_id))
    return meeting[0]["id"]
