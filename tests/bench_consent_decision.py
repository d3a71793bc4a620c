"""How long the consent decision takes for one case page: 200 entries against 50 releases (issue 9
asks for under 5 ms). A measurement, not a test: run it and read the figure.

    .venv/bin/python tests/bench_consent_decision.py
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from server.cases import policy
from server.cases.policy import Entry, Reader, ReleaseTerms, Revoked

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
AGENCIES = list(range(1, 13))


def case(seed: int = 7) -> tuple[list[Entry], list[ReleaseTerms]]:
    """A heavy case: 200 entries from 12 agencies in every category, 50 releases of every kind."""
    rng = random.Random(seed)
    categories = list(policy.CATEGORIES)
    entries = [Entry(n, rng.choice(AGENCIES), rng.choice(categories)) for n in range(1, 201)]
    releases = []
    for n in range(1, 51):
        start = NOW - timedelta(days=rng.randint(0, 400))
        releases.append(ReleaseTerms(
            id=n, version=1, signed=rng.random() < 0.9, superseded=rng.random() < 0.2, effective_at=start,
            expires_at=start + timedelta(days=rng.randint(30, 730)) if rng.random() < 0.8 else None,
            event_recorded_at=None,
            disclosing=frozenset(rng.sample(AGENCIES, rng.randint(1, 4))),
            recipients=frozenset(rng.sample(AGENCIES, rng.randint(1, 6))),
            named={}, categories=frozenset(rng.sample(categories, rng.randint(1, 5))),
            revocations=tuple(Revoked(start + timedelta(days=10), rng.choice([None, *AGENCIES]))
                              for _ in range(rng.randint(0, 2))),
        ))
    return entries, releases


def measure(function, rounds: int = 200) -> float:
    """The median time of one call, in milliseconds."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    entries, releases = case()
    reader = Reader(person_id=99, active=True, member=True, agency_id=3)
    whole_page = measure(lambda: policy.decide_all(reader, entries, releases, NOW))
    one_by_one = measure(lambda: [policy.basis(reader, e, releases, NOW) for e in entries], rounds=50)
    shown = len(policy.decide_all(reader, entries, releases, NOW))
    print(f"consent decision, 200 entries x 50 releases ({shown} permitted):")
    print(f"  decide_all (the case page): {whole_page:.3f} ms  (budget 5 ms)")
    print(f"  basis() entry by entry:     {one_by_one:.3f} ms")


if __name__ == "__main__":
    main()
