"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API, against the app under
gunicorn on loopback (tests/support/live_server.py) with a real SMTP capture server.

Fixtures:
    live_server (module)  the running server: .url, .database_url, .app_context(), .kill9(), .restart()
    live                  the same server (older name, kept for the tests that use it)
    mail_server (session) the SMTP capture server (tests/conftest.py): .messages, .wait_for(pred), .clear()
    browser (session)     one Chromium for the whole run
    page                  a fresh context and page per test (1024 x 800)
    new_page              factory for more pages in their own contexts: new_page(locale="ur", width=320)
Helpers (import from tests.browser.conftest):
    axe_violations(page, context=None)   WCAG 2.0/2.1/2.2 A and AA violations (axe-core) as readable strings
    assert_accessible(page, label)       no violations and no horizontal scroll at the current width
    sign_in(page, live, email[, pw])     through the login form, checked by the sign-out button
    record_step(page, name)              a screenshot kept in memory; all are written to test-artifacts/
                                         only if the test fails
On failure every open page of the test is saved as test-artifacts/<test name>[-n].png.
Pages may only load from the live server: any other request is aborted and fails the test.
"""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import sync_playwright

from app.extensions import db
from app.models.content import ContentSource
from tests.support.live_server import LiveServer
from tests.support.results_scenarios import Scenario

LONDON = ZoneInfo("Europe/London")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1024, "height": 800}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, mail_server):
    server = LiveServer(tmp_path_factory.mktemp("browser"), mail_server.port)
    yield server
    server.close()


@pytest.fixture(scope="module")
def live(live_server):
    return live_server


def _safe_name(name):
    return re.sub(r"[^\w.-]+", "_", name)[:150]


@pytest.fixture
def new_page(browser, request):
    """Open pages in fresh browser contexts; screenshots of all of them are saved if the test fails."""
    opened = []

    def _open(locale=None, width=DESKTOP["width"], height=DESKTOP["height"]):
        options = {"viewport": {"width": width, "height": height}}
        if locale:
            options["locale"] = locale  # sent as Accept-Language, which the app honours for visitors
        context = browser.new_context(**options)
        blocked = []

        def only_loopback(route):
            host = urlsplit(route.request.url).hostname
            if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", only_loopback)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.steps = []
        opened.append((context, page, blocked))
        return page

    yield _open
    failed = getattr(request.node, "failed", False)
    name = _safe_name(request.node.name)
    for n, (context, page, _) in enumerate(opened):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            suffix = f"-{n}" if n else ""
            for step, (label, png) in enumerate(page.steps, 1):
                (ARTIFACTS / f"{name}{suffix}-step{step:02d}-{_safe_name(label)}.png").write_bytes(png)
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}.png"), full_page=True)
            except Exception as error:  # a crashed page must not hide the test's own failure
                print(f"no screenshot of {name}{suffix}: {error}")
        context.close()
    outside = [url for _, _, blocked in opened for url in blocked]
    assert outside == [], f"pages tried to load from outside the app: {outside}"


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.failed = True
    return report


def axe_violations(page, context=None):
    """WCAG 2.0/2.1/2.2 A and AA violations on the current page, as "rule: help (n nodes) [first target]".

    axe-core is the axe.min.js shipped inside axe-playwright-python (no download). It is injected with
    page.evaluate, which runs through the DevTools protocol and so is not blocked by our CSP (script-src
    'self', no inline script): no bypass_csp context is needed. context narrows the check to part of the
    page (an axe context: a CSS selector or {"include": [...], "exclude": [...]}).
    """
    page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = page.evaluate("([context, options]) => axe.run(context || document, options)", [context, options])
    violations = []
    for v in results["violations"]:
        nodes = [n for n in v["nodes"] if not _known_govuk_reveal(v["id"], n)]
        if nodes:
            violations.append(f"{v['id']}: {v['help']} ({len(nodes)} nodes) {nodes[0]['target']}")
    return violations


def _known_govuk_reveal(rule, node):
    """GOV.UK Frontend's radios with a conditional reveal keep aria-expanded on purpose (screen readers announce
    it; alphagov/govuk-frontend#979, a documented known issue). Only that attribute, only on those radios."""
    html = node.get("html", "")
    return (rule == "aria-allowed-attr" and "govuk-radios__input" in html and "aria-controls=" in html
            and all("aria-expanded" in message for check in node.get("any", []) + node.get("all", [])
                    for message in [check.get("message", "")]))


def horizontal_scroll(page):
    """True when the page is wider than the window (WCAG 1.4.10 reflow at 320 CSS px)."""
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")


def published_scenario(live, pick, also=None, phase="published"):
    """The published results scenario (tests.support.results_scenarios) on the live server's database, built once
    per module. also(scenario): more set-up before the commit; pick(scenario): the plain ids the tests need.
    phase: where the scenario stops before also; a test that changes the votes or the board's record before
    publication starts it at "counting" and finishes it in also."""
    with live.app().app_context():
        ContentSource.__table__.create(db.engine, checkfirst=True)
        scenario = Scenario(phase=phase)
        if also is not None:
            also(scenario)
        db.session.commit()
        ids = pick(scenario)
        db.session.remove()
    return ids


def assert_accessible(page, label=""):
    violations = axe_violations(page)
    assert violations == [], f"{label} {page.url}: {violations}"
    assert not horizontal_scroll(page), f"{label} {page.url}: horizontal scroll at {page.viewport_size['width']}px"


def sign_in(page, live, email, password=None):
    """Sign in through the login form (the factories' password unless given) and check it worked: the
    sign-out button is there, whatever language the account's saved preference shows the page in."""
    from tests.factories import PASSWORD

    page.goto(live.url + "/auth/login")
    page.fill("#email", email)
    page.fill("#password", password or PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("form[action='/auth/logout']").count() == 1, f"could not sign in as {email}"


def record_step(page, name):
    """Keep a screenshot of this step; written to test-artifacts/ only if the test fails."""
    page.steps.append((name, page.screenshot(full_page=True)))


def screenshot_step(page, name):
    """Save a screenshot now (kept for the tests that use it; record_step saves only on failure)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"step-{_safe_name(name)}.png"), full_page=True)


def fill_date(page, legend, day, month, year, labels=("Day", "Month", "Year")):
    """Type a date into the Day, Month and Year boxes (labels, in the page's language) of the date input whose
    legend is `legend`."""
    group = page.get_by_role("group", name=legend, exact=True)
    for label, value in zip(labels, (day, month, year), strict=True):
        group.get_by_label(label, exact=True).fill(str(value))


def fill_when(page, legend, days):
    """Type a date and time, days from now in UK time, into the day, month, year and time boxes under legend.

    Never between 01:00 and 02:00: on a clock-change night that hour is skipped or repeated, and the form
    rightly refuses it, so the time is moved an hour on (the rounds' dates are days apart).
    """
    when = (datetime.now(UTC) + timedelta(days=days)).astimezone(LONDON)
    if when.hour == 1:
        when = (when.astimezone(UTC) + timedelta(hours=1)).astimezone(LONDON)
    group = page.get_by_role("group", name=legend)
    for label, value in (("Day", when.day), ("Month", when.month), ("Year", when.year),
                         ("Time", when.strftime("%H:%M"))):
        group.get_by_label(label, exact=True).fill(str(value))
