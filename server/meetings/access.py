"""May this viewer see or run this meeting: the meeting, its team, the viewer's standing there
and whether they are invited, loaded in one statement, answered by meetings/policy.py.

A meeting the viewer may not know about answers 404, like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from server import clock
from server.accounts.policy import Viewer
from server.errors import Closed, Forbidden, NotFound
from server.i18n import N_
from server.meetings import policy
from server.meetings.tables import Meeting
from server.teams import membership
from server.teams.policy import Standing

FIELDS = (
    "id", "team", "series", "uid", "original_start", "detached", "title", "starts_at", "ends_at", "time_zone",
    "status", "cancel_reason", "location", "join_link", "description", "sequence", "agenda_published_at", "live_status",
    "live_started_at", "live_ended_at", "current_item_id", "current_since", "live_version", "version",
)
# The guest seat an invitation to this meeting was issued under (one invitation per guest).
INVITED = "(SELECT MAX(i.seat) FROM invitation i WHERE i.meeting = o.id AND i.person = {}) AS invited_seat"
MINUTES_STATUS = "(SELECT mi.status FROM minutes mi WHERE mi.meeting = o.id) AS minutes_status"
AGENDA_CLOSED = N_("The meeting has ended, so its agenda is closed. Corrections go into the minutes.")


@dataclass(frozen=True)
class MeetingAccess:
    viewer: Viewer
    meeting: dict
    team: dict
    standing: Standing
    invited: bool
    minutes_status: str | None = None  # None: no minutes yet

    @property
    def roles(self) -> frozenset[str]:
        return self.standing.roles

    @property
    def can_run(self) -> bool:
        return policy.can_run(self.viewer, self.standing)

    @property
    def is_member(self) -> bool:
        """On the team (not a guest): sees minutes and action items."""
        return policy.can_see_meetings(self.viewer, self.standing)

    @property
    def agenda_open(self) -> bool:
        """Once a meeting has ended its agenda is the record of what happened: it is closed."""
        return self.meeting["live_status"] != "ended"

    @property
    def can_start_minutes(self) -> bool:
        return self.can_run and policy.minutes_can_start(
            self.meeting["status"], self.meeting["starts_at"], self.viewer.at, self.minutes_status is not None
        )

    @property
    def editing(self) -> bool:
        """The viewer may change this meeting's agenda now."""
        return self.can_run and self.agenda_open

    @property
    def published(self) -> bool:
        return self.meeting["agenda_published_at"] is not None

    @property
    def can_see_agenda(self) -> bool:
        return policy.can_see_agenda(self.viewer, self.standing, self.invited, self.published)

    @property
    def day(self) -> date:
        """The meeting's day on the team's calendar."""
        return clock.day_in(self.meeting["starts_at"], self.team["time_zone"])

    @property
    def today(self) -> date:
        return clock.day_in(self.viewer.at, self.team["time_zone"])

    async def confirm(self, *, run: bool = False, agenda: bool = False) -> MeetingAccess:
        """Inside a write: the meeting and the viewer's standing read again in the write's own
        transaction (see meeting_access for `run` and `agenda`)."""
        return await meeting_access(self.viewer, self.meeting["id"], run=run, agenda=agenda)

    def can_see_minutes(self, status: str | None = None) -> bool:
        """The minutes in `status` (by default, this meeting's own, if it has any)."""
        status = status or self.minutes_status
        return status is not None and policy.can_see_minutes(self.viewer, self.standing, status)


async def meeting_access(viewer: Viewer, meeting_id: int, *, run: bool = False, agenda: bool = False) -> MeetingAccess:
    """The meeting and the viewer's standing. NotFound unless the viewer may know the meeting;
    with `run`, Forbidden unless they run it; with `agenda`, Closed once its agenda is closed."""
    found = await membership.with_standing(Meeting, meeting_id, viewer.id, viewer.at, FIELDS,
                                           extra=(INVITED, MINUTES_STATUS), extra_args=(viewer.id,))
    if found is None:
        raise NotFound()
    meeting, team, standing, extras = found
    meeting["detached"] = bool(meeting["detached"])
    invited = standing.guest_seat is not None and extras["invited_seat"] == standing.guest_seat
    access = MeetingAccess(viewer, meeting, team, standing, invited, extras["minutes_status"])
    if not policy.can_see_meeting(viewer, standing, access.invited):
        raise NotFound()
    if run and not access.can_run:
        raise Forbidden()
    if agenda and not access.agenda_open:
        raise Closed(AGENDA_CLOSED)
    return access


async def refreshed(access: MeetingAccess) -> MeetingAccess:
    """The same viewer's access after a change (the meeting's live state moved on)."""
    return await meeting_access(access.viewer, access.meeting["id"])
