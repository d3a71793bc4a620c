"""Cases, their entries, releases of information and the disclosure ledger (CONSENT.md).

Only server/cases/ imports these tables (tests/unit/test_layers.py holds everyone to that): every
read of a case for showing anything goes through cases/disclosure.py, which asks the decision.
"""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from server.accounts.tables import Person
from server.agencies.tables import Agency
from server.meetings.tables import AgendaItem, Meeting
from server.teams.tables import Team


class Case(Table):
    """A client known to a case-review team by an opaque reference, never by name."""

    team = ForeignKey(Team, index=True)
    lead_agency = ForeignKey(Agency, index=True)
    reference = Varchar(length=20, unique=True)  # PC-7F3K
    status = Varchar(length=10, default="open", index=True)  # open | closed
    created_by = ForeignKey(Person, null=True, default=None, index=True)
    created_at = Timestamptz()
    version = Integer(default=1)


class CaseEntry(Table):
    """Everything known about a case, one entry at a time: whose record it is (source agency) and
    what kind of information (category) decide who may see it."""

    case = ForeignKey(Case, index=True)
    kind = Varchar(length=20)  # identity | summary | need | service | plan_item | note | attachment | action | review_note
    category = Varchar(length=30, index=True)
    source_agency = ForeignKey(Agency, index=True)
    title = Varchar(length=200, default="")
    body = Text(default="")
    # identity: name, date of birth and contact live in `body` as written; the name also here, for search
    client_name = Varchar(length=200, default="")
    date_of_birth = Date(null=True, default=None)
    # action: an action item tied to the case (kept here, never in the team's action items)
    due_on = Date(null=True, default=None)
    status = Varchar(length=20, default="")
    owner_agency = ForeignKey(Agency, null=True, default=None, index=True)
    # attachment: the file, in storage (CONVENE_FILES_DIR), served only through the decision
    file_name = Varchar(length=200, default="")
    media_type = Varchar(length=100, default="")
    size = Integer(default=0)
    storage_key = Varchar(length=100, default="", index=True)
    # review_note: taken in a meeting, on its case-review item
    meeting = ForeignKey(Meeting, null=True, default=None, index=True, on_delete=OnDelete.set_null)
    agenda_item = ForeignKey(AgendaItem, null=True, default=None, index=True, on_delete=OnDelete.set_null)
    recorded_by = ForeignKey(Person, null=True, default=None, index=True)
    recorded_at = Timestamptz(index=True)


class CaseReview(Table):
    """A case-review agenda item and the case it reviews. The agenda item itself carries no case
    fact (its title is "Case review"); the link lives here, beside the case."""

    agenda_item = ForeignKey(AgendaItem, unique=True, index=True, on_delete=OnDelete.cascade)
    case = ForeignKey(Case, index=True)


class Release(Table):
    """A release of information (CONSENT.md §2). Immutable once signed: a change is a new release
    that supersedes it. Draft (signed_at NULL), expired, revoked and superseded ones grant nothing."""

    case = ForeignKey(Case, index=True)
    version = Integer(default=1)  # 1 for a first release; the superseded one's + 1
    supersedes = Integer(null=True, default=None, index=True)  # the release this one replaces
    superseded_at = Timestamptz(null=True, default=None)
    signer_name = Varchar(length=200)
    signer_authority = Varchar(length=20)  # client | parent | guardian | representative
    signed_on = Date()
    identity_check = Varchar(length=300)
    categories = Varchar(length=400)  # codes, comma-separated
    purpose = Varchar(length=40)
    purpose_detail = Varchar(length=300, default="")
    effective_on = Date()
    expires_on = Date(null=True, default=None)  # a date, or
    expiry_event = Varchar(length=200, default="")  # an event, recorded when it happens
    event_recorded_at = Timestamptz(null=True, default=None)
    event_recorded_by = ForeignKey(Person, null=True, default=None, index=True)
    states_right_to_revoke = Boolean(default=False)
    states_no_conditioning = Boolean(default=False)
    states_redisclosure = Boolean(default=False)
    permits_legal_proceedings = Boolean(default=False)
    signature_captured = Boolean(default=False)  # signed in the app rather than on the uploaded form
    document_name = Varchar(length=200, default="")
    document_type = Varchar(length=100, default="")
    document_size = Integer(default=0)
    document_key = Varchar(length=100, default="", index=True)
    recorded_by = ForeignKey(Person, null=True, default=None, index=True)
    recorded_at = Timestamptz()
    signed_at = Timestamptz(null=True, default=None, index=True)  # NULL: a draft


class ReleaseParty(Table):
    """An agency a release names: as disclosing (may disclose) or receiving (may be told), and
    optionally a named individual within a receiving agency."""

    release = ForeignKey(Release, index=True)
    agency = ForeignKey(Agency, index=True)
    role = Varchar(length=10)  # discloses | receives
    person = ForeignKey(Person, null=True, default=None, index=True)


class Revocation(Table):
    """A revocation of a release, whole (agency NULL) or for one named recipient agency."""

    release = ForeignKey(Release, index=True)
    agency = ForeignKey(Agency, null=True, default=None, index=True)
    effective_at = Timestamptz()
    how = Varchar(length=10)  # written | verbal
    received_by = Varchar(length=200)
    recorded_by = ForeignKey(Person, null=True, default=None, index=True)
    recorded_at = Timestamptz()


class Emergency(Table):
    """A bona fide medical emergency declared by a member of a medical agency (42 CFR 2.51): for
    one hour they see the case's entries; every view is in the ledger marked as emergency."""

    case = ForeignKey(Case, index=True)
    person = ForeignKey(Person, index=True)
    agency = ForeignKey(Agency, index=True)
    reason = Text()
    declared_at = Timestamptz(index=True)
    ends_at = Timestamptz()


class StepOut(Table):
    """Someone present who stepped out while a case was reviewed (the room check)."""

    agenda_item = ForeignKey(AgendaItem, index=True, on_delete=OnDelete.cascade)
    person = ForeignKey(Person, index=True)
    departed_at = Timestamptz()
    returned_at = Timestamptz(null=True, default=None)
    recorded_by = ForeignKey(Person, null=True, default=None, index=True)


class Disclosure(Table):
    """The disclosure ledger (CONSENT.md §5): append-only, each row hashed over the previous row's
    hash and its own content. Rows are never updated or deleted; `convene audit verify` checks."""

    at = Timestamptz(index=True)
    viewer = Integer(index=True)  # ids, not foreign keys: the ledger outlives what it names
    viewer_name = Varchar(length=200)
    viewer_agency = Integer(null=True, default=None, index=True)
    case = Integer(index=True)
    entries = Text()  # entry ids, comma-separated
    categories = Varchar(length=400)
    basis = Varchar(length=10)  # own | release | emergency
    release = Integer(null=True, default=None, index=True)
    release_version = Integer(null=True, default=None)
    surface = Varchar(length=20)  # page | export | print | live | screen | agenda
    notice = Varchar(length=40, default="")  # part2 | ferpa | part2,ferpa
    reason = Text(default="")  # an emergency's reason
    shown_by = Integer(index=True)  # whose screen showed it: the viewer, or the chair's meeting screen
    previous_hash = Varchar(length=64)
    hash = Varchar(length=64, unique=True)
