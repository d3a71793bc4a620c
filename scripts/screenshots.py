"""Full-page screenshots of Convene's main pages, in English and Spanish, for a visual review.

    .venv/bin/python scripts/screenshots.py [--out test-artifacts/screenshots] [--keep-db]

Serves the app from a scratch SQLite database (migrated, demo county loaded) on a free port,
drives Debian's Chromium (CONVENE_CHROMIUM overrides /usr/bin/chromium) and writes PNGs named
<language>-<viewport>-<page>.png. Nothing outside the scratch directory and --out is touched.
Each page is also checked for sideways scrolling (WCAG 1.4.10 reflow, which matters on the
phone-sized shots), for console errors (the CSP stays on: a blocked inline style shows up) and
5xx answers, and, when axe-core is installed, with axe at every impact level; any finding is
listed at the end and makes the exit status 1. The PNGs still need a human look.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect, sync_playwright

from server import clock

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path(os.environ.get("CONVENE_SHOTS_DIR", "/tmp/convene-shots"))
CHROMIUM = os.environ.get("CONVENE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update",
]
# Read from server/demo.py rather than imported: importing app code would read this process's
# environment as the app's configuration.
DEMO_PASSWORD = re.search(
    r'^DEMO_PASSWORD = "([^"]+)"', (ROOT / "server" / "demo.py").read_text(), re.MULTILINE
).group(1)
DEMO_TIME_ZONE = re.search(
    r'^TIME_ZONE = "([^"]+)"', (ROOT / "server" / "demo.py").read_text(), re.MULTILINE
).group(1)
CHAIR, ADMIN, MEMBER = "chair@maple.example", "admin@maple.example", "school@maple.example"
# The other demo accounts' home pages (README lists them; the guest is the Collaborative's).
HOMES = {"coordinator": "coordinator@maple.example", "treatment": "treatment@maple.example",
         "family": "family@maple.example", "guest": "ellen.marsh@maple.example"}
MEMBER_NAME = "Angela Brooks"
COLLABORATIVE = "Maple County Community Collaborative"
HOUSING_AGENCY = "Maple Community Action Partnership (Housing)"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def scratch_environment() -> dict[str, str]:
    return {
        **os.environ,
        "CONVENE_ENV": "development",
        "CONVENE_SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite:///{SCRATCH / 'db.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }


def convene(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "server.cli", *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = (SCRATCH / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env={**env, "CONVENE_BASE_URL": base_url}, stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{base_url}/login", timeout=2):
                return process, base_url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    process.kill()
    sys.exit(f"convene serve did not start; see {SCRATCH / 'server.log'}")


AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # `npm ci`; skipped when missing
AXE_RUN = """async () => (await axe.run(document, {
  runOnly: {
    type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
  },
  resultTypes: ['violations'],
})).violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({target: n.target})),
}))"""

# A page that scrolls sideways fails WCAG 1.4.10 (reflow) on a phone: name the widest culprits.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const scrolledInside = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  const culprits = [...document.querySelectorAll('main *, header *, footer *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .filter(el => !scrolledInside(el))
    .filter(el => !el.parentElement || el.parentElement.getBoundingClientRect().right <= width + 1)
    .slice(0, 5)
    .map(el => {
      const classes = typeof el.className === 'string' && el.className
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      const right = Math.round(el.getBoundingClientRect().right);
      return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes} (${right}px)`;
    });
  const page = document.documentElement.scrollWidth;
  return `page is ${page}px in a ${width}px window; ${culprits.join(', ')}`;
}"""


