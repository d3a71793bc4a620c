"""What the home page counts as "now": the week of meetings, agendas waiting, items due. Days
here are a team's calendar days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from server.home import policy

TODAY = date(2027, 3, 14)
NOW = datetime(2027, 3, 14, 13, 0, tzinfo=UTC)


def meeting(**fields) -> dict:
    return {"status": "scheduled", "live_status": "not_started", "agenda_published_at": None,
            "ends_at": NOW + timedelta(days=3), **fields}


def test_the_week_is_today_and_the_seven_days_after_it():
    assert policy.in_the_week(TODAY, TODAY, "not_started")
    assert policy.in_the_week(TODAY + timedelta(days=7), TODAY, "not_started")
    assert not policy.in_the_week(TODAY + timedelta(days=8), TODAY, "not_started")
    assert not policy.in_the_week(TODAY - timedelta(days=1), TODAY, "ended")


def test_a_meeting_running_since_yesterday_is_still_in_the_week():
    assert policy.in_the_week(TODAY - timedelta(days=1), TODAY, "live")


def test_an_agenda_waits_for_its_lead_while_the_meeting_is_ahead_within_two_weeks():
    assert policy.agenda_waiting(meeting(), TODAY + timedelta(days=14), TODAY, NOW)
    assert not policy.agenda_waiting(meeting(), TODAY + timedelta(days=15), TODAY, NOW)
    assert not policy.agenda_waiting(meeting(agenda_published_at=NOW), TODAY, TODAY, NOW)
    assert not policy.agenda_waiting(meeting(status="cancelled"), TODAY, TODAY, NOW)
    assert not policy.agenda_waiting(meeting(live_status="live"), TODAY, TODAY, NOW)
    assert not policy.agenda_waiting(meeting(ends_at=NOW), TODAY, TODAY, NOW)  # over, held without Convene


def test_a_meeting_is_over_once_ended_live_or_past_its_end_without_running():
    assert policy.is_over(meeting(live_status="ended", ends_at=NOW + timedelta(hours=1)), NOW)
    assert policy.is_over(meeting(ends_at=NOW), NOW)
    assert not policy.is_over(meeting(live_status="live", ends_at=NOW - timedelta(hours=1)), NOW)  # running late
    assert not policy.is_over(meeting(), NOW)


def test_an_item_is_due_soon_through_the_seventh_day_and_when_overdue():
    assert policy.due_soon(TODAY - timedelta(days=40), TODAY)
    assert policy.due_soon(TODAY + timedelta(days=7), TODAY)
    assert not policy.due_soon(TODAY + timedelta(days=8), TODAY)
    assert not policy.due_soon(None, TODAY)

