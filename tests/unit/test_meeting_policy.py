"""Meeting rules without a server: timing, quorum, ordering, permissions, minutes states."""

from datetime import UTC, datetime

import pytest

from server.accounts.policy import Viewer
from server.meetings import policy
from server.teams.policy import Standing

AT = datetime(2026, 5, 20, 14, 0, tzinfo=UTC)
VIEWER = Viewer(id=1, name="A", email="a@x.org", language="en", is_site_admin=False, session_id=1, at=AT)
ADMIN = Viewer(id=2, name="B", email="b@x.org", language="en", is_site_admin=True, session_id=2, at=AT)


def seated(*roles: str) -> Standing:
    return Standing(frozenset(roles))


def test_running_start_times_add_up_the_planned_minutes():
    starts = policy.running_starts(datetime(2026, 5, 20, 10, 0), [5, 20, 15])
    assert [s.strftime("%H:%M") for s in starts] == ["10:00", "10:05", "10:25"]


def test_quorum_counts_voting_members_and_an_alternate_standing_in_for_an_absent_one():
    voting = {1, 2, 3, 4, 5, 6}
    q = policy.quorum("share", 50, voting, {1: None, 2: None, 9: 3})
    assert (q.present, q.needed, q.met) == (3, 3, True)
    # An alternate for someone who is also here adds nobody.
    assert policy.quorum("share", 50, voting, {1: None, 9: 1}).present == 1
    assert policy.quorum("count", 5, voting, {1: None}).needed == 5


@pytest.mark.parametrize(("direction", "expected"), [("up", [1, 3, 2]), ("down", [1, 2, 3])])
def test_moving_an_item_swaps_it_with_its_neighbour_and_stops_at_the_ends(direction, expected):
    assert policy.moved([1, 2, 3], 3 if direction == "up" else 3, direction) == expected


def test_a_dragged_order_must_be_a_permutation_of_the_items():
    assert policy.reordered([1, 2, 3], [3, 1, 2]) == [3, 1, 2]
    assert policy.reordered([1, 2, 3], [3, 1]) is None
    assert policy.reordered([1, 2, 3], [1, 1, 2]) is None


def test_drafts_are_for_leads_and_guests_see_only_invited_published_agendas():
    assert policy.can_see_agenda(VIEWER, seated("chair"), False, False)
    assert not policy.can_see_agenda(VIEWER, seated("member"), False, False)
    assert policy.can_see_agenda(VIEWER, seated("member"), False, True)
    assert not policy.can_see_agenda(VIEWER, seated("guest"), False, True)
    assert policy.can_see_agenda(VIEWER, seated("guest"), True, True)
    assert not policy.can_see_agenda(ADMIN, seated(), False, True)  # a site admin without a seat


def test_minutes_move_forward_and_lock_for_good():
    assert policy.can_move_minutes("draft", "circulated")
    assert policy.can_move_minutes("circulated", "approved")
    assert not policy.can_move_minutes("draft", "approved")
    assert not policy.can_move_minutes("locked", "draft")
    assert not policy.minutes_editable("approved")


@pytest.mark.parametrize(("form", "field"), [
    ({"title": "", "day": "2026-05-20", "start": "10:00", "duration_minutes": "60"}, "title"),
    ({"title": "M", "day": "2026-13-01", "start": "10:00", "duration_minutes": "60"}, "day"),
    ({"title": "M", "day": "2026-05-20", "start": "25:00", "duration_minutes": "60"}, "start"),
    ({"title": "M", "day": "2026-05-20", "start": "10:00", "duration_minutes": "0"}, "duration_minutes"),
    ({"title": "M", "day": "2026-05-20", "start": "10:00", "duration_minutes": "60", "join_link": "javascript:x"}, "join_link"),
])
def test_meeting_form_problems_are_named(form, field):
    data, errors = policy.validate_meeting(form)
    assert data is None and field in errors
