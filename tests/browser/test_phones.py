"""Phones: every page the demo accounts reach, in English and in Spanish, fits a 390-pixel
screen without scrolling sideways, nor anything in it (WCAG 1.4.10 reflow), a 200-character
web address used as an agenda title included. Each account walks the links of its own pages from its home page, one
page of each kind (the same route with other ids looks the same), in real Chromium."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from server.accounts.tables import Person
from server.meetings import agenda
from server.meetings.tables import Meeting
from tests.browser.conftest import check_page, log_in, watch
from tests.conftest import ADMIN, CHAIR, COORDINATOR, FAMILY, GUEST, SCHOOL, TREATMENT
from tests.meetings_helpers import on_meeting

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ACCOUNTS = (ADMIN, CHAIR, COORDINATOR, TREATMENT, SCHOOL, FAMILY, GUEST)
LONG_ADDRESS = ("https://www.maplecounty.example.gov/human-services/children-and-families/"
                "community-collaborative/2027/resource-guides/school-based-behavioral-health-referral-"
                "pathways-final-draft.pdf")[:200].ljust(200, "x")
# Not pages: files to download, forms that act, and pages outside a logged-in person's walk.
SKIPPED = re.compile(r"^/(static/|logout|login|set-password)|\.(csv|pdf|zip|ics)$|/(files|packet)(/|$)")
MOST_PAGES = 60  # per account and language: every kind of page the demo offers fits well within


def kind_of(path: str) -> str:
    """Pages of one kind: the same route with other ids (and no query)."""
    return re.sub(r"/\d+", "/{id}", urlsplit(path).path)


async def long_title_on_the_next_meeting(demo) -> str:
    """The Collaborative's next meeting gets an agenda item titled with a 200-character address;
    its page is returned."""
    from server import clock

    upcoming = await Meeting.select(Meeting.id).where(
        (Meeting.team == demo.team("Community Collaborative")) & (Meeting.starts_at > clock.now())
        & Meeting.agenda_published_at.is_not_null()).order_by(Meeting.starts_at).first()
    chair = await on_meeting(demo, CHAIR, upcoming["id"])
    assert not await agenda.add_item(chair, {"kind": "discussion", "title": LONG_ADDRESS, "planned_minutes": "5"})
    return f"/meetings/{upcoming['id']}"


WIDTH_JS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
# What sticks out, named (the outermost element past the window's edge), for the failure message.
CULPRITS_JS = """() => [...document.querySelectorAll('main *, header *, footer *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(el => !el.parentElement || el.parentElement.getBoundingClientRect().right <= document.documentElement.clientWidth + 1)
  .slice(0, 3).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ': ' + (el.textContent || '').trim().slice(0, 60))"""
# Nothing scrolls sideways inside the page either (a table in a scrolling frame): on a phone a
# table too wide for the screen becomes a stack of cards.
SCROLLED_INSIDE_JS = """() => [...document.querySelectorAll('main *')]
  .filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
  .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : ''))"""
LINKS_JS = """() => [...document.querySelectorAll('main a[href^="/"], header a[href^="/"]')]
  .map(a => a.getAttribute('href')).filter(h => !h.startsWith('//'))"""


@pytest.mark.parametrize("language", ["en", "es"])
async def test_every_page_the_demo_accounts_reach_fits_a_phone_without_scrolling_sideways(
        browser, live_server, demo, language):
    with_long_title = await long_title_on_the_next_meeting(demo)
    await Person.update({Person.preferred_language: language}).where(Person.email.is_in(list(ACCOUNTS)))
    too_wide: list[str] = []
    seen_long_title = False
    for email in ACCOUNTS:
        context = await browser.new_context(base_url=live_server, viewport=PHONE, locale="en-US")
        context.set_default_timeout(15_000)
        context.on("page", watch)
        page = await context.new_page()
        try:
            await log_in(page, email)
            # The meeting with the long title first (people not on its team get a 404 there).
            queue, kinds = [with_long_title, "/"], set()
            while queue and len(kinds) < MOST_PAGES:
                path = queue.pop(0)
                if kind_of(path) in kinds or SKIPPED.search(urlsplit(path).path):
                    continue
                response = await page.goto(path)
                if path == with_long_title and response.status == 404:
                    page.convene_problems.clear()  # the 404 logged in the console
                    continue
                kinds.add(kind_of(path))
                assert response is not None and response.status < 400, f"{email} {path}: {response and response.status}"
                assert await page.locator("html").get_attribute("lang") == language
                scroll, width = await page.evaluate(WIDTH_JS)
                if scroll > width:
                    culprits = "; ".join(await page.evaluate(CULPRITS_JS))
                    too_wide.append(f"{email} ({language}) {path}: {scroll}px in a {width}px window ({culprits})")
                for frame in await page.evaluate(SCROLLED_INSIDE_JS):
                    too_wide.append(f"{email} ({language}) {path}: {frame} scrolls sideways")
                seen_long_title = seen_long_title or LONG_ADDRESS in await page.content()
                check_page(page, f"{email} {path}")
                queue += [link for link in await page.evaluate(LINKS_JS) if kind_of(link) not in kinds]
        finally:
            await context.close()
    assert seen_long_title, "no page showed the agenda item titled with a long address"
    assert not too_wide, "pages wider than a phone:\n" + "\n".join(too_wide)
