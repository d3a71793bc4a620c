"""Team vocabulary, roster rules and team permissions. Pure: no web framework, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server.accounts.policy import Viewer
from server.agencies.policy import SECTORS
from server.forms import (
    checked,
    limit,
    parse_date,
    parse_id,
    require,
    spreadsheet_date,
    text,
    whole_number,
)
from server.i18n import N_

KINDS: dict[str, str] = {
    "community_collaborative": N_("Community collaborative"),
    "perinatal_cluster": N_("Perinatal cluster"),
    "leadership_group": N_("Leadership group"),
    "child_family_team": N_("Child and family team"),
    "other": N_("Other"),
}

ROLES: dict[str, str] = {
    "chair": N_("Chair"),
    "co_chair": N_("Co-chair"),
    "coordinator": N_("Coordinator"),
    "member": N_("Member"),
    "family_partner": N_("Family partner"),
    "guest": N_("Guest"),
}

# Sector coverage: the sectors a team is expected to have at its table, and "Not represented"
# for those no current member sits for. "Other" is never missing. Each kind has its usual set;
# a team may keep its own list instead.
COVERAGE_SECTORS = tuple(code for code in SECTORS if code != "other")
USUAL_SECTORS: dict[str, tuple[str, ...]] = {
    # The county's cross-system table: every system a child or family may meet (DESIGN.md §1).
    "community_collaborative": COVERAGE_SECTORS,
    # What a Plan of Safe Care covers (SAFE-CARE.md §1): infant and maternal health, substance use
    # and mental health treatment, child safety, parenting and early childhood, housing, the family.
    "perinatal_cluster": ("child_welfare", "public_health", "medical", "behavioral_health",
                          "substance_use_treatment", "early_childhood", "housing", "family_peer"),
    # The agency leaders who steer a collaborative or cluster, and a family voice.
    "leadership_group": ("child_welfare", "public_health", "behavioral_health", "substance_use_treatment",
                         "family_peer"),
    # Wraparound around one child (SAFE-CARE.md §4): the care coordinator's behavioral health
    # system, the school, the family's own partner; the rest only when the family's needs bring them.
    "child_family_team": ("behavioral_health", "education", "family_peer"),
    "other": (),
}
SECTOR_CHOICES = {
    "usual": N_("The sectors usual for its kind of team"),
    "own": N_("Only the sectors checked below"),
}


def expected_sectors(kind: str, own: str | None) -> list[str]:
    """The sectors a team expects at its table, in the canonical order: its own list (codes
    separated by commas) if it keeps one, else its kind's usual ones."""
    chosen = set(own.split(",")) if own is not None else set(USUAL_SECTORS.get(kind, ()))
    return [code for code in COVERAGE_SECTORS if code in chosen]


def missing_sectors(expected: list[str], represented: set[str]) -> list[str]:
    """Expected sectors that no current member agency sits for, in the order given."""
    return [code for code in expected if code not in represented]


LEADING_ROLES = frozenset({"chair", "co_chair", "coordinator"})
MEMBER_ROLES = LEADING_ROLES | {"member", "family_partner"}
# How much a role may see and do on its team (DESIGN.md §4): a move up is an access grant.
GRANTS_ON_ROSTER = 20  # the latest; the site admin's access log has them all
ACCESS_RANK = {"guest": 0, "member": 1, "family_partner": 1, "co_chair": 2, "chair": 2, "coordinator": 3}


def is_access_grant(person_id: int, granted_by: int, role: str, previous_role: str | None) -> bool:
    """Recorded and shown: any seat someone gives themselves, and any change of seat that
    raises a person's access (a guest made a member, a member made a chair)."""
    if person_id == granted_by:
        return True
    return previous_role is not None and ACCESS_RANK[role] > ACCESS_RANK[previous_role]

# Time zones offered for teams; any valid IANA name is accepted.
COMMON_TIME_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
]


def is_current(started_on: date, ended_on: date | None, day: date) -> bool:
    """A seat (or an affiliation) counts from its first day up to, not including, its end date."""
    return started_on <= day and (ended_on is None or day < ended_on)


@dataclass(frozen=True)
class Standing:
    """What one person is on one team at one instant (see teams/membership.py)."""

    roles: frozenset[str] = frozenset()
    agency_id: int | None = None  # the agency they sit for on this team
    alternate_for: int | None = None  # the member they are an alternate for, if any
    guest_seat: int | None = None  # their current guest seat (invitations are issued under it)

    @property
    def is_member(self) -> bool:
        """On the roster in a member's role: not only a guest."""
        return bool(self.roles & MEMBER_ROLES)

    @property
    def leads(self) -> bool:
        """Chair, co-chair or coordinator."""
        return bool(self.roles & LEADING_ROLES)

    @property
    def is_guest(self) -> bool:
        """Seated only as a guest."""
        return "guest" in self.roles and not self.is_member


