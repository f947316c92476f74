"""A whole round in real Chromium on a database made only by the README's Production commands (no demo data):
the administrator groups the imported wards into an area and names an officer and a board member, who signed
up as residents; the officer runs the round through its check-and-confirm pages; a resident registers,
proposes and votes; the count runs; the board confirms; the public sees the outcome. Every step goes through
labels and roles a person sees; axe-core checks the key pages."""

import re
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import assert_accessible, fill_date, fill_when, record_step
from tests.services.test_onspd_import import OURS, write_onspd, write_ward_names
from tests.services.test_production_setup import _production_commands
from tests.support.live_server import BIN, ROOT, LiveServer

pytestmark = pytest.mark.browser
LONDON = ZoneInfo("Europe/London")
ADMIN_EMAIL, ADMIN_PASSWORD = "it.admin@fernleigh.gov.uk", "lantern orchard pebble ninety"
PASSWORD = "plum orbit kettle seven"
POSTCODE = "FL1 0AA"  # the first postcode write_onspd writes: in our authority, ward E05009000 ("Ward 9000")


@pytest.fixture(scope="module")
def production(tmp_path_factory, mail_server):
    """The live server on a database made by the README's Production commands, in order, and nothing else.

    `db upgrade` is the server's own first step (LiveServer builds the schema that way); the others run as
    the README says, with the generated ONS files in place of the real ones.
    """
    tmp = tmp_path_factory.mktemp("production")
    commands = _production_commands()
    assert [c[:2] for c in commands] == [["db", "upgrade"], ["council", "create"], ["geography", "import-postcodes"],
                                         ["users", "create-admin"]]
    expected = write_onspd(tmp / "onspd.csv", 300, our_wards=3)
    write_ward_names(tmp / "wards.csv", codes=sorted(expected))
    files = {commands[2][2]: str(tmp / "onspd.csv"), commands[2][4]: str(tmp / "wards.csv"), commands[2][6]: OURS}
    server = LiveServer(tmp, mail_server.port)
    try:
        for args in commands[1:]:
            args = [files.get(word, word) for word in args]
            done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=server.env,
                                  input=ADMIN_PASSWORD + "\n", capture_output=True, text=True, check=False)
            assert done.returncode == 0, (args, done.stderr[-2000:])
        yield server
    finally:
        server.close()


def click(page, locator):
    """Click something that loads a new page and wait for it."""
    with page.expect_navigation():
        locator.click()


def button(page, name):
    return page.get_by_role("main").get_by_role("button", name=name)


def link(page, name, exact=False):
    return page.get_by_role("main").get_by_role("link", name=name, exact=exact)


