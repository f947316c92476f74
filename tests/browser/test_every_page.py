"""Every top-level page, as each kind of person, in each of the five shipped languages: 0 axe-core WCAG
2.x A/AA violations and no horizontal scroll at 320 px, including the empty states (nothing to vote in,
no proposals, no rounds), the error pages (403, 404) and a form re-rendered with its error summary."""

import pytest

from app.extensions import db
from tests.browser.conftest import assert_accessible, horizontal_scroll
from tests.factories import PASSWORD, make_area, make_user, make_ward

pytestmark = pytest.mark.browser
LANGUAGES = ("en", "cy", "pl", "ur", "pa")
# (who, path, expected status): the pages each person reaches from the navigation, empty as a new
# service is, and the error answers a visitor meets.
PAGES = [
    ("visitor", "/", 200), ("visitor", "/accessibility", 200), ("visitor", "/privacy", 200),
    ("visitor", "/auth/register", 200), ("visitor", "/auth/reset", 200), ("visitor", "/results/", 200),
    ("visitor", "/proposals/", 200), ("visitor", "/voting/receipt", 200), ("visitor", "/no-such-page", 404),
    ("resident", "/voting/", 200), ("resident", "/proposals/mine", 200), ("resident", "/auth/account", 200),
    ("resident", "/officer/", 403),
    ("officer", "/officer/", 200), ("officer", "/officer/rounds/new", 200), ("officer", "/officer/geography", 200),
    ("board", "/board/", 200), ("translator", "/translate/", 200), ("admin", "/admin/users", 200),
]


@pytest.fixture(scope="module")
def people(live):
    """One person per role and language, each with that language saved as their preference."""
    app = live.app()
    with app.app_context():
        area = make_area(name="Bedwell & Pin Green")
        ward = make_ward(name="Bedwell", area=area)
        emails = {}
        for lang in LANGUAGES:
            for role in ("resident", "officer", "board", "translator", "admin"):
                email = f"{role}-{lang}@example.org"
                make_user(role=role, email=email, ward=ward, area=area, locale=lang)
                emails[role, lang] = email
        db.session.commit()
        db.session.remove()
    return emails


def _sign_in(page, live, email):
    page.goto(live.url + "/auth/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("form[action='/auth/logout']").count() == 1, f"could not sign in as {email}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_is_accessible_in_every_language(live, new_page, people, lang):
    checked = []
    pages = {"visitor": new_page(locale=lang)}  # a visitor's language comes from Accept-Language
    for who in ("resident", "officer", "board", "translator", "admin"):
        pages[who] = new_page(locale="en")  # a signed-in person's saved preference wins over the browser
        _sign_in(pages[who], live, people[who, lang])

    for who, path, status in PAGES:
        page = pages[who]
        answer = page.goto(live.url + path)
        assert answer.status == status, (who, path, answer.status)
        assert page.locator("html").get_attribute("lang") == lang, (who, path)
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ur" else "ltr"), (who, path)
        assert_accessible(page, f"{lang} {who} {path}")
        checked.append(path)

    # A form sent back with errors: the error summary and the inline messages must be accessible too.
    visitor = pages["visitor"]
    visitor.goto(live.url + "/auth/register")
    with visitor.expect_navigation():
        visitor.click("main button[type=submit]")
    assert visitor.locator(".error-summary").count() == 1
    visitor.wait_for_function("document.activeElement && document.activeElement.matches('[data-error-summary]')")
    assert_accessible(visitor, f"{lang} register with errors")

    # Reflow at 320 CSS px, on every page above (WCAG 1.4.10).
    wide = []
    for who, path, _ in PAGES:
        page = pages[who]
        page.set_viewport_size({"width": 320, "height": 640})
        page.goto(live.url + path)
        if horizontal_scroll(page):
            wide.append((who, path))
    assert wide == [], f"{lang}: horizontal scroll at 320px on {wide}"
    assert len(checked) == len(PAGES)
