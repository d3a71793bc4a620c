"""The consent decision (CONSENT.md §3) and the vocabulary of cases and releases. Pure: no web
framework, no database.

`permit(reader, entry, releases, now)` is the one answer to "may this person see this entry now";
`basis()` says on what ground (their own agency's record, a release, an emergency), which the
ledger records. Everything that shows a case detail reaches it through cases/disclosure.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from server import clock
from server.i18n import N_

CATEGORIES: dict[str, str] = {
    "identity": N_("Identity"),
    "coordination": N_("Care coordination"),
    "sud": N_("Substance use disorder (42 CFR Part 2)"),
    "sud_counseling_notes": N_("SUD counseling notes (Part 2, separate consent)"),
    "mental_health": N_("Mental health"),
    "medical": N_("Medical"),
    "child_welfare": N_("Child welfare"),
    "education": N_("Education records (FERPA)"),
    "court": N_("Court"),
    "housing": N_("Housing"),
}
# Part 2 counseling notes are released only by a consent that covers nothing else.
SEPARATE_CONSENT = "sud_counseling_notes"

AUTHORITIES: dict[str, str] = {
    "client": N_("The client"),
    "parent": N_("A parent"),
    "guardian": N_("A legal guardian"),
    "representative": N_("A personal representative"),
}
PURPOSES: dict[str, str] = {
    "care_coordination": N_("Care coordination and treatment planning"),
    "client_request": N_("At the request of the client"),
}
REVOCATION_MEANS: dict[str, str] = {"written": N_("In writing"), "verbal": N_("Verbally")}

# The notices a shown entry carries (42 CFR 2.32; FERPA 34 CFR 99.33).
PART2_NOTICE = N_(
    "42 CFR part 2 prohibits unauthorized use or disclosure of these records. This information has been "
    "disclosed to you from records protected by federal confidentiality rules (42 CFR part 2). The federal "
    "rules prohibit you from making any further disclosure of information in this record that identifies a "
    "patient as having or having had a substance use disorder either directly, by reference to publicly "
    "available information, or through verification of such identification by another person unless further "
    "disclosure is expressly permitted by the written consent of the individual whose information is being "
    "disclosed or as otherwise permitted by 42 CFR part 2. A general authorization for the release of medical "
    "or other information is NOT sufficient for this purpose (see 42 CFR 2.31). The federal rules restrict any "
    "use of the information to investigate or prosecute with regard to a crime any patient with a substance "
    "use disorder, except as provided at 42 CFR 2.12(c)(5) and 2.65."
)
FERPA_NOTICE = N_(
    "This information comes from education records protected by FERPA. It is disclosed to you on the condition "
    "that you not disclose it to anyone else without the prior written consent of the parent or eligible "
    "student (34 CFR 99.33)."
)
NOTICES = {"sud": "part2", "sud_counseling_notes": "part2", "education": "ferpa"}
NOTICE_TEXT = {"part2": PART2_NOTICE, "ferpa": FERPA_NOTICE}

EMERGENCY_LENGTH = timedelta(hours=1)
EXPIRING_SOON = timedelta(days=30)


# Who is asking, what they ask about, and what the case's releases say.


@dataclass(frozen=True)
class Reader:
    """A person's standing for the decision at one instant: whether they are active and seated
    as a member of the case's team, and the agency they are there for (None: the seat's agency is
    not the one they work for, so they speak for no agency)."""

    person_id: int
    active: bool
    member: bool
    agency_id: int | None


@dataclass(frozen=True)
class Entry:
    id: int
    source_agency: int
    category: str


@dataclass(frozen=True)
class Revoked:
    effective_at: datetime
    agency_id: int | None  # None: the whole release


@dataclass(frozen=True)
class ReleaseTerms:
    """A release as the decision reads it: its window as instants, who discloses, who receives
    (and, per agency, the named individuals, if any), what it covers and its revocations."""

    id: int
    version: int
    signed: bool
    superseded: bool
    effective_at: datetime
    expires_at: datetime | None  # None: expires on an event
    event_recorded_at: datetime | None
    disclosing: frozenset[int]
    recipients: frozenset[int]
    named: dict[int, frozenset[int]] = field(default_factory=dict)  # agency → the only people there it names
    categories: frozenset[str] = frozenset()
    revocations: tuple[Revoked, ...] = ()

    def in_force(self, now: datetime) -> bool:
        """Signed, not superseded, started, not expired, not wholly revoked, at `now`."""
        if not self.signed or self.superseded or now < self.effective_at:
            return False
        if self.expires_at is not None and now >= self.expires_at:
            return False
        if self.event_recorded_at is not None and now >= self.event_recorded_at:
            return False
        return not any(r.agency_id is None and r.effective_at <= now for r in self.revocations)

    def receives(self, reader: Reader, now: datetime) -> bool:
        """The reader's agency is a recipient not revoked at `now` (and the reader is named, where
        the release names individuals there)."""
        agency = reader.agency_id
        if agency not in self.recipients:
            return False
        if any(r.agency_id == agency and r.effective_at <= now for r in self.revocations):
            return False
        named = self.named.get(agency)
        return not named or reader.person_id in named

    def covers(self, entry: Entry) -> bool:
        return entry.source_agency in self.disclosing and entry.category in self.categories


@dataclass(frozen=True)
class Grant:
    """An emergency declared by a reader on a case (42 CFR 2.51): theirs alone, for one hour."""

    id: int
    person_id: int
    declared_at: datetime
    ends_at: datetime
    reason: str

    def active(self, reader: Reader, now: datetime) -> bool:
        return reader.person_id == self.person_id and self.declared_at <= now < self.ends_at


@dataclass(frozen=True)
class Basis:
    """Why an entry may be shown: "own" (the reader's agency's record), "release" (with the
    release), or "emergency" (with the grant)."""

    kind: str
    release: ReleaseTerms | None = None
    grant: Grant | None = None


def may_read_cases(reader: Reader) -> bool:
    """An active person seated on the team as a member (not only a guest) at the instant."""
    return reader.active and reader.member


def permit(reader: Reader, entry: Entry, releases: Iterable[ReleaseTerms], now: datetime) -> bool:
    """CONSENT.md §3: the reader may see the entry at `now`. Being a site admin, a chair or the
    author of the case grants nothing beyond this."""
    return basis(reader, entry, releases, now) is not None


def basis(reader: Reader, entry: Entry, releases: Iterable[ReleaseTerms], now: datetime,
          grants: Iterable[Grant] = ()) -> Basis | None:
    """On what ground the reader may see the entry at `now` (None: they may not). Their own
    agency's record first; else the newest release that permits it; else an emergency grant."""
    if not may_read_cases(reader) or reader.agency_id is None:
        return None
    if entry.source_agency == reader.agency_id:
        return Basis("own")
    permitting = [r for r in releases if r.in_force(now) and r.receives(reader, now) and r.covers(entry)]
    if permitting:
        return Basis("release", release=max(permitting, key=lambda r: r.id))
    grant = next((g for g in grants if g.active(reader, now)), None)
    return Basis("emergency", grant=grant) if grant else None


