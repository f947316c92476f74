"""The public pages in a real browser: accessible in English and in Urdu (right to left), at 320 px too."""

import pytest

from app.config import LOCALE_NAMES
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", ["en", "cy", "ur"])
def test_home_and_statements_are_accessible(live_server, page, locale):
    page.goto(live_server.url + "/")
    if locale != "en":
        with page.expect_navigation():
            page.get_by_role("link", name=LOCALE_NAMES[locale], exact=True).click()
    assert page.locator("html").get_attribute("lang") == locale
    assert page.locator("html").get_attribute("dir") == ("rtl" if locale == "ur" else "ltr")
    for path in ("/", "/accessibility", "/auth/register", "/auth/login", "/results/", "/proposals/"):
        page.goto(live_server.url + path)
        assert_accessible(page, f"{locale} {path}")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + "/auth/register")
    assert_accessible(page, f"{locale} register at 320px")
