from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamp,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from server.accounts.tables import Person
from server.teams.tables import Membership, Team


class Series(Table):
    """A recurring meeting's rule. Its occurrences are Meeting rows (one per date)."""

    team = ForeignKey(Team, index=True)
    uid = Varchar(length=80, unique=True)
    title = Varchar(length=200)
    start_local = Timestamp()  # wall-clock time of the first occurrence in time_zone
    duration_minutes = Integer()
    time_zone = Varchar(length=64)
    frequency = Varchar(length=20)
    interval = Integer(default=1)
    weekdays = Varchar(length=20, default="")
    month_day = Integer(null=True, default=None)
    week_of_month = Integer(null=True, default=None)
    weekday = Integer(null=True, default=None)
    until = Date(null=True, default=None)
    occurrences = Integer(null=True, default=None)  # "after N meetings" (not `count`: Table.count())
    location = Varchar(length=300, default="")
    join_link = Varchar(length=500, default="")
    description = Text(default="")
    sequence = Integer(default=0)
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Meeting(Table):
    """One meeting: a one-off, or one occurrence of a series (moved, cancelled or as planned)."""

    team = ForeignKey(Team, index=True)
    series = ForeignKey(Series, null=True, default=None, index=True)
    uid = Varchar(length=80, index=True)  # the series' UID for occurrences (calendar identity)
    original_start = Timestamptz(null=True, default=None)  # RECURRENCE-ID of an occurrence
    detached = Boolean(default=False)  # edited on its own: series edits leave it alone
    title = Varchar(length=200)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    time_zone = Varchar(length=64)
    status = Varchar(length=20, default="scheduled", index=True)  # scheduled | cancelled
    cancel_reason = Varchar(length=300, default="")  # plain text: members see it, a CANCEL carries it
    location = Varchar(length=300, default="")
    join_link = Varchar(length=500, default="")
    description = Text(default="")
    sequence = Integer(default=0)
    agenda_published_at = Timestamptz(null=True, default=None)
    live_status = Varchar(length=20, default="not_started")  # not_started | live | ended
    live_started_at = Timestamptz(null=True, default=None)
    live_ended_at = Timestamptz(null=True, default=None)
    current_item_id = Integer(null=True, default=None)
    current_since = Timestamptz(null=True, default=None)  # when the current item was (re)opened
    live_version = Integer(default=0)  # raised on every live change; viewers poll it
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class AgendaItem(Table):
    meeting = ForeignKey(Meeting, index=True)
    position = Integer()
    kind = Varchar(length=30)
    title = Varchar(length=200)
    presenter = ForeignKey(Person, null=True, default=None, index=True)
    planned_minutes = Integer(default=10)
    presenter_notes = Text(default="")
    notes = Text(default="")  # taken live
    status = Varchar(length=20, default="pending")  # pending | current | done (visited) | carried
    # What the minutes record: done | deferred (to the next meeting) | not_reached; "" until
    # the chair says or the meeting ends (an item never opened is never recorded as discussed).
    outcome = Varchar(length=20, default="")
    started_at = Timestamptz(null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)
    carried_from = Integer(null=True, default=None)  # the AgendaItem id it continues
    version = Integer(default=1)


class Decision(Table):
    agenda_item = ForeignKey(AgendaItem, index=True)
    text = Text()
    recorded_by = ForeignKey(Person, null=True, default=None, index=True)
    recorded_at = Timestamptz()


class Motion(Table):
    """A decision taken by a vote: who moved and seconded it, the count, and the quorum at
    that moment. The result is the policy's, from the count and the quorum."""

    decision = ForeignKey(Decision, unique=True, index=True)
    mover = ForeignKey(Person, index=True)
    seconder = ForeignKey(Person, null=True, default=None, index=True)
    votes_for = Integer()
    votes_against = Integer()
    abstentions = Integer()
    majority = Varchar(length=20, default="simple")  # simple | two_thirds (of the votes cast)
    result = Varchar(length=20)  # carried | failed
    quorum_needed = Integer()
    quorum_present = Integer()
    quorum_voting = Integer()
    recorded_at = Timestamptz()


class Recusal(Table):
    """A member who took no part in a vote, and why (a conflict of interest, say)."""

    motion = ForeignKey(Motion, index=True)
    person = ForeignKey(Person, index=True)
    reason = Varchar(length=300, default="")


class TemplateItem(Table):
    """A team's standing agenda item, offered to every new meeting."""

    team = ForeignKey(Team, index=True)
    position = Integer()
    kind = Varchar(length=30)
    title = Varchar(length=200)
    planned_minutes = Integer(default=10)


class Invitation(Table):
    """A guest invited to one meeting (guests see only the agendas they are invited to), under
    the guest seat they held: it counts while that seat does, and seating them again later
    does not revive it."""

    meeting = ForeignKey(Meeting, index=True)
    person = ForeignKey(Person, index=True)
    created_at = Timestamptz()
    seat = ForeignKey(Membership, null=True, default=None, index=True)


class Attendance(Table):
    meeting = ForeignKey(Meeting, index=True)
    person = ForeignKey(Person, index=True)
    status = Varchar(length=20)  # present | remote | absent | excused
    standing_in_for = ForeignKey(Person, null=True, default=None, index=True)
    arrived_at = Timestamptz(null=True, default=None)
    departed_at = Timestamptz(null=True, default=None)
    recorded_by = ForeignKey(Person, null=True, default=None, index=True)
    updated_at = Timestamptz()


class Minutes(Table):
    """The record of a meeting: what was taken when it ended (who came, each item's outcome,
    notes, decisions and votes, action items), kept as language-neutral JSON so every reader
    sees it in their own language (see meetings/record.py), then corrected, circulated,
    approved at a later meeting and locked."""

    meeting = ForeignKey(Meeting, unique=True, index=True)
    status = Varchar(length=20, default="draft", index=True)  # draft | circulated | approved | locked
    record = Text(default="{}")
    approved_at_meeting = ForeignKey(Meeting, null=True, default=None, index=True)
    approved_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)
    updated_at = Timestamptz()


class MinutesRevision(Table):
    """Every saved state of the minutes, whole, with who and when: any two can be compared."""

    minutes = ForeignKey(Minutes, index=True)
    record = Text(default="{}")
    status = Varchar(length=20)
    version = Integer(default=1)
    edited_by = ForeignKey(Person, null=True, default=None, index=True)
    edited_at = Timestamptz()


class MinutesComment(Table):
    """A member's comment on circulated minutes; the chair sees them while correcting."""

    minutes = ForeignKey(Minutes, index=True)
    author = ForeignKey(Person, index=True)
    body = Text()
    on_version = Integer()  # the version of the minutes the comment was written on
    created_at = Timestamptz()
    addressed_at = Timestamptz(null=True, default=None)
    addressed_by = ForeignKey(Person, null=True, default=None, index=True)