NO_STANDING = Standing()


# Permissions: the viewer, and their standing on the team at the request's instant.


def can_manage_teams(viewer: Viewer) -> bool:
    return viewer.is_site_admin


def can_view_team(viewer: Viewer, standing: Standing) -> bool:
    return viewer.is_site_admin or bool(standing.roles)


def can_view_roster(viewer: Viewer, standing: Standing) -> bool:
    return viewer.is_site_admin or standing.is_member


def can_manage_roster(viewer: Viewer, standing: Standing) -> bool:
    return viewer.is_site_admin or standing.leads


def grantable_roles(viewer: Viewer, standing: Standing) -> frozenset[str]:
    """Roles this viewer may give or take away on the roster.

    A coordinator records cases and releases of information (CONSENT.md), which a chair may
    not: so only the site admin or a coordinator seats, changes or ends a coordinator.
    """
    if not can_manage_roster(viewer, standing):
        return frozenset()
    if viewer.is_site_admin or "coordinator" in standing.roles:
        return frozenset(ROLES)
    return frozenset(ROLES) - {"coordinator"}


@dataclass(frozen=True)
class TeamInput:
    name: str
    kind: str
    area: str
    time_zone: str
    description: str
    is_public: bool
    quorum_kind: str = "share"
    quorum_value: int = 50
    expected_sectors: str | None = None  # None: the kind's usual sectors; else codes, comma-separated


QUORUM_KINDS = {
    "share": N_("A share of the voting members (percent)"),
    "count": N_("A number of voting members"),
}


def validate_team(form: dict[str, str]) -> tuple[TeamInput | None, dict[str, str]]:
    errors: dict[str, str] = {}
    name = text(form, "name")
    require(errors, "name", name, 200, N_("Enter the team's name."))
    kind = str(form.get("kind", ""))
    if kind not in KINDS:
        errors["kind"] = N_("Choose what kind of team this is.")
    area = text(form, "area", 120)
    limit(errors, "area", area, 120)
    time_zone = str(form.get("time_zone", "")).strip()
    if not valid_time_zone(time_zone):
        errors["time_zone"] = N_("Choose a time zone such as America/New_York.")
    description = str(form.get("description", "")).strip()
    limit(errors, "description", description, 4000)
    quorum_kind = form.get("quorum_kind", "share") or "share"
    raw_quorum = str(form.get("quorum_value", "50")).strip() or "50"
    if quorum_kind not in QUORUM_KINDS:
        errors["quorum_kind"] = N_("Choose how quorum is counted.")
    elif whole_number(raw_quorum) is None or not 1 <= int(raw_quorum) <= (100 if quorum_kind == "share" else 500):
        errors["quorum_value"] = N_("Enter a percentage from 1 to 100, or a number of members.")
    sectors = None
    if form.get("sectors", "usual") == "own":
        chosen = {code for code in str(form.get("expected_sectors", "")).split(",") if code}
        if not chosen <= set(COVERAGE_SECTORS):
            errors["expected_sectors"] = N_("Choose sectors from the list.")
        sectors = ",".join(code for code in COVERAGE_SECTORS if code in chosen)
    elif form.get("sectors", "usual") != "usual":
        errors["sectors"] = N_("Choose the usual sectors or the team's own.")
    if errors:
        return None, errors
    return TeamInput(name, kind, area, time_zone, description, checked(form, "is_public"),
                     quorum_kind, int(raw_quorum), sectors), {}


def valid_time_zone(name: str) -> bool:
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class SeatInput:
    """A roster seat as entered: who, for which agency, in which role, from when."""

    person_id: int
    agency_id: int
    role: str
    alternate_for_id: int | None
    started_on: date


@dataclass(frozen=True)
class RosterFacts:
    """What the rules need to know about the team and the directory."""

    active_person_ids: set[int]
    active_agency_ids: set[int]
    seated_person_ids: set[int]  # people holding a current seat on the team
    principal_person_ids: set[int]  # current seats that an alternate may stand in for


