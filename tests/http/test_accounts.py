"""Logging in and out, sessions, passwords, CSRF, throttling, error pages, headers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server import clock
from server.accounts.tables import LoginSession
from server.agencies.tables import Agency
from tests.conftest import (
    ADMIN,
    CHAIR,
    PASSWORD,
    SCHOOL,
    TREATMENT,
    csrf_token,
    log_in,
    make_client,
    post_form,
)
from tests.unit.test_urls import HOSTILE_NEXT


async def test_logging_in_with_the_right_password_shows_the_home_page(client, demo):
    await log_in(client, CHAIR)
    response = await client.get("/")
    assert response.status_code == 200
    assert "Welcome, Marcus Reyes" in response.text


async def test_a_wrong_password_is_refused_with_a_message_and_no_session(client, demo):
    token = await csrf_token(client)
    response = await post_form(client, "/login", {"email": CHAIR, "password": "wrong password"}, token)
    assert response.status_code == 422
    assert "do not match an active account" in response.text
    assert await LoginSession.count() == 0


async def test_pages_send_people_who_are_not_logged_in_to_the_login_page(client, demo):
    response = await client.get("/teams?x=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/teams%3Fx%3D1"


async def test_htmx_requests_without_a_session_are_redirected_by_htmx(client, demo):
    response = await client.get("/people?q=a", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["hx-redirect"].startswith("/login?next=")


async def test_login_never_redirects_to_another_site(client, demo):
    token = await csrf_token(client)
    response = await post_form(
        client, "/login", {"email": CHAIR, "password": PASSWORD, "next": "//evil.example/x"}, token
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
async def test_login_sends_a_hostile_next_home_and_keeps_a_page_of_ours(app, demo, htmx):
    """Whatever `next` holds (another host hidden behind a tab, a backslash or %2F, CR/LF, text
    a header cannot carry), logging in lands on our home page; a page of ours is kept."""
    headers = {"HX-Request": "true"} if htmx else {}
    where = "hx-redirect" if htmx else "location"
    for hostile in HOSTILE_NEXT:
        async with await make_client(app) as client:
            token = await csrf_token(client)
            response = await post_form(client, "/login", {"email": CHAIR, "password": PASSWORD,
                                                          "next": hostile}, token, headers=headers)
            assert response.status_code == (200 if htmx else 303), hostile
            assert response.headers[where] == "/", hostile
            again = await client.get("/login", params={"next": hostile})
            assert again.headers["location"] == "/", hostile
    async with await make_client(app) as client:
        token = await csrf_token(client)
        response = await post_form(client, "/login", {"email": CHAIR, "password": PASSWORD,
                                                      "next": "/teams?x=1"}, token, headers=headers)
        assert response.headers[where] == "/teams?x=1"


async def test_the_login_page_carries_a_page_of_ours_and_drops_anything_else(client, demo):
    kept = await client.get("/login", params={"next": "/actions?show=agency"})
    assert 'name="next" value="/actions?show=agency"' in kept.text
    dropped = await client.get("/login", params={"next": "/\t/evil.example/"})
    assert 'name="next" value="/"' in dropped.text


async def test_a_form_posted_without_a_csrf_token_is_refused_and_writes_nothing(client, demo):
    await log_in(client, ADMIN)
    before = await Agency.count()
    response = await client.post("/agencies", data={"name": "Forged Agency", "sector": "housing"})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "This form has expired" in response.text
    assert await Agency.count() == before


async def test_an_htmx_post_without_the_csrf_header_is_refused_with_a_fragment(client, demo):
    await log_in(client, ADMIN)
    response = await client.post(
        "/agencies", data={"name": "Forged Agency", "sector": "housing"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 403
    assert response.headers["hx-retarget"] == "#messages"
    assert "<html" not in response.text
    assert not await Agency.exists().where(Agency.name == "Forged Agency")


async def test_an_htmx_post_with_the_csrf_header_is_accepted(client, demo):
    token = await log_in(client, ADMIN)
    response = await client.post(
        "/agencies", data={"name": "Maple Youth Shelter", "sector": "housing"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert response.headers["hx-redirect"].startswith("/agencies/")
    assert await Agency.exists().where(Agency.name == "Maple Youth Shelter")


async def test_a_csrf_token_from_another_browser_is_refused(app, client, demo):
    async with await make_client(app) as other:
        foreign_token = await csrf_token(other)
    await log_in(client, ADMIN)
    response = await client.post("/agencies", data={"name": "X Agency", "sector": "housing",
                                                     "_csrf_token": foreign_token})
    assert response.status_code == 403


async def test_login_is_throttled_after_five_failures_even_with_the_right_password(app, client, demo):
    token = await csrf_token(client)
    for _ in range(5):
        response = await post_form(client, "/login", {"email": CHAIR, "password": "guess"}, token)
        assert response.status_code == 422
    response = await post_form(client, "/login", {"email": CHAIR, "password": PASSWORD}, token)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.text
    assert await LoginSession.count() == 0
    # Another account is not locked out by someone guessing this one.
    async with await make_client(app) as other:
        await log_in(other, SCHOOL)


async def test_a_deactivated_persons_open_session_ends_on_their_next_request(app, client, demo):
    await log_in(client, TREATMENT)
    assert (await client.get("/")).status_code == 200
    async with await make_client(app) as admin:
        token = await log_in(admin, ADMIN)
        person_id = demo.people[TREATMENT]
        response = await post_form(admin, f"/people/{person_id}/deactivate", {}, token)
        assert response.status_code == 303
    response = await client.get("/")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    # And they cannot log in again.
    token = await csrf_token(client)
    response = await post_form(client, "/login", {"email": TREATMENT, "password": PASSWORD}, token)
    assert response.status_code == 422


async def test_log_out_everywhere_ends_the_sessions_on_other_devices(app, client, demo):
    token = await log_in(client, SCHOOL)
    async with await make_client(app) as phone:
        await log_in(phone, SCHOOL)
        assert (await phone.get("/")).status_code == 200
        response = await post_form(client, "/logout-everywhere", {}, token)
        assert response.status_code == 303
        assert (await phone.get("/")).status_code == 303
    assert (await client.get("/")).status_code == 303


async def test_logging_out_ends_only_this_session(app, client, demo):
    token = await log_in(client, SCHOOL)
    async with await make_client(app) as phone:
        await log_in(phone, SCHOOL)
        await post_form(client, "/logout", {}, token)
        assert (await client.get("/")).status_code == 303
        assert (await phone.get("/")).status_code == 200


async def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, demo):
    token = await log_in(client, SCHOOL)
    async with await make_client(app) as phone:
        await log_in(phone, SCHOOL)
        response = await post_form(client, "/account/password", {
            "current": PASSWORD, "new": "a brand new passphrase", "confirm": "a brand new passphrase",
        }, token)
        assert response.status_code == 303
        assert (await client.get("/")).status_code == 200
        assert (await phone.get("/")).status_code == 303
    async with await make_client(app) as fresh:
        await log_in(fresh, SCHOOL, "a brand new passphrase")


async def test_a_wrong_current_password_does_not_change_the_password(client, demo):
    token = await log_in(client, SCHOOL)
    response = await post_form(client, "/account/password", {
        "current": "not it", "new": "a brand new passphrase", "confirm": "a brand new passphrase",
    }, token)
    assert response.status_code == 422
    assert "current password is not right" in response.text


async def test_an_admin_creates_an_account_and_the_set_password_link_works_once(app, client, demo):
    token = await log_in(client, ADMIN)
    response = await post_form(client, "/people", {
        "name": "Ava Newcomb", "email": "Ava.Newcomb@maple.example", "agency_id": demo.agencies["HMG"],
        "preferred_language": "en",
    }, token)
    assert response.status_code == 200
    link = response.text.split('id="set-password-link" type="text" readonly value="')[1].split('"')[0]
    path = link.removeprefix("http://testserver.local")
    async with await make_client(app) as newcomer:
        page = await newcomer.get(path)
        assert page.status_code == 200 and "Ava Newcomb" in page.text
        form_token = await csrf_token(newcomer, path)
        short = await post_form(newcomer, path, {"password": "short", "confirm": "short"}, form_token)
        assert short.status_code == 422
        done = await post_form(newcomer, path, {"password": "maple trees in autumn",
                                                "confirm": "maple trees in autumn"}, form_token)
        assert done.status_code == 303
        assert (await newcomer.get(path)).status_code == 404
        await log_in(newcomer, "ava.newcomb@maple.example", "maple trees in autumn")


async def test_error_pages_are_html_for_people_and_fragments_for_htmx(client, demo):
    await log_in(client, CHAIR)
    page = await client.get("/teams/999999")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "<html" in page.text and "Page not found" in page.text
    fragment = await client.get("/teams/999999", headers={"HX-Request": "true"})
    assert fragment.status_code == 404
    assert "<html" not in fragment.text and "Page not found" in fragment.text
    forbidden = await client.get("/people")
    assert forbidden.status_code == 403 and "You do not have access" in forbidden.text


async def test_every_response_carries_the_security_headers_and_safe_cookies(client, demo):
    response = await client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    token = await csrf_token(client)
    login = await post_form(client, "/login", {"email": CHAIR, "password": PASSWORD}, token)
    cookie = next(c for c in login.headers.get_list("set-cookie") if c.startswith("convene_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    missing = await client.get("/nope")
    assert "content-security-policy" in missing.headers


async def test_the_interface_follows_the_persons_preferred_language(client, demo):
    token = await log_in(client, CHAIR)
    response = await post_form(client, "/account/language", {"language": "es"}, token)
    assert response.status_code == 303
    page = await client.get("/")
    assert '<html lang="es">' in page.text


async def test_a_session_unused_for_the_idle_timeout_ends_and_one_in_use_lives_on(app, demo, clock_at):
    """CONVENE_SESSION_IDLE_MINUTES (120 by default): a session used every hour outlives two
    hours; one left alone for two hours and a minute sends its person to the login page."""
    start = clock.now()
    async with await make_client(app) as used, await make_client(app) as idle:
        await log_in(used, CHAIR)
        await log_in(idle, SCHOOL)
        for hours in (1, 2, 3):
            clock_at(start + timedelta(hours=hours))
            assert (await used.get("/")).status_code == 200
        assert (await idle.get("/")).headers["location"].startswith("/login")
        clock_at(start + timedelta(hours=3, minutes=119))
        assert (await used.get("/")).status_code == 200
    assert await LoginSession.count().where(LoginSession.person == demo.people[SCHOOL]) == 1
    async with await make_client(app) as later:  # the idle session's row goes at the next login
        await log_in(later, TREATMENT)
    assert await LoginSession.count().where(LoginSession.person == demo.people[SCHOOL]) == 0


async def test_the_csrf_token_changes_at_login_and_the_old_one_is_refused(client, demo):
    before = await csrf_token(client)
    response = await post_form(client, "/login", {"email": CHAIR, "password": PASSWORD}, before)
    assert response.status_code == 303
    assert any(c.startswith("convene_csrf=") for c in response.headers.get_list("set-cookie"))
    after = await csrf_token(client, "/account")
    assert after != before
    refused = await post_form(client, "/account/language", {"language": "es"}, before)
    assert refused.status_code == 403
    accepted = await post_form(client, "/account/language", {"language": "es"}, after)
    assert accepted.status_code == 303


async def test_pages_and_fragments_are_never_cached_but_static_files_may_be(app, client, demo):
    async with await make_client(app) as fresh:  # no cookies: a static file sets none either
        assert "set-cookie" not in (await fresh.get("/static/css/convene.css")).headers
    await log_in(client, CHAIR)
    for path, headers in (("/", {}), ("/people?q=an", {"HX-Request": "true"}), ("/no-such-page", {})):
        response = await client.get(path, headers=headers)
        assert response.headers["cache-control"] == "no-store", path
    assert 'hx-history="false"' in (await client.get("/")).text
    static = await client.get("/static/css/convene.css")
    assert "no-store" not in static.headers.get("cache-control", "")
