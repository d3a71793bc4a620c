"""Benchmark data on top of the demo county (see scripts/benchmark.py).

    python scripts/region.py --database-url URL [--region] [--seed N]

Always adds a running 60-item meeting of the Community Collaborative, chaired by
chair@maple.example (the live view, the poll and the meeting page measure it). With
--region it first grows the database to the target region of DESIGN.md §5 around the demo:
100 teams, 5,000 people, about 150 agencies, ten years of monthly meetings with agendas and
approved minutes, and 50,000 action items. Prints one JSON line with the ids the benchmark
needs. Deterministic for a given seed and day; rows are written in bulk, a few hundred per
statement, so the region builds in well under a minute on SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time as timer
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a database that already holds the demo")
    parser.add_argument("--region", action="store_true", help="also add the target region")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


# server.config reads DATABASE_URL once, when first imported: set it before any server import.
if __name__ == "__main__":
    ARGS = _arguments()
    os.environ["DATABASE_URL"] = ARGS.database_url
    sys.path.insert(0, str(ROOT))

from piccolo.table import Table  # noqa: E402

from server import clock, db  # noqa: E402
from server.accounts.tables import Affiliation, Person  # noqa: E402
from server.actions.tables import ActionItem, ActionUpdate  # noqa: E402
from server.agencies.tables import Agency  # noqa: E402
from server.meetings import record, recurrence  # noqa: E402
from server.meetings.recurrence import Recurrence  # noqa: E402
from server.meetings.tables import (  # noqa: E402
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Minutes,
    MinutesRevision,
    Series,
    TemplateItem,
)
from server.teams.tables import Membership, Team  # noqa: E402

COLLAB = "Maple County Community Collaborative"
CHAIR = "chair@maple.example"
ADMIN = "admin@maple.example"

TARGET_TEAMS = 100
TARGET_PEOPLE = 5000
TARGET_AGENCIES = 150
TARGET_ACTIONS = 50_000
YEARS = 10
AHEAD = timedelta(days=92)  # upcoming meetings already scheduled
CHAIR_EXTRA_SEATS = 3  # region teams the demo chair also sits on, as a member

# Four region teams per county; the time zones are mostly Eastern, as the demo's.
COUNTIES = [
    ("Ashford", "America/New_York"), ("Birchwood", "America/New_York"), ("Cedar Falls", "America/New_York"),
    ("Dunmore", "America/New_York"), ("Elk River", "America/Chicago"), ("Fairhaven", "America/New_York"),
    ("Glenmoor", "America/New_York"), ("Harlow", "America/Denver"), ("Ironwood", "America/New_York"),
    ("Juniper", "America/Los_Angeles"), ("Kestrel", "America/New_York"), ("Larkspur", "America/New_York"),
    ("Millbrook", "America/Chicago"), ("Northgate", "America/New_York"), ("Oakhurst", "America/New_York"),
    ("Pinecrest", "America/Los_Angeles"), ("Quillan", "America/New_York"), ("Redfern", "America/New_York"),
    ("Silverton", "America/Denver"), ("Thornbury", "America/New_York"), ("Upton", "America/Chicago"),
    ("Vale", "America/New_York"), ("Westbrook", "America/Los_Angeles"), ("Yarrow", "America/New_York"),
]
# name pattern, short name pattern, sector, Part 2, HIPAA, FERPA: three in every county, two rotating
CORE_AGENCIES = [
    ("{c} County Children Services", "{i}CS", "child_welfare", False, False, False),
    ("{c} County Juvenile Court", "{i}JC", "juvenile_justice", False, False, False),
    ("{c} County Health Department", "{i}HD", "public_health", False, True, False),
]
ROTATING_AGENCIES = [
    ("{c} City Schools", "{i}CSD", "education", False, False, True),
    ("{c} County Board of Developmental Disabilities", "{i}DD", "developmental_disabilities", False, True, False),
    ("{c} County Mental Health and Recovery Board", "{i}MHRB", "behavioral_health", False, False, False),
    ("{c} Housing Authority", "{i}HA", "housing", False, False, False),
    ("{c} Family Resource Center", "{i}FRC", "family_peer", False, False, False),
]
REGIONAL_AGENCIES = [
    ("Tri-County Recovery Center", "TCRC", "substance_use_treatment", True, True, False),
    ("Hope Recovery Network", "HRN", "substance_use_treatment", True, True, False),
    ("Northern Region Medical Center", "NRMC", "medical", False, True, False),
    ("Lakeside Pediatrics", "LP", "medical", False, True, False),
    ("Valley Behavioral Health", "VBH", "behavioral_health", False, True, False),
    ("Riverside Counseling Associates", "RCA", "behavioral_health", False, True, False),
    ("Regional Housing Partnership", "RHP", "housing", False, False, False),
    ("Region Four Early Intervention", "R4EI", "early_childhood", False, False, False),
    ("Head Start of the Four Counties", "HSFC", "early_childhood", False, False, True),
    ("Mothers First Home Visiting", "MFHV", "early_childhood", False, False, False),
    ("Statewide Family Network", "SFN", "family_peer", False, False, False),
    ("Community Faith Alliance", "CFA", "community_faith", False, False, False),
    ("Regional Developmental Services", "RDS", "developmental_disabilities", False, True, False),
    ("Educational Service Center of the Region", "ESC", "education", False, False, True),
    ("Youth Advocate Services", "YAS", "other", False, False, False),
    ("Regional Legal Aid", "RLA", "other", False, False, False),
]
# kind, name pattern, quorum kind, quorum value; the last is a Child and Family Team or a workgroup
TEAM_KINDS = [
    ("community_collaborative", "{c} County Community Collaborative", "share", 50),
    ("perinatal_cluster", "{c} County Perinatal Cluster", "count", 5),
    ("leadership_group", "{c} County Leadership Group", "count", 4),
]
LAST_TEAM = [("child_family_team", "Child and Family Team CFT-{n:04d}", "share", 50),
             ("other", "{c} County Youth Transition Workgroup", "share", 40)]

FIRST_NAMES = [
    "James", "Maria", "Robert", "Linda", "Michael", "Patricia", "David", "Jennifer", "William", "Elizabeth",
    "Carlos", "Ana", "Ahmed", "Fatima", "Wei", "Mei", "Kwame", "Ama", "Sean", "Siobhan", "Ivan", "Olga",
    "Jamal", "Aisha", "Luis", "Sofia", "Hiro", "Yuki", "Daniel", "Grace", "Thomas", "Rachel", "Andre",
    "Monique", "Victor", "Elena", "Noah", "Emma", "Samuel", "Leah", "Omar", "Nadia", "Peter", "Joy",
]
LAST_NAMES = [
    "Smith", "Johnson", "Garcia", "Martinez", "Brown", "Davis", "Miller", "Wilson", "Moore", "Taylor",
    "Anderson", "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson", "Robinson", "Clark", "Lewis",
    "Lee", "Walker", "Hall", "Allen", "Young", "Hernandez", "King", "Wright", "Lopez", "Hill", "Scott",
    "Green", "Adams", "Baker", "Gonzalez", "Nelson", "Carter", "Mitchell", "Perez", "Roberts", "Turner",
    "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins", "Stewart", "Sanchez", "Morris",
]
TITLES = ["Caseworker", "Program Manager", "Clinical Supervisor", "Director", "Care Coordinator",
          "Family Partner", "Intake Specialist", "School Counselor", "Public Health Nurse", "Probation Officer",
          "Service Coordinator", "Housing Navigator", "Outreach Worker", "Deputy Director"]

STANDING = [("standing", "Welcome and introductions", 5), ("standing", "Approval of last meeting's minutes", 5),
            ("action_item_review", "Action-item review", 10)]
SUBJECTS = ["Transportation to appointments", "Respite care for families", "School attendance supports",
            "Crisis response for youth", "Waitlists for outpatient treatment", "Housing for young families",
            "Early intervention referrals", "Family engagement", "Data sharing between agencies",
            "Workforce and turnover", "The shared referral process", "Flexible funding requests"]
ASPECTS = ["update", "what families told us", "proposal", "quarterly report", "next steps"]
TOPIC_KINDS = ["discussion"] * 5 + ["presentation"] * 3 + ["decision"] * 2 + ["gap_review"]
ACTION_TITLES = ["Send the {s} summary to member agencies", "Follow up with partners on {s}",
                 "Draft a one-page guide on {s}", "Collect data on {s} for the next meeting",
                 "Invite a speaker on {s}", "Report back on {s}", "Update the resource list for {s}"]
PROGRESS_NOTES = {
    "in_progress": "Started; calls made this week.",
    "blocked": "Waiting on data from the state reporting system.",
    "done": "Done; sent to the team by email.",
    "dropped": "Dropped: no longer needed.",
}


# Bulk writing.


async def insert(table: type[Table], rows: list[dict]) -> list[int]:
    """Inserts plain dicts in bulk; the new ids in the order of `rows` (ids grow within a statement)."""
    # PostgreSQL allows 32,767 parameters per statement.
    size = max(1, min(1000, 30_000 // len(table._meta.columns)))
    ids: list[int] = []
    for start in range(0, len(rows), size):
        result = await table.insert(*[table(**row) for row in rows[start:start + size]]).returning(table.id)
        ids += sorted(row["id"] for row in result)
    return ids


def at_local(day: date, clock_time: time, zone: str) -> datetime:
    return datetime.combine(day, clock_time, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def fake_uid(rng: random.Random) -> str:
    return f"{uuid.UUID(int=rng.getrandbits(128), version=4)}@convene"


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


# The live meeting (both datasets).


async def add_live_meeting(rng: random.Random, now: datetime) -> dict:
    """A 60-item Collaborative meeting that started half an hour ago; its 5th item is current."""
    team = await Team.select(Team.id, Team.time_zone).where(Team.name == COLLAB).first()
    chair = await Person.select(Person.id).where(Person.email == CHAIR).first()
    if team is None or chair is None:
        raise SystemExit("region.py: load the demo first (convene demo)")
    today = clock.today_in(team["time_zone"])
    roster = await Membership.select(Membership.person, Membership.role, Membership.alternate_for).where(
        (Membership.team == team["id"]) & (Membership.started_on <= today) & Membership.ended_on.is_null()
    )
    if not any(seat["person"] == chair["id"] and seat["role"] == "chair" for seat in roster):
        raise SystemExit(f"region.py: {CHAIR} does not chair the {COLLAB}")
    members = [seat["person"] for seat in roster if seat["role"] != "guest"]

    plan = [("standing", "Welcome and introductions", 5), ("standing", "Approval of last meeting's minutes", 5),
            ("action_item_review", "Action-item review", 10),
            ("decision", "Adopt the county's shared outcomes dashboard", 10),
            ("presentation", "Wraparound enrollment and outcomes, year to date", 15)]
    breaks = {30: ("standing", "Lunch break", 45), 45: ("standing", "Agency updates", 20),
              55: ("action_item_review", "Action-item review: the workgroups", 15),
              59: ("standing", "Closing and next steps", 5)}
    kinds = ["discussion", "decision", "presentation", "discussion", "presentation"]
    for number in range(len(plan), 60):
        subject = SUBJECTS[number % len(SUBJECTS)]
        plan.append(breaks.get(number) or (
            kinds[number % len(kinds)], f"{subject}: {ASPECTS[number // len(SUBJECTS) % len(ASPECTS)]}",
            rng.choice((5, 10, 10, 15, 20))))

    starts_at = (now - timedelta(minutes=30)).replace(second=0, microsecond=0)
    live_started = starts_at + timedelta(minutes=1)
    moment, items = live_started, []
    for position, (kind, title, minutes) in enumerate(plan):
        item = {"position": position, "kind": kind, "title": title, "planned_minutes": minutes,
                "presenter": rng.choice(members) if kind in ("presentation", "decision") else None,
                "presenter_notes": "", "notes": "", "status": "pending", "started_at": None, "ended_at": None,
                "carried_from": None, "version": 1}
        if position < 5:  # four items done in the first 27 minutes, the fifth under way
            item.update(status="current" if position == 4 else "done", started_at=moment)
            if position < 4:
                moment += timedelta(minutes=(4, 6, 8, 9)[position])
                item.update(ended_at=moment, notes="Members discussed this item; see the decisions below.")
        items.append(item)
    ends_at = starts_at + timedelta(minutes=sum(minutes for _kind, _title, minutes in plan))

    async with db.writing():
        uid = fake_uid(rng)
        meeting_id = (await insert(Meeting, [{
            "team": team["id"], "series": None, "uid": uid, "original_start": None, "detached": False,
            "title": "Community Collaborative annual planning retreat", "starts_at": starts_at, "ends_at": ends_at,
            "time_zone": team["time_zone"], "status": "scheduled",
            "location": "Family and Children First Council, 210 Elm Street, Maple City, Conference Room B",
            "join_link": "https://meet.example/maple-collaborative",
            "description": "A day to review the year and set next year's priorities.", "sequence": 0,
            "agenda_published_at": starts_at - timedelta(days=7), "live_status": "live",
            "live_started_at": live_started, "live_ended_at": None, "current_item_id": None, "live_version": 0,
            "version": 1, "created_at": starts_at - timedelta(days=21), "updated_at": now,
        }]))[0]
        item_ids = await insert(AgendaItem, [{**item, "meeting": meeting_id} for item in items])
        decided = [(item_ids[1], items[1]["ended_at"], "The minutes of the last meeting are approved as circulated."),
                   (item_ids[3], items[3]["ended_at"], "The Collaborative adopts the shared outcomes dashboard."),
                   (item_ids[3], items[3]["ended_at"], "Each member agency names a data contact by next month.")]
        await insert(Decision, [{"agenda_item": item_id, "text": text, "recorded_by": chair["id"], "recorded_at": at}
                                for item_id, at, text in decided])
        voting = [seat["person"] for seat in roster if seat["role"] != "guest" and seat["alternate_for"] is None]
        attendance = []
        for person in voting:
            status = "present" if person == chair["id"] else rng.choice(("present", "present", "remote", "excused"))
            arrived = starts_at + timedelta(minutes=rng.choice((-5, -2, 0, 0, 3))) if status != "excused" else None
            attendance.append({"meeting": meeting_id, "person": person, "status": status, "standing_in_for": None,
                               "arrived_at": arrived, "departed_at": None, "recorded_by": chair["id"],
                               "updated_at": arrived or starts_at})
        await insert(Attendance, attendance)
        # One version step per live change: the start, four moves, three decisions, each check-in.
        live_version = 1 + 4 + len(decided) + len(attendance)
        await Meeting.update({Meeting.current_item_id: item_ids[4], Meeting.current_since: now - timedelta(minutes=4),
                              Meeting.live_version: live_version}).where(
            Meeting.id == meeting_id
        )
    return {"collab_id": team["id"], "meeting_id": meeting_id, "live_version": live_version,
            "agenda_items": len(item_ids)}


# The region.


@dataclass
class Seat:
    person: int
    agency: int
    started_on: date
    ended_on: date | None


@dataclass
class RegionTeam:
    id: int
    name: str
    kind: str
    zone: str
    county: int
    lead: int = 0  # the chair: runs the meetings, creates the action items
    seats: list[Seat] = field(default_factory=list)


async def add_region(rng: random.Random, now: datetime) -> dict:
    today = now.date()
    counts = {"teams": await Team.count(), "people": await Person.count(), "agencies": await Agency.count(),
              "actions": await ActionItem.count()}
    admin = (await Person.select(Person.id).where(Person.email == ADMIN).first())["id"]
    chair = (await Person.select(Person.id).where(Person.email == CHAIR).first())["id"]
    chair_agency = (await Affiliation.select(Affiliation.agency).where(
        (Affiliation.person == chair) & Affiliation.ended_on.is_null()
    ).first())["agency"]
    timings = {}

    started = timer.perf_counter()
    async with db.writing():
        county_agencies, regional = await _agencies(rng, now, TARGET_AGENCIES - counts["agencies"])
        people_by_county = await _people(rng, now, today, TARGET_PEOPLE - counts["people"],
                                         county_agencies, regional)
    timings["agencies_people_s"] = timer.perf_counter() - started

    started = timer.perf_counter()
    async with db.writing():
        teams = await _teams(rng, now, today, TARGET_TEAMS - counts["teams"], people_by_county, admin)
        for team in rng.sample([t for t in teams if t.zone == "America/New_York"], CHAIR_EXTRA_SEATS):
            seat = Seat(chair, chair_agency, today - timedelta(days=1000), None)
            team.seats.append(seat)
            await insert(Membership, [_membership(team.id, seat, "member", None, admin)])
    timings["teams_rosters_s"] = timer.perf_counter() - started

    started = timer.perf_counter()
    async with db.writing():
        held = await _meetings(rng, now, today, teams)
    timings["meetings_s"] = timer.perf_counter() - started

    started = timer.perf_counter()
    async with db.writing():
        await _actions(rng, now, today, teams, held, TARGET_ACTIONS - counts["actions"])
    timings["actions_s"] = timer.perf_counter() - started

    totals = {"teams": await Team.count(), "people": await Person.count(), "agencies": await Agency.count(),
              "current_seats": await Membership.count().where(Membership.ended_on.is_null()),
              "meetings": await Meeting.count(), "agenda_items": await AgendaItem.count(),
              "action_items": await ActionItem.count()}
    return {"totals": totals, "timings": {k: round(v, 1) for k, v in timings.items()}}


async def _agencies(rng: random.Random, now: datetime, wanted: int) -> tuple[list[list[int]], list[int]]:
    """Five agencies per county and a set of regional ones: (ids by county, regional ids)."""
    rows, owners = [], []
    for number, (county, _zone) in enumerate(COUNTIES):
        initial = "".join(word[0] for word in county.split())
        for name, short, sector, part2, hipaa, ferpa in CORE_AGENCIES + rng.sample(ROTATING_AGENCIES, 2):
            rows.append({"name": name.format(c=county), "short_name": short.format(i=initial), "sector": sector,
                         "is_part2_program": part2, "is_hipaa_covered": hipaa, "is_ferpa_agency": ferpa})
            owners.append(number)
    for name, short, sector, part2, hipaa, ferpa in REGIONAL_AGENCIES:
        rows.append({"name": name, "short_name": short, "sector": sector, "is_part2_program": part2,
                     "is_hipaa_covered": hipaa, "is_ferpa_agency": ferpa})
        owners.append(None)
    rows, owners = rows[:wanted], owners[:wanted]
    ids = await insert(Agency, [{**row, "active": True, "created_at": now, "updated_at": now} for row in rows])
    by_county: list[list[int]] = [[] for _ in COUNTIES]
    regional = []
    for agency_id, owner in zip(ids, owners, strict=True):
        (regional if owner is None else by_county[owner]).append(agency_id)
    return by_county, regional


async def _people(rng: random.Random, now: datetime, today: date, wanted: int,
                  county_agencies: list[list[int]], regional: list[int]) -> list[list[tuple[int, int]]]:
    """People spread over the counties, each with a current affiliation and some with an earlier one.
    Returns (person id, current agency id) by county."""
    rows, homes = [], []
    for number in range(wanted):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        county = number % len(COUNTIES)
        agency = rng.choice(county_agencies[county]) if rng.random() < 0.7 else rng.choice(regional)
        rows.append({"name": f"{first} {last}", "email": f"{first}.{last}.{number}@region.example".lower(),
                     "phone": f"(555) {200 + number // 10000:03d}-{number % 10000:04d}", "title": rng.choice(TITLES),
                     "preferred_language": "es" if rng.random() < 0.1 else "en", "is_site_admin": False,
                     "active": True, "password_hash": None, "created_at": now, "updated_at": now})
        homes.append((county, agency))
    ids = await insert(Person, rows)
    affiliations = []
    by_county: list[list[tuple[int, int]]] = [[] for _ in COUNTIES]
    for person, (county, agency) in zip(ids, homes, strict=True):
        if rng.random() < 0.15:  # moved agencies at some point: the earlier affiliation is ended
            earlier = rng.choice(county_agencies[county] + regional)
            began, moved = today - timedelta(days=rng.randint(2500, 3650)), today - timedelta(days=rng.randint(60, 2400))
            affiliations.append({"person": person, "agency": earlier, "started_on": began, "ended_on": moved})
            affiliations.append({"person": person, "agency": agency, "started_on": moved, "ended_on": None})
        else:
            affiliations.append({"person": person, "agency": agency,
                                 "started_on": today - timedelta(days=rng.randint(100, 4000)), "ended_on": None})
        by_county[county].append((person, agency))
    await insert(Affiliation, affiliations)
    return by_county


def _membership(team: int, seat: Seat, role: str, alternate_for: int | None, admin: int) -> dict:
    return {"team": team, "person": seat.person, "agency": seat.agency, "role": role, "alternate_for": alternate_for,
            "started_on": seat.started_on, "ended_on": seat.ended_on,
            "created_at": datetime.combine(seat.started_on, time(14, 0), tzinfo=UTC), "created_by": admin,
            "ended_by": admin if seat.ended_on else None, "version": 1}


async def _teams(rng: random.Random, now: datetime, today: date, wanted: int,
                 people_by_county: list[list[tuple[int, int]]], admin: int) -> list[RegionTeam]:
    """Four teams per county; rosters of 35 to 45 current seats drawn from the county's people,
    plus ended seats as history."""
    specs = []
    for number, (county, zone) in enumerate(COUNTIES):
        for kind, name, quorum_kind, quorum_value in TEAM_KINDS + [LAST_TEAM[number % 2]]:
            specs.append((number, zone, kind, name.format(c=county, n=1000 + number), quorum_kind, quorum_value))
    specs = specs[:wanted]
    ids = await insert(Team, [{
        "name": name, "kind": kind, "area": f"{COUNTIES[county][0]} County", "time_zone": zone,
        "description": f"The {name} (benchmark region).", "is_public": False, "quorum_kind": quorum_kind,
        "quorum_value": quorum_value, "created_at": now, "updated_at": now,
    } for county, zone, kind, name, quorum_kind, quorum_value in specs])
    teams, seats = [], []
    for team_id, (county, zone, kind, name, _qk, _qv) in zip(ids, specs, strict=True):
        team = RegionTeam(team_id, name, kind, zone, county)
        pool = people_by_county[county]
        size = rng.randint(35, 45)
        chosen = rng.sample(pool, size + rng.randint(8, 14))
        current, former = chosen[:size], chosen[size:]
        roles = ["chair", "co_chair", "coordinator"] + ["member"] * (size - 6) + ["family_partner"] * 2 + ["guest"]
        for index, ((person, agency), role) in enumerate(zip(current, roles, strict=True)):
            seat = Seat(person, agency, today - timedelta(days=rng.randint(3000, 3650) if index < 3
                                                          else rng.randint(20, 3400)), None)
            alternate_for = None
            if index in (size - 5, size - 4):  # two alternates, for members of their own agency
                principal = team.seats[3 + index - (size - 5)]
                seat.agency, alternate_for = principal.agency, principal.person
            team.seats.append(seat)
            seats.append(_membership(team_id, seat, role, alternate_for, admin))
        for person, agency in former:
            began = today - timedelta(days=rng.randint(400, 3650))
            ended = min(began + timedelta(days=rng.randint(180, 1500)), today - timedelta(days=1))
            seat = Seat(person, agency, began, ended)
            team.seats.append(seat)
            seats.append(_membership(team_id, seat, "member", None, admin))
        team.lead = team.seats[0].person
        teams.append(team)
    await insert(Membership, seats)
    await insert(TemplateItem, [{"team": team.id, "position": position, "kind": kind, "title": title,
                                 "planned_minutes": minutes}
                                for team in teams for position, (kind, title, minutes) in enumerate(STANDING)])
    return teams


@dataclass
class HeldMeeting:
    id: int
    day: date
    ended_at: datetime  # when its last item ended
    topics: list[tuple[int, str, datetime]]  # agenda item id, subject, ended at


def _agenda(rng: random.Random, team: RegionTeam, live_start: datetime | None) -> list[dict]:
    """The standing items, then (for a meeting that ran) two to four topics, done one after another."""
    plan = list(STANDING)
    if live_start:
        for subject in rng.sample(SUBJECTS, rng.randint(2, 4)):
            plan.append((rng.choice(TOPIC_KINDS), f"{subject}: {rng.choice(ASPECTS)}", rng.choice((10, 15, 20))))
        if team.kind in ("perinatal_cluster", "child_family_team"):
            plan.append(("case_review", "Case review", 20))
    items, moment = [], live_start
    for position, (kind, title, planned) in enumerate(plan):
        item = {"position": position, "kind": kind, "title": title, "presenter": None, "planned_minutes": planned,
                "presenter_notes": "", "notes": "", "status": "pending", "started_at": None, "ended_at": None,
                "carried_from": None, "version": 1}
        if moment:
            ended = moment + timedelta(seconds=round(planned * 60 * rng.choice((0.8, 1.0, 1.1))))
            notes = "" if kind == "case_review" else f"Members discussed {title.lower()}."
            item.update(status="done", started_at=moment, ended_at=ended, notes=notes)
            moment = ended
        items.append(item)
    return items


async def _meetings(rng: random.Random, now: datetime, today: date,
                    teams: list[RegionTeam]) -> dict[int, list[HeldMeeting]]:
    """Ten years of monthly meetings per team, as two series (a series spans at most five years),
    through three months ahead. Past ones ran: agenda, decisions, approved minutes."""
    series_rows, plans = [], []
    for team in teams:
        hour = rng.choice((time(9, 0), time(9, 30), time(10, 0), time(13, 0), time(14, 0), time(15, 30)))
        minutes = rng.choice((60, 90, 90, 120))
        split = today - timedelta(days=5 * 365 - rng.randint(0, 60))
        for begin, until in ((today - timedelta(days=YEARS * 365), split - timedelta(days=1)), (split, today + AHEAD)):
            if rng.random() < 0.5:
                rule = Recurrence("monthly_weekday", week_of_month=rng.randint(1, 4), weekday=rng.randint(0, 4),
                                  until=until)
            else:
                rule = Recurrence("monthly_date", month_day=rng.randint(1, 28), until=until)
            starts = recurrence.occurrences(datetime.combine(begin, hour), rule, team.zone)
            uid, created = fake_uid(rng), starts[0] - timedelta(days=21)
            series_rows.append({
                "team": team.id, "uid": uid, "title": f"{team.name} monthly meeting",
                "start_local": starts[0].astimezone(ZoneInfo(team.zone)).replace(tzinfo=None),
                "duration_minutes": minutes, "time_zone": team.zone, "frequency": rule.frequency, "interval": 1,
                "weekdays": "", "month_day": rule.month_day, "week_of_month": rule.week_of_month,
                "weekday": rule.weekday, "until": until, "occurrences": None, "location": f"{team.name}, Room 1",
                "join_link": "", "description": "", "sequence": 0, "version": 1,
                "created_at": created, "updated_at": created,
            })
            plans.append((team, uid, starts, minutes))
    series_ids = await insert(Series, series_rows)

    meeting_rows, agendas = [], []
    for series_id, (team, uid, starts, minutes) in zip(series_ids, plans, strict=True):
        upcoming = 0
        for start in starts:
            end = start + timedelta(minutes=minutes)
            past = end < now
            cancelled = past and rng.random() < 0.02
            live_start = start + timedelta(minutes=rng.choice((0, 1, 2, 5))) if past and not cancelled else None
            published = past or upcoming == 0  # of the upcoming meetings, only the next one's agenda is out
            upcoming += not past
            items = _agenda(rng, team, live_start) if published and not cancelled else []
            live_end = items[-1]["ended_at"] + timedelta(minutes=1) if live_start else None
            created = start - timedelta(days=21)
            meeting_rows.append({
                "team": team.id, "series": series_id, "uid": uid, "original_start": start, "detached": cancelled,
                "title": f"{team.name} monthly meeting", "starts_at": start, "ends_at": end, "time_zone": team.zone,
                "status": "cancelled" if cancelled else "scheduled", "location": f"{team.name}, Room 1",
                "join_link": "", "description": "", "sequence": int(cancelled),
                "agenda_published_at": start - timedelta(days=6) if published else None,
                "live_status": "ended" if live_start else "not_started", "live_started_at": live_start,
                "live_ended_at": live_end, "current_item_id": None, "live_version": 2 * len(items) if live_start else 0,
                "version": 1 + int(cancelled), "created_at": created,
                "updated_at": live_end or (start - timedelta(days=10) if cancelled else created),
            })
            agendas.append((team, live_start, items))
    meeting_ids = await insert(Meeting, meeting_rows)
    flat = [(meeting_id, item) for meeting_id, (_team, _start, items) in zip(meeting_ids, agendas, strict=True)
            for item in items]
    item_ids = await insert(AgendaItem, [{**item, "meeting": meeting_id} for meeting_id, item in flat])

    held: dict[int, list[HeldMeeting]] = {team.id: [] for team in teams}
    by_meeting: dict[int, HeldMeeting] = {}
    lead_of: dict[int, int] = {}
    for meeting_id, row, (team, live_start, items) in zip(meeting_ids, meeting_rows, agendas, strict=True):
        lead_of[meeting_id] = team.lead
        if live_start:
            day = row["starts_at"].astimezone(ZoneInfo(team.zone)).date()
            by_meeting[meeting_id] = HeldMeeting(meeting_id, day, items[-1]["ended_at"], [])
            held[team.id].append(by_meeting[meeting_id])
    decisions = []
    for item_id, (meeting_id, item) in zip(item_ids, flat, strict=True):
        meeting = by_meeting.get(meeting_id)
        if meeting is None:
            continue
        if item["kind"] not in ("standing", "case_review"):
            meeting.topics.append((item_id, item["title"].split(":")[0].lower(), item["ended_at"]))
        if item["kind"] == "decision":
            decisions.append({"agenda_item": item_id, "text": f"Approved: the {item['title'].lower()}.",
                              "recorded_by": lead_of[meeting_id], "recorded_at": item["ended_at"]})
    await insert(Decision, decisions)

    # Minutes: each approved at the team's next held meeting; the latest one is still circulating.
    minutes_rows = []
    titles = {meeting_id: row["title"] for meeting_id, row in zip(meeting_ids, meeting_rows, strict=True)}
    for team in teams:
        meetings = held[team.id]
        for index, meeting in enumerate(meetings):
            following = meetings[index + 1] if index + 1 < len(meetings) else None
            minutes_rows.append({
                "meeting": meeting.id, "status": "approved" if following else "circulated",
                "record": _minutes_record(titles[meeting.id], meeting, team.zone, rng),
                "approved_at_meeting": following.id if following else None,
                "approved_at": following.ended_at if following else None, "version": 3 if following else 2,
                "updated_at": following.ended_at if following else meeting.ended_at + timedelta(days=2),
            })
    minutes_ids = await insert(Minutes, minutes_rows)
    await insert(MinutesRevision, [
        {"minutes": minutes_id, "record": row["record"], "status": row["status"], "version": row["version"],
         "edited_by": lead_of[row["meeting"]], "edited_at": row["updated_at"]}
        for minutes_id, row in zip(minutes_ids, minutes_rows, strict=True)
    ])
    return held


def _minutes_record(title: str, meeting: HeldMeeting, zone: str, rng: random.Random) -> str:
    """A minutes record (server/meetings/record.py) of the usual shape: a summary, the standing
    items and each topic with what was said."""
    fixed = [("standing", "Welcome and introductions", "Introductions around the table and on the video call."),
             ("standing", "Approval of last meeting's minutes", "The minutes are approved as circulated."),
             ("action_item_review", "Action-item review", "Owners gave updates on their open items.")]
    items = [{"id": 0, "number": number, "kind": kind, "title": item_title, "text": text, "outcome": "done",
              "decisions": [], "actions": []} for number, (kind, item_title, text) in enumerate(fixed, start=1)]
    for number, (item_id, subject, _at) in enumerate(meeting.topics, start=len(fixed) + 1):
        items.append({"id": item_id, "number": number, "kind": "discussion", "title": subject.capitalize(),
                      "text": f"Members discussed {subject} and agreed on next steps.", "outcome": "done",
                      "decisions": [], "actions": []})
    return record.dumps({
        "v": record.SCHEMA, "title": title, "time_zone": zone, "attendance_taken": False,
        "summary": f"Present: {rng.randint(18, 32)} members ({rng.randint(2, 9)} remote). Excused: {rng.randint(0, 5)}.",
        "items": items,
    })


async def _actions(rng: random.Random, now: datetime, today: date, teams: list[RegionTeam],
                   held: dict[int, list[HeldMeeting]], wanted: int) -> None:
    """Action items from past meetings, owned by someone seated that day (or only by their agency);
    most old ones done, recent ones in every state; one progress-log entry each."""
    rows, updates = [], []
    for number in range(wanted):
        team = teams[number % len(teams)]
        meeting = rng.choice(held[team.id])
        item_id, subject, created = rng.choice(meeting.topics) if meeting.topics else (None, "the agenda", meeting.ended_at)
        seats = [s for s in team.seats if s.started_on <= meeting.day and (s.ended_on is None or s.ended_on > meeting.day)]
        seat = rng.choice(seats or team.seats)
        owner = None if rng.random() < 0.1 else seat.person
        due = meeting.day + timedelta(days=rng.randint(7, 120))
        age = (today - meeting.day).days
        if age > 365:
            status = rng.choices(("done", "dropped", "open", "in_progress"), (75, 20, 3, 2))[0]
        else:
            status = rng.choices(("open", "in_progress", "blocked", "done", "dropped"), (35, 30, 10, 20, 5))[0]
        changed = created if status == "open" else min(now, created + timedelta(days=rng.randint(3, 150)))
        rows.append({
            "team": team.id, "title": rng.choice(ACTION_TITLES).format(s=subject), "description": "",
            "owner": owner, "owner_agency": seat.agency, "due_on": due, "status": status,
            "source_meeting": meeting.id, "source_item": item_id, "created_by": team.lead,
            "created_at": created, "updated_at": changed, "version": 1 if status == "open" else 2,
        })
        if status == "open":
            updates.append({"author": team.lead, "at": created, "status_from": "", "status_to": "open",
                            "due_from": None, "due_to": due, "note": ""})
        else:
            author = team.lead if status == "dropped" or owner is None else owner
            updates.append({"author": author, "at": changed,
                            "status_from": "in_progress" if status in ("blocked", "done") else "open",
                            "status_to": status, "due_from": None, "due_to": None, "note": PROGRESS_NOTES[status]})
    action_ids = await insert(ActionItem, rows)
    await insert(ActionUpdate, [{**update, "action_item": action_id}
                                for action_id, update in zip(action_ids, updates, strict=True)])


async def build(region: bool, seed: int) -> dict:
    rng = random.Random(seed)
    now = clock.now()
    await db.prepare()
    try:
        result = {"region": await add_region(rng, now)} if region else {}
        result.update(await add_live_meeting(rng, now))
    finally:
        await db.close()
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(build(ARGS.region, ARGS.seed))))
