"""The demo county's cases (all fictional): four Plans of Safe Care on the Perinatal Cluster and
one family on the Child and Family Team, with releases of information that give each demo account
a different picture. README.md ("Cases and consent in the demo") says who sees what, and
tests/http/test_demo_cases.py holds the demo to it through disclose().

Called by `convene demo` (server/demo.py) once the meetings exist, inside the same transaction.
Dates are counted from the day the demo is built, like the rest of it. The history is played in
order of time: as each past case review was held, the members in the room opened the case on
their own screens (through disclose(), so the ledger holds exactly what the decision allowed
then), and the case's lead agency wrote a review note afterwards. PC-7F3K's general release was
replaced by a second version halfway through, so that client's list of disclosures names both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import cycle

from piccolo.table import Table

from server import clock
from server.accounts.policy import Viewer
from server.cases.disclosure import disclose
from server.cases.tables import Case, CaseEntry, CaseReview, Release, ReleaseParty, Revocation
from server.meetings.tables import AgendaItem, Attendance, Meeting

TIME_ZONE = "America/New_York"

# key, team, reference, lead agency, opened (days ago), opened by (person key)
CASES = [
    ("A", "cluster", "PC-7F3K", "MCHD", 150, "coordinator"),
    ("B", "cluster", "PC-M4QD", "CPS", 130, "cps_case"),
    ("C", "cluster", "PC-Q9HX", "MMC", 110, "mmc_sw"),
    ("D", "cluster", "PC-2WBN", "HRS", 90, "treatment"),
    ("E", "cft", "CF-8KPR", "FCFC", 100, "fcfc"),
]
REFERENCES = {key: reference for key, _team, reference, *_rest in CASES}

# case, kind, category, source agency, recorded by (person key), days after the case opened, title, body.
# An identity entry's client name and date of birth are in IDENTITIES.
ENTRIES = [
    ("A", "identity", "identity", "MCHD", "coordinator", 0, "Client",
     "Amber Kowalczyk, 1187 Orchard Lane, Maple City. Phone (555) 201-4473."),
    ("A", "summary", "coordination", "MCHD", "coordinator", 1, "Plan of Safe Care summary",
     "First pregnancy, due in early spring. Plan of Safe Care opened at the 28-week visit; she asked for help "
     "with housing and for a peer mentor."),
    ("A", "service", "medical", "MMC", "ob", 3, "Prenatal care",
     "Prenatal visits every two weeks at Maple Memorial; the gestational diabetes screen was normal."),
    ("A", "note", "sud", "HRS", "treatment", 4, "Treatment status",
     "In medication-assisted treatment with buprenorphine since the first trimester; urine screens negative "
     "for eight weeks."),
    ("A", "note", "sud_counseling_notes", "HRS", "treatment", 40, "Counseling session notes",
     "Session 12: talked through cravings after a family visit; practising the urge-surfing plan between sessions."),
    ("A", "plan_item", "child_welfare", "CPS", "cps_case", 6, "Safety plan",
     "Voluntary safety plan in place; her grandmother is the support person for the first month at home."),
    ("A", "need", "mental_health", "MHAS", "mhas_alt", 8, "Mental health",
     "Anxiety, treated with weekly therapy at the Board's Elm Street clinic; no medication."),
    ("A", "need", "housing", "MCAP", "housing", 95, "Housing application",
     "Applied for a two-bedroom unit through rapid re-housing; sixth on the waiting list."),
    ("A", "action", "coordination", "MCHD", "coordinator", 10, "Schedule the home-visiting intake",
     "Help Me Grow to call her before the 36-week visit."),
    ("B", "identity", "identity", "CPS", "cps_case", 0, "Client",
     "Brianna Toussaint, 52 Depot Street, Apt 3, Maple City. Phone (555) 308-9921."),
    ("B", "summary", "coordination", "CPS", "cps_case", 1, "Plan of Safe Care summary",
     "Infant born at 37 weeks; home with mother. Plan of Safe Care agreed before discharge."),
    ("B", "plan_item", "child_welfare", "CPS", "cps_case", 2, "Children Services involvement",
     "Hospital notification received; assessment closed with a voluntary in-home services referral."),
    ("B", "service", "medical", "MVCHC", "chc", 5, "Postpartum and infant care",
     "Postpartum visit done at the health center; the infant's weight gain is on track at the two-week check."),
    ("B", "service", "coordination", "HMG", "hmg", 7, "Home visiting",
     "Enrolled in home visiting; the first visit is set for the third week home."),
    ("B", "need", "housing", "MCAP", "housing", 9, "Housing",
     "Eviction notice for unpaid rent; emergency rental assistance application started."),
    ("C", "identity", "identity", "MMC", "mmc_sw", 0, "Client",
     "Carmen Villalobos, staying at 9 Larkspur Court, Maple City. Phone (555) 412-0658."),
    ("C", "service", "medical", "MMC", "ob", 1, "Delivery",
     "Delivered at Maple Memorial; the newborn was watched for withdrawal for five days and went home well."),
    ("C", "summary", "coordination", "MMC", "mmc_sw", 2, "Discharge plan",
     "Discharge plan made with the perinatal social worker; the pediatrician visit is booked."),
    ("C", "need", "housing", "MCAP", "housing", 4, "Housing",
     "Staying with a cousin; needs her own place before the baby is two months old. Housing voucher interview "
     "scheduled."),
    ("C", "need", "mental_health", "MHAS", "mhas_alt", 6, "Mental health",
     "Postpartum depression screen elevated; referred to the Board's maternal mental health program."),
    ("D", "identity", "identity", "HRS", "treatment", 0, "Client",
     "Destiny Okonkwo, 310 Canal Road, Maple City. Phone (555) 517-3380."),
    ("D", "note", "sud", "HRS", "treatment", 1, "Assessment",
     "Assessed at Harbor Recovery; opioid use disorder, in remission on methadone at the Harbor clinic."),
    ("D", "plan_item", "coordination", "HRS", "treatment", 3, "Plan",
     "Daily dosing continues through delivery; Harbor arranges take-home doses for the first week after birth."),
    ("D", "service", "medical", "MVCHC", "chc", 5, "Prenatal care",
     "Prenatal care at the health center; an ultrasound at 30 weeks showed normal growth."),
    ("D", "plan_item", "child_welfare", "CPS", "cps_case", 12, "Children Services involvement",
     "Plan of Safe Care notification filed; no investigation opened."),
    ("E", "identity", "identity", "FCFC", "fcfc", 0, "Client",
     "Jayden Mercer, 9, lives with his mother Monique Mercer at 44 Birch Hollow Road, Maple City."),
    ("E", "plan_item", "coordination", "FCFC", "fcfc", 2, "Family plan",
     "The family's goals: fewer school absences, a steady bedtime routine, respite one weekend a month."),
    ("E", "note", "education", "MCS", "school2", 5, "School record",
     "Individualized Education Program since second grade; 14 absences this semester."),
    ("E", "need", "mental_health", "MHAS", "mhas_alt", 8, "Mental health",
     "ADHD and anxiety; weekly therapy, and a medication review with the psychiatrist every month."),
    ("E", "plan_item", "child_welfare", "CPS", "cps_case", 9, "Children Services involvement",
     "Ongoing case: in-home services with a monthly caseworker visit."),
    ("E", "service", "coordination", "DD", "dd", 20, "Developmental disabilities services",
     "Found eligible for county developmental disabilities services; respite provider list sent to his mother."),
]
IDENTITIES = {"A": date(1998, 3, 14), "B": date(2001, 11, 2), "C": date(1995, 7, 23), "D": date(1999, 1, 30),
              "E": date(2016, 5, 9)}
CLIENTS = {"A": "Amber Kowalczyk", "B": "Brianna Toussaint", "C": "Carmen Villalobos", "D": "Destiny Okonkwo",
           "E": "Jayden Mercer"}


@dataclass(frozen=True)
class DemoRelease:
    key: str
    case: str
    signed: int  # days after the case opened
    categories: tuple[str, ...]
    disclosing: tuple[str, ...]
    receiving: tuple[str, ...]
    expires: int | None  # days from the day the demo is built (a date); None: an event
    signer: tuple[str, str] | None = None  # (name, authority); None: the client signs
    named: tuple[tuple[str, str], ...] = ()  # (agency, person key): the only people there it names
    expiry_event: str = ""
    purpose: str = "care_coordination"


RELEASES = [
    # PC-7F3K: a general release (its first version, replaced below), a Part 2 consent for Harbor
    # Recovery's treatment records, and a separate consent for its counseling notes alone, naming one person.
    DemoRelease("A-general", "A", 4, ("identity", "coordination", "medical", "child_welfare", "mental_health"),
                ("MCHD", "MMC", "CPS", "MHAS"), ("MCHD", "MMC", "CPS", "MHAS", "HMG"), 215),
    DemoRelease("A-part2", "A", 5, ("sud",), ("HRS",), ("MCHD", "MMC"), 180),
    DemoRelease("A-notes", "A", 45, ("sud_counseling_notes",), ("HRS",), ("MCHD",), 90,
                named=(("MCHD", "coordinator"),)),
    # PC-M4QD: one release, later revoked for the family partners' agency only.
    DemoRelease("B-general", "B", 3, ("identity", "coordination", "child_welfare", "medical"),
                ("CPS", "MVCHC", "HMG"), ("MCHD", "MVCHC", "HMG", "FSA", "MMC", "CPS"), None,
                expiry_event="The end of her enrollment with the Perinatal Cluster"),
    # PC-Q9HX: housing only.
    DemoRelease("C-housing", "C", 3, ("housing",), ("MCAP",), ("MMC", "FSA", "MCHD"), 180, purpose="client_request"),
    # PC-2WBN: Harbor Recovery's treatment records and the health center's, expiring within a week.
    DemoRelease("D-general", "D", 2, ("identity", "sud", "coordination", "medical"), ("HRS", "MVCHC"),
                ("MCHD", "MVCHC", "CPS"), 5),
    # CF-8KPR: signed by the child's mother; Children Services' records are not in it.
    DemoRelease("E-family", "E", 3, ("identity", "coordination", "education", "mental_health"),
                ("FCFC", "MCS", "MHAS", "DD"), ("FCFC", "FSA", "MHAS", "CPS", "MCS", "DD"), 265,
                signer=("Monique Mercer", "parent")),
]
# The general release of PC-7F3K, version 2 (days after the case opened): the same, and housing too.
SUPERSEDED = ("A-general", 90, ("identity", "coordination", "medical", "child_welfare", "mental_health", "housing"),
              ("MCHD", "MMC", "CPS", "MHAS", "MCAP"), ("MCHD", "MMC", "CPS", "MHAS", "HMG", "MCAP"))
# release, agency (None: whole), days ago, how, recorded by (person key), received by
REVOCATIONS = [("B-general", "FSA", 20, "written", "cps_case", "Tamara Nguyen")]

REVIEW_NOTE = ("The team went over the plan: what is done, what is late and who follows up before the next "
               "review.")
# Cases read at a desk, outside any meeting: person key, case, days ago (at 9:00). The family
# partner read PC-M4QD before its release was revoked for her agency.
DESK_VIEWS = [("family", "B", 30), ("treatment", "A", 12), ("treatment", "D", 12), ("coordinator", "A", 3),
              ("coordinator", "B", 3), ("coordinator", "C", 3), ("coordinator", "D", 3), ("family", "E", 3)]
LINK_AHEAD = timedelta(days=45)  # upcoming case-review items linked to a case: the next few meetings'


@dataclass(frozen=True)
class Ids:
    people: dict[str, int]
    agencies: dict[str, int]
    teams: dict[str, int]


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=clock.zone(TIME_ZONE))


async def _insert(table: type[Table], rows: list[Table]) -> list[int]:
    if not rows:
        return []
    return sorted(row["id"] for row in await table.insert(*rows).returning(table.id))


async def load_cases(people: dict[str, int], agencies: dict[str, int], teams: dict[str, int], now: datetime,
                     today: date) -> None:
    """Inside the demo's write transaction, after its meetings: the cases, their entries and
    releases, the case-review items linked to them, and the history of who saw what."""
    ids = Ids(people, agencies, teams)
    opened = {key: today - timedelta(days=days) for key, _team, _ref, _lead, days, _by in CASES}
    case_ids = dict(zip([c[0] for c in CASES], await _insert(Case, [
        Case(team=teams[team], lead_agency=agencies[lead], reference=reference, status="open",
             created_by=people[by], created_at=_local(opened[key], time(9, 0)), version=1)
        for key, team, reference, lead, _days, by in CASES
    ]), strict=True))
    team_of = {key: team for key, team, *_rest in CASES}
    release_ids = {}
    for release in RELEASES:
        release_ids[release.key] = await _release(ids, case_ids[release.case], release,
                                                  opened[release.case] + timedelta(days=release.signed), today)
    await _insert(Revocation, [
        Revocation(release=release_ids[key], agency=agencies[agency] if agency else None,
                   effective_at=_local(today - timedelta(days=days), time(10, 0)), how=how,
                   received_by=received_by, recorded_by=people[by],
                   recorded_at=_local(today - timedelta(days=days), time(10, 30)))
        for key, agency, days, how, by, received_by in REVOCATIONS
    ])
    reviews = await _link_reviews(ids, case_ids, team_of, opened, now)
    await _play_history(ids, case_ids, release_ids, opened, reviews, now, today)


async def _release(ids: Ids, case_id: int, release: DemoRelease, signed_on: date, today: date, *,
                   version: int = 1, supersedes: int | None = None, categories: tuple[str, ...] | None = None,
                   disclosing: tuple[str, ...] | None = None, receiving: tuple[str, ...] | None = None) -> int:
    """One signed release and its parties; its id."""
    signed_at = _local(signed_on, time(10, 0))
    name, authority = release.signer or (CLIENTS[release.case], "client")
    recorder = ids.people[next(by for key, *_x, by in CASES if key == release.case)]
    rows = await Release.insert(Release(
        case=case_id, version=version, supersedes=supersedes, signer_name=name, signer_authority=authority,
        signed_on=signed_on, identity_check="Photo identification checked in person by the staff member recording it",
        categories=",".join(categories or release.categories), purpose=release.purpose, purpose_detail="",
        effective_on=signed_on, expires_on=today + timedelta(days=release.expires) if release.expires is not None else None,
        expiry_event=release.expiry_event, states_right_to_revoke=True, states_no_conditioning=True,
        states_redisclosure=True, permits_legal_proceedings=False, signature_captured=True, recorded_by=recorder,
        recorded_at=signed_at, signed_at=signed_at,
    )).returning(Release.id)
    release_id = rows[0]["id"]
    named = dict(release.named)
    await _insert(ReleaseParty, [
        *(ReleaseParty(release=release_id, agency=ids.agencies[a], role="discloses")
          for a in disclosing or release.disclosing),
        *(ReleaseParty(release=release_id, agency=ids.agencies[a], role="receives",
                       person=ids.people[named[a]] if a in named else None) for a in receiving or release.receiving),
    ])
    return release_id


@dataclass(frozen=True)
class _Review:
    item: int
    meeting: int
    case: str
    started_at: datetime | None  # held: when the item was opened
    ended_at: datetime | None


async def _link_reviews(ids: Ids, case_ids: dict[str, int], team_of: dict[str, str], opened: dict[str, date],
                        now: datetime) -> list[_Review]:
    """Each case-review item since the cases opened (and of the next weeks' meetings) reviews one
    case of its team, in turn; older items stay as they were."""
    start = min(opened.values())
    items = await AgendaItem.select(
        AgendaItem.id, AgendaItem.meeting, AgendaItem.meeting.team, AgendaItem.meeting.starts_at,
        AgendaItem.started_at, AgendaItem.ended_at,
    ).where((AgendaItem.kind == "case_review") & (AgendaItem.meeting.status == "scheduled")
            & AgendaItem.meeting.team.is_in([ids.teams["cluster"], ids.teams["cft"]])
            & (AgendaItem.meeting.starts_at >= _local(start, time(0, 0)))
            & (AgendaItem.meeting.starts_at < now + LINK_AHEAD)).order_by(
        AgendaItem.meeting.starts_at, AgendaItem.position)
    turns = {team: cycle([key for key in case_ids if team_of[key] == team]) for team in ("cluster", "cft")}
    team_key = {ids.teams[team]: team for team in ("cluster", "cft")}
    reviews: list[_Review] = []
    for item in items:
        team = team_key[item["meeting.team"]]
        day = clock.day_in(item["meeting.starts_at"], TIME_ZONE)
        on_agenda = {r.case for r in reviews if r.meeting == item["meeting"]}
        for _ in range(len(case_ids)):  # the next case of the team open by then, once a meeting
            case = next(turns[team])
            if opened[case] < day and case not in on_agenda:
                break
        else:
            continue
        reviews.append(_Review(item["id"], item["meeting"], case, item["started_at"], item["ended_at"]))
    await _insert(CaseReview, [CaseReview(agenda_item=r.item, case=case_ids[r.case]) for r in reviews])
    return reviews


async def _play_history(ids: Ids, case_ids: dict[str, int], release_ids: dict[str, int], opened: dict[str, date],
                        reviews: list[_Review], now: datetime, today: date) -> None:
    """The past, in order: entries recorded; at each held review, everyone in the room opened the
    case on their own screen, and its lead agency wrote a review note after it; a few people read
    cases at their desks; the general release of PC-7F3K was replaced."""
    held = [r for r in reviews if r.started_at is not None and r.started_at < now]
    present = await Attendance.select(Attendance.meeting, Attendance.person).where(
        Attendance.meeting.is_in([r.meeting for r in held] or [0]) & Attendance.status.is_in(["present", "remote"]))
    in_room: dict[int, list[int]] = {}
    for row in present:
        in_room.setdefault(row["meeting"], []).append(row["person"])
    teams = {row["id"]: row for row in await Meeting.select(
        Meeting.id, Meeting.team.id, Meeting.team.time_zone).where(Meeting.id.is_in([r.meeting for r in held] or [0]))}
    events: list[tuple[datetime, int, Callable[[], Awaitable[None]]]] = []
    for case, kind, category, source, by, after, title, body in ENTRIES:
        at = _local(opened[case] + timedelta(days=after), time(11, 0))
        events.append((at, len(events), _recording(CaseEntry(
            case=case_ids[case], kind=kind, category=category, source_agency=ids.agencies[source], title=title,
            body=body, client_name=CLIENTS[case] if kind == "identity" else "",
            date_of_birth=IDENTITIES[case] if kind == "identity" else None,
            due_on=today + timedelta(days=7) if kind == "action" else None, status="open" if kind == "action" else "",
            owner_agency=ids.agencies["HMG"] if kind == "action" else None, recorded_by=ids.people[by],
            recorded_at=at))))
    reviewed: dict[str, int] = {}
    for review in held:
        number = reviewed[review.case] = reviewed.get(review.case, 0) + 1
        meeting = teams[review.meeting]
        team = {"id": meeting["team.id"], "time_zone": meeting["team.time_zone"]}
        for order, person in enumerate(sorted(in_room.get(review.meeting, []))):
            at = review.started_at + timedelta(seconds=30 + 7 * order)
            events.append((at, len(events), _viewing(person, team, case_ids[review.case], at)))
        if review.ended_at is not None:
            events.append((review.ended_at, len(events), _recording(_review_note(ids, case_ids, review, number))))
    team_ids = {key: ids.teams[team] for key, team, *_rest in CASES}
    for person, case, days in DESK_VIEWS:
        at = _local(today - timedelta(days=days), time(9, 0))
        team = {"id": team_ids[case], "time_zone": TIME_ZONE}
        events.append((at, len(events), _viewing(ids.people[person], team, case_ids[case], at)))
    key, after, categories, disclosing, receiving = SUPERSEDED
    replaced_on = opened["A"] + timedelta(days=after)
    first = next(r for r in RELEASES if r.key == key)

    async def supersede() -> None:
        replacing = _local(replaced_on, time(10, 0))
        await Release.update({Release.superseded_at: replacing}).where(Release.id == release_ids[key])
        await _release(ids, case_ids[first.case], first, replaced_on, today, version=2, supersedes=release_ids[key],
                       categories=categories, disclosing=disclosing, receiving=receiving)

    events.append((_local(replaced_on, time(10, 0)), len(events), supersede))
    for _at, _order, happen in sorted(events, key=lambda event: (event[0], event[1])):
        await happen()


def _viewing(person: int, team: dict, case_id: int, at: datetime) -> Callable[[], Awaitable[None]]:
    async def happen() -> None:
        viewer = Viewer(id=person, name="", email="", language="en", is_site_admin=False, session_id=0, at=at)
        await disclose(viewer, team, [case_id], "page")
    return happen


def _recording(entry: CaseEntry) -> Callable[[], Awaitable[None]]:
    async def happen() -> None:
        await CaseEntry.insert(entry)
    return happen


def _review_note(ids: Ids, case_ids: dict[str, int], review: _Review, number: int) -> CaseEntry:
    """The case's lead agency records the review as a case entry (never in the minutes)."""
    _key, _team, _reference, lead, _days, by = next(c for c in CASES if c[0] == review.case)
    return CaseEntry(
        case=case_ids[review.case], kind="review_note", category="coordination", source_agency=ids.agencies[lead],
        title=f"Case review {number}", body=REVIEW_NOTE, meeting=review.meeting, agenda_item=review.item,
        recorded_by=ids.people[by], recorded_at=review.ended_at,
    )
