"""Shared set-up for meeting tests: schedule through the real HTTP forms."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from server.meetings.tables import Meeting
from tests.conftest import post_form

NEW_YORK = ZoneInfo("America/New_York")


async def schedule(client, token: str, team_id: int, **fields) -> int:
    form = {"title": "Collaborative meeting", "day": "2027-01-20", "start": "10:00", "duration_minutes": "90",
            "frequency": "none", **fields}
    response = await post_form(client, f"/teams/{team_id}/meetings", form, token)
    assert response.status_code == 303, response.text[:800]
    return int(response.headers["location"].rsplit("/", 1)[1])


async def series_meetings(series_id: int) -> list[dict]:
    return await Meeting.select().where(Meeting.series == series_id).order_by(Meeting.original_start)


def local(moment: datetime) -> datetime:
    return moment.astimezone(NEW_YORK)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
