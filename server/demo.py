"""The demo county: Maple County's agencies, people and teams (all fictional).

Loaded by `convene demo` into an empty database. Dates are relative to today so the demo
always looks current: each team has a year of past meetings (attendance, notes, decisions,
minutes) and three months of upcoming ones, two teams a one-off working session in the coming
days, and action items in every state.
No meeting row names a client or carries a case fact: case-review items are only "Case review";
the cases themselves (server/cases/demo.py) are known to the meetings by their opaque reference.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from piccolo.table import Table

from server import clock
from server.accounts.service import hash_password
from server.accounts.tables import Affiliation, Person
from server.actions.tables import ActionItem, ActionUpdate
from server.agencies.tables import Agency
from server.cases.demo import load_cases
from server.db import writing
from server.meetings import record, recurrence
from server.meetings.recurrence import Recurrence
from server.meetings.scheduling import new_uid
from server.meetings.tables import (
    AgendaItem,
    Attendance,
    Decision,
    Invitation,
    Meeting,
    Minutes,
    MinutesRevision,
    Series,
    TemplateItem,
)
from server.teams.tables import AccessGrant, Membership, Team

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


# Meetings, agendas, minutes and action items. Everything below is built relative to today.

SEED = 2026  # the same demo on every load of the same day
ZONE = ZoneInfo(TIME_ZONE)

# team: quorum kind (share of voting members in percent, or a count of them), value
QUORUM = {"collab": ("share", 50), "cluster": ("count", 5), "leadership": ("count", 4), "cft": ("share", 50)}


@dataclass(frozen=True)
class Schedule:
    """A team's recurring meeting, from about a year ago to three months ahead."""

    title: str
    rule: Recurrence  # open-ended here; the loader sets `until`
    start: time
    minutes: int
    location: str
    join_link: str
    description: str
    lead: str  # person key: runs the meetings, records attendance and minutes
    moved: tuple[int, time]  # one past occurrence moved this many days later, to this time
    published_ahead: int  # upcoming meetings whose agenda is already published
    days_back: int = 365  # the first meeting is on or after this many days ago
    moved_back: int = 4  # which past occurrence is moved, counting back from the latest
    cancelled_back: int = 7  # and which one was cancelled


SCHEDULES = {
    "collab": Schedule(
        "Community Collaborative monthly meeting",
        Recurrence("monthly_weekday", week_of_month=2, weekday=1), time(9, 30), 90,
        "Family and Children First Council, 210 Elm Street, Maple City, Conference Room B",
        "https://meet.example/maple-collaborative",
        "Monthly meeting of the Community Collaborative. Join in person or by video.",
        "chair", (1, time(13, 0)), 1),
    "cluster": Schedule(
        "Perinatal Cluster", Recurrence("weekly", interval=2, weekdays=(3,)), time(12, 0), 90,
        "Maple County Health Department, 400 Main Street, Room 2",
        "https://meet.example/maple-perinatal-cluster",
        "Plan of Safe Care reviews. Case details stay in the room and out of the minutes.",
        "coordinator", (0, time(14, 0)), 2),
    "leadership": Schedule(
        "Perinatal Leadership Group", Recurrence("monthly_weekday", week_of_month=3, weekday=2),
        time(15, 0), 60, "Maple County Health Department, 400 Main Street, Board Room", "",
        "Agency leaders steering the Perinatal Cluster.", "health", (1, time(14, 0)), 1),
    "cft": Schedule(
        "CFT-0142 team meeting", Recurrence("weekly", interval=4, weekdays=(0,)), time(16, 0), 60,
        "Maple City Public Library, Meeting Room A", "",
        "The family's wraparound team.", "fcfc", (1, time(17, 0)), 1,
        days_back=120, moved_back=3, cancelled_back=4),  # the team formed when its roster did
}
AHEAD = timedelta(days=92)

# One-off meetings in the coming days, outside any series, their agendas still drafts: every
# demo account has a meeting this week, and the leads an agenda to publish.
# team, days from today, start, minutes, title, location, description, agenda items (kind,
# title, planned minutes), whether the Collaborative's guest is invited
ONE_OFFS = [
    ("collab", 2, time(14, 0), 60, "Diversion referral pathway working session",
     "Maple County Juvenile Court, 15 Court Street, Jury Assembly Room",
     "A working session with Judge Marsh on how referrals reach juvenile court diversion.",
     [("discussion", "Map the referral pathway to juvenile court diversion", 40),
      ("standing", "Next steps and owners", 15)], True),
    ("cluster", 3, time(10, 0), 60, "Plan of Safe Care template walk-through",
     "Maple County Health Department, 400 Main Street, Room 2",
     "The updated Plan of Safe Care template, section by section, before it goes into use.",
     [("presentation", "The updated template, section by section", 30),
      ("discussion", "Questions from partner agencies", 20)], False),
]
MOVED_NOTE = "Moved this once: the usual room was booked for a county hearing."
CANCELLED_NOTE = "Cancelled: most members were at the state System of Care conference."
STAND_IN_BACK = 2  # the Collaborative meeting at which an alternate stood in
LOCK_AFTER = timedelta(days=90)  # approved minutes older than this are locked

