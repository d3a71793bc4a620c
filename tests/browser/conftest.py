"""Browser harness: the real app served by `convene serve` on a free port, real Chromium
driven by Playwright's async API, and axe-core run on every page a test visits.

The server process shares the test database (tests/conftest.py set DATABASE_URL before
this file is imported), so `clean_database` and `demo` prepare what the browser sees.

Pages keep the app's Content-Security-Policy: axe is injected through Playwright's evaluate
(DevTools evaluation is exempt from CSP), so an inline style or script that the policy
blocks shows up as a console error, and any console error, uncaught JavaScript error or
5xx response fails the test at the next check.

Requirements: Chromium (`apt-get install -y chromium`, or CONVENE_CHROMIUM=/path) and
axe-core (`npm ci` at the repository root). Without them the browser tests are skipped,
except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import CHAIR, PASSWORD, ROOT, WORK_DIR

try:  # tests import `expect` from here, so a missing playwright skips (or fails on CI) cleanly
    from playwright.async_api import expect
except ImportError:  # pragma: no cover - reported by browser_requirements
    expect = None

CHROMIUM = os.environ.get("CONVENE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}
SERVER_START_SECONDS = 30
SERVER_LOG = WORK_DIR / "live-server.log"
FAILURE_SCREENSHOTS = ROOT / "test-artifacts" / "browser-failures"
# Chrome logs every 4xx answer as a console error; a 422 form or a 403 can be what a test wants.
EXPECTED_CONSOLE = re.compile(
    r"^Failed to load resource: the server responded with a status of 4\d\d"
)


def pytest_collection_modifyitems(items) -> None:
    """Everything under tests/browser is a browser test, marked or not (`-m "not browser"`)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


# -- requirements ---------------------------------------------------------------------------

def missing_requirements() -> list[str]:
    """What the browser tests need and this machine lacks, each with how to install it."""
    problems = []
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        problems.append(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(or point CONVENE_CHROMIUM at a Chromium binary)"
        )
    if not AXE_JS.is_file():
        problems.append(f"axe-core not found at {AXE_JS.relative_to(ROOT)}: run `npm ci` in {ROOT}")
    if expect is None:
        problems.append("the playwright Python package is missing: `pip install -e '.[test]'`")
    return problems


@pytest.fixture(scope="session")
def browser_requirements() -> None:
    problems = missing_requirements()
    if not problems:
        return
    message = "browser tests cannot run: " + "; ".join(problems)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: failing instead of skipping)", pytrace=False)
    pytest.skip(message)


# -- the server -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_log_tail(characters: int = 4000) -> str:
    try:
        return SERVER_LOG.read_text(errors="replace")[-characters:]
    except FileNotFoundError:
        return "(no server log)"


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """Starts `convene serve` on a free port and waits until it answers: (process, base URL)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**env, "CONVENE_BASE_URL": base_url, "PYTHONUNBUFFERED": "1"}
    with SERVER_LOG.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve",
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"convene serve exited with {process.returncode}:\n{server_log_tail()}"
            )
        try:
            with urllib.request.urlopen(f"{base_url}/login", timeout=2) as response:
                if response.status == 200:
                    return process, base_url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            stop_server(process)
            raise RuntimeError(
                f"convene serve did not answer within {SERVER_START_SECONDS}s:\n{server_log_tail()}"
            )
        time.sleep(0.1)


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def live_server(browser_requirements) -> str:
    """The base URL of the real app, served from the test database for the whole session."""
    process, base_url = start_server(dict(os.environ))
    try:
        yield base_url
    finally:
        stop_server(process)


# -- the browser ----------------------------------------------------------------------------

@pytest.fixture
async def browser(browser_requirements):
    """A fresh headless Chromium per test (pytest-asyncio gives every test its own loop)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
