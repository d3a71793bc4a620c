"""Logging in through the htmx form never takes the browser to another site, whatever the
login link's `next` says (Chromium drops tabs in URLs and reads "\\" as "/", so a path that
looks local to a naive check is another host to the browser)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.conftest import visit
from tests.conftest import CHAIR, PASSWORD

pytestmark = pytest.mark.browser

TRICKS = ["/\t/evil.example/", "/\\evil.example/", "//evil.example/", "/%09/evil.example/"]


async def test_logging_in_with_a_hostile_next_stays_on_our_site(page, live_server, demo):
    elsewhere: list[str] = []

    async def refuse_other_hosts(route):
        elsewhere.append(route.request.url)
        await route.abort()

    await page.context.route(lambda url: not url.startswith(live_server), refuse_other_hosts)
    for trick in TRICKS:
        await page.context.clear_cookies()
        await visit(page, "/login?next=" + quote(trick, safe=""))
        form = page.locator("#login-form")
        await form.locator("#email").fill(CHAIR)
        await form.locator("#password").fill(PASSWORD)
        await form.locator("button[type=submit]").click()
        await page.wait_for_url(live_server + "/")
        await page.wait_for_load_state()
        assert page.url == live_server + "/", trick
    assert elsewhere == []
