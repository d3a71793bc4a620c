"""Meeting rules without a server: timing, quorum, ordering, permissions, minutes states."""

from datetime import UTC, datetime, timedelta

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


# The live meeting: outcomes, pace, starting, motions.


def test_an_item_is_done_only_once_taken_up_and_one_never_opened_was_not_reached():
    assert policy.outcome_allowed("deferred", opened=False) and policy.outcome_allowed("", opened=False)
    assert not policy.outcome_allowed("done", opened=False) and policy.outcome_allowed("done", opened=True)
    assert not policy.outcome_allowed("not_reached", opened=False)  # what an item is, never chosen
    assert policy.final_outcome("", opened=True) == "done"
    assert policy.final_outcome("", opened=False) == "not_reached"
    assert policy.final_outcome("deferred", opened=True) == "deferred"
    assert policy.final_outcome("done", opened=False) == "not_reached"


def items(*planned: int, started: dict[int, datetime] | None = None, deferred: tuple[int, ...] = ()) -> list[dict]:
    started = started or {}
    return [{"id": n, "planned_minutes": minutes, "started_at": started.get(n),
             "outcome": "deferred" if n in deferred else ""} for n, minutes in enumerate(planned, start=1)]


def at(minute: int) -> datetime:
    return datetime(2026, 5, 20, 10, 0, tzinfo=UTC) + timedelta(minutes=minute)


def test_the_pace_counts_how_late_the_open_item_began_and_how_long_it_has_run_over():
    agenda = items(10, 20, 15, 15, started={1: at(0), 2: at(14)})
    # Item 2 was planned from 10:10; it began at 10:14 and has run 5 of its 20 minutes.
    pace = policy.pace(at(0), at(90), agenda, 2, at(14), at(19))
    assert (pace.behind_seconds, pace.left_seconds, pace.remaining_seconds) == (240, 71 * 60, (15 + 15 + 15) * 60)
    assert not pace.squeezed
    # At 10:40 it has run 26 minutes: 6 over, so the meeting is 10 minutes behind.
    pace = policy.pace(at(0), at(60), agenda, 2, at(14), at(40))
    assert pace.behind_seconds == 600 and pace.remaining_seconds == 30 * 60 and pace.squeezed is True


def test_a_meeting_that_moves_faster_than_planned_is_ahead_and_a_deferred_item_needs_no_time():
    agenda = items(30, 20, 10, started={1: at(0), 2: at(12)}, deferred=(3,))
    pace = policy.pace(at(0), at(60), agenda, 2, at(12), at(15))
    assert pace.behind_seconds == -18 * 60 and pace.remaining_seconds == 17 * 60
    assert policy.pace(at(0), at(60), agenda, None, None, at(15)).behind_seconds is None


def test_going_back_to_an_item_already_taken_up_counts_only_the_time_spent_again():
    # Three 10-minute items done in 25 minutes; back to the first at 10:25, one minute ago.
    agenda = items(10, 10, 10, started={1: at(0), 2: at(8), 3: at(17)})
    pace = policy.pace(at(0), at(60), agenda, 1, at(25), at(26))
    assert pace.behind_seconds == -4 * 60  # 30 planned minutes got through in 26
    assert pace.remaining_seconds == 0
    later = policy.pace(at(0), at(60), agenda, 1, at(25), at(36))
    assert later.behind_seconds == 6 * 60  # every minute spent again is a minute behind


def test_a_start_on_another_day_or_with_a_draft_agenda_is_asked_about_first():
    day = AT.date()
    assert policy.start_questions(day, day, published=True) == []
    assert policy.start_questions(day, day + timedelta(days=1), published=True) == ["other_day"]
    assert policy.start_questions(day, day, published=False) == ["draft_agenda"]
    fresh = [{"notes": "", "outcome": "", "decisions": []}]
    assert policy.start_undoable(fresh, actions=[])
    assert not policy.start_undoable([{"notes": "Said", "outcome": "", "decisions": []}], actions=[])
    assert not policy.start_undoable([{"notes": "", "outcome": "deferred", "decisions": []}], actions=[])
    assert not policy.start_undoable(fresh, actions=[{"id": 1}])


def test_quorum_at_a_past_moment_follows_arrivals_and_departures():
    records = [
        {"person": 1, "status": "present", "standing_in_for": None, "arrived_at": at(-5), "departed_at": None},
        {"person": 2, "status": "present", "standing_in_for": None, "arrived_at": at(10), "departed_at": at(50)},
        {"person": 3, "status": "remote", "standing_in_for": None, "arrived_at": at(20), "departed_at": None},
        {"person": 4, "status": "excused", "standing_in_for": None, "arrived_at": None, "departed_at": None},
    ]
    voting = {1, 2, 3, 4}
    assert set(policy.attending_at(records, at(0))) == {1}
    assert set(policy.attending_at(records, at(55))) == {1, 3}
    moment, counted = policy.quorum_reached("count", 3, voting, records, at(0))
    assert moment == at(20) and (counted.present, counted.needed) == (3, 3)
    assert policy.quorum_reached("count", 4, voting, records, at(0)) is None


