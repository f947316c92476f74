"""In real Chromium: an officer registers a resident who has no e-mail address at the counter (after seeing proof
of their address), prints the slip, finds them by name and date of birth and enters their paper ballot. Only
labels, roles and text a person sees are used; axe-core checks every page on the way."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from tests.browser.conftest import assert_accessible, fill_date, record_step, sign_in
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward

pytestmark = pytest.mark.browser


def test_an_officer_registers_a_resident_in_person_and_enters_their_paper_ballot(page, live):
    app = live.app()
    with app.app_context():
        area = make_area(name="Chells")
        ward = make_ward(area=area, name="Chells ward", postcodes=["FL1 1AA"])
        round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                            voting_close_at=datetime.now(UTC) + timedelta(days=3))
        pot = make_pot(round_=round_, name="Community grants", amount_pence=10_000_00, ballot_type="knapsack",
                       max_choices=None)
        make_proposal(pot=pot, title="Community garden", cost_pence=6_000_00, status="feasible", on_ballot=True)
        make_proposal(pot=pot, title="Park lights", cost_pence=5_000_00, status="feasible", on_ballot=True)
        make_user(role="officer", ward=ward, email="counter.officer@example.org", name="Olive Officer")
        db.session.commit()
        round_url = f"{live.url}/officer/rounds/{round_.id}"
        db.session.remove()

    sign_in(page, live, "counter.officer@example.org")
    page.goto(round_url)
    with page.expect_navigation():
        page.get_by_role("link", name="Register a resident in person").click()
    assert_accessible(page, "in-person registration")

    fill_resident(page, "Edna Pavement", "4 Mill Lane", "fl1 1aa", born=(9, 3, 1941))
    # Forgetting the proof of address is explained, with the error summary pointing at the box.
    with page.expect_navigation():
        page.get_by_role("button", name="Register resident").click()
    summary = page.get_by_role("alert")
    assert "Confirm you have seen proof of the address." in summary.inner_text()
    assert_accessible(page, "in-person registration with an error")
    page.get_by_label("I have seen proof of this address").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Register resident").click()
    assert page.get_by_role("heading", name="Registration slip for Edna Pavement").is_visible()
    assert "Edna Pavement is registered." in page.content()
    assert re.search(r"/auth/claim/\S+", page.get_by_text(re.compile("/auth/claim/")).inner_text())
    assert_accessible(page, "registration slip")
    record_step(page, "registered in person")

    with page.expect_navigation():
        page.get_by_role("link", name="Enter their paper ballot").click()
    assert_accessible(page, "paper ballot search")
    with page.expect_navigation():
        page.get_by_role("link", name="Enter ballot – Edna Pavement, Community grants").click()
    assert page.get_by_role("heading", name="Paper ballot for Edna Pavement").is_visible()
    assert_accessible(page, "paper ballot entry")
    page.get_by_label(re.compile("^Community garden")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record paper ballot").click()
    assert "Paper ballot recorded for Edna Pavement." in page.content()
    record_step(page, "paper ballot entered")

    # Found again by name and date of birth (no postcode): the register shows she has voted, never how.
    page.get_by_label("Name", exact=True).fill("edna")
    page.get_by_label("Postcode", exact=True).fill("")
    fill_date(page, "Date of birth", 9, 3, 1941)
    with page.expect_navigation():
        page.get_by_role("button", name="Find resident").click()
    row = page.get_by_role("row", name=re.compile("Edna Pavement"))
    assert "Already voted" in row.inner_text() and "4 Mill Lane" in row.inner_text()
    assert "Community garden" not in page.content()
    assert_accessible(page, "paper ballot search after voting")

    # Registering her again: the officer first sees that she is on the register, and nothing is stored yet.
    page.goto(f"{round_url}/in-person")
    fill_resident(page, "EDNA PAVEMENT", "4, Mill Lane", "FL1 1AA", born=(9, 3, 1941))
    page.get_by_label("I have seen proof of this address").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Register resident").click()
    assert page.get_by_role("heading", name="Check: is this resident already registered?").is_visible()
    row = page.get_by_role("row", name=re.compile("Edna Pavement"))
    assert "Same date of birth" in row.inner_text() and "Same address" in row.inner_text()
    assert_accessible(page, "possible earlier registrations")


@pytest.mark.parametrize("locale", ["en", "cy", "pl", "ur", "pa"])
def test_the_counter_pages_are_accessible_in_every_language_on_a_phone(new_page, live, locale):
    app = live.app()
    with app.app_context():
        area = make_area()
        ward = make_ward(area=area)
        round_ = make_round(area=area, phase="voting")
        make_user(role="officer", ward=ward, email=f"officer.{locale}@example.org", locale=locale)
        db.session.commit()
        paths = [f"/officer/rounds/{round_.id}/in-person", f"/officer/rounds/{round_.id}/paper",
                 f"/officer/rounds/{round_.id}/paper/sheet", f"/officer/rounds/{round_.id}/helpers", "/officer/merges"]
        db.session.remove()
    page = new_page(locale=locale, width=320, height=640)
    sign_in(page, live, f"officer.{locale}@example.org")
    for path in paths:
        page.goto(live.url + path)
        assert page.locator("html").get_attribute("lang") == locale
        assert_accessible(page, f"{path} in {locale}")
    # The registration form re-rendered with its error summary.
    page.goto(live.url + paths[0])
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page, f"registration errors in {locale}")


def fill_resident(page, name, address, postcode, born):
    """Type a resident's name, address, postcode and date of birth (day, month, year) into the registration form."""
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Address", exact=True).fill(address)
    page.get_by_label("Postcode", exact=True).fill(postcode)
    fill_date_of_birth(page, *born)


