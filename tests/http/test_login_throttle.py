"""Login throttling that cannot be dodged or turned against people: addresses come from the
socket or from CONVENE_TRUSTED_PROXIES only, an account is throttled per address with growing
delays, and an address is slowed only past many failures (an office behind one NAT)."""

from __future__ import annotations

import dataclasses
import ipaddress
from datetime import UTC, datetime, timedelta

import httpx

from server.accounts import policy
from server.accounts.tables import LoginFailure
from server.web import client as client_module
from server.web.client import client_address
from tests.conftest import CHAIR, CSRF_RE, PASSWORD, SCHOOL, TREATMENT

ATTACKER, OWNER, OFFICE = "203.0.113.9", "198.51.100.7", "192.0.2.50"


async def attempt(base_url: str, email: str, password: str, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    async with httpx.AsyncClient(base_url=base_url, timeout=30, headers=headers) as browser:
        token = CSRF_RE.search((await browser.get("/login")).text).group(1)
        response = await browser.post("/login", data={"email": email, "password": password, "_csrf_token": token})
        return response.status_code


async def test_a_forwarded_for_header_from_a_client_that_is_no_proxy_is_ignored(demo, two_workers):
    """Without trusted proxies (the default) every guess counts against the socket's address,
    whatever X-Forwarded-For the guesser invents."""
    statuses = [await attempt(two_workers, SCHOOL, f"guess {n}", f"10.0.0.{n}") for n in range(5)]
    assert statuses == [422] * 5
    assert await attempt(two_workers, SCHOOL, PASSWORD, "10.0.0.99") == 429
    assert set(await LoginFailure.select(LoginFailure.ip).output(as_list=True)) == {"127.0.0.1"}


async def test_guesses_from_one_address_never_lock_the_owner_out(demo, behind_a_proxy):
    statuses = [await attempt(behind_a_proxy, CHAIR, f"guess {n}", ATTACKER) for n in range(7)]
    assert statuses == [422] * 5 + [429] * 2
    assert await attempt(behind_a_proxy, CHAIR, PASSWORD, ATTACKER) == 429  # not even the right one, from there
    assert await attempt(behind_a_proxy, CHAIR, PASSWORD, OWNER) == 303


async def test_people_behind_one_shared_address_are_not_throttled_for_each_other(demo, behind_a_proxy):
    for email in (CHAIR, SCHOOL):
        assert [await attempt(behind_a_proxy, email, "wrong", OFFICE) for _ in range(5)] == [422] * 5
    assert await attempt(behind_a_proxy, CHAIR, PASSWORD, OFFICE) == 429
    assert await attempt(behind_a_proxy, TREATMENT, PASSWORD, OFFICE) == 303
    # A client's own X-Forwarded-For entries come before the proxy's: only the proxy's is believed.
    assert await attempt(behind_a_proxy, SCHOOL, PASSWORD, f"{OWNER}, {OFFICE}") == 429


def at(minutes: float) -> datetime:
    return datetime(2030, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)


def test_each_failure_past_the_fifth_doubles_the_wait_up_to_the_window():
    waits = []
    for count in range(4, 11):
        failures = [at(n * 0.1) for n in range(count)]
        waits.append(policy.login_wait(failures, failures, failures[-1]))
    assert waits[0] == timedelta(0)
    assert waits[1:] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 15, 15)]
    many = [at(n * 0.01) for n in range(30)]
    assert policy.login_wait([], many, many[-1]) == timedelta(minutes=15) - timedelta(minutes=0.29)


def test_the_client_is_the_nearest_forwarded_address_only_behind_a_trusted_proxy(monkeypatch):
    def scope(peer: str, forwarded: str | None = None) -> dict:
        headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
        return {"client": (peer, 5000), "headers": headers}

    assert client_address(scope("127.0.0.1", "6.6.6.6")) == "127.0.0.1"
    trusting = dataclasses.replace(client_module.settings, trusted_proxies=(
        ipaddress.ip_network("127.0.0.1"), ipaddress.ip_network("10.1.0.0/16")))
    monkeypatch.setattr(client_module, "settings", trusting)
    assert client_address(scope("127.0.0.1", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    assert client_address(scope("127.0.0.1", "198.51.100.7, 10.1.2.3")) == "198.51.100.7"  # two proxies
    assert client_address(scope("127.0.0.1")) == "127.0.0.1"
    assert client_address(scope("127.0.0.1", "not-an-address")) == "127.0.0.1"
    assert client_address(scope("192.0.2.1", "198.51.100.7")) == "192.0.2.1"  # not a proxy of ours