def validate_seat(
    form: dict[str, str],
    facts: RosterFacts,
    today: date,
    grantable: frozenset[str] = frozenset(ROLES),
    replacing_person_id: int | None = None,
) -> tuple[SeatInput | None, dict[str, str]]:
    """Check a new seat (or a change to one, when replacing_person_id is that seat's person)."""
    errors: dict[str, str] = {}
    person_id = parse_id(form.get("person_id"))
    if replacing_person_id is not None:
        person_id = replacing_person_id
    elif person_id is None or person_id not in facts.active_person_ids:
        errors["person_id"] = N_("Choose an active person from the list.")
    elif person_id in facts.seated_person_ids:
        errors["person_id"] = N_("This person already has a seat on the team.")
    agency_id = parse_id(form.get("agency_id"))
    if agency_id is None or agency_id not in facts.active_agency_ids:
        errors["agency_id"] = N_("Choose an active agency from the list.")
    role = str(form.get("role", ""))
    if role not in ROLES:
        errors["role"] = N_("Choose a role.")
    elif role not in grantable:
        errors["role"] = N_("Only a coordinator or the site administrator can give the coordinator role.")
    alternate_for_id = None
    if str(form.get("alternate_for_id", "")).strip():
        alternate_for_id = parse_id(form.get("alternate_for_id"))
        if alternate_for_id is None or alternate_for_id not in facts.principal_person_ids:
            errors["alternate_for_id"] = N_("Choose a current member of this team.")
        elif alternate_for_id == person_id:
            errors["alternate_for_id"] = N_("A person cannot be their own alternate.")
    raw_date = str(form.get("started_on", "")).strip()
    started_on = parse_date(raw_date) if raw_date else today
    if started_on is None:
        errors["started_on"] = N_("Enter a date as YYYY-MM-DD.")
    if errors:
        return None, errors
    assert person_id is not None and agency_id is not None and started_on is not None
    return SeatInput(person_id, agency_id, role, alternate_for_id, started_on), {}


def change_start_problem(change_starts: date, seat_started: date) -> str | None:
    return N_("A change cannot take effect before the seat began.") if change_starts < seat_started else None


def validate_end(raw_date: str, started_on: date, today: date) -> tuple[date | None, str | None]:
    """The date a seat ends: today by default, never before it began."""
    ended_on = parse_date(raw_date) if raw_date.strip() else today
    if ended_on is None:
        return None, N_("Enter a date as YYYY-MM-DD.")
    if ended_on < started_on:
        return None, N_("A membership cannot end before it started.")
    return ended_on, None


# Roster CSV. Export and import share these columns; import reads the ones it needs.

CSV_COLUMNS = ["name", "email", "phone", "agency", "role", "alternate_for", "started_on", "ended_on"]
IMPORT_REQUIRED = ["email", "agency", "role"]
EMPTY_COLUMN = {
    "email": N_("The email column is empty."),
    "agency": N_("The agency column is empty."),
    "role": N_("The role column is empty."),
}
MAX_IMPORT_ROWS = 500


@dataclass(frozen=True)
class Directory:
    """Lookups for import: lower-cased email → person id, lower-cased agency name → id."""

    people_by_email: dict[str, int]
    agencies_by_name: dict[str, int]


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    seat: SeatInput | None
    problems: list[str]


def role_from_text(value: str) -> str | None:
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    if key in ROLES:
        return key
    for code, label in ROLES.items():
        if label.lower() == value.strip().lower():
            return code
    return None


def check_import(
    records: list[dict[str, str]],
    directory: Directory,
    facts: RosterFacts,
    today: date,
    grantable: frozenset[str] = frozenset(ROLES),
) -> list[ImportRow]:
    """Validate every row before anything is written. Rows see the seats of earlier rows."""
    seated = set(facts.seated_person_ids)
    principals = set(facts.principal_person_ids)
    checked_rows = []
    for index, record in enumerate(records):
        values = {key: (record.get(key) or "").strip() for key in CSV_COLUMNS}
        problems: list[str] = []
        for key in IMPORT_REQUIRED:
            if not values[key]:
                problems.append(EMPTY_COLUMN[key])
        person_id = directory.people_by_email.get(values["email"].lower())
        if values["email"] and person_id is None:
            problems.append(N_("No active person has this email address."))
        agency_id = directory.agencies_by_name.get(values["agency"].lower())
        if values["agency"] and agency_id is None:
            problems.append(N_("No active agency has this name."))
        role = role_from_text(values["role"])
        if values["role"] and role is None:
            problems.append(N_("The role is not one of chair, co-chair, coordinator, member, family partner, guest."))
        alternate_id = None
        if values["alternate_for"]:
            alternate_id = directory.people_by_email.get(values["alternate_for"].lower())
            if alternate_id is None:
                problems.append(N_("The alternate_for email is not a person in the directory."))
        seat = None
        if not problems:
            form = {
                "person_id": str(person_id), "agency_id": str(agency_id), "role": role or "",
                "alternate_for_id": str(alternate_id or ""), "started_on": spreadsheet_date(values["started_on"]),
            }
            row_facts = RosterFacts(facts.active_person_ids, facts.active_agency_ids, seated, principals)
            seat, errors = validate_seat(form, row_facts, today, grantable)
            problems.extend(errors.values())
        if seat is not None:
            seated.add(seat.person_id)
            if seat.alternate_for_id is None:
                principals.add(seat.person_id)
        checked_rows.append(ImportRow(line=index + 2, values=values, seat=seat, problems=problems))
    return checked_rows
