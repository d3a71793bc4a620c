"""The demo county: Maple County's agencies, people and teams (all fictional).

Loaded by `convene demo` into an empty database. Dates are relative to today so the demo
always looks current. Later capabilities extend this file.
"""

from __future__ import annotations

from datetime import date, timedelta

from server import clock
from server.accounts.service import hash_password
from server.accounts.tables import Affiliation, Person
from server.agencies.tables import Agency
from server.db import writing
from server.teams.tables import Membership, Team

DEMO_PASSWORD = "maple-demo-2026"
TIME_ZONE = "America/New_York"

# short name, name, sector, Part 2, HIPAA, FERPA
AGENCIES = [
    ("JC", "Maple County Juvenile Court", "juvenile_justice", False, False, False),
    ("CPS", "Maple County Children Services", "child_welfare", False, False, False),
    ("MVCHC", "Maple Valley Community Health Center", "medical", False, True, False),
    ("MHAS", "Maple County Mental Health and Addiction Services Board", "behavioral_health", False, False, False),
    ("DD", "Maple County Board of Developmental Disabilities", "developmental_disabilities", False, True, False),
    ("MCHD", "Maple County Health Department", "public_health", False, True, False),
    ("MMC", "Maple Memorial Medical Center", "medical", False, True, False),
    ("FCFC", "Maple County Family and Children First Council", "community_faith", False, False, False),
    ("HMG", "Help Me Grow Maple County", "early_childhood", False, False, False),
    ("MCAP", "Maple Community Action Partnership (Housing)", "housing", False, False, False),
    ("ECP", "Little Oaks Early Childhood Programs", "early_childhood", False, False, True),
    ("FSA", "Maple Family Services Agency", "family_peer", False, False, False),
    ("HRS", "Harbor Recovery Services", "substance_use_treatment", True, True, False),
    ("MCS", "Maple City School District", "education", False, False, True),
]

# key, name, email, agency short name, title, language, site admin
PEOPLE = [
    ("admin", "Dana Whitfield", "admin@maple.example", "FCFC", "System of Care Coordinator", "en", True),
    ("chair", "Marcus Reyes", "chair@maple.example", "JC", "Court Administrator", "en", False),
    ("coordinator", "Priya Natarajan", "coordinator@maple.example", "MCHD", "Plan of Safe Care Coordinator", "en", False),
    ("treatment", "Jordan Ellis", "treatment@maple.example", "HRS", "Clinical Supervisor", "en", False),
    ("school", "Angela Brooks", "school@maple.example", "MCS", "Director of Student Services", "en", False),
    ("family", "Rosa Delgado", "family@maple.example", "FSA", "Family Partner", "es", False),
    ("cps_dir", "Kevin O'Connell", "kevin.oconnell@maple.example", "CPS", "Intake Director", "en", False),
    ("cps_case", "Tamara Nguyen", "tamara.nguyen@maple.example", "CPS", "Ongoing Caseworker", "en", False),
    ("chc", "Dr. Lena Fischer", "lena.fischer@maple.example", "MVCHC", "Medical Director", "en", False),
    ("mhas", "Samuel Okafor", "samuel.okafor@maple.example", "MHAS", "Associate Director", "en", False),
    ("mhas_alt", "Beth Lindqvist", "beth.lindqvist@maple.example", "MHAS", "Care Coordinator", "en", False),
    ("dd", "Carla Jimenez", "carla.jimenez@maple.example", "DD", "Service Coordinator", "es", False),
    ("health", "Dr. Alan Porter", "alan.porter@maple.example", "MCHD", "Health Commissioner", "en", False),
    ("nurse", "Grace Whitman", "grace.whitman@maple.example", "MCHD", "Public Health Nurse", "en", False),
    ("ob", "Dr. Nadia Haddad", "nadia.haddad@maple.example", "MMC", "OB Nurse Manager", "en", False),
    ("mmc_sw", "Luis Romero", "luis.romero@maple.example", "MMC", "Perinatal Social Worker", "es", False),
    ("fcfc", "Hannah Kim", "hannah.kim@maple.example", "FCFC", "Wraparound Facilitator", "en", False),
    ("hmg", "Olivia Grant", "olivia.grant@maple.example", "HMG", "Central Intake Coordinator", "en", False),
    ("housing", "Derek Shaw", "derek.shaw@maple.example", "MCAP", "Housing Navigator", "en", False),
    ("ecp", "Mei Lin", "mei.lin@maple.example", "ECP", "Program Director", "en", False),
    ("fsa", "Teresa Alvarez", "teresa.alvarez@maple.example", "FSA", "Executive Director", "es", False),
    ("hrs_dir", "Patrick Byrne", "patrick.byrne@maple.example", "HRS", "Program Director", "en", False),
    ("school2", "Nicole Foster", "nicole.foster@maple.example", "MCS", "School Social Worker", "en", False),
    ("court2", "Judge Ellen Marsh", "ellen.marsh@maple.example", "JC", "Juvenile Court Judge", "en", False),
    ("retired", "George Halvorsen", "george.halvorsen@maple.example", "CPS", "Retired Supervisor", "en", False),
    ("former", "Irene Castillo", "irene.castillo@maple.example", "MVCHC", "Former Outreach Lead", "en", False),
]

# key, name, kind, area, description
TEAMS = [
    ("collab", "Maple County Community Collaborative", "community_collaborative", "Maple County",
     "The county's cross-system collaborative for children and youth with multi-system needs. "
     "Meets the second Tuesday of every month."),
    ("cluster", "Maple County Perinatal Cluster", "perinatal_cluster", "Maple County",
     "Reviews Plans of Safe Care for pregnant women and new mothers affected by substance use, "
     "with their consent. Meets every other Thursday."),
    ("leadership", "Perinatal Leadership Group", "leadership_group", "Maple County",
     "Agency leaders who steer the Perinatal Cluster, remove barriers and track gaps in services."),
    ("cft", "Child and Family Team CFT-0142", "child_family_team", "Maple City",
     "A wraparound team for one family, led by the family with their facilitator."),
]

