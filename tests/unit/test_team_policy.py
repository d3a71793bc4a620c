"""Roster rules and team permissions, without a server."""

from datetime import UTC, date, datetime

import pytest

from server.accounts.policy import Viewer
from server.teams import policy
from server.teams.policy import Directory, RosterFacts, Standing

TODAY = date(2026, 11, 22)
FACTS = RosterFacts(active_person_ids={1, 2, 3, 4}, active_agency_ids={10, 11},
                    seated_person_ids={1, 2}, principal_person_ids={1})


def viewer(admin: bool = False) -> Viewer:
    return Viewer(id=1, name="A", email="a@x.org", language="en", is_site_admin=admin, session_id=1,
                  at=datetime(2026, 11, 22, 12, 0, tzinfo=UTC))


@pytest.mark.parametrize(("started", "ended", "active"), [
    (date(2026, 1, 1), None, True),
    (TODAY, None, True),
    (date(2026, 11, 23), None, False),
    (date(2026, 1, 1), TODAY, False),
    (date(2026, 1, 1), date(2026, 11, 23), True),
])
def test_a_seat_counts_from_its_first_day_until_its_end_date(started, ended, active):
    assert policy.is_current(started, ended, TODAY) is active


@pytest.mark.parametrize(("roles", "view_team", "view_roster", "manage"), [
    (set(), False, False, False),
    ({"guest"}, True, False, False),
    ({"member"}, True, True, False),
    ({"family_partner"}, True, True, False),
    ({"coordinator"}, True, True, True),
    ({"chair"}, True, True, True),
    ({"co_chair"}, True, True, True),
])
def test_team_permissions_follow_the_role_on_the_team(roles, view_team, view_roster, manage):
    standing = Standing(frozenset(roles))
    assert policy.can_view_team(viewer(), standing) is view_team
    assert policy.can_view_roster(viewer(), standing) is view_roster
    assert policy.can_manage_roster(viewer(), standing) is manage


def test_a_site_admin_manages_teams_and_rosters_without_a_seat():
    assert policy.can_manage_teams(viewer(admin=True))
    assert policy.can_manage_roster(viewer(admin=True), Standing())
    assert not policy.can_manage_teams(viewer())


def test_a_valid_seat_defaults_to_starting_today():
    seat, errors = policy.validate_seat({"person_id": "3", "agency_id": "10", "role": "member"}, FACTS, TODAY)
    assert errors == {}
    assert seat == policy.SeatInput(3, 10, "member", None, TODAY)


@pytest.mark.parametrize(("form", "field"), [
    ({"person_id": "2", "agency_id": "10", "role": "member"}, "person_id"),  # already seated
    ({"person_id": "9", "agency_id": "10", "role": "member"}, "person_id"),  # not active
    ({"person_id": "x", "agency_id": "10", "role": "member"}, "person_id"),
    ({"person_id": "3", "agency_id": "12", "role": "member"}, "agency_id"),
    ({"person_id": "3", "agency_id": "10", "role": "boss"}, "role"),
    ({"person_id": "3", "agency_id": "10", "role": "member", "alternate_for_id": "2"}, "alternate_for_id"),
    ({"person_id": "3", "agency_id": "10", "role": "member", "started_on": "2026-02-30"}, "started_on"),
    ({"person_id": "3" * 40, "agency_id": "10", "role": "member"}, "person_id"),
])
def test_an_invalid_seat_names_the_field_at_fault(form, field):
    seat, errors = policy.validate_seat(form, FACTS, TODAY)
    assert seat is None
    assert field in errors


def test_a_person_cannot_be_their_own_alternate():
    facts = RosterFacts({1, 3}, {10}, {1}, {1, 3})
    _, errors = policy.validate_seat({"person_id": "3", "agency_id": "10", "role": "member",
                                      "alternate_for_id": "3"}, facts, TODAY)
    assert "alternate_for_id" in errors


def test_a_membership_cannot_end_before_it_started():
    assert policy.validate_end("2026-01-01", date(2026, 6, 1), TODAY)[0] is None
    assert policy.validate_end("", date(2026, 6, 1), TODAY) == (TODAY, None)


def test_import_rows_see_the_seats_of_earlier_rows():
    directory = Directory({"a@x.org": 3, "b@x.org": 4}, {"cps": 10})
    rows = policy.check_import([
        {"email": "a@x.org", "agency": "CPS", "role": "Member"},
        {"email": "b@x.org", "agency": "cps", "role": "member", "alternate_for": "a@x.org"},
        {"email": "a@x.org", "agency": "CPS", "role": "member"},
    ], directory, FACTS, TODAY)
    assert [bool(row.problems) for row in rows] == [False, False, True]
    assert rows[1].seat.alternate_for_id == 3
    assert rows[2].line == 4


def test_an_import_row_with_empty_required_columns_lists_each_one():
    rows = policy.check_import([{"email": "", "agency": "", "role": ""}], Directory({}, {}), FACTS, TODAY)
    assert rows[0].problems == [policy.EMPTY_COLUMN["email"], policy.EMPTY_COLUMN["agency"],
                                policy.EMPTY_COLUMN["role"]]


@pytest.mark.parametrize(("value", "ok"), [
    ("America/New_York", True), ("Pacific/Honolulu", True), ("Mars/Olympus", False),
    ("../../etc/passwd", False), ("", False),
])
def test_team_time_zones_must_be_iana_names(value, ok):
    assert policy.valid_time_zone(value) is ok


@pytest.mark.parametrize(("kind", "value", "ok"), [("share", "50", True), ("share", "101", False),
                                                   ("count", "7", True), ("count", "0", False), ("sum", "5", False)])
def test_quorum_is_a_percentage_or_a_number_of_members(kind, value, ok):
    team, errors = policy.validate_team({"name": "T", "kind": "other", "time_zone": "America/Chicago",
                                         "quorum_kind": kind, "quorum_value": value})
    assert (team is not None) is ok
    if ok:
        assert (team.quorum_kind, team.quorum_value) == (kind, int(value))


def test_missing_sectors_leave_out_other_and_keep_the_canonical_order():
    expected = policy.expected_sectors("community_collaborative", None)
    missing = policy.missing_sectors(expected, {"education", "child_welfare", "other"})
    assert "education" not in missing and "other" not in missing
    assert missing[0] == "juvenile_justice"


def test_each_kind_of_team_expects_its_own_sectors_and_a_team_may_keep_its_own_list():
    assert "juvenile_justice" not in policy.expected_sectors("child_family_team", None)
    assert "medical" not in policy.expected_sectors("child_family_team", None)
    perinatal = policy.expected_sectors("perinatal_cluster", None)
    assert {"medical", "public_health", "substance_use_treatment", "child_welfare"} <= set(perinatal)
    assert "juvenile_justice" not in perinatal and "education" not in perinatal
    assert policy.expected_sectors("other", None) == []
    assert policy.expected_sectors("child_family_team", "housing,education") == ["education", "housing"]
    assert policy.expected_sectors("community_collaborative", "") == []
    assert set(policy.USUAL_SECTORS) == set(policy.KINDS)
    assert all(set(sectors) <= set(policy.COVERAGE_SECTORS) for sectors in policy.USUAL_SECTORS.values())
