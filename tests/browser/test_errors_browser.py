"""In real Chromium: a form whose page went stale (the resident signed out and in again in another tab, so its
CSRF token no longer counts) answers with a page in the resident's language, right to left in Urdu, saying
nothing was saved and linking back to the form, which then works."""

import pytest

from app.extensions import db
from app.models import User
from tests.browser.conftest import ARTIFACTS, assert_accessible, sign_in
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_a_stale_form_on_an_urdu_page_is_answered_in_urdu_and_nothing_is_saved(new_page, live):
    with live.app().app_context():
        make_user(email="nasreen.stale@example.org", name="Nasreen Akhtar", locale="ur")
        db.session.commit()
        db.session.remove()
    page = new_page()
    sign_in(page, live, "nasreen.stale@example.org")
    page.goto(f"{live.url}/auth/account")
    assert page.locator("html").get_attribute("lang") == "ur"

    other_tab = page.context.new_page()  # signing out and in again elsewhere: the open form's token is stale
    other_tab.goto(f"{live.url}/auth/account")
    with other_tab.expect_navigation():
        other_tab.locator("form[action='/auth/logout'] button").click()
    sign_in(other_tab, live, "nasreen.stale@example.org")
    other_tab.close()

    page.locator("#name").fill("Nasreen Changed")
    with page.expect_navigation():
        page.locator("#name").press("Enter")

    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ur", "rtl")
    assert page.get_by_role("heading", level=1).inner_text() == "اس صفحے کی میعاد ختم ہو گئی ہے"
    main = page.locator("main").inner_text()
    assert "کچھ بھی محفوظ نہیں کیا گیا۔" in main
    assert not any(word in main for word in ("expired", "CSRF", "token", "Nothing was saved"))
    assert_accessible(page, "expired form in Urdu")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "expired-form-ur.png"), full_page=True)
    assert _name(live) == "Nasreen Akhtar"

    with page.expect_navigation():
        page.get_by_role("link", name="صفحہ دوبارہ کھولیں").click()
    assert page.locator("#name").input_value() == "Nasreen Akhtar"
    page.locator("#name").fill("Nasreen Changed")
    with page.expect_navigation():
        page.locator("#name").press("Enter")
    assert _name(live) == "Nasreen Changed"


def _name(live):
    with live.app().app_context():
        name = db.session.scalar(db.select(User.name).where(User.email == "nasreen.stale@example.org"))
        db.session.remove()
    return name
