"""The rules for writing cases and their entries, grouping them on the case page, searching the
case list and exporting cells (server/cases/entry_rules.py): pure, tested without a server."""

from __future__ import annotations

from datetime import date

import pytest

from server.cases import entry_rules
from server.cases.entry_rules import (
    csv_cell,
    lead_agency,
    matches,
    search_query,
    sections,
    validate_entry,
    validate_identity,
)

TODAY = date(2027, 3, 14)
SEATED = {1, 2, 3}


def entry(**form):
    return validate_entry({"category": "coordination", **form}, SEATED)


@pytest.mark.parametrize("kind", sorted(entry_rules.ADDABLE))
def test_every_kind_a_member_adds_is_accepted_with_a_category(kind):
    data, errors = entry(kind=kind, title="Title", body="Body")
    assert errors == {} and data.kind == kind and data.category == "coordination"


def test_identity_is_neither_a_kind_nor_a_category_a_member_adds():
    assert entry(kind="identity", body="x")[1] == {"kind": entry_rules.NO_KIND}
    assert entry(kind="note", category="identity", body="x")[1] == {"category": entry_rules.IDENTITY_CATEGORY}
    assert entry(kind="review_note", body="x")[1] == {"kind": entry_rules.NO_KIND}  # from meetings only
    assert entry(kind="note", category="gossip", body="x")[1] == {"category": entry_rules.NO_CATEGORY}


def test_an_entry_says_something_and_stays_within_its_limits():
    assert entry(kind="note")[1] == {"body": entry_rules.NO_TEXT}
    assert entry(kind="need", title="Stable housing")[1] == {}
    assert entry(kind="note", body="  Spoke with her today.  ")[0].body == "Spoke with her today."
    assert "title" in entry(kind="note", title="x" * 201)[1]
    assert "body" in entry(kind="note", body="x" * 10_001)[1]
    assert entry(kind="attachment")[1] == {}  # the file is the service's to check


def test_an_action_item_needs_a_title_a_known_status_and_an_agency_at_the_table():
    data, errors = entry(kind="action", title="Home visit", due_on="3/21/2027", owner_agency_id="2")
    assert errors == {} and (data.status, data.due_on, data.owner_agency) == ("open", date(2027, 3, 21), 2)
    assert entry(kind="action")[1] == {"title": entry_rules.NO_ACTION_TITLE}
    assert entry(kind="action", title="x", status="someday")[1] == {"status": entry_rules.NO_STATUS}
    assert entry(kind="action", title="x", due_on="next week")[1] == {"due_on": entry_rules.BAD_DATE}
    assert entry(kind="action", title="x", owner_agency_id="9")[1] == {"owner_agency_id": entry_rules.NO_OWNER}
    assert entry(kind="action", title="x", owner_agency_id="two")[1] == {"owner_agency_id": entry_rules.NO_OWNER}
    assert entry(kind="note", body="x", due_on="never", owner_agency_id="9")[0].due_on is None  # only for actions


def test_the_identity_needs_a_name_and_a_date_of_birth_that_has_come():
    data, errors = validate_identity({"client_name": " Ana   Ruiz ", "date_of_birth": "2001-02-03",
                                      "contact": "555-010-2040"}, TODAY)
    assert errors == {} and (data.client_name, data.date_of_birth, data.contact) == (
        "Ana Ruiz", date(2001, 2, 3), "555-010-2040")
    assert validate_identity({}, TODAY)[1] == {"client_name": entry_rules.NO_CLIENT_NAME}
    assert validate_identity({"client_name": "A", "date_of_birth": "2027-03-15"}, TODAY)[1] == {
        "date_of_birth": entry_rules.FUTURE_BIRTH}
    assert validate_identity({"client_name": "A", "date_of_birth": "3/14/2027"}, TODAY)[0].date_of_birth == TODAY
    assert validate_identity({"client_name": "A", "date_of_birth": "soon"}, TODAY)[1] == {
        "date_of_birth": entry_rules.BAD_DATE}


def test_a_member_opens_a_case_for_their_own_agency_and_a_coordinator_for_any_at_the_table():
    assert lead_agency({"lead_agency_id": "3"}, 1, False, SEATED) == (1, {})
    assert lead_agency({}, None, False, SEATED) == (None, {"form": entry_rules.NO_AGENCY})
    assert lead_agency({"lead_agency_id": "3"}, 1, True, SEATED) == (3, {})
    assert lead_agency({}, 1, True, SEATED) == (1, {})
    assert lead_agency({"lead_agency_id": "7"}, 1, True, SEATED) == (None, {"lead_agency_id": entry_rules.NO_LEAD})
    assert lead_agency({}, None, True, SEATED) == (None, {"lead_agency_id": entry_rules.NO_LEAD})


def row(entry_id: int, kind: str, category: str) -> dict:
    return {"id": entry_id, "kind": kind, "category": category}


def test_entries_are_grouped_in_the_page_order_with_the_notices_their_section_needs():
    found = sections([row(1, "note", "education"), row(2, "identity", "identity"), row(3, "service", "sud"),
                      row(4, "service", "housing"), row(5, "mystery", "coordination")])
    assert [(s.kind, [e["id"] for e in s.entries], s.notices) for s in found] == [
        ("identity", [2], []), ("service", [3, 4], ["part2"]), ("note", [1, 5], ["ferpa"])]
    assert entry_rules.entry_notice("sud_counseling_notes") == "part2"
    assert entry_rules.entry_notice("housing") is None


IDENTITY = {"kind": "identity", "client_name": "María José Núñez", "date_of_birth": date(1998, 4, 17)}


@pytest.mark.parametrize("query", ["maria", "NUÑEZ maría", "jose nunez", "1998-04-17", "4/17/1998", "pc-7f3k",
                                   "7F3K", "pc 7f3k", "  "])
def test_a_query_matches_the_reference_or_a_shown_identity(query):
    assert matches(query, "PC-7F3K", [IDENTITY])


@pytest.mark.parametrize("query", ["mario", "1998-04-18", "PC-7F3X", "María Pérez"])
def test_a_query_that_is_not_there_does_not_match(query):
    assert not matches(query, "PC-7F3K", [IDENTITY])


def test_a_name_or_date_of_birth_matches_only_in_identity_entries_given():
    assert not matches("maria", "PC-7F3K", [])  # the identity was not shown: nothing to match
    assert not matches("maria", "PC-7F3K", [{**IDENTITY, "kind": "note"}])


def test_a_query_is_trimmed_and_held_to_a_sensible_length():
    assert search_query("  Ana   Ruiz ") == "Ana Ruiz"
    assert len(search_query("x" * 500)) == entry_rules.MAX_QUERY
    assert search_query(None) == ""


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1 555", "'+1 555"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("  =1+1", "'  =1+1"), ("\tx", "'\tx"), ("\uff1d1+1", "'\uff1d1+1"),
    ("Plain text", "Plain text"), (date(2027, 3, 14), "2027-03-14"), (None, ""), (12, "12"),
    ("txt.\u202eexe", "txt.exe"),
])
def test_an_exported_cell_never_starts_a_formula_or_hides_characters(value, expected):
    assert csv_cell(value) == expected
