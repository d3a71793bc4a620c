"""What a release of information, a revocation and an emergency declaration must say (CONSENT.md
§2, §8), and what each state of a release allows: the pure rules, without a server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from server.cases import policy
from server.cases import release_rules as rules

TODAY = date(2027, 3, 10)
ZONE = "America/New_York"
CHOICES = rules.Choices(agencies={1: "Health Department", 2: "Harbor Recovery", 3: "Housing"},
                        people={10: ("Ana Ruiz", 3), 11: ("Ben Cole", 3), 12: ("Cy Dunn", 2)})


def form(**changes: str) -> dict[str, str]:
    base = {
        "signer_name": "Maria Lopez", "signer_authority": "client", "signed_on": "2027-03-09",
        "identity_check": "Driver's license seen by the coordinator", "disclosing": "1,2", "recipients": "3",
        "named": "", "categories": "coordination,housing", "purpose": "care_coordination", "purpose_detail": "",
        "effective_on": "2027-03-09", "expires_on": "2028-03-09", "expiry_event": "",
        "states_right_to_revoke": "on", "states_no_conditioning": "on", "states_redisclosure": "on",
    }
    return {**base, **changes}


def test_a_complete_release_is_read_with_every_field():
    data, errors = rules.validate_release(form(named="3:10", permits_legal_proceedings="on", purpose_detail=" As  asked "),
                                          CHOICES, TODAY, signing=True)
    assert errors == {}
    assert data.signer_name == "Maria Lopez" and data.signer_authority == "client"
    assert data.signed_on == date(2027, 3, 9) and data.effective_on == date(2027, 3, 9)
    assert data.disclosing == (1, 2) and data.recipients == (3,) and data.named == ((3, 10),)
    assert data.categories == ("coordination", "housing") and data.purpose_detail == "As asked"
    assert data.expires_on == date(2028, 3, 9) and data.expiry_event == ""
    assert data.permits_legal_proceedings and not data.signature_captured
    assert data.parties == [(1, "discloses", None), (2, "discloses", None), (3, "receives", None), (3, "receives", 10)]
    assert data.columns["categories"] == "coordination,housing"


def test_use_in_legal_proceedings_is_not_permitted_unless_ticked():
    data, _ = rules.validate_release(form(), CHOICES, TODAY, signing=True)
    assert data.permits_legal_proceedings is False


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"signer_name": ""}, "signer_name", rules.NO_SIGNER),
    ({"signer_name": "x" * 201}, "signer_name", None),
    ({"signer_authority": "neighbour"}, "signer_authority", rules.NO_AUTHORITY),
    ({"signed_on": ""}, "signed_on", rules.NO_SIGNED_ON),
    ({"signed_on": "09/03/2027"}, "signed_on", rules.BAD_DATE),
    ({"signed_on": "2027-03-11", "effective_on": "2027-03-11"}, "signed_on", rules.SIGNED_LATER),
    ({"identity_check": " "}, "identity_check", rules.NO_IDENTITY_CHECK),
    ({"disclosing": ""}, "disclosing", rules.NO_DISCLOSING),
    ({"disclosing": "1,99"}, "disclosing", rules.NOT_ON_TEAM),
    ({"disclosing": "1,abc"}, "disclosing", rules.NOT_ON_TEAM),
    ({"recipients": ""}, "recipients", rules.NO_RECIPIENTS),
    ({"recipients": "4"}, "recipients", rules.NOT_ON_TEAM),
    ({"named": "2:10"}, "named", rules.NAMED_ELSEWHERE),  # Ana sits for Housing, not Harbor Recovery
    ({"named": "2:12"}, "named", rules.NAMED_ELSEWHERE),  # Harbor Recovery is not a recipient
    ({"named": "3:x"}, "named", rules.NAMED_ELSEWHERE),
    ({"categories": ""}, "categories", rules.NO_CATEGORIES),
    ({"categories": "housing,gossip"}, "categories", rules.UNKNOWN_CATEGORY),
    ({"categories": "sud,sud_counseling_notes"}, "categories", rules.SEPARATE_CONSENT),
    ({"purpose": ""}, "purpose", rules.NO_PURPOSE),
    ({"purpose_detail": "x" * 301}, "purpose_detail", None),
    ({"effective_on": ""}, "effective_on", rules.NO_EFFECTIVE_ON),
    ({"effective_on": "2027-03-08"}, "effective_on", rules.EFFECTIVE_BEFORE_SIGNED),
    ({"expires_on": ""}, "expires_on", rules.NO_EXPIRY),
    ({"expiry_event": "End of enrollment"}, "expires_on", rules.TWO_EXPIRIES),
    ({"expires_on": "2027-03-08"}, "expires_on", rules.EXPIRES_BEFORE_EFFECTIVE),
    ({"expires_on": "next year"}, "expires_on", rules.BAD_DATE),
    ({"expires_on": "", "expiry_event": "x" * 201}, "expiry_event", None),
    ({"states_redisclosure": ""}, "states_redisclosure", rules.MISSING_STATEMENT),
])
def test_each_missing_or_wrong_field_gets_its_own_message(changes, field, message):
    data, errors = rules.validate_release(form(**changes), CHOICES, TODAY, signing=True)
    assert data is None
    assert field in errors
    if message:
        assert errors[field] == message


def test_counseling_notes_alone_are_a_release_of_their_own():
    data, errors = rules.validate_release(form(categories="sud_counseling_notes"), CHOICES, TODAY, signing=True)
    assert errors == {} and data.categories == (policy.SEPARATE_CONSENT,)


def test_an_event_instead_of_a_date():
    data, errors = rules.validate_release(form(expires_on="", expiry_event="  End of  enrollment "), CHOICES, TODAY,
                                          signing=True)
    assert errors == {} and data.expires_on is None and data.expiry_event == "End of enrollment"


def test_a_draft_may_wait_for_the_statements_but_not_for_anything_else():
    draft = form(states_right_to_revoke="", states_no_conditioning="", states_redisclosure="")
    data, errors = rules.validate_release(draft, CHOICES, TODAY, signing=False)
    assert errors == {} and not data.states_redisclosure
    _, errors = rules.validate_release(draft, CHOICES, TODAY, signing=True)
    assert set(errors) == set(rules.STATEMENTS)
    _, errors = rules.validate_release({**draft, "signer_name": ""}, CHOICES, TODAY, signing=False)
    assert set(errors) == {"signer_name"}


def test_a_signed_release_needs_its_signed_form_unless_signed_in_the_app():
    assert rules.document_problem(False, False, signing=True) == rules.NO_DOCUMENT
    assert rules.document_problem(True, False, signing=True) is None
    assert rules.document_problem(False, True, signing=True) is None
    assert rules.document_problem(False, False, signing=False) is None


def test_the_signed_form_is_a_pdf_or_an_image():
    assert all(rules.accepted_document(kind) for kind in ("pdf", "png", "jpeg", "gif", "webp"))
    assert not any(rules.accepted_document(kind) for kind in ("docx", "txt", "csv", "odt"))


@pytest.mark.parametrize(("state", "edit", "supersede", "revoke"), [
    ("draft", True, False, False),
    ("in_force", False, True, True),
    ("pending", False, True, True),
    ("partly_revoked", False, True, True),
    ("superseded", False, False, False),
    ("revoked", False, False, False),
    ("expired", False, False, False),
])
def test_only_a_draft_is_edited_and_only_a_release_that_still_grants_is_corrected_or_revoked(
        state, edit, supersede, revoke):
    assert (rules.may_edit(state), rules.may_supersede(state), rules.may_revoke(state)) == (edit, supersede, revoke)
    assert set(policy.STATES) >= {state}


def test_an_event_is_recorded_once_on_a_release_that_ends_on_one():
    assert rules.may_record_event("in_force", "End of enrollment", event_recorded=False)
    assert not rules.may_record_event("in_force", "End of enrollment", event_recorded=True)
    assert not rules.may_record_event("in_force", "", event_recorded=False)
    assert not rules.may_record_event("draft", "End of enrollment", event_recorded=False)


def test_a_form_made_from_a_release_reads_back_as_the_same_release():
    data, _ = rules.validate_release(form(named="3:11", signature_captured="on"), CHOICES, TODAY, signing=True)
    row = {**data.columns, "id": 1}
    parties = [{"agency": a, "role": r, "person": p} for a, r, p in data.parties]
    again, errors = rules.validate_release(rules.form_values(row, parties), CHOICES, TODAY, signing=True)
    assert errors == {} and again == data


def test_a_correction_starts_without_the_recipients_a_revocation_took():
    values = {"recipients": "2,3", "named": "3:10,2:12"}
    assert rules.without_revoked(values, {3}) == {"recipients": "2", "named": "2:12"}


def test_the_expiry_day_is_the_last_day_the_release_counts():
    _, end = policy.window(date(2027, 3, 9), date(2027, 11, 7), ZONE)  # a daylight-saving day
    assert rules.expiry_day(end, ZONE) == date(2027, 11, 7)
    assert rules.expiry_day(None, ZONE) is None


NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


def revocation(**changes: str) -> dict[str, str]:
    return {"when": "now", "how": "written", "received_by": "Priya Natarajan", "scope": "whole", **changes}


def test_a_revocation_takes_effect_now_by_default():
    data, errors = rules.validate_revocation(revocation(), {2, 3}, date(2027, 3, 1), NOW, ZONE)
    assert errors == {} and data.effective_at == NOW and data.agencies is None and data.how == "written"


def test_a_revocation_received_earlier_counts_from_then_on_the_teams_clock():
    data, errors = rules.validate_revocation(revocation(when="earlier", received_at="2027-03-10T09:30"), {2, 3},
                                             date(2027, 3, 1), NOW, ZONE)
    assert errors == {} and data.effective_at == datetime(2027, 3, 10, 14, 30, tzinfo=UTC)


def test_a_revocation_for_named_recipients_only():
    data, errors = rules.validate_revocation(revocation(scope="agencies", agencies="3"), {2, 3}, date(2027, 3, 1),
                                             NOW, ZONE)
    assert errors == {} and data.agencies == (3,)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"when": "earlier"}, "received_at", rules.NO_RECEIVED_AT),
    ({"when": "earlier", "received_at": "yesterday"}, "received_at", rules.BAD_RECEIVED_AT),
    ({"when": "earlier", "received_at": "2027-03-10T11:00"}, "received_at", rules.RECEIVED_LATER),
    ({"when": "earlier", "received_at": "2027-02-28T23:59"}, "received_at", rules.RECEIVED_BEFORE_SIGNED),
    ({"when": "tomorrow"}, "when", rules.NO_WHEN),
    ({"how": "telepathy"}, "how", rules.NO_HOW),
    ({"received_by": ""}, "received_by", rules.NO_RECEIVED_BY),
    ({"scope": ""}, "scope", rules.NO_SCOPE),
    ({"scope": "agencies"}, "agencies", rules.NO_SCOPE_AGENCIES),
    ({"scope": "agencies", "agencies": "1"}, "agencies", rules.NOT_A_RECIPIENT),  # not open: revoked or never named
])
def test_a_revocation_with_a_missing_or_wrong_field_is_refused_with_its_message(changes, field, message):
    data, errors = rules.validate_revocation(revocation(**changes), {2, 3}, date(2027, 3, 1), NOW, ZONE)
    assert data is None and errors[field] == message


def test_an_emergency_needs_a_reference_and_a_reason_of_bounded_length():
    assert rules.validate_emergency({"reference": " pc-7f3k ", "reason": "Overdose in the ED\n"}) == (
        ("PC-7F3K", "Overdose in the ED"), {})
    assert rules.validate_emergency({"reference": "", "reason": ""})[1] == {
        "reference": rules.NO_REFERENCE, "reason": rules.NO_REASON}
    assert "reason" in rules.validate_emergency({"reference": "PC-7F3K", "reason": "x" * (rules.MAX_REASON + 1)})[1]
    assert rules.validate_emergency({"reference": "P" * 30, "reason": "x"})[1] == {
        "reference": rules.UNKNOWN_REFERENCE}


def test_the_rules_module_is_pure():
    import ast
    from pathlib import Path

    source = Path(rules.__file__).read_text()
    imported = {node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name and name.split(".")[0] in {"litestar", "piccolo"}}
    assert not {name for name in imported if name and name.startswith(("server.db", "server.web"))}
    assert timedelta(days=30) == rules.RECENT_EMERGENCIES
