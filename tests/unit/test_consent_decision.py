"""The consent decision against a plain reading of CONSENT.md §3, over random releases, revocations,
dates, memberships and categories: permit(), basis() and decide_all() always agree with it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from server.cases import policy
from server.cases.policy import Entry, Grant, Reader, ReleaseTerms, Revoked

AGENCIES = [1, 2, 3, 4]
PEOPLE = [10, 11, 12]
CATEGORIES = list(policy.CATEGORIES)
BASE = datetime(2026, 3, 1, tzinfo=UTC)


def instants():
    return st.integers(min_value=-20, max_value=20).map(lambda days: BASE + timedelta(days=days))


@st.composite
def releases(draw, release_id: int):
    effective = draw(instants())
    recipients = draw(st.frozensets(st.sampled_from(AGENCIES)))
    named = {agency: draw(st.frozensets(st.sampled_from(PEOPLE), min_size=1))
             for agency in recipients if draw(st.booleans())}
    revocations = tuple(Revoked(draw(instants()), draw(st.sampled_from([None, *AGENCIES])))
                        for _ in range(draw(st.integers(0, 2))))
    return ReleaseTerms(
        id=release_id, version=1, signed=draw(st.booleans()), superseded=draw(st.booleans()),
        effective_at=effective, expires_at=draw(st.one_of(st.none(), instants())),
        event_recorded_at=draw(st.one_of(st.none(), instants())),
        disclosing=draw(st.frozensets(st.sampled_from(AGENCIES))), recipients=recipients, named=named,
        categories=draw(st.frozensets(st.sampled_from(CATEGORIES))), revocations=revocations,
    )


@st.composite
def situations(draw):
    reader = Reader(draw(st.sampled_from(PEOPLE)), draw(st.booleans()), draw(st.booleans()),
                    draw(st.sampled_from([None, *AGENCIES])))
    found = [draw(releases(n)) for n in range(1, draw(st.integers(0, 4)) + 1)]
    entries = [Entry(n, draw(st.sampled_from(AGENCIES)), draw(st.sampled_from(CATEGORIES)))
               for n in range(1, draw(st.integers(1, 6)) + 1)]
    grants = [Grant(1, draw(st.sampled_from(PEOPLE)), start := draw(instants()), start + timedelta(hours=1), "why")
              for _ in range(draw(st.integers(0, 1)))]
    now = draw(instants()) + timedelta(minutes=draw(st.integers(0, 24 * 60)))
    return reader, found, entries, grants, now


def reference_permit(reader: Reader, entry: Entry, found: list[ReleaseTerms], now: datetime) -> bool:
    """CONSENT.md §3, read plainly, field by field."""
    if not (reader.active and reader.member) or reader.agency_id is None:
        return False
    if entry.source_agency == reader.agency_id:
        return True
    for r in found:
        if not r.signed or r.superseded:
            continue
        if not r.effective_at <= now:
            continue
        if r.expires_at is not None and not now < r.expires_at:
            continue
        if r.event_recorded_at is not None and r.event_recorded_at <= now:
            continue
        if any(rev.agency_id is None and rev.effective_at <= now for rev in r.revocations):
            continue
        if reader.agency_id not in r.recipients:
            continue
        if any(rev.agency_id == reader.agency_id and rev.effective_at <= now for rev in r.revocations):
            continue
        if r.named.get(reader.agency_id) and reader.person_id not in r.named[reader.agency_id]:
            continue
        if entry.source_agency in r.disclosing and entry.category in r.categories:
            return True
    return False


@settings(max_examples=1500, deadline=None)
@given(situations())
def test_the_decision_agrees_with_a_plain_reading_of_the_rules(situation):
    reader, found, entries, grants, now = situation
    emergency = any(g.person_id == reader.person_id and g.declared_at <= now < g.ends_at for g in grants)
    decided = policy.decide_all(reader, entries, found, now, grants)
    for entry in entries:
        expected = reference_permit(reader, entry, found, now)
        assert policy.permit(reader, entry, found, now) == expected
        basis = policy.basis(reader, entry, found, now, grants)
        allowed_by_emergency = emergency and policy.may_read_cases(reader) and reader.agency_id is not None
        assert (basis is not None) == (expected or allowed_by_emergency)
        assert (decided.get(entry.id) is not None) == (basis is not None)
        if basis is not None:
            assert decided[entry.id].kind == basis.kind
            if basis.release is not None:
                assert decided[entry.id].release.id == basis.release.id


def test_a_release_counts_through_the_whole_of_its_expiry_day_on_the_team_calendar():
    start, end = policy.window(date(2026, 3, 1), date(2026, 3, 31), "America/Los_Angeles")
    assert start == datetime(2026, 3, 1, 8, tzinfo=UTC)
    assert end == datetime(2026, 4, 1, 7, tzinfo=UTC)  # daylight saving time began on March 8


def test_sud_and_education_entries_carry_their_notices():
    assert policy.notices(["housing", "education", "sud"]) == ["part2", "ferpa"]
    assert policy.notices(["housing"]) == []


def test_being_a_chair_or_coordinator_grants_no_entry():
    reader = Reader(10, True, True, 1)
    entry = Entry(1, 2, "sud")
    assert not policy.permit(reader, entry, [], BASE)
    assert policy.may_manage_case(frozenset({"coordinator"}), reader, lead_agency=3)
