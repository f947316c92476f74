"""A resident who uses only the keyboard (Tab, Shift+Tab, typing, Space, Enter) registers, signs in and votes,
on the GOV.UK Frontend pages: the date of birth in three boxes, the checkboxes, the buttons. Following the
link in the confirmation e-mail is the one step done by opening a URL, as a mail program does."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from tests.browser.conftest import assert_accessible
from tests.browser.test_journey import follow, keyboard_sign_in, press_enter, tab_to
from tests.factories import make_area, make_pot, make_proposal, make_round, make_ward

pytestmark = pytest.mark.browser
PASSWORD = "lantern meadow copper nine"


@pytest.fixture(scope="module")
def open_round(live):
    app = live.app()
    with app.app_context():
        area = make_area(name="Chells & Manor")
        make_ward(name="Chells", area=area, postcodes=["FL1 2AB"])
        round_ = make_round(area=area, phase="voting", title="Chells & Manor community grants",
                            voting_open_at=datetime.now(UTC) - timedelta(days=1))
        pot = make_pot(round_=round_, name="Small grants", ballot_type="approval", max_choices=2)
        make_proposal(pot=pot, title="Benches for the park", cost_pence=4_000_00, status="feasible", on_ballot=True)
        db.session.commit()
        db.session.remove()


def test_register_sign_in_and_vote_with_the_keyboard_only(live, page, mail_server, open_round):
    mail_server.clear()
    page.goto(live.url + "/")
    follow(page, "a:text-is('Register')")
    for field, text in (("#name", "Nia Roberts"), ("#email", "nia@example.org"), ("#password", PASSWORD),
                        ("#postcode", "FL1 2AB"), ("#date_of_birth-day", "17"), ("#date_of_birth-month", "5"),
                        ("#date_of_birth-year", "1980")):
        tab_to(page, field)
        page.keyboard.type(text)
    tab_to(page, "#accept")
    page.keyboard.press("Space")
    assert page.get_by_role("checkbox", name="I have read the privacy notice").is_checked()
    follow(page, "main button[type=submit]")
    assert page.get_by_role("heading", name="Check your e-mail").count() == 1

    live.send_mail()
    message = mail_server.wait_for(lambda m: m["To"] == "nia@example.org")
    page.goto(re.search(r"http://\S+", message.get_content()).group(0))
    follow(page, "main button[type=submit]")

    keyboard_sign_in(page, "nia@example.org", PASSWORD)
    follow(page, "nav a:text-is('Vote')")
    follow(page, "main a:has-text('Vote')")
    assert_accessible(page, "ballot")
    tab_to(page, "input[name=project]")
    page.keyboard.press("Space")
    assert page.get_by_role("checkbox", name=re.compile("Benches for the park")).is_checked()
    tab_to(page, "main button[type=submit]:not([value=save])")
    press_enter(page)
    while page.locator("main form button[type=submit]").count() and "recorded" not in page.content().lower() \
            and "ballot box" not in page.content().lower():
        follow(page, "main form button[type=submit]")  # a check-your-answers step, if there is one
    assert "ballot box" in page.content().lower() or "recorded" in page.content().lower()
