"""The whole journey in real Chromium: an officer sets up a round with two pots, a resident registers,
proposes and votes (keyboard only, in Welsh) and changes her vote, a second resident votes in Urdu, the
officer enters a third resident's paper ballot, reviews and counts, two board members confirm, and the
public sees results whose Pabulib download re-counts to the same outcome. axe-core on every page visited."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import select

from app.extensions import db
from app.models import Round
from tests.browser.conftest import assert_accessible, fill_date, fill_when, record_step, sign_in
from tests.factories import make_area, make_user, make_ward

pytestmark = pytest.mark.browser
LONDON = ZoneInfo("Europe/London")
RESIDENT_PASSWORD = "plum orbit kettle seven"


def go(page, selector):
    """Click something that loads a new page and wait until it has loaded."""
    with page.expect_navigation():
        page.click(selector)


def press_enter(page):
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_out(page):
    go(page, "nav form[action='/auth/logout'] button")


# The resident's part of the journey uses only the keyboard: Tab / Shift+Tab from wherever focus is, typing,
# Space for boxes, typing to choose in a select, Enter to submit or follow a link. (test_voting_browser.tab_to
# takes only CSS selectors, matched with Element.matches; this one takes any Playwright selector and can go back.)
def tab_to(page, selector, max_presses=60, backwards=False):
    """Press Tab (Shift+Tab if backwards) until the focused element is the first match of selector."""
    key = "Shift+Tab" if backwards else "Tab"
    target = page.locator(selector).first
    target.wait_for(state="attached")
    for _ in range(max_presses):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press(key)
    if target.evaluate("element => element === document.activeElement"):
        return
    focused = page.evaluate("() => document.activeElement ? document.activeElement.outerHTML.slice(0, 160) : null")
    raise AssertionError(f"{selector} not reached with {max_presses} presses of {key} on {page.url}; "
                         f"focus is on {focused}")


def follow(page, selector):
    """Tab to a link or button and press Enter, waiting for the page it loads."""
    tab_to(page, selector)
    press_enter(page)


def type_date(page, iso_date):
    """Type a date into the focused <input type=date>, in the order the browser's locale shows its parts."""
    year, month, day = iso_date.split("-")
    order = page.evaluate("() => new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2000, 10, 22))"
                          ".filter(part => part.type !== 'literal').map(part => part.type)")
    for part in order:
        page.keyboard.type({"year": year, "month": month, "day": day}[part])


def keyboard_sign_in(page, email, password):
    """On the sign-in page: type the e-mail and password and press Enter."""
    assert page.url.split("?")[0].endswith("/auth/login"), page.url
    tab_to(page, "#email")
    page.keyboard.type(email)
    tab_to(page, "#password")
    page.keyboard.type(password)
    press_enter(page)
    assert page.locator("form[action='/auth/logout']").count() == 1, f"could not sign in as {email}"


def keyboard_sign_out(page):
    follow(page, "nav form[action='/auth/logout'] button")


