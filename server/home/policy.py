"""What counts as "now" for a person first thing in the morning: which meetings, agendas, minutes
and action items the home page puts in front of them. Pure: no framework, no database.

Days are each team's own calendar days (the caller passes the team's today).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from server.i18n import N_

WEEK = timedelta(days=7)  # meetings and due dates: today and the next seven days
AGENDA_AHEAD = timedelta(days=14)  # drafts of agendas worth a lead's attention
# Minutes a lead moves along, with what they do next; minutes out for every member's review.
MINUTES_STEPS = {
    "draft": N_("Correct the draft, then circulate it to the team."),
    "circulated": N_("Out for review: approve them at a later meeting."),
}
MINUTES_TO_REVIEW = ("circulated",)  # drafts are the leads' own


def in_the_week(meeting_day: date, today: date, live_status: str) -> bool:
    """A meeting today or in the next seven days; one running now whatever day it began."""
    return live_status == "live" or today <= meeting_day <= today + WEEK


def is_over(meeting: dict, now: datetime) -> bool:
    """Ended live, or past its planned end without running live (held outside Convene)."""
    return meeting["live_status"] == "ended" or (meeting["live_status"] == "not_started" and meeting["ends_at"] <= now)


def agenda_waiting(meeting: dict, meeting_day: date, today: date, now: datetime) -> bool:
    """A scheduled meeting of the next two weeks, not begun, whose agenda is still a draft."""
    return (meeting["status"] == "scheduled" and meeting["agenda_published_at"] is None
            and meeting["live_status"] == "not_started" and meeting["ends_at"] > now
            and meeting_day <= today + AGENDA_AHEAD)


def due_soon(due_on: date | None, today: date) -> bool:
    """Due by the end of the seventh day from today, or overdue (open statuses are the caller's)."""
    return due_on is not None and due_on <= today + WEEK