def decide_all(reader: Reader, entries: Iterable[Entry], releases: Iterable[ReleaseTerms], now: datetime,
               grants: Iterable[Grant] = ()) -> dict[int, Basis]:
    """basis() for many entries of one case at once (a case page of 200 entries and 50 releases):
    the releases are read once for this reader, then each entry costs a dictionary lookup. Entry
    id → basis, for the permitted entries only; tests hold it equal to basis() entry by entry."""
    if not may_read_cases(reader) or reader.agency_id is None:
        return {}
    own = Basis("own")
    by_release: dict[tuple[int, str], Basis] = {}
    for release in sorted(releases, key=lambda r: r.id):  # the newest permitting release wins
        if release.in_force(now) and release.receives(reader, now):
            found = Basis("release", release=release)
            for agency in release.disclosing:
                for category in release.categories:
                    by_release[agency, category] = found
    grant = next((g for g in grants if g.active(reader, now)), None)
    emergency = Basis("emergency", grant=grant) if grant else None
    decided = {}
    for entry in entries:
        if entry.source_agency == reader.agency_id:
            decided[entry.id] = own
        elif (found := by_release.get((entry.source_agency, entry.category)) or emergency) is not None:
            decided[entry.id] = found
    return decided


# A release's dates, on the team's calendar.


def window(effective_on: date, expires_on: date | None, time_zone: str) -> tuple[datetime, datetime | None]:
    """A release counts from the start of its effective day through the whole of its expiry day,
    on the team's calendar: as instants [from, until)."""
    zone = clock.zone(time_zone)
    start = datetime.combine(effective_on, time.min, zone)
    end = datetime.combine(expires_on + timedelta(days=1), time.min, zone) if expires_on else None
    return start, end