async def page(browser, live_server, request):
    """A page in its own browser context (own cookies), in English, on a desktop-sized window.

    Other tabs a test opens with `page.context.new_page()` are watched the same way.
    """
    context = await browser.new_context(
        base_url=live_server, locale="en-US", viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    context.on("page", watch)
    page = await context.new_page()
    yield page
    if getattr(request.node, "browser_test_failed", False):
        FAILURE_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        await page.screenshot(path=str(FAILURE_SCREENSHOTS / f"{name}.png"), full_page=True)
        print(f"screenshot of the failing page: {FAILURE_SCREENSHOTS / name}.png\n"
              f"server log (end):\n{server_log_tail()}")
        await context.close()
        return
    leftover = [problem for tab in context.pages for problem in tab.convene_problems]
    await context.close()
    if leftover:
        pytest.fail("the browser reported problems after the last check:\n" + "\n".join(leftover),
                    pytrace=False)


def watch(page) -> None:
    """Collects console errors, uncaught JavaScript errors and 5xx answers for `check_page`."""
    problems: list[str] = []
    page.convene_problems = problems

    def on_console(message) -> None:
        if message.type == "error" and not EXPECTED_CONSOLE.match(message.text):
            problems.append(f"console error: {message.text}")

    def on_response(response) -> None:
        if response.status >= 500:
            problems.append(f"{response.status} from {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("response", on_response)


def check_page(page, where: str) -> None:
    """Fails the test with whatever the browser reported since the last check."""
    problems = list(page.convene_problems)
    page.convene_problems.clear()
    if problems:
        pytest.fail(f"the browser reported problems on {where}:\n" + "\n".join(problems)
                    + f"\nserver log (end):\n{server_log_tail()}", pytrace=False)


# -- axe ------------------------------------------------------------------------------------

AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}"""


@cache
def axe_source() -> str:
    return AXE_JS.read_text()


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        impact, rule = violation["impact"], violation["id"]
        lines.append(f"[{impact}] {rule}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            for summary_line in (node["summary"] or "").splitlines():
                lines.append(f"        {summary_line}")
    return "\n".join(lines)


async def axe_check(page, where: str = "") -> list[dict]:
    """Runs axe on the page as it is now; fails the test on any serious or critical violation,
    and on any console error, JavaScript error or 5xx answer the page has had.

    Minor and moderate findings are printed (shown with -s, or with the failure), not failed on.
    """
    label = where or page.url
    check_page(page, label)
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(axe_source())
    violations = await page.evaluate(AXE_RUN, AXE_TAGS)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    others = [v for v in violations if v["impact"] not in FAILING_IMPACTS]
    if others:
        print(f"axe (not failing) on {label}:\n{describe_violations(others)}")
    if failing:
        pytest.fail(f"axe found accessibility problems on {label}:\n{describe_violations(failing)}",
                    pytrace=False)
    return violations


# -- steps a person takes -------------------------------------------------------------------

async def visit(page, path: str):
    """Navigates to `path` (relative to the live server), expects a page, then runs axe on it."""
    response = await page.goto(path)
    assert response is not None, f"GET {path} did not load a page"
    assert response.status < 400, f"GET {path} answered {response.status}\n{server_log_tail()}"
    await axe_check(page, f"GET {path}")
    return response


async def follow(page, link):
    """Clicks a link (or a submit button) that loads a new page, then runs axe on that page."""
    async with page.expect_navigation() as navigation:
        await link.click()
    response = await navigation.value
    assert response is not None, f"clicking {link} changed the address without loading a page"
    assert response.status < 400, f"{response.url} answered {response.status}\n{server_log_tail()}"
    await axe_check(page, f"GET {response.url}")
    return response


async def settle(page) -> None:
    """Waits until htmx has no request in flight and has finished swapping.

    (A locator, not wait_for_function: that evaluates a string in the page, which the CSP
    forbids without 'unsafe-eval'.)
    """
    await expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


async def log_in(page, email: str = CHAIR, password: str = PASSWORD) -> None:
    """Logs in through the login form, in whatever language it is shown; lands on the home page."""
    await visit(page, "/login")
    form = page.locator("#login-form")
    await form.locator("#email").fill(email)
    await form.locator("#password").fill(password)
    await form.locator("button[type=submit]").click()
    await page.wait_for_url(lambda url: not url.endswith("/login"))
    await page.wait_for_load_state()


async def choose_person(form, name: str) -> None:
    """The add-member form's person search: type the name, then pick them from what it finds."""
    await form.get_by_label("Person").fill(name)
    choice = form.get_by_role("radio", name=re.compile(f"^{re.escape(name)}\\b"))
    await choice.check()