def fill_date_of_birth(page, day, month, year):
    """Type a date of birth into the Day, Month and Year boxes of the "Date of birth (optional)" group."""
    group = page.get_by_role("group", name="Date of birth (optional)")
    for label, value in (("Day", day), ("Month", month), ("Year", year)):
        group.get_by_label(label, exact=True).fill(str(value))


def test_an_officer_in_english_prints_an_urdu_speakers_slip_in_urdu(page, live):
    app = live.app()
    with app.app_context():
        area = make_area(name="Symonds Green")
        ward = make_ward(area=area, name="Symonds Green ward", postcodes=["FL7 7AA"])
        round_ = make_round(area=area, phase="proposals")
        make_user(role="officer", ward=ward, email="slip.officer@example.org", name="Olive Officer")
        db.session.commit()
        register_url = f"{live.url}/officer/rounds/{round_.id}/in-person"
        db.session.remove()

    sign_in(page, live, "slip.officer@example.org")
    page.goto(register_url)
    # This council has no GOV.UK Notify text messages set up: notices can only go by letter.
    assert page.get_by_label("By letter to this address").is_checked()
    assert page.get_by_label("By text message to a mobile phone").count() == 0
    fill_resident(page, "Nasreen Akhtar", "9 Mill Lane", "FL7 7AA", born=(2, 11, 1958))
    page.get_by_label("Preferred language").select_option("ur")
    page.get_by_label("I have seen proof of this address").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Register resident").click()

    assert page.get_by_role("heading", name="Registration slip for Nasreen Akhtar").is_visible()  # the officer's
    slip = page.locator("section.claim-slip")
    assert (slip.get_attribute("lang"), slip.get_attribute("dir")) == ("ur", "rtl")
    assert slip.evaluate("s => getComputedStyle(s).direction") == "rtl"
    assert "بعد میں یہ اکاؤنٹ آن لائن استعمال کرنے کے لیے" in slip.inner_text()
    link = page.locator("#claim-link")
    assert "/auth/claim/" in link.inner_text() and link.evaluate("c => getComputedStyle(c).direction") == "ltr"
    assert_accessible(page, "registration slip in Urdu")

    # The print button prints (the page's own script: the Content-Security-Policy refuses inline handlers).
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Print this slip").click()
    assert page.evaluate("window.printed") == 1
    # On paper: the Urdu slip, not the officer's English heading and buttons.
    page.emulate_media(media="print")
    assert slip.is_visible() and not page.get_by_role("heading", name="Registration slip for Nasreen Akhtar").is_visible()
    assert not page.get_by_role("button", name="Print this slip").is_visible()
    record_step(page, "registration slip in Urdu")
