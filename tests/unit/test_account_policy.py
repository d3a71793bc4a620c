from datetime import UTC, datetime, timedelta

import pytest

from server.accounts import policy
from server.accounts.routes import safe_next
from server.agencies.policy import validate_agency
from server.i18n import pick_language
from server.people.policy import validate_person


@pytest.mark.parametrize(("password", "confirm", "ok"), [
    ("long enough pass", "long enough pass", True),
    ("short", "short", False),
    ("long enough pass", "long enough pasS", False),
    ("a@b.org", "a@b.org", False),
    ("x" * 257, "x" * 257, False),
])
def test_password_rules(password, confirm, ok):
    assert (policy.password_problem(password, confirm, "a@b.org") is None) is ok


def test_an_address_waits_after_five_failures_on_an_account_or_thirty_in_all():
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    recent = [now - timedelta(seconds=10 * n) for n in range(30, 0, -1)]  # oldest first
    assert policy.login_wait(recent[-4:], recent[-29:], now) == timedelta(0)
    assert policy.login_wait(recent[-5:], recent[-5:], now) > timedelta(0)
    assert policy.login_wait([], recent, now) > timedelta(0)


def test_a_wait_is_told_in_whole_minutes_rounded_up():
    assert policy.wait_minutes(timedelta(seconds=1)) == 1
    assert policy.wait_minutes(timedelta(seconds=61)) == 2
    assert policy.wait_minutes(timedelta(minutes=15)) == 15


@pytest.mark.parametrize(("value", "expected"), [
    ("/teams/1", "/teams/1"), ("//evil.example", "/"), ("https://evil.example", "/"),
    ("/\\evil.example", "/"), (None, "/"), ("", "/"),
])
def test_after_login_only_local_paths_are_followed(value, expected):
    assert safe_next(value) == expected


def test_language_comes_from_the_preference_then_the_browser():
    assert pick_language("es", "en-US") == "es"
    assert pick_language(None, "es-MX,es;q=0.9,en;q=0.8") == "es"
    assert pick_language("fr", "de") == "en"


def test_agency_and_person_forms_report_each_bad_field():
    _, errors = validate_agency({"name": " ", "sector": "spaceflight", "short_name": "x" * 41})
    assert set(errors) == {"name", "sector", "short_name"}
    _, errors = validate_person({"name": "A", "email": "not-an-email", "agency_id": "99",
                                 "preferred_language": "de"}, {1, 2})
    assert set(errors) == {"email", "agency_id", "preferred_language"}
    person, errors = validate_person({"name": " Ana  Ruiz ", "email": "Ana@X.org", "agency_id": "2",
                                      "preferred_language": "es"}, {1, 2})
    assert errors == {} and person.name == "Ana Ruiz" and person.email == "ana@x.org"