def sign_in(page, url, email, password):
    page.goto(url + "/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    click(page, button(page, "Sign in"))
    assert page.get_by_role("button", name="Sign out").count() == 1, f"could not sign in as {email}"


def sign_out(page):
    click(page, page.get_by_role("button", name="Sign out"))


def register(page, server, mail_server, name, email):
    """Register through the form, then follow the link in the e-mail (sent as cron's `flask mail send` would)."""
    page.goto(server.url + "/auth/register")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Home postcode").fill(POSTCODE.lower())
    group = page.get_by_role("group", name="Date of birth (optional)")
    for label, value in (("Day", 2), ("Month", 6), ("Year", 1985)):
        group.get_by_label(label, exact=True).fill(str(value))
    page.get_by_role("checkbox", name=re.compile("privacy", re.I)).check()
    click(page, button(page, re.compile("Register|Create", re.I)))
    server.send_mail()
    message = mail_server.wait_for(lambda m: m["To"] == email)
    page.goto(re.search(r"http://\S+", message.get_content()).group(0))
    click(page, page.get_by_role("main").get_by_role("button"))


def grant(page, server, email, role, board_role=None):
    page.goto(server.url + "/admin/users")
    page.get_by_label("Search by name or e-mail address").fill(email)
    click(page, button(page, "Search"))
    click(page, page.get_by_role("table").get_by_role("link").first)
    page.get_by_label("Role", exact=True).select_option(label=role)
    page.get_by_label("Area").select_option(label="Chells & Manor")
    if board_role:
        page.get_by_label("Role on the board (board members only)").select_option(label=board_role)
    click(page, button(page, "Give role"))
    assert "Role saved." in page.content()


def test_a_whole_round_on_a_production_database(production, page, mail_server):
    server = production
    page.goto(server.url + "/")
    assert "Borough of Fernleigh" in page.content()

    # Staff sign up as residents first; the administrator then gives them their roles.
    mail_server.clear()
    register(page, server, mail_server, "Olu Officer", "olu@fernleigh.gov.uk")
    register(page, server, mail_server, "Cllr Bina Shah", "bina@fernleigh.gov.uk")
    register(page, server, mail_server, "Cllr Tom Hughes", "tom@fernleigh.gov.uk")

    sign_in(page, server.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto(server.url + "/admin/areas")
    assert_accessible(page, "areas")
    page.get_by_label("Name of the area").fill("Chells & Manor")
    click(page, button(page, "Add area"))
    for code in sorted(set(re.findall(r"E05009\d{3}", page.content()))):
        page.get_by_role("checkbox", name=re.compile(code)).check()
    click(page, button(page, re.compile("Save")))
    assert "Area saved." in page.content()
    grant(page, server, "olu@fernleigh.gov.uk", "Council officer")
    grant(page, server, "bina@fernleigh.gov.uk", "Neighbourhood Board member", board_role="Chair")
    grant(page, server, "tom@fernleigh.gov.uk", "Neighbourhood Board member", board_role="Ward councillor")
    assert_accessible(page, "person and roles")
    sign_out(page)

    # The officer creates a round with one pot and opens proposals.
    sign_in(page, server.url, "olu@fernleigh.gov.uk", PASSWORD)
    page.goto(server.url + "/officer/")
    click(page, link(page, "Create a round"))
    page.get_by_label("Title").fill("Chells & Manor community grants")
    page.get_by_label("Description").fill("Community grants decided by residents.")
    page.get_by_label("Area").select_option(label="Chells & Manor")
    for ward in page.get_by_role("group", name="Wards whose residents may take part").get_by_role("checkbox").all():
        ward.check()
    fill_when(page, "Proposals open (UK time)", -3)
    fill_when(page, "Proposals close (UK time)", 1)
    fill_when(page, "Voting opens (UK time)", 2)
    fill_when(page, "Voting closes (UK time)", 5)
    click(page, button(page, re.compile("Save")))
    assert "Round saved." in page.content()
    round_url = page.url
    click(page, link(page, "Add a grant pot"))
    page.get_by_label("Name of the pot").fill("Community grants")
    page.get_by_label("Amount (£)").fill("8000")
    page.get_by_label("Approval: choose up to a number of projects").check()
    page.get_by_label("Most projects a resident may choose").fill("2")
    page.get_by_label("Most votes first, while money lasts").check()
    click(page, button(page, re.compile("Save")))
    assert "Pot saved." in page.content()
    click(page, link(page, "Move to: Proposals open"))
    assert_accessible(page, "check and open proposals")
    click(page, button(page, "Open proposals"))
    sign_out(page)

    # A resident registers, confirms her address and proposes.
    register(page, server, mail_server, "Amira Khan", "amira@example.org")
    sign_in(page, server.url, "amira@example.org", PASSWORD)
    page.goto(server.url + "/proposals/mine")
    click(page, button(page, re.compile("Suggest a project for")))  # a start button (a link styled as one)
    assert_accessible(page, "proposal form")
    page.get_by_label("Project title").fill("Community garden")
    page.get_by_label("Summary").fill("Raised beds for neighbours.")
    page.get_by_label("What will you do, who will benefit and who will run it?").fill(
        "A shared garden on the green, run by the residents' association.")
    page.get_by_label(re.compile("cost", re.I)).first.fill("6500")
    page.get_by_label(re.compile("priority|theme", re.I)).first.select_option(label="Parks and green spaces")
    click(page, button(page, re.compile("Send|Submit", re.I)))
    assert "Waiting for review" in page.content(), page.inner_text("main")
    sign_out(page)

    # The officer reviews it feasible, closes proposals and opens voting through the check-and-confirm pages.
    sign_in(page, server.url, "olu@fernleigh.gov.uk", PASSWORD)
    page.goto(server.url + "/officer/")
    click(page, link(page, "Why was a resident refused?"))  # she may take part: the staff look-up agrees
    page.get_by_label("Search by name or e-mail address").fill("amira")
    click(page, button(page, "Search"))
    click(page, link(page, "Amira Khan"))
    assert page.get_by_role("heading", name="Can they take part?").count() == 1
    assert page.get_by_role("main").get_by_text("Yes", exact=True).count() == 1
    assert_accessible(page, "can they take part")
    page.goto(round_url)
    click(page, link(page, "Review Community garden"))
    page.get_by_label("Outcome").select_option(label="Feasible: it can go on the ballot")
    click(page, button(page, "Save review"))
    click(page, link(page, "Move to: Officer review"))
    click(page, button(page, "Close proposals"))
    click(page, link(page, "Move to: Voting"))
    assert_accessible(page, "check and open voting")
    click(page, button(page, "Confirm the ballot and open voting"))
    record_step(page, "voting open")
    sign_out(page)

    # The resident votes.
    sign_in(page, server.url, "amira@example.org", PASSWORD)
    page.goto(server.url + "/voting/")
    click(page, button(page, re.compile("Vote now")))  # a start button (a link styled as one)
    assert_accessible(page, "ballot")
    page.get_by_role("checkbox", name=re.compile("Community garden")).check()
    click(page, button(page, "Cast my vote"))
    assert "Your vote is in the ballot box" in page.content(), page.inner_text("main")
    sign_out(page)

    # The officer closes voting early (with a reason) and runs the count, which the server runs inline.
    sign_in(page, server.url, "olu@fernleigh.gov.uk", PASSWORD)
    page.goto(round_url)
    click(page, link(page, "Move to: Counting"))
    page.get_by_label("Why are you closing voting before the published close?").fill(
        "Every resident on the register has voted.")
    click(page, button(page, "Close voting"))
    click(page, link(page, "The count"))
    click(page, link(page, "Run the count"))
    click(page, button(page, "Run the count"))
    assert "The count has finished" in page.content()
    assert_accessible(page, "count finished")
    sign_out(page)

    # Two board members who were at the meeting record and confirm the decision.
    sign_in(page, server.url, "bina@fernleigh.gov.uk", PASSWORD)
    page.goto(server.url + "/board/")
    click(page, link(page, "Record the board decision"))
    assert_accessible(page, "decision form")
    today = datetime.now(LONDON).date()
    fill_date(page, "Meeting date", today.day, today.month, today.year)
    page.get_by_role("checkbox", name="Cllr Bina Shah").check()
    page.get_by_role("checkbox", name="Cllr Tom Hughes").check()
    click(page, button(page, "Save the decision record"))
    click(page, link(page, "Confirm this record"))
    assert_accessible(page, "check and confirm the record")
    click(page, button(page, "Confirm this record"))
    assert "One more board member who was present must confirm." in page.content(), page.inner_text("main")
    sign_out(page)
    sign_in(page, server.url, "tom@fernleigh.gov.uk", PASSWORD)
    page.goto(server.url + "/board/")
    click(page, link(page, "Decision record"))
    click(page, link(page, "Confirm this record"))
    click(page, button(page, "Confirm this record"))
    assert "The decision is confirmed and locked." in page.content(), page.inner_text("main")
    record_step(page, "decision confirmed")
    sign_out(page)

    # The public sees the outcome.
    page.goto(server.url + "/results/")
    click(page, link(page, "Chells & Manor community grants"))
    assert "Community garden" in page.content() and "Award confirmed" in page.content()
    assert_accessible(page, "results page")