# team, person, agency, role, alternate for (person key), started (days ago), ended (days ago)
SEATS = [
    ("collab", "chair", "JC", "chair", None, 900, None),
    ("collab", "cps_dir", "CPS", "co_chair", None, 900, None),
    ("collab", "admin", "FCFC", "coordinator", None, 900, None),
    ("collab", "mhas", "MHAS", "member", None, 800, None),
    ("collab", "mhas_alt", "MHAS", "member", "mhas", 400, None),
    ("collab", "school", "MCS", "member", None, 700, None),
    ("collab", "treatment", "HRS", "member", None, 650, None),
    ("collab", "dd", "DD", "member", None, 600, None),
    ("collab", "health", "MCHD", "member", None, 800, None),
    ("collab", "chc", "MVCHC", "member", None, 500, None),
    ("collab", "hmg", "HMG", "member", None, 450, None),
    ("collab", "ecp", "ECP", "member", None, 300, None),
    ("collab", "family", "FSA", "family_partner", None, 500, None),
    ("collab", "court2", "JC", "guest", None, 60, None),
    ("collab", "retired", "CPS", "member", None, 1400, 420),
    ("collab", "former", "MVCHC", "member", None, 1200, 510),
    ("cluster", "coordinator", "MCHD", "coordinator", None, 700, None),
    ("cluster", "ob", "MMC", "chair", None, 700, None),
    ("cluster", "nurse", "MCHD", "member", "coordinator", 500, None),
    ("cluster", "treatment", "HRS", "member", None, 650, None),
    ("cluster", "cps_case", "CPS", "member", None, 600, None),
    ("cluster", "mmc_sw", "MMC", "member", None, 550, None),
    ("cluster", "hmg", "HMG", "member", None, 500, None),
    ("cluster", "chc", "MVCHC", "member", None, 400, None),
    ("cluster", "mhas_alt", "MHAS", "member", None, 380, None),
    ("cluster", "housing", "MCAP", "member", None, 200, None),
    ("cluster", "family", "FSA", "family_partner", None, 350, None),
    ("cluster", "former", "MVCHC", "member", None, 1000, 520),
    ("leadership", "health", "MCHD", "chair", None, 800, None),
    ("leadership", "coordinator", "MCHD", "coordinator", None, 700, None),
    ("leadership", "hrs_dir", "HRS", "member", None, 700, None),
    ("leadership", "cps_dir", "CPS", "member", None, 700, None),
    ("leadership", "mhas", "MHAS", "member", None, 700, None),
    ("leadership", "ob", "MMC", "member", None, 600, None),
    ("leadership", "fsa", "FSA", "family_partner", None, 500, None),
    ("leadership", "admin", "FCFC", "member", None, 700, None),
    ("cft", "fcfc", "FCFC", "chair", None, 120, None),
    ("cft", "cps_case", "CPS", "member", None, 120, None),
    ("cft", "school2", "MCS", "member", None, 120, None),
    ("cft", "mhas_alt", "MHAS", "member", None, 120, None),
    ("cft", "dd", "DD", "member", None, 90, None),
    ("cft", "family", "FSA", "family_partner", None, 120, None),
]


async def load_demo() -> bool:
    """Loads the demo county if there is no one in the database yet; True when loaded."""
    if await Person.exists():
        return False
    now = clock.now()
    today = clock.today_in(TIME_ZONE)
    password_hash = await hash_password(DEMO_PASSWORD)
    async with writing():
        if await Person.exists():
            return False
        agency_ids = {}
        for short, name, sector, part2, hipaa, ferpa in AGENCIES:
            rows = await Agency.insert(Agency(
                name=name, short_name=short, sector=sector, is_part2_program=part2,
                is_hipaa_covered=hipaa, is_ferpa_agency=ferpa, active=True, created_at=now, updated_at=now,
            )).returning(Agency.id)
            agency_ids[short] = rows[0]["id"]
        person_ids = {}
        for key, name, email, _agency, title, language, admin in PEOPLE:
            rows = await Person.insert(Person(
                name=name, email=email, phone=_phone(len(person_ids)), title=title,
                preferred_language=language, is_site_admin=admin, active=True,
                password_hash=password_hash, created_at=now, updated_at=now,
            )).returning(Person.id)
            person_ids[key] = rows[0]["id"]
        await Affiliation.insert(*[
            Affiliation(person=person_ids[key], agency=agency_ids[agency], started_on=today - timedelta(days=1500))
            for key, _name, _email, agency, *_rest in PEOPLE
        ])
        team_ids = {}
        for key, name, kind, area, description in TEAMS:
            rows = await Team.insert(Team(
                name=name, kind=kind, area=area, time_zone=TIME_ZONE, description=description,
                is_public=key == "collab", created_at=now, updated_at=now,
            )).returning(Team.id)
            team_ids[key] = rows[0]["id"]
        await Membership.insert(*[
            Membership(
                team=team_ids[team], person=person_ids[person], agency=agency_ids[agency], role=role,
                alternate_for=person_ids[alternate] if alternate else None,
                started_on=_days_ago(today, started), ended_on=_days_ago(today, ended) if ended else None,
                created_at=now, created_by=person_ids["admin"], version=1,
            )
            for team, person, agency, role, alternate, started, ended in SEATS
        ])
    return True


def _days_ago(today: date, days: int) -> date:
    return today - timedelta(days=days)


def _phone(index: int) -> str:
    return f"(555) 555-{1000 + index * 37:04d}"