def test_full_journey(live, page, mail_server):
    app = live.app()
    with app.app_context():
        area = make_area(name="Chells & Manor")
        chells = make_ward(name="Chells", area=area, postcodes=["FL1 2AB"])
        make_ward(name="Manor", area=area)
        make_user(role="officer", email="officer@example.org", ward=chells)
        make_user(role="board", email="board1@example.org", name="Cllr Bina Shah", area=area, ward=chells)
        make_user(role="board", email="board2@example.org", name="Cllr Tom Hughes", area=area, ward=chells)
        make_user(email="bilal@example.org", name="Bilal Ahmed", ward=chells, locale="ur")
        make_user(email="gwen@example.org", name="Gwen Price", ward=chells, postcode="FL1 2AB")
        db.session.commit()
        db.session.remove()

    # Officer creates a round with two pots.
    sign_in(page, live, "officer@example.org")
    page.goto(live.url + "/officer/rounds/new")
    assert_accessible(page, "new round")
    page.fill("#title", "Chells & Manor community grants")
    page.fill("#description", "Community grants decided by residents.")
    page.select_option("#area", label="Chells & Manor")
    page.check("label:has-text('Chells') >> xpath=preceding-sibling::input")
    page.check("label:has-text('Manor') >> xpath=preceding-sibling::input")
    fill_when(page, "Proposals open (UK time)", -3)
    fill_when(page, "Proposals close (UK time)", 1)
    fill_when(page, "Voting opens (UK time)", 2)
    fill_when(page, "Voting closes (UK time)", 5)
    go(page, "main button[type=submit]")
    assert "Round saved." in page.content()
    round_url = page.url
    for name, amount in (("Community grants", "8000"), ("Young people's fund", "2000")):
        go(page, "text=Add a grant pot")
        assert_accessible(page, "pot form")
        page.fill("#name", name)
        page.fill("#amount", amount)
        page.get_by_label("Approval: choose up to a number of projects").check()
        page.get_by_label("Most projects a resident may choose").fill("2")  # revealed by the choice above
        page.get_by_label("Most votes first, while money lasts").check()
        go(page, "main button[type=submit]")
        assert "Pot saved." in page.content()
    go(page, "text=Move to: Proposals open")
    assert_accessible(page, "check and open proposals")
    go(page, "main button:has-text('Open proposals')")
    assert_accessible(page, "round detail")
    record_step(page, "round set up")
    sign_out(page)

    # A resident registers with the keyboard only, gets the e-mail from the SMTP server, verifies and signs in.
    mail_server.clear()
    page.goto(live.url + "/auth/register")
    tab_to(page, "#name")
    page.keyboard.type("Amira Khan")
    tab_to(page, "#email")
    page.keyboard.type("amira@example.org")
    tab_to(page, "#password")
    page.keyboard.type(RESIDENT_PASSWORD)
    tab_to(page, "#postcode")
    page.keyboard.type("fl1 2ab")
    for box, value in (("Day", "1"), ("Month", "4"), ("Year", "1990")):  # the three boxes of the date
        tab_to(page, f"#date_of_birth-{box.lower()}")
        page.keyboard.type(value)
        assert page.get_by_label(box, exact=True).input_value() == value
    tab_to(page, "#accept")
    page.keyboard.press("Space")
    assert page.is_checked("#accept")
    follow(page, "main button[type=submit]")
    assert_accessible(page, "check e-mail")
    live.send_mail()  # cron's `flask mail send`
    message = mail_server.wait_for(lambda m: m["To"] == "amira@example.org")
    link = re.search(r"http://\S+", message.get_content()).group(0)
    page.goto(link)  # what following the link in her mail program does
    assert_accessible(page, "verify")
    follow(page, "main button[type=submit]")
    keyboard_sign_in(page, "amira@example.org", RESIDENT_PASSWORD)

    # She proposes a project.
    follow(page, "nav a[href='/proposals/']")
    follow(page, "main a[href='/proposals/mine']")
    follow(page, "main a:has-text('Suggest a project for')")
    assert_accessible(page, "proposal form")
    follow(page, "main button[value=submit]")
    assert "There is a problem" in page.content()
    assert_accessible(page, "proposal form with errors")
    # The error summary's first link takes her to the title field (the browser focuses the link's target).
    tab_to(page, "[data-error-summary] a[href='#title']")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'title'")
    page.keyboard.type("Community garden")
    tab_to(page, "#summary")
    page.keyboard.type("Raised beds for neighbours.")
    tab_to(page, "#description")
    page.keyboard.type("A shared garden on the green, run by the residents' association.")
    tab_to(page, "#cost")
    page.keyboard.type("6500")
    tab_to(page, "#priority")
    page.keyboard.type("Parks")
    assert page.input_value("#priority") == "green_spaces"
    follow(page, "main button[value=submit]")
    assert "Waiting for review" in page.content(), page.inner_text("main")
    assert_accessible(page, "proposal sent")
    proposal_url = page.url
    follow(page, "nav a[href='/proposals/']")
    follow(page, "main a[href='/proposals/mine']")
    assert_accessible(page, "my proposals")
    record_step(page, "proposal sent")
    keyboard_sign_out(page)

    # The calendar moves on: the proposal deadline passes and the first day of voting comes.
    with app.app_context():
        round_ = db.session.scalar(select(Round).where(Round.title == "Chells & Manor community grants"))
        round_.proposals_close_at = datetime.now(UTC) - timedelta(days=2)
        round_.voting_open_at = datetime.now(UTC) - timedelta(days=1)
        db.session.commit()
        db.session.remove()

    # The officer marks it feasible with an adjusted cost, then opens voting.
    sign_in(page, live, "officer@example.org")
    page.goto(round_url)
    go(page, "td a:has-text('Review')")
    assert_accessible(page, "review")
    page.fill("#adjusted_cost", "7000")
    page.fill("#cost_reason", "Surfacing the path costs more than quoted.")
    go(page, "text=Save review")
    go(page, "text=Move to: Officer review")
    go(page, "main button:has-text('Close proposals')")
    go(page, "text=Move to: Voting")
    go(page, "text=Confirm the ballot and open voting")
    assert "Voting" in page.content()
    sign_out(page)

    # The resident sees the new status, then votes in Welsh with the keyboard only, and changes her vote.
    follow(page, "nav a[href='/auth/login']")
    keyboard_sign_in(page, "amira@example.org", RESIDENT_PASSWORD)
    follow(page, "nav a[href='/proposals/']")
    follow(page, "main a[href='/proposals/mine']")
    follow(page, "main a:text-is('Community garden')")
    assert page.url.split("#")[0].split("?")[0] == proposal_url.split("#")[0].split("?")[0]
    assert "Feasible" in page.content() and "£7,000" in page.content()
    assert_accessible(page, "proposal feasible")
    record_step(page, "resident sees the review")
    follow(page, "a:text-is('Cymraeg')")
    assert page.locator("html").get_attribute("lang") == "cy"
    follow(page, "nav a[href='/voting/']")
    assert_accessible(page, "voting index (cy)")
    follow(page, "main a:has-text('Pleidleisio nawr')")
    assert page.locator("html").get_attribute("lang") == "cy"
    assert_accessible(page, "ballot (cy)")
    tab_to(page, "input[name=project]")
    page.keyboard.press("Space")
    assert page.is_checked("input[name=project]")
    follow(page, "button[value=cast]")
    assert "Mae eich pleidlais yn y blwch pleidleisio" in page.content()
    first_receipt = page.inner_text("#receipt-code")
    assert_accessible(page, "confirmation (cy)")
    follow(page, "main a:text-is('Newid eich pleidlais')")
    tab_to(page, "input[name=project]")
    page.keyboard.press("Space")
    assert page.is_checked("input[name=project]")
    follow(page, "button[value=cast]")
    assert "disodli" in page.content()
    receipt = page.inner_text("#receipt-code")
    assert receipt != first_receipt
    follow(page, "main a[href='/voting/receipt']")
    tab_to(page, "#code")
    page.keyboard.type(receipt)
    press_enter(page)
    assert "Ydy." in page.content()
    assert_accessible(page, "receipt checked (cy)")
    record_step(page, "vote changed and receipt checked")
    follow(page, "a:text-is('English')")
    keyboard_sign_out(page)

    # A second resident, whose saved language is Urdu, votes: the ballot is right to left.
    sign_in(page, live, "bilal@example.org")
    page.goto(live.url + "/voting/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    go(page, "text=ابھی ووٹ دیں >> nth=0")
    assert page.locator("html").get_attribute("lang") == "ur"
    assert_accessible(page, "ballot (ur)")
    page.check("input[name=project]")
    go(page, "button[value=cast]")
    assert "آپ کا ووٹ بیلٹ باکس میں ہے" in page.content()
    assert_accessible(page, "confirmation (ur)")
    sign_out(page)

    # The officer enters a third resident's paper ballot, found by name and postcode.
    sign_in(page, live, "officer@example.org")
    page.goto(round_url)
    go(page, "text=Enter a paper ballot")
    page.fill("#name", "gwen")
    page.fill("#postcode", "fl12ab")
    go(page, "text=Find resident")
    assert_accessible(page, "paper ballot search")
    go(page, "a:has-text('Enter ballot') >> nth=0")
    assert_accessible(page, "paper ballot entry")
    page.check("input[name=project]")
    go(page, "text=Record paper ballot")
    assert "Paper ballot recorded for Gwen Price." in page.content()
    page.goto(round_url)
    assert "2 online, 1 on paper" in page.get_by_role("main").inner_text()  # the pot's turnout row
    record_step(page, "paper ballot entered")

    # The officer closes voting and counts.
    go(page, "text=Move to: Counting")
    assert_accessible(page, "check and close voting")
    page.fill("#reason", "Every resident on the register has voted.")
    go(page, "main button:has-text('Close voting')")
    go(page, "text=The count")
    assert_accessible(page, "count")
    go(page, "main a:has-text('Run the count')")
    go(page, "main button:has-text('Run the count')")
    assert "The count has finished" in page.content()
    assert_accessible(page, "count finished")
    record_step(page, "counted")
    sign_out(page)

    # Two board members confirm the decision.
    sign_in(page, live, "board1@example.org")
    page.goto(live.url + "/board/")
    go(page, "text=Record the board decision")
    assert_accessible(page, "decision form")
    today = datetime.now(LONDON).date()
    fill_date(page, "Meeting date", today.day, today.month, today.year)
    page.check("label:has-text('Cllr Bina Shah') >> xpath=preceding-sibling::input")
    page.check("label:has-text('Cllr Tom Hughes') >> xpath=preceding-sibling::input")
    go(page, "text=Save the decision record")
    assert_accessible(page, "decision record")
    go(page, "main a:has-text('Confirm this record')")
    assert_accessible(page, "check and confirm the record")
    go(page, "main button:has-text('Confirm this record')")
    sign_out(page)
    sign_in(page, live, "board2@example.org")
    page.goto(live.url + "/board/")
    go(page, "main a:has-text('Decision record')")
    go(page, "main a:has-text('Confirm this record')")
    go(page, "main button:has-text('Confirm this record')")
    assert "confirmed and locked" in page.content()
    assert_accessible(page, "record confirmed and locked")
    record_step(page, "decision confirmed")
    sign_out(page)

    # The public sees the results and downloads the ballots, which re-count to the same outcome.
    page.goto(live.url + "/results/")
    assert_accessible(page, "results index")
    go(page, "text=Chells & Manor community grants")
    assert "Community garden" in page.content() and "Award confirmed" in page.content()
    assert_accessible(page, "results page")
    record_step(page, "results")
    round_id = round_url.rstrip("/").rsplit("/", 1)[1]
    results = requests.get(f"{live.url}/results/rounds/{round_id}/results.json", timeout=10).json()
    assert len(results["pots"]) == 2
    from app.domain.pabulib import read_pabulib
    from app.domain.tally import tally

    for pot in results["pots"]:
        exported = read_pabulib(requests.get(f"{live.url}/results/pots/{pot['id']}/ballots.pb", timeout=10).text)
        options = {"rule": pot["rule"], "tie_break": pot["tie_break"]}
        if pot["rule"] != "greedy":
            options["completion"] = pot["parameters"]["completion"]
        outcome = tally(exported.election, **options)
        counted = {str(project["id"]) for project in pot["projects"] if project["selected_by_count"]}
        assert set(outcome.selected) == counted, pot["name"]
        assert len(exported.election.ballots) == pot["ballots"]
    assert results["pots"][0]["ballots"] == 3 and "Community garden" in {
        project["title"] for project in results["pots"][0]["projects"] if project["selected_by_count"]}