def state(release: ReleaseTerms, now: datetime) -> str:
    """What a person is told about a release: draft, superseded, revoked, expired, not yet in
    effect, partly revoked, or in force."""
    if not release.signed:
        return "draft"
    if release.superseded:
        return "superseded"
    if any(r.agency_id is None and r.effective_at <= now for r in release.revocations):
        return "revoked"
    if (release.expires_at is not None and now >= release.expires_at) or (
            release.event_recorded_at is not None and now >= release.event_recorded_at):
        return "expired"
    if now < release.effective_at:
        return "pending"
    if any(r.effective_at <= now for r in release.revocations):
        return "partly_revoked"
    return "in_force"


STATES = {
    "draft": N_("Draft: grants nothing until signed"),
    "superseded": N_("Superseded"),
    "revoked": N_("Revoked"),
    "expired": N_("Expired"),
    "pending": N_("Not yet in effect"),
    "partly_revoked": N_("In force, revoked for some recipients"),
    "in_force": N_("In force"),
}


def expiring_soon(release: ReleaseTerms, now: datetime) -> bool:
    """In force, with an expiry date within 30 days."""
    return release.in_force(now) and release.expires_at is not None and release.expires_at - now <= EXPIRING_SOON


def notices(categories: Iterable[str]) -> list[str]:
    """The notices shown with entries of these categories: "part2", "ferpa" (in that order)."""
    found = {NOTICES[c] for c in categories if c in NOTICES}
    return [n for n in ("part2", "ferpa") if n in found]


# What the ledger gives back (CONSENT.md §5).

DISCLOSURE_LIST_YEARS = 3  # 42 CFR 2.24(a): the disclosures of the past three years, on request
# The ledger rows that told another agency something. A view of one's own agency's records
# (basis "own") is access, not disclosure: it is in the person's access report, not the client's list.
DISCLOSURE_BASES = frozenset({"release", "emergency"})


def disclosure_list_since(now: datetime) -> datetime:
    """The first instant the client's list of disclosures covers: three years before `now`."""
    try:
        return now.replace(year=now.year - DISCLOSURE_LIST_YEARS)
    except ValueError:  # 29 February, three years on
        return now.replace(year=now.year - DISCLOSURE_LIST_YEARS, day=28)


def may_see_access_report(viewer_id: int, viewer_is_site_admin: bool, person_id: int) -> bool:
    """A person's access report (every time they were shown case entries): the site admin, who
    keeps the directory, and the person themselves. It names cases by reference only."""
    return viewer_is_site_admin or viewer_id == person_id


# Powers over a case (not over what it holds: that is the decision's alone).


def may_manage_case(roles: frozenset[str], reader: Reader, lead_agency: int | None) -> bool:
    """Create cases, record and revoke releases: a coordinator on the team, or a member of the
    case's lead agency (DESIGN.md §4)."""
    if not may_read_cases(reader):
        return False
    return "coordinator" in roles or (lead_agency is not None and reader.agency_id == lead_agency)


def may_create_case(roles: frozenset[str], reader: Reader) -> bool:
    """A coordinator on the team, or any member (who opens it for their own agency as lead)."""
    return may_read_cases(reader) and ("coordinator" in roles or reader.agency_id is not None)


def may_declare_emergency(reader: Reader, agency_sector: str | None) -> bool:
    """A member of a medical agency on the case's team (42 CFR 2.51: medical personnel)."""
    return may_read_cases(reader) and reader.agency_id is not None and agency_sector == "medical"


def may_add_entries(reader: Reader) -> bool:
    """A member records what their own agency knows (the entry's source is their agency)."""
    return may_read_cases(reader) and reader.agency_id is not None


CASE_REVIEW_TEAMS = frozenset({"perinatal_cluster", "child_family_team"})


def reviews_cases(team_kind: str) -> bool:
    return team_kind in CASE_REVIEW_TEAMS


REFERENCE_LETTERS = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: read aloud without doubt
REFERENCE_PREFIX = {"perinatal_cluster": "PC", "child_family_team": "CF"}


def new_reference(team_kind: str) -> str:
    """An opaque reference such as PC-7F3K: random, carrying nothing about the client."""
    return f"{REFERENCE_PREFIX.get(team_kind, 'CR')}-" + "".join(secrets.choice(REFERENCE_LETTERS) for _ in range(4))