def test_alternates_vote_for_the_member_they_stand_in_for_only_when_that_member_is_away():
    voting = {1, 2, 3}
    assert policy.voters_present(voting, {1: None, 9: 2}) == {1: 1, 9: 2}
    assert policy.voters_present(voting, {1: None, 2: None, 9: 2}) == {1: 1, 2: 2}


@pytest.mark.parametrize(("votes_for", "against", "majority", "quorum_met", "result"), [
    (5, 4, "simple", True, "carried"),
    (4, 4, "simple", True, "failed"),  # a tie fails
    (9, 1, "simple", False, "failed"),  # nothing carries without a quorum
    (6, 3, "two_thirds", True, "carried"),
    (5, 3, "two_thirds", True, "failed"),
    (0, 0, "two_thirds", True, "failed"),
])
def test_a_motion_carries_by_the_majority_it_needs_of_the_votes_cast_and_only_with_a_quorum(
        votes_for, against, majority, quorum_met, result):
    assert policy.motion_result(votes_for, against, majority, quorum_met) == result


VOTERS = {1: 1, 2: 2, 3: 3, 9: 4}  # person 9 stands in for member 4


def motion(**fields) -> dict[str, str]:
    return {"mover_id": "1", "seconder_id": "2", "votes_for": "2", "votes_against": "1", "abstentions": "0",
            "majority": "simple", **fields}


def test_a_motion_records_mover_seconder_count_and_recusals_with_their_reasons():
    data, problems = policy.validate_motion(motion(recusal_person_0="9", recusal_reason_0="  Works for the  applicant "),
                                            VOTERS)
    assert problems == {}
    assert (data.mover_id, data.seconder_id, data.votes_for, data.recusals) == (1, 2, 2, ((9, "Works for the applicant"),))


@pytest.mark.parametrize(("fields", "field"), [
    ({"mover_id": "7"}, "mover_id"),  # not a voting member present
    ({"seconder_id": "1"}, "seconder_id"),  # the mover again
    ({"votes_for": "-1"}, "votes_for"),
    ({"votes_against": "x"}, "votes_against"),
    ({"majority": "unanimous"}, "majority"),
    ({"recusal_person_0": "3"}, "recusal_reason_0"),  # no reason
    ({"recusal_person_0": "1", "recusal_reason_0": "Conflict"}, "recusal_person_0"),  # the mover
    ({"votes_for": "3", "votes_against": "1"}, "votes_for"),  # 4 votes and 4 voters: fine...
])
def test_a_motion_that_makes_no_sense_is_refused_with_the_field_named(fields, field):
    data, problems = policy.validate_motion(motion(**fields), VOTERS)
    if fields == {"votes_for": "3", "votes_against": "1"}:
        assert problems == {}  # ...but one recusal more would be too many:
        data, problems = policy.validate_motion(motion(**fields, recusal_person_0="3", recusal_reason_0="Conflict"),
                                                VOTERS)
    assert data is None and field in problems


def test_a_vote_typed_makes_the_decision_a_motion_whatever_else_is_left_empty():
    assert not policy.is_motion({"text": "Agreed"})
    assert policy.is_motion({"votes_for": "3"}) and policy.is_motion({"recusal_person_0": "4"})
    assert policy.is_motion({"mover_id": "1"})


def test_notes_are_never_saved_over_someone_elses_unless_the_chair_replaces_exactly_those():
    theirs = "Saved by the co-chair"
    assert not policy.notes_overwrite_theirs("", policy.notes_hash("x"), None)  # nothing there
    assert not policy.notes_overwrite_theirs(theirs, policy.notes_hash(theirs), None)  # typed on theirs
    assert policy.notes_overwrite_theirs(theirs, policy.notes_hash(""), None)
    assert not policy.notes_overwrite_theirs(theirs, policy.notes_hash(""), policy.notes_hash(theirs))
    assert policy.notes_overwrite_theirs(theirs, policy.notes_hash(""), policy.notes_hash("older notes"))


def test_the_motion_form_shows_one_recusal_row_and_one_more_when_asked():
    assert policy.recusal_rows({}) == 1
    assert policy.recusal_rows({"recusal_rows": "2", "add_recusal": "yes"}) == 3
    assert policy.recusal_rows({"recusal_rows": "999", "add_recusal": "yes"}) == policy.MAX_RECUSALS