class Shooter:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.taken: list[Path] = []
        self.problems: list[str] = []

    def shot(self, page: Page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        page.mouse.move(0, 0)  # no hover state left over from the last click
        path = self.out / f"{name}.png"
        # caret="initial": hiding the text caret injects a style, which the page's CSP refuses.
        page.screenshot(path=str(path), full_page=True, caret="initial")
        self.taken.append(path)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        overflow = page.evaluate(OVERFLOW_JS)
        if overflow:
            self.problems.append(f"{name}: sideways scrolling: {overflow}")
            print(f"    WIDER THAN THE WINDOW: {overflow}")
        for problem in getattr(page, "convene_problems", []):
            self.problems.append(f"{name}: {problem}")
            print(f"    {problem}")
        page.convene_problems = []
        if AXE_JS.is_file():
            if not page.evaluate("typeof window.axe !== 'undefined'"):
                page.evaluate(AXE_JS.read_text())  # not subject to the page's CSP
            for violation in page.evaluate(AXE_RUN):
                targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
                impact, rule = violation["impact"], violation["id"]
                problem = f"axe [{impact}] {rule}: {violation['help']} at {targets}"
                self.problems.append(f"{name}: {problem}")
                print(f"    {problem}")

    def visit(self, page: Page, path: str, name: str) -> None:
        response = page.goto(path)
        if response is None or response.status >= 400:
            sys.exit(f"GET {path} answered {response and response.status}")
        self.shot(page, name)


def watch(page: Page) -> None:
    """Console errors (CSP refusals among them) and 5xx answers, listed with the next shot."""
    page.convene_problems = []

    def on_console(message) -> None:
        # Chrome logs 4xx answers as console errors; the 422 form shot wants one.
        if message.type == "error" and "status of 4" not in message.text:
            page.convene_problems.append(f"console error: {message.text}")

    def on_response(response) -> None:
        if response.status >= 500:
            page.convene_problems.append(f"{response.status} from {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.convene_problems.append(f"JavaScript error: {error}"))
    page.on("response", on_response)


def settle(page: Page) -> None:
    """Waits until htmx has no request in flight and has finished swapping."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(lambda url: not url.endswith("/login"))


def choose_language(page: Page, language: str) -> None:
    """Saves the language on /account, as a person would."""
    page.goto("/account")
    page.locator("#language").select_option(language)
    with page.expect_navigation():
        page.locator("form[action='/account/language'] button[type=submit]").click()


def signed_in(browser, base_url: str, locale: str, viewport: dict, email: str, language: str) -> Page:
    """A page in a browser context of its own (its own cookies), logged in, in `language`."""
    context = browser.new_context(base_url=base_url, locale=locale, viewport=viewport)
    context.on("page", watch)
    page = context.new_page()
    log_in(page, email)
    choose_language(page, language)
    return page


def team_id(page: Page, name: str) -> str:
    page.goto("/teams")
    return page.get_by_role("link", name=name).get_attribute("href").rsplit("/", 1)[-1]


# What the chair types into the meeting shots, in the language of the shot.
MEETING_WORDS = {
    "en": {
        "title": "Community Collaborative special meeting",
        "held": "Community Collaborative meeting by phone",
        "item": "School-based mental health referrals",
        "notes": "Referrals from the three middle schools doubled since August; waits are now six weeks.",
        "decision": "Ask the Board to fund a second school-based clinician.",
        "action": "Draft the clinician funding request for the Board",
        "progress": "First draft shared with the principals; budget figures due Friday.",
        "recusal": "Employed by the school district",
        "summary": "The chair thanked the middle-school counselors for the referral data.",
        "comment": "The waits are six weeks at two schools, not three; please correct item 2.",
    },
    "es": {
        "title": "Reunión extraordinaria de la Colaborativa Comunitaria",
        "held": "Reunión telefónica de la Colaborativa Comunitaria",
        "item": "Derivaciones de salud mental en las escuelas",
        "notes": "Las derivaciones de las tres escuelas intermedias se duplicaron desde agosto; "
                 "la espera ya es de seis semanas.",
        "decision": "Pedir a la Junta que financie un segundo clínico escolar.",
        "action": "Redactar la solicitud de fondos para el clínico",
        "progress": "Primer borrador enviado a los directores; las cifras del presupuesto, el viernes.",
        "recusal": "Trabaja para el distrito escolar",
        "summary": "La presidencia agradeció a los orientadores de las escuelas intermedias los datos.",
        "comment": "La espera es de seis semanas en dos escuelas, no en tres; corrijan el punto 2, por favor.",
    },
}


def shoot_meeting(browser, base_url: str, language: str, locale: str, prefix: str, viewport: dict,
                  collaborative: str, shooter: Shooter) -> None:
    """A meeting from scheduling to minutes, as its chair runs it and a member follows it:
    the meeting list, the form, the agenda (and an item edited in place), the live view, the
    member's meeting page during the meeting, the minutes, My action items and an action item."""
    words = MEETING_WORDS[language]
    chair = signed_in(browser, base_url, locale, viewport, CHAIR, language)
    chair_context = chair.context
    shooter.visit(chair, f"/teams/{collaborative}/meetings", f"{prefix}-meetings")

    # A meeting held yesterday outside Convene: its chair is offered to start the minutes.
    chair.goto(f"/teams/{collaborative}/meetings/new")
    yesterday = clock.now().astimezone(ZoneInfo(DEMO_TIME_ZONE)).date() - timedelta(days=1)
    form = chair.locator("main form")
    form.locator("#title").fill(words["held"])
    form.locator("#day").fill(yesterday.isoformat())
    form.locator("#start").fill("10:00")
    with chair.expect_navigation(url="**/meetings/*"):
        form.locator(".form-actions button[type=submit]").click()
    held = re.search(r"/meetings/\d+", chair.url).group(0)
    shooter.visit(chair, f"{held}/minutes", f"{prefix}-minutes-start")

    # A meeting today, starting soon: watchers of its page follow it live.
    shooter.visit(chair, f"/teams/{collaborative}/meetings/new", f"{prefix}-meeting-new")
    starts = (clock.now().astimezone(ZoneInfo(DEMO_TIME_ZONE)) + timedelta(minutes=20)).replace(second=0, microsecond=0)
    form = chair.locator("main form")
    form.locator("#title").fill(words["title"])
    form.locator("#day").fill(starts.date().isoformat())
    form.locator("#start").fill(starts.strftime("%H:%M"))
    with chair.expect_navigation(url="**/meetings/*"):
        form.locator(".form-actions button[type=submit]").click()
    meeting = re.search(r"/meetings/\d+", chair.url).group(0)
    add = chair.locator("#add-item-form")
    add.locator("#title").fill(words["item"])
    add.locator("#kind").select_option("discussion")
    add.locator("#planned_minutes").fill("20")
    add.locator("button[type=submit]").click()
    items = chair.locator("#agenda-items > li")
    expect(items.filter(has_text=words["item"])).to_have_count(1)
    while (index := next(n for n, text in enumerate(items.all_inner_texts()) if words["item"] in text)) > 1:
        items.nth(index).locator("button[value=up]").click()  # up to second place
        expect(items.nth(index - 1).filter(has_text=words["item"])).to_have_count(1)
    shooter.shot(chair, f"{prefix}-meeting-agenda")
    chair.locator("#agenda-items > li .agenda-controls a").last.click()
    chair.locator("li.agenda-item.editing").wait_for()
    shooter.shot(chair, f"{prefix}-meeting-agenda-editing-item")
    chair.goto(meeting)
    with chair.expect_navigation():
        chair.locator(f"form[action='{meeting}/publish'] button").click()

    # Live: started, attendance taken, on the second item with notes, a decision put to a vote
    # with a recusal, an action item; the third item deferred.
    chair.goto(f"{meeting}/live")
    chair.locator("#live-start").click()
    chair.locator("#current-heading").wait_for()
    chair.locator("#everyone-present").click()
    settle(chair)
    attendees = chair.locator("li.attendee")
    attendees.nth(3).locator("button[value=remote]").click()
    expect(attendees.nth(3).locator("button[value=remote]")).to_have_attribute("aria-pressed", "true")
    attendees.nth(4).locator("button[value=excused]").click()
    expect(attendees.nth(4).locator("button[value=excused]")).to_have_attribute("aria-pressed", "true")
    chair.locator("#live-next").click()
    expect(chair.locator("#current-heading")).to_contain_text(words["item"])
    chair.locator("#item-notes").fill(words["notes"])
    chair.locator("#notes-save").click()
    settle(chair)
    chair.locator("#decision").fill(words["decision"])
    chair.locator("details.motion summary").click()
    voters = chair.locator("#mover_id option:not([value=''])")
    chair.locator("#mover_id").select_option(voters.nth(0).get_attribute("value"))
    chair.locator("#seconder_id").select_option(voters.nth(1).get_attribute("value"))
    chair.locator("#votes_for").fill("5")
    chair.locator("#votes_against").fill("1")
    chair.locator("#abstentions").fill("0")
    chair.locator("#recusal_person_0").select_option(voters.nth(2).get_attribute("value"))
    chair.locator("#recusal_reason_0").fill(words["recusal"])
    chair.locator("#decision-record").click()
    expect(chair.locator(".current-item-card .decisions > li")).to_have_count(1)
    chair.locator("#action-title").fill(words["action"])
    chair.locator("#action-owner_id").select_option(label=MEMBER_NAME)
    chair.locator("#action-due_on").fill((starts.date() + timedelta(days=14)).isoformat())
    chair.locator("#action-add").click()
    created = chair.locator("section[aria-labelledby='new-action-heading'] a")
    expect(created).to_have_text([words["action"]])
    action = created.get_attribute("href")
    deferrable = chair.locator("button[id^=defer-]")
    if deferrable.count():
        deferrable.first.click()
        settle(chair)
    chair.evaluate("window.scrollTo(0, 0)")
    shooter.shot(chair, f"{prefix}-meeting-live")

    # The member's meeting page while the meeting runs.
    member = signed_in(browser, base_url, locale, viewport, MEMBER, language)
    member_context = member.context
    member.goto(meeting)
    expect(member.locator("#live-actions")).to_contain_text(words["action"])
    shooter.shot(member, f"{prefix}-meeting-live-member")
    shooter.visit(member, "/", f"{prefix}-home-member-meeting-live")

    # Ending asks first; then the minutes, corrected, compared, circulated, commented on.
    chair.locator("#live-end").click()
    chair.locator("#end-confirm-heading").wait_for()
    shooter.shot(chair, f"{prefix}-meeting-live-ending")
    with chair.expect_navigation(url="**/minutes"):
        chair.locator("#end-confirmed").click()
    shooter.shot(chair, f"{prefix}-minutes")
    chair.locator("#summary").fill(words["summary"])
    with chair.expect_navigation(url="**/minutes"):
        chair.locator("#minutes-save").click()
    with chair.expect_navigation():
        chair.locator(".compare-form button").click()
    shooter.shot(chair, f"{prefix}-minutes-compare")
    shooter.visit(chair, f"{meeting}/minutes/print", f"{prefix}-minutes-print")
    chair.goto(f"{meeting}/minutes")
    with chair.expect_navigation(url="**/minutes"):
        chair.locator("form[action$='/minutes/status'] button").first.click()
    member.goto(f"{meeting}/minutes")
    member.locator("#comment-body").fill(words["comment"])
    with member.expect_navigation():
        member.locator("form[action$='/minutes/comments'] button").click()
    shooter.shot(member, f"{prefix}-minutes-member")
    shooter.visit(chair, f"{meeting}/minutes", f"{prefix}-minutes-with-comment")
    chair_context.close()

    # The member's action items, and the new one after a progress update.
    shooter.visit(member, "/actions", f"{prefix}-my-actions")
    with member.expect_navigation():
        member.locator(f"#results a[href='{action}']").click()
    member.locator("#status").select_option("in_progress")
    member.locator("#note").fill(words["progress"])
    with member.expect_navigation():
        member.locator("form[action$='/progress'] button[type=submit]").click()
    shooter.shot(member, f"{prefix}-action-item")
    member_context.close()


def shoot_homes(browser, base_url: str, language: str, locale: str, prefix: str, viewport: dict,
                shooter: Shooter) -> None:
    """Each demo account's home page; for the member, an action item's quick update refused (a
    new due date without a reason) and then saved, in place."""
    for name, email in HOMES.items():
        page = signed_in(browser, base_url, locale, viewport, email, language)
        shooter.visit(page, "/", f"{prefix}-home-{name}")
        page.context.close()
    page = signed_in(browser, base_url, locale, viewport, MEMBER, language)
    page.goto("/")
    item = page.locator(".quick-item").first
    item.locator("summary").click()
    due = item.locator("input[type=date]")
    kept = due.input_value()
    due.fill((clock.now().astimezone(ZoneInfo(DEMO_TIME_ZONE)).date() + timedelta(days=21)).isoformat())
    item.locator("button[type=submit]").click()
    item.locator(".quick-said .refused").wait_for()
    settle(page)
    item.scroll_into_view_if_needed()
    shooter.shot(page, f"{prefix}-home-member-update-refused")
    due.fill(kept)
    item.locator("textarea").fill(MEETING_WORDS[language]["progress"])
    item.locator("select").select_option("in_progress")
    item.locator("button[type=submit]").click()
    expect(item.locator(".quick-said")).not_to_be_empty()
    expect(item.locator(".quick-said .refused")).to_have_count(0)
    settle(page)
    shooter.shot(page, f"{prefix}-home-member-update-saved")
    page.context.close()
DOCUMENT_WORDS = {
    "en": {"title": "Collaborative meeting with documents", "item": "Housing report", "case": "Case review",
           "file": "Housing report 2027.pdf", "wrong": "Budget.docx", "link": "County housing dashboard"},
    "es": {"title": "Reunión de la Colaborativa con documentos", "item": "Informe de vivienda",
           "case": "Revisión de caso", "file": "Informe de vivienda 2027.pdf", "wrong": "Presupuesto.docx",
           "link": "Panel de vivienda del condado"},
}
SAMPLE_PDF = b"%PDF-1.7\n1 0 obj\n<</Type /Catalog>>\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n"


def shoot_documents(browser, base_url: str, language: str, locale: str, prefix: str, viewport: dict,
                    collaborative: str, shooter: Shooter) -> None:
    """A meeting's documents: the chair adds a file and a link to an agenda item (and is told why a
    PDF named .docx is refused, and why a file over the limit is), then the meeting page as the
    chair and as a member sees it."""
    words = DOCUMENT_WORDS[language]
    chair = signed_in(browser, base_url, locale, viewport, CHAIR, language)
    chair.goto(f"/teams/{collaborative}/meetings/new")
    form = chair.locator("main form")
    form.locator("#title").fill(words["title"])
    form.locator("#day").fill((clock.now().astimezone(ZoneInfo(DEMO_TIME_ZONE)).date() + timedelta(days=9)).isoformat())
    form.locator("#start").fill("10:00")
    with chair.expect_navigation(url="**/meetings/*"):
        form.locator(".form-actions button[type=submit]").click()
    meeting = re.search(r"/meetings/\d+", chair.url).group(0)
    for kind, title in (("discussion", words["item"]), ("case_review", words["case"])):
        add = chair.locator("#add-item-form")
        add.locator("#title").fill(title)
        add.locator("#kind").select_option(kind)
        add.locator("button[type=submit]").click()
        settle(chair)
    with chair.expect_navigation():
        chair.locator("#agenda-items > li", has_text=words["item"]).locator(".add-document").click()
    shooter.shot(chair, f"{prefix}-documents-new")
    upload = chair.locator("#upload-form")
    upload.locator("input[type=file]").set_input_files(
        {"name": words["wrong"], "mimeType": "application/octet-stream", "buffer": SAMPLE_PDF})
    upload.locator("button[type=submit]").click()
    chair.locator("#upload-form .error-summary").wait_for()
    shooter.shot(chair, f"{prefix}-documents-refused")
    too_large = {"name": words["file"], "mimeType": "application/pdf", "buffer": SAMPLE_PDF + b"\0" * (21 << 20)}
    chair.locator("#upload-form input[type=file]").set_input_files(too_large)  # refused before it is sent
    expect(chair.locator("#upload-problem")).not_to_be_empty()
    shooter.shot(chair, f"{prefix}-documents-too-large")
    # As a browser without JavaScript sends it (form.submit(): no htmx, no check): the server says no.
    with chair.expect_navigation():
        chair.locator("#upload-form").evaluate("form => form.submit()")
    shooter.shot(chair, f"{prefix}-documents-too-large-without-javascript")
    chair.go_back()
    chair.locator("#upload-form input[type=file]").set_input_files(
        {"name": words["file"], "mimeType": "application/pdf", "buffer": SAMPLE_PDF})
    with chair.expect_navigation(url=re.compile(rf"{meeting}#")):
        chair.locator("#upload-form button[type=submit]").click()
    chair.goto(f"{meeting}/documents/new")
    link = chair.locator("#link-form")
    link.locator("input[name=title]").fill(words["link"])
    link.locator("input[name=url]").fill("https://housing.maplecounty.example/dashboard")
    with chair.expect_navigation(url=re.compile(rf"{meeting}#")):
        link.locator("button[type=submit]").click()
    with chair.expect_navigation():
        chair.locator(f"form[action='{meeting}/publish'] button").click()
    shooter.shot(chair, f"{prefix}-meeting-documents-chair")
    chair.context.close()

    member = signed_in(browser, base_url, locale, viewport, MEMBER, language)
    shooter.visit(member, meeting, f"{prefix}-meeting-documents-member")
    member.context.close()


def shoot_language(browser, base_url: str, language: str, shooter: Shooter) -> None:
    locale = {"en": "en-US", "es": "es-ES"}[language]
    for viewport_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        prefix = f"{language}-{viewport_name}"
        print(f"{prefix}:")
        context = browser.new_context(base_url=base_url, locale=locale, viewport=viewport)
        context.on("page", watch)
        page = context.new_page()
        shooter.visit(page, "/login", f"{prefix}-login")

        log_in(page, CHAIR)
        choose_language(page, language)
        shooter.visit(page, "/", f"{prefix}-home-chair")
        collaborative = team_id(page, COLLABORATIVE)
        shooter.visit(page, f"/teams/{collaborative}", f"{prefix}-team-overview")
        shooter.visit(page, f"/teams/{collaborative}/roster", f"{prefix}-roster")
        # The inline change form (htmx) open on the first seat.
        page.locator("#current-members .seat-actions a").first.click()
        page.locator("li.seat.editing").wait_for()
        shooter.shot(page, f"{prefix}-roster-changing-a-seat")
        # The person search of the add-member form, then the form sent back with a problem
        # (a person found, but no agency chosen).
        page.goto(f"/teams/{collaborative}/roster")
        form = page.locator("#add-member-form")
        form.locator("#person_q").fill("Derek")
        form.locator("#people-found input[type=radio]").first.wait_for()
        shooter.shot(page, f"{prefix}-roster-person-search")
        form.locator("#people-found input[type=radio]").first.check()
        form.locator("#role").select_option("member")
        form.locator("#agency_id").evaluate("select => select.removeAttribute('required')")
        form.locator(".form-actions button[type=submit]").click()
        page.locator("#add-member-form .error-summary").wait_for()
        shooter.shot(page, f"{prefix}-roster-add-with-problem")
        context.close()

        shoot_homes(browser, base_url, language, locale, prefix, viewport, shooter)
        shoot_meeting(browser, base_url, language, locale, prefix, viewport, collaborative, shooter)
        shoot_documents(browser, base_url, language, locale, prefix, viewport, collaborative, shooter)

        page = signed_in(browser, base_url, locale, viewport, ADMIN, language)
        context = page.context
        shooter.visit(page, "/", f"{prefix}-home-admin")
        shooter.visit(page, "/teams/access", f"{prefix}-access-log")
        shooter.visit(page, "/agencies", f"{prefix}-agencies")
        page.get_by_role("link", name=HOUSING_AGENCY).click()
        page.wait_for_url("**/agencies/*")
        shooter.shot(page, f"{prefix}-agency")
        shooter.visit(page, "/people", f"{prefix}-people")
        page.locator("#q").fill("Maple County Health")
        page.wait_for_url("**/people?q=*")
        shooter.shot(page, f"{prefix}-people-search")
        page.get_by_role("link", name="Priya Natarajan").click()
        page.wait_for_url("**/people/*")
        shooter.shot(page, f"{prefix}-person")
        shooter.visit(page, "/teams", f"{prefix}-teams")
        shooter.visit(page, "/account", f"{prefix}-account")
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "screenshots")
    parser.add_argument("--keep-db", action="store_true",
                        help="reuse the scratch database as it is")
    parser.add_argument("--language", choices=("en", "es"), action="append",
                        help="only this language (repeatable; both by default)")
    args = parser.parse_args()

    if not args.keep_db and SCRATCH.exists():
        shutil.rmtree(SCRATCH)
    SCRATCH.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.png"):
        old.unlink()

    env = scratch_environment()
    convene(env, "migrate")
    convene(env, "demo", "--if-empty")
    process, base_url = serve(env)
    shooter = Shooter(args.out)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for language in args.language or ("en", "es"):
                shoot_language(browser, base_url, language, shooter)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"{len(shooter.taken)} screenshots in {args.out}")
    if not AXE_JS.is_file():
        print("axe-core is not installed (`npm ci`): pages were not checked with axe")
    for problem in shooter.problems:
        print(f"PROBLEM {problem}")
    return 1 if shooter.problems else 0


if __name__ == "__main__":
    sys.exit(main())