APPROVAL = "Approval of last meeting's minutes"
# kind, title, planned minutes: each team's standing items, at the top of every agenda
TEMPLATES = {
    "collab": [("standing", "Welcome and introductions", 5), ("standing", APPROVAL, 5),
               ("action_item_review", "Action-item review", 10), ("standing", "Agency updates", 15)],
    "cluster": [("standing", "Welcome and confidentiality reminder", 5), ("standing", APPROVAL, 5),
                ("action_item_review", "Action-item review", 10)],
    "leadership": [("standing", "Welcome", 5), ("standing", APPROVAL, 5),
                   ("standing", "Perinatal Cluster report", 10),
                   ("action_item_review", "Action-item review", 10)],
    "cft": [("standing", "Welcome and check-in", 5), ("action_item_review", "Action-item review", 10)],
}

# What the standing items' notes say (one is picked per meeting).
STANDING_NOTES = {
    "Welcome and introductions": [
        "Introductions around the table and on the video call.",
        "Introductions; the chair welcomed members joining by video.",
    ],
    "Welcome and confidentiality reminder": [
        "The coordinator reminded members that case details stay in the room and out of the minutes.",
    ],
    "Welcome": ["Welcome and review of the agenda."],
    "Welcome and check-in": ["Check-in around the table; the facilitator reviewed the ground rules."],
    "Action-item review": [
        "Open action items reviewed; owners gave updates.",
        "Owners updated their items; completed ones were closed.",
        "Items reviewed; overdue owners will send an update by email.",
    ],
    "Agency updates": [
        "Health Department: immunization clinics run through the month. "
        "Help Me Grow: two home visitors start next week.",
        "Children Services: intake line hours unchanged. "
        "Mental Health and Addiction Services Board: the crisis line now answers text messages.",
        "School district: family resource centers reopen after the break. "
        "Harbor Recovery: evening groups added on Tuesdays.",
        "Juvenile Court: the diversion program is accepting referrals. "
        "Developmental Disabilities: a new intake coordinator starts on the first.",
    ],
    "Perinatal Cluster report": [
        "The coordinator reported referrals and open Plans of Safe Care, in counts only.",
        "Referrals steady this month; the coordinator flagged two barriers for the group (below).",
    ],
}

# kind, title, presenter (person key), planned minutes, notes, decision
TOPICS = {
    "collab": [
        ("presentation", "Help Me Grow central intake: referrals this quarter", "hmg", 20,
         "Referrals are up on last quarter; most come from pediatric offices. "
         "Members asked for a one-page flyer for schools.", None),
        ("discussion", "Gaps in transportation to after-school therapy appointments", None, 20,
         "There is no bus route in the south of the county after 5 pm. "
         "Members listed the rides each agency can offer.", None),
        ("decision", "Adopt the shared referral form", "chair", 15,
         "Members reviewed the second draft, which includes the school district's comments.",
         "The Collaborative adopts the shared referral form for all member agencies from next month."),
        ("presentation", "Wraparound enrollment and outcomes, year to date", "admin", 20,
         "Enrollment is steady; youth stay in wraparound about eight months on average.", None),
        ("discussion", "Waitlists for adolescent outpatient treatment", "treatment", 20,
         "Waits average five weeks. Members discussed what support youth can get while they wait.", None),
        ("decision", "Approve the request for flexible funds", "cps_dir", 15,
         "The co-chair walked through last year's spending and this year's request.",
         "Approved: request flexible funds at last year's level plus ten percent."),
        ("presentation", "School-based mental health services this year", "school", 20,
         "The district added two school-based therapists in partnership with the Board.", None),
        ("discussion", "Crisis response for youth with developmental disabilities", "dd", 20,
         "Members agreed the crisis team should be able to reach a DD on-call coordinator.", None),
        ("gap_review", "Gap review: respite care for families of children with complex needs", None, 15,
         "The gap stays open; two agencies will compare their respite provider lists.", None),
        ("decision", "Endorse the county's trauma-informed care pledge", "health", 10,
         "The Health Commissioner summarized the pledge.",
         "The Collaborative endorses the pledge; the chair signs on its behalf."),
        ("presentation", "Early childhood mental health consultation in preschools", "ecp", 15,
         "Consultants now visit twelve classrooms; teachers report fewer expulsions.", None),
        ("discussion", "What families told us about the referral process", "family", 20,
         "Families want one contact person and fewer repeated forms.", None),
        ("presentation", "Juvenile court diversion: how referrals work", "court2", 15,
         "Judge Marsh explained who can refer and what the diversion agreement asks of families.", None),
    ],
    "cluster": [
        ("discussion", "Gaps in transportation to prenatal appointments", None, 15,
         "Medicaid rides need three days' notice; members shared workarounds for same-week visits.", None),
        ("presentation", "Safe sleep education at discharge", "ob", 15,
         "Every mother now gets the safe-sleep talk and a sleep sack before discharge.", None),
        ("decision", "Adopt the updated Plan of Safe Care template", "coordinator", 10,
         "Changes: a section for the family's own goals and a clearer list of referrals.",
         "The cluster adopts the updated Plan of Safe Care template from the first of next month."),
        ("discussion", "Warm handoffs from the hospital to home visiting", "hmg", 15,
         "Help Me Grow will take referrals by phone from the perinatal social worker before discharge.", None),
        ("presentation", "Referral pathways for medication-assisted treatment in pregnancy", "treatment", 15,
         "Harbor Recovery can start an assessment within 48 hours of a referral.", None),
        ("discussion", "Peer recovery support for new mothers", "family", 15,
         "Members discussed pairing mothers with a peer from Maple Family Services.", None),
        ("gap_review", "Gap review: housing for mothers leaving residential treatment", "housing", 15,
         "Two transitional units are available; the gap stays open.", None),
        ("decision", "Adopt the shared referral form", "coordinator", 10,
         "The Collaborative's form covers what the cluster needs, with a perinatal page added.",
         "The cluster uses the Collaborative's shared referral form for perinatal referrals."),
    ],
    "leadership": [
        ("presentation", "Perinatal Cluster data: referrals and Plans of Safe Care this quarter",
         "coordinator", 15, "Counts by referral source and by month; no case details.", None),
        ("discussion", "Sustaining funding for peer recovery coaches", "hrs_dir", 15,
         "The current grant ends in June; members listed possible funders.", None),
        ("decision", "Approve the data-sharing memorandum of understanding", "health", 10,
         "County counsel's edits were accepted.",
         "The group approves the memorandum for signature by each agency director."),
        ("discussion", "Barriers raised by the Perinatal Cluster", "coordinator", 15,
         "Transportation and child care during treatment remain the top two barriers.", None),
        ("presentation", "Hospital notification practice under the state's guidance", "ob", 15,
         "The hospital's notification steps now match the state guidance.", None),
        ("discussion", "Child care for mothers in treatment", "fsa", 15,
         "Two providers may hold slots for mothers in treatment if funding allows.", None),
        ("decision", "Set the priorities for next year's grant application", "health", 15,
         "Members ranked the gaps from the cluster's log.",
         "Priorities: peer support, transportation, and housing for mothers in recovery."),
    ],
    "cft": [
        ("discussion", "Meeting schedule and transportation", "fcfc", 10,
         "The team keeps the Monday time; the facilitator confirms rides before each meeting.", None),
        ("discussion", "Who else should be on the team", "family", 10,
         "The family will invite a support person of their choosing.", None),
        ("presentation", "Community resources in Maple City", "mhas_alt", 10,
         "The care coordinator shared the county resource guide.", None),
        ("decision", "Adopt the team's ground rules", "fcfc", 10,
         "The team reviewed the ground rules together.", "The team adopts the ground rules as revised."),
        ("discussion", "How to reach the developmental disabilities board", "dd", 10,
         "The service coordinator explained the referral steps and who to call.", None),
        ("discussion", "Planning the transition out of wraparound", "fcfc", 15,
         "The team will start the transition plan at a later meeting.", None),
    ],
}
# team: (most case reviews per meeting, planned minutes each); always titled "Case review"
CASE_REVIEWS = {"cluster": (2, 20), "cft": (1, 25)}
PACE = (0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.1, 1.2, 1.5)  # actual time against planned: some overrun
ATTENDANCE_MIX = (("present", 62), ("remote", 22), ("excused", 9), ("absent", 7))

# team, past meeting it came from (0 = the latest), the agenda item it came out of, title,
# owner (person key), owner agency (None: the owner's agency on the team), due in days from today, status.
# An item that is one of the TOPICS is put on that meeting's agenda.
ACTIONS = [
    ("collab", 2, "Adopt the shared referral form",
     "Circulate the adopted shared referral form to member agencies", "chair", None, -20, "in_progress"),
    ("collab", 1, "Agency updates",
     "Send the updated roster and contact list to all members", "chair", None, -5, "open"),
    ("collab", 0, "Agency updates", "Invite the juvenile court diversion team to present", "chair", None, 5, "open"),
    ("collab", 2, "Gaps in transportation to after-school therapy appointments",
     "Map rides to after-school therapy appointments in the south of the county", "school", None, -10, "open"),
    ("collab", 0, "School-based mental health services this year",
     "Share the district's attendance-intervention referral steps", "school", None, 15, "in_progress"),
    ("collab", 1, "Waitlists for adolescent outpatient treatment",
     "Report waitlist times for adolescent outpatient treatment", "treatment", None, -3, "blocked"),
    ("collab", 0, "Action-item review",
     "Draft a one-page guide to 42 CFR Part 2 consent for partner agencies", "treatment", None, 20, "open"),
    ("collab", 1, "What families told us about the referral process",
     "Collect family feedback on the referral process", "family", None, -7, "in_progress"),
    ("collab", 1, "What families told us about the referral process",
     "Translate the referral process summary into Spanish", "family", None, 25, "open"),
    ("collab", 3, "Gap review: respite care for families of children with complex needs",
     "Confirm the respite funding balance with the Board", "mhas", None, -40, "done"),
    ("collab", 4, "Agency updates", "Update the crisis-line flyer with the new hours", "health", None, -60, "done"),
    ("collab", 5, "Endorse the county's trauma-informed care pledge",
     "Schedule a joint training on trauma-informed care", "admin", None, -90, "dropped"),
    ("collab", 1, "Action-item review", "Name a backup representative for the Collaborative", None, "DD", -2, "open"),
    ("collab", 2, "Action-item review",
     "Compile the annual service-gap summary for the grant report", "admin", None, 6, "in_progress"),
    ("cluster", 4, "Adopt the updated Plan of Safe Care template",
     "Update the Plan of Safe Care referral checklist", "coordinator", None, -12, "in_progress"),
    ("cluster", 1, "Warm handoffs from the hospital to home visiting",
     "Set up a warm-handoff protocol with Help Me Grow central intake", "coordinator", None, 10, "open"),
    ("cluster", 3, "Referral pathways for medication-assisted treatment in pregnancy",
     "List treatment openings for pregnant and postpartum women", "treatment", None, -6, "open"),
    ("cluster", 0, "Action-item review",
     "Share the medication-assisted treatment referral contacts", "treatment", None, 8, "in_progress"),
    ("cluster", 2, "Peer recovery support for new mothers",
     "Gather peer-support options for new mothers", "family", None, -9, "open"),
    ("cluster", 1, "Gaps in transportation to prenatal appointments",
     "Ask the transit authority about bus passes for prenatal visits", "housing", None, 14, "blocked"),
    ("cluster", 5, "Warm handoffs from the hospital to home visiting",
     "Add home-visiting referral steps to the Plan of Safe Care template", "nurse", None, -30, "done"),
    ("cluster", 6, "Action-item review",
     "Post the cluster's meeting schedule on the county website", "hmg", None, -50, "dropped"),
    ("cluster", 3, "Safe sleep education at discharge", "Share safe-sleep materials in Spanish", "mmc_sw", None, -20,
     "done"),
    ("cluster", 2, "Adopt the shared referral form",
     "Review the consent form wording with county counsel", "cps_case", None, 5, "in_progress"),
    ("leadership", 1, "Perinatal Cluster data: referrals and Plans of Safe Care this quarter",
     "Present the cluster's quarterly data to the Board", "health", None, 20, "open"),
    ("leadership", 2, "Sustaining funding for peer recovery coaches",
     "Find funding for a second peer recovery coach", "hrs_dir", None, -15, "blocked"),
    ("leadership", 3, "Approve the data-sharing memorandum of understanding",
     "Collect each director's signature on the data-sharing memorandum", "coordinator", None, -25, "in_progress"),
    ("leadership", 0, "Child care for mothers in treatment",
     "Report on child care slots for mothers in treatment", "fsa", None, 30, "open"),
    ("leadership", 4, "Perinatal Cluster report",
     "Circulate the updated cluster charter for signature", "health", None, -70, "done"),
    ("leadership", 5, "Set the priorities for next year's grant application",
     "Plan a spring community forum", "admin", None, -100, "dropped"),
    ("cft", 1, "Meeting schedule and transportation", "Send the team meeting calendar to everyone", "fcfc", None, -4,
     "open"),
    ("cft", 0, "Action-item review", "Share the school's contact for the team's questions", "school2", None, 10,
     "in_progress"),
    ("cft", 0, "Meeting schedule and transportation", "Confirm rides for the next team meeting", "family", None, -1,
     "open"),
    ("cft", 2, "Community resources in Maple City", "Check the rules of the county respite program",
     "mhas_alt", None, -30, "done"),
    ("cft", 3, "Action-item review", "Add the after-hours crisis number to the team's contact sheet",
     "cps_case", None, -45, "dropped"),
]
# One item whose due date was moved, with the reason the log gives: title: (first due in days, reason)
DUE_CHANGES = {
    "Circulate the adopted shared referral form to member agencies":
        (-40, "County counsel asked for more time on the consent language."),
}
# The statuses an item passed through on its way to its current one, and what the log says.
STATUS_PATHS = {"open": [], "in_progress": ["in_progress"], "blocked": ["in_progress", "blocked"],
                "done": ["in_progress", "done"], "dropped": ["dropped"]}
PROGRESS_NOTES = {
    "in_progress": ["Started; a first draft is with my director.", "Working on it; calls made this week."],
    "blocked": ["Waiting on data from the state reporting system.", "Waiting for an answer from the funder."],
    "done": ["Done; sent to the team by email.", "Done and shared at the meeting."],
    "dropped": ["Dropped: covered by the state's work this year.", "Dropped: no longer needed."],
}


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
            quorum_kind, quorum_value = QUORUM[key]
            rows = await Team.insert(Team(
                name=name, kind=kind, area=area, time_zone=TIME_ZONE, description=description,
                is_public=key == "collab", quorum_kind=quorum_kind, quorum_value=quorum_value,
                created_at=now, updated_at=now,
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
        # The coordinator (also the site admin) seated herself on the Collaborative: on record.
        own_seat = await Membership.select(Membership.id, Membership.started_on).where(
            (Membership.team == team_ids["collab"]) & (Membership.person == person_ids["admin"])).first()
        await AccessGrant.insert(AccessGrant(
            team=team_ids["collab"], seat=own_seat["id"], person=person_ids["admin"], granted_by=person_ids["admin"],
            role="coordinator", at=datetime.combine(own_seat["started_on"], time(9, 0), tzinfo=ZONE),
        ))
        await _load_meetings(_Ids(person_ids, agency_ids, team_ids), now, today)
    return True


def _days_ago(today: date, days: int) -> date:
    return today - timedelta(days=days)


def _phone(index: int) -> str:
    return f"(555) 555-{1000 + index * 37:04d}"


# Meetings: planned in memory first (dates, agendas, who came), then written with one bulk
# insert per table, so the whole demo costs a few dozen statements.


@dataclass(frozen=True)
class _Ids:
    people: dict[str, int]
    agencies: dict[str, int]
    teams: dict[str, int]


@dataclass(eq=False)  # items are told apart by identity: two "Case review" items are not the same
class _Item:
    kind: str
    title: str
    minutes: int
    presenter: str | None = None
    outcome: tuple[str, str | None] = ("", None)  # notes and decision, if the item is held
    notes: str = ""
    decision: str | None = None
    status: str = "pending"
    started_at: datetime | None = None
    ended_at: datetime | None = None
    id: int = 0


@dataclass(eq=False)
class _Meeting:
    team: str
    original_start: datetime
    starts_at: datetime
    ends_at: datetime
    state: str  # held | cancelled | upcoming
    moved: bool = False
    published: bool = False
    live_started_at: datetime | None = None
    live_ended_at: datetime | None = None
    items: list[_Item] = field(default_factory=list)
    attendance: list[tuple[str, str, str | None, datetime | None, datetime | None]] = field(default_factory=list)
    id: int = 0

    @property
    def day(self) -> date:
        return self.starts_at.astimezone(ZONE).date()


NAMES = {key: name for key, name, *_rest in PEOPLE}


async def _load_meetings(ids: _Ids, now: datetime, today: date) -> None:
    rng = random.Random(SEED)
    await TemplateItem.insert(*[
        TemplateItem(team=ids.teams[team], position=position, kind=kind, title=title, planned_minutes=minutes)
        for team, items in TEMPLATES.items() for position, (kind, title, minutes) in enumerate(items)
    ])
    starts = {team: _first_start(schedule, today) for team, schedule in SCHEDULES.items()}
    until = today + AHEAD
    uids = {team: new_uid() for team in SCHEDULES}
    series_ids = dict(zip(SCHEDULES, await _insert(Series, [
        _series_row(ids.teams[team], uids[team], schedule, starts[team], until)
        for team, schedule in SCHEDULES.items()
    ]), strict=True))

    plans = {team: _plan(team, schedule, starts[team], until, now) for team, schedule in SCHEDULES.items()}
    for team, meetings in plans.items():
        _fill_agendas(team, meetings, rng, today)
    meetings = [meeting for team_meetings in plans.values() for meeting in team_meetings]
    meeting_ids = await _insert(Meeting, [
        _meeting_row(m, ids.teams[m.team], series_ids[m.team], uids[m.team], starts[m.team], now)
        for m in meetings
    ])
    for meeting, meeting_id in zip(meetings, meeting_ids, strict=True):
        meeting.id = meeting_id
    items = [(meeting, item) for meeting in meetings for item in meeting.items]
    item_ids = await _insert(AgendaItem, [
        AgendaItem(meeting=meeting.id, position=position, kind=item.kind, title=item.title,
                   presenter=ids.people.get(item.presenter or ""), planned_minutes=item.minutes,
                   presenter_notes="", notes=item.notes, status=item.status, started_at=item.started_at,
                   ended_at=item.ended_at, outcome=_outcome(meeting, item), version=1)
        for meeting in meetings for position, item in enumerate(meeting.items)
    ])
    for (_meeting, item), item_id in zip(items, item_ids, strict=True):
        item.id = item_id
    await _insert(Decision, [
        Decision(agenda_item=item.id, text=item.decision, recorded_by=ids.people[SCHEDULES[meeting.team].lead],
                 recorded_at=item.ended_at)
        for meeting, item in items if item.decision
    ])
    held = {team: [m for m in team_meetings if m.state == "held"] for team, team_meetings in plans.items()}
    await _load_actions(ids, held, rng, now, today)
    await _insert(Attendance, [
        Attendance(meeting=m.id, person=ids.people[person], status=status,
                   standing_in_for=ids.people[stands_for] if stands_for else None, arrived_at=arrived,
                   departed_at=departed, recorded_by=ids.people[SCHEDULES[m.team].lead],
                   updated_at=departed or arrived or m.live_started_at)
        for m in meetings for person, status, stands_for, arrived, departed in m.attendance
    ])
    await load_cases(ids.people, ids.agencies, ids.teams, now, today)  # before the minutes take their record
    await _load_minutes(ids, held, now)
    # The Collaborative's guest is invited to its next meeting (guests see only those).
    next_collab = next(m for m in plans["collab"] if m.state == "upcoming")
    guest_seat = await Membership.select(Membership.id).where(
        (Membership.person == ids.people["court2"]) & (Membership.role == "guest")).first()
    await Invitation.insert(Invitation(meeting=next_collab.id, person=ids.people["court2"],
                                       created_at=now - timedelta(days=2), seat=guest_seat["id"]))
    await _load_one_offs(ids, now, today, guest_seat["id"])


async def _load_one_offs(ids: _Ids, now: datetime, today: date, guest_seat: int) -> None:
    created = now - timedelta(days=5)
    for team, days, start, minutes, title, location, description, items, invite_guest in ONE_OFFS:
        starts_at = _utc(datetime.combine(today + timedelta(days=days), start))
        rows = await Meeting.insert(Meeting(
            team=ids.teams[team], series=None, uid=new_uid(), original_start=None, detached=False, title=title,
            starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), time_zone=TIME_ZONE,
            status="scheduled", location=location, join_link="", description=description, sequence=0,
            agenda_published_at=None, live_status="not_started", live_version=0, version=1, created_at=created,
            updated_at=created,
        )).returning(Meeting.id)
        await AgendaItem.insert(*[
            AgendaItem(meeting=rows[0]["id"], position=position, kind=kind, title=item_title, planned_minutes=planned,
                       presenter_notes="", notes="", status="pending", version=1)
            for position, (kind, item_title, planned) in enumerate(items)
        ])
        if invite_guest:
            await Invitation.insert(Invitation(meeting=rows[0]["id"], person=ids.people["court2"], created_at=created,
                                               seat=guest_seat))


async def _insert(table: type[Table], rows: list[Table], chunk: int = 500) -> list[int]:
    """Bulk inserts; the new ids in the order of `rows` (ids grow within one statement)."""
    ids: list[int] = []
    for start in range(0, len(rows), chunk):
        result = await table.insert(*rows[start:start + chunk]).returning(table.id)
        ids += sorted(row["id"] for row in result)
    return ids


# Dates.


def _first_start(schedule: Schedule, today: date) -> datetime:
    """The series' first occurrence: the first date the rule gives from `days_back` ago (local, naive)."""
    begin = datetime.combine(today - timedelta(days=schedule.days_back), schedule.start)
    # Interval 1 here: with "every 4 weeks" dateutil would skip to the 4th week after `begin`.
    return next(iter(rrulestr(replace(schedule.rule, interval=1).rule(), dtstart=begin)))


def _plan(team: str, schedule: Schedule, first: datetime, until: date, now: datetime) -> list[_Meeting]:
    """Every occurrence; the past ones held, except one moved (and held) and one cancelled."""
    length = timedelta(minutes=schedule.minutes)
    meetings = [
        _Meeting(team, start, start, start + length, "held" if start + length < now else "upcoming")
        for start in recurrence.occurrences(first, replace(schedule.rule, until=until), TIME_ZONE)
    ]
    past = [m for m in meetings if m.state == "held"]
    moved = past[-schedule.moved_back]
    days, at = schedule.moved
    moved.starts_at = datetime.combine(moved.day + timedelta(days=days), at, tzinfo=ZONE).astimezone(UTC)
    moved.ends_at, moved.moved = moved.starts_at + length, True
    past[-schedule.cancelled_back].state = "cancelled"
    # A meeting under way as the demo loads has its agenda out, like the next few.
    for meeting in [m for m in meetings if m.state == "upcoming" and m.starts_at <= now]:
        meeting.published = True
    for meeting in [m for m in meetings if m.state == "upcoming" and m.starts_at > now][:schedule.published_ahead]:
        meeting.published = True
    return meetings


def _seated(team: str, person: str, day: date, today: date) -> tuple[str, str | None] | None:
    """The person's (agency, alternate_for) on the team on that day, or None."""
    for seat_team, key, agency, _role, alternate, started, ended in SEATS:
        if (seat_team, key) == (team, person) and _days_ago(today, started) <= day and (
                ended is None or _days_ago(today, ended) > day):
            return agency, alternate
    return None


# Agendas, and how the past meetings went.


def _fill_agendas(team: str, meetings: list[_Meeting], rng: random.Random, today: date) -> None:
    schedule = SCHEDULES[team]
    held = [m for m in meetings if m.state == "held"]
    pinned = _pinned_topics(team, held)
    # A rotation: each meeting takes the next topics that fit. A decision is taken once a year,
    # so decision topics leave the rotation once used (and pinned ones are never in it).
    pinned_titles = {topic[1] for topics in pinned.values() for topic in topics}
    topics = [t for t in TOPICS[team] if not (t[5] and t[1] in pinned_titles)]
    rng.shuffle(topics)
    for meeting in meetings:
        meeting.items = [_Item(kind, title, minutes) for kind, title, minutes in TEMPLATES[team]]
        budget = schedule.minutes - sum(item.minutes for item in meeting.items)
        wanted = rng.randint(1, 3)
        if team in CASE_REVIEWS:
            most, minutes = CASE_REVIEWS[team]
            cases = rng.randint(1, most)
            meeting.items += [_Item("case_review", "Case review", minutes) for _ in range(cases)]
            budget, wanted = budget - cases * minutes, 1
        for kind, title, presenter, minutes, notes, decision in pinned.get(meeting, []):
            if presenter and not _seated(team, presenter, meeting.day, today):
                presenter = None
            meeting.items.append(_Item(kind, title, minutes, presenter, (notes, decision)))
            budget -= minutes
        # The latest meeting needs one more topic than its pinned ones, to leave unfinished.
        wanted = max(wanted - len(pinned.get(meeting, [])), 1 if held and meeting is held[-1] else 0)
        for _ in range(len(topics)):
            if wanted == 0:
                break
            kind, title, presenter, minutes, notes, decision = topic = topics.pop(0)
            if minutes <= budget and title not in {i.title for i in meeting.items} and (
                    presenter is None or _seated(team, presenter, meeting.day, today)):
                meeting.items.append(_Item(kind, title, minutes, presenter, (notes, decision)))
                budget, wanted = budget - minutes, wanted - 1
                if decision:
                    continue
            topics.append(topic)
    for index, meeting in enumerate(held):
        latest = index == len(held) - 1
        unpinned = sum(1 for item in meeting.items if item.outcome[0]) - len(pinned.get(meeting, []))
        # The latest meeting ran out of time: its last topics wait to be carried over.
        _run(meeting, rng, pending=min(2, unpinned) if latest else 0)
        previous = held[index - 1] if index else None
        _approval(meeting, previous, latest)
        meeting.attendance = _attendance(team, meeting, rng, today,
                                         stand_in=team == "collab" and index == len(held) - 1 - STAND_IN_BACK)


def _pinned_topics(team: str, held: list[_Meeting]) -> dict[_Meeting, list[tuple]]:
    """The topics that action items came out of, by the meeting they were on."""
    by_title = {topic[1]: topic for topic in TOPICS[team]}
    pinned: dict[_Meeting, list[tuple]] = {}
    for action_team, back, source, *_rest in ACTIONS:
        if action_team == team and source in by_title:
            topics = pinned.setdefault(held[-1 - back], [])
            if by_title[source] not in topics:
                topics.append(by_title[source])
    return pinned


def _run(meeting: _Meeting, rng: random.Random, pending: int) -> None:
    """Items done one after another from the live start, each a little shorter or longer than planned."""
    moment = meeting.starts_at + timedelta(minutes=rng.choice((0, 1, 2, 3, 5)))
    meeting.live_started_at = moment
    for item in meeting.items[:len(meeting.items) - pending]:
        item.status, item.started_at = "done", moment
        moment += timedelta(seconds=round(item.minutes * 60 * rng.choice(PACE)))
        item.ended_at = moment
        item.notes, item.decision = item.outcome
        if item.kind != "case_review" and not item.notes:  # case discussion never goes in the notes
            item.notes = rng.choice(STANDING_NOTES.get(item.title, [""]))
    meeting.live_ended_at = moment + timedelta(minutes=1)


def _outcome(meeting: _Meeting, item: _Item) -> str:
    """What the meeting's end recorded for an item (policy.final_outcome): those never opened were not reached."""
    if meeting.state != "held":
        return ""
    return "done" if item.started_at is not None else "not_reached"


def _approval(meeting: _Meeting, previous: _Meeting | None, latest: bool) -> None:
    """The last meeting's minutes are approved at the next one, except the latest pair (see _load_minutes)."""
    item = next((i for i in meeting.items if i.title == APPROVAL), None)
    if item is None or previous is None:
        return
    if latest:
        item.notes = f"Approval deferred: the minutes of {_long_date(previous.day)} went out late."
    else:
        item.decision = f"The minutes of {_long_date(previous.day)} are approved as circulated."


def _attendance(team: str, meeting: _Meeting, rng: random.Random, today: date, stand_in: bool) -> list:
    """(person, status, standing in for, arrived, departed) for the voting members seated that day."""
    rows = []
    lead = SCHEDULES[team].lead
    statuses, weights = zip(*ATTENDANCE_MIX, strict=True)
    for seat_team, person, _agency, role, alternate, *_dates in SEATS:
        if seat_team != team or alternate or role == "guest" or not _seated(team, person, meeting.day, today):
            continue
        status = "present" if person == lead else rng.choices(statuses, weights)[0]
        rows.append([person, status, None])
    if stand_in:  # a member sends their alternate
        for seat_team, person, _agency, _role, alternate, *_dates in SEATS:
            if seat_team == team and alternate:
                next(row for row in rows if row[0] == alternate)[1] = "excused"
                rows.append([person, "present", alternate])
    result = []
    for person, status, stands_for in rows:
        arrived = departed = None
        if status in ("present", "remote"):
            arrived = meeting.live_started_at + timedelta(minutes=rng.choice((-5, -3, -2, 0, 0, 1, 4, 12)))
            if rng.random() < 0.04:
                departed = meeting.live_ended_at - timedelta(minutes=20)
        result.append((person, status, stands_for, arrived, departed))
    return result


def _long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _series_row(team_id: int, uid: str, schedule: Schedule, first: datetime, until: date) -> Series:
    rule = schedule.rule
    created = _utc(first) - timedelta(days=21)
    return Series(
        team=team_id, uid=uid, title=schedule.title, start_local=first, duration_minutes=schedule.minutes,
        time_zone=TIME_ZONE, frequency=rule.frequency, interval=rule.interval,
        weekdays=",".join(str(d) for d in rule.weekdays), month_day=rule.month_day,
        week_of_month=rule.week_of_month, weekday=rule.weekday, until=until, occurrences=None,
        location=schedule.location, join_link=schedule.join_link, description=schedule.description,
        sequence=0, version=1, created_at=created, updated_at=created,
    )


def _meeting_row(m: _Meeting, team_id: int, series_id: int, uid: str, first: datetime, now: datetime) -> Meeting:
    schedule = SCHEDULES[m.team]
    created = _utc(first) - timedelta(days=21)
    detached = m.moved or m.state == "cancelled"
    published = None
    if m.state == "held":
        published = m.starts_at - timedelta(days=6)
    elif m.published:
        published = min(m.starts_at - timedelta(days=7), now - timedelta(hours=3))
    description = MOVED_NOTE if m.moved else CANCELLED_NOTE if m.state == "cancelled" else schedule.description
    return Meeting(
        team=team_id, series=series_id, uid=uid, original_start=m.original_start, detached=detached,
        title=schedule.title, starts_at=m.starts_at, ends_at=m.ends_at, time_zone=TIME_ZONE,
        status="cancelled" if m.state == "cancelled" else "scheduled", location=schedule.location,
        join_link=schedule.join_link, description=description, sequence=1 if detached else 0,
        agenda_published_at=published, live_status="ended" if m.state == "held" else "not_started",
        live_started_at=m.live_started_at, live_ended_at=m.live_ended_at, current_item_id=None,
        live_version=2 * len(m.items) + len(m.attendance) if m.state == "held" else 0,
        version=2 if detached else 1, created_at=created,
        updated_at=m.live_ended_at or published or (m.starts_at - timedelta(days=10) if detached else created),
    )


def _utc(local_naive: datetime) -> datetime:
    return local_naive.replace(tzinfo=ZONE).astimezone(UTC)


# Action items.


@dataclass
class _Action:
    meeting: _Meeting
    item: _Item
    title: str
    owner: str | None
    due_on: date


async def _load_actions(ids: _Ids, held: dict[str, list[_Meeting]], rng: random.Random, now: datetime,
                        today: date) -> list[_Action]:
    actions, rows, logs = [], [], []
    for team, back, source, title, owner, agency, due_days, status in ACTIONS:
        meeting = held[team][-1 - back]
        lead = ids.people[SCHEDULES[team].lead]
        item = next(i for i in meeting.items if i.title == source)  # held: pinned topics are never left over
        created = item.ended_at
        # Due a week after the meeting at the earliest, whatever the table says.
        due = max(today + timedelta(days=due_days), meeting.day + timedelta(days=7))
        agency = agency or (_seated(team, owner, today, today) or ("",))[0]
        changes = _action_log(title, status, due, created, now, today, rng)
        actions.append(_Action(meeting, item, title, owner, due))
        rows.append(ActionItem(
            team=ids.teams[team], title=title, description="", owner=ids.people.get(owner or ""),
            owner_agency=ids.agencies.get(agency), due_on=due, status=status, source_meeting=meeting.id,
            source_item=item.id, created_by=lead, created_at=created,
            updated_at=changes[-1]["at"], version=len(changes),
        ))
        logs.append((changes, owner, lead))
    action_ids = await _insert(ActionItem, rows)
    await _insert(ActionUpdate, [
        ActionUpdate(action_item=action_id, author=lead if change["by_lead"] or not owner else ids.people[owner],
                     **{k: v for k, v in change.items() if k != "by_lead"})
        for action_id, (changes, owner, lead) in zip(action_ids, logs, strict=True) for change in changes
    ])
    return actions


def _action_log(title: str, status: str, due: date, created: datetime, now: datetime, today: date,
                rng: random.Random) -> list[dict]:
    """The progress log: created open by the lead, then each status the item passed through."""
    first_due = today + timedelta(days=DUE_CHANGES[title][0]) if title in DUE_CHANGES else due
    log = [{"at": created, "status_from": "", "status_to": "open", "due_from": None, "due_to": first_due,
            "note": "", "by_lead": True}]
    steps = STATUS_PATHS[status]
    span = (now - created) / (len(steps) + 2)
    current = "open"
    for number, step in enumerate(steps, start=1):
        log.append({"at": created + span * number, "status_from": current, "status_to": step, "due_from": None,
                    "due_to": None, "note": rng.choice(PROGRESS_NOTES[step]), "by_lead": step == "dropped"})
        current = step
    if first_due != due:
        log.append({"at": created + span * (len(steps) + 1), "status_from": current, "status_to": current,
                    "due_from": first_due, "due_to": due, "note": DUE_CHANGES[title][1], "by_lead": False})
    return log


# Minutes.


async def _load_minutes(ids: _Ids, held: dict[str, list[_Meeting]], now: datetime) -> None:
    """Approved at the next meeting (locked once old), except the second latest (circulated)
    and the latest (draft). Each is the record the app takes when a meeting ends; each state
    change left a revision, as the app's workflow does."""
    from server.accounts.policy import Viewer
    from server.meetings import minutes
    from server.meetings.access import meeting_access

    rows, histories = [], []
    for team, meetings in held.items():
        lead = ids.people[SCHEDULES[team].lead]
        viewer = Viewer(id=lead, name="", email="", language="en", is_site_admin=False, session_id=0, at=now)
        for index, meeting in enumerate(meetings):
            text = record.dumps(await minutes.build_record(await meeting_access(viewer, meeting.id)))
            ended = meeting.live_ended_at
            history = [("draft", ended, None)]
            approving = None
            if index < len(meetings) - 1:
                history.append(("circulated", ended + timedelta(days=2), lead))
            if index < len(meetings) - 2:
                approving = meetings[index + 1]
                item = next((i for i in approving.items if i.title == APPROVAL), None)
                approved_at = item.ended_at if item else approving.live_ended_at
                history.append(("approved", approved_at, lead))
                if meeting.starts_at < now - LOCK_AFTER:
                    history.append(("locked", approved_at + min(timedelta(days=14), (now - approved_at) / 2), lead))
            rows.append(Minutes(
                meeting=meeting.id, status=history[-1][0], record=text,
                approved_at_meeting=approving.id if approving else None,
                approved_at=history[2][1] if approving else None, version=len(history),
                updated_at=history[-1][1],
            ))
            histories.append((text, history))
    minutes_ids = await _insert(Minutes, rows)
    await _insert(MinutesRevision, [
        MinutesRevision(minutes=minutes_id, record=text, status=status, version=version, edited_by=by, edited_at=at)
        for minutes_id, (text, history) in zip(minutes_ids, histories, strict=True)
        for version, (status, at, by) in enumerate(history, start=1)
    ])
