"""Screenshots of every page type in English and Urdu at 320 and 1024 px, written as test artefacts to
test-artifacts/screenshots/ (gitignored) for people to look at: one page of each part of the product (the
first page each blueprint shows in the gates' world, as the person it is shown to), a form in its error
state, the error page and the check-and-confirm pages. One browser, one page per person, reused.

Also here, on the same world: Urdu pages are right to left with rtl.css loaded; the council's brand colour
and logo show on every page and a colour white text cannot be read on is refused; and axe-core passes in all
five languages at 320 and 1024 px over a representative set of pages (the full matrix of every page is
tests/browser/test_every_route_browser.py with NB_A11Y_FULL=1).
"""

import io
import re

import pytest
from PIL import Image

from tests.browser.conftest import ARTIFACTS, axe_violations, horizontal_scroll, sign_in
from tests.browser.test_every_route_browser import EMAILS, _sample, world_pages  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "screenshots"
LANGUAGES = ("en", "cy", "pl", "ur", "pa")
WIDTHS = (320, 1024)


def _label(path):
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"


def _representative(pages):
    """The first page of each blueprint, plus every check-and-confirm page ("confirm" in its endpoint)."""
    chosen = list(_sample(pages))
    chosen += [page for page in pages if "confirm" in page[2] and page not in chosen and page[3] == 200]
    return [(path, role, endpoint) for path, role, endpoint, status in chosen if status == 200]


@pytest.fixture(scope="module")
def people_pages(browser, live):
    """One browser context and page per person, signed in once, reused by every test here."""
    contexts, pages = [], {}

    def page_for(role):
        if role not in pages:
            context = browser.new_context(viewport={"width": 1024, "height": 800})
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live.url)
                          else route.abort())
            page = context.new_page()
            page.set_default_timeout(15000)
            if role != "anonymous":
                sign_in(page, live, EMAILS[role])
            contexts.append(context)
            pages[role] = page
        return pages[role]

    yield page_for
    for context in contexts:
        context.close()


def _in_language(page, live, lang):
    page.goto(f"{live.url}/language/{lang}?next=/")
    assert page.locator("html").get_attribute("lang") == lang


def test_screenshots_of_every_page_type_in_english_and_urdu(live, world_pages, people_pages):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    written = []
    pages = _representative(world_pages)
    for lang in ("en", "ur"):
        for role in {role for _, role, _ in pages} | {"anonymous"}:
            _in_language(people_pages(role), live, lang)
        for width in WIDTHS:
            for path, role, endpoint in pages:
                page = people_pages(role)
                page.set_viewport_size({"width": width, "height": 800})
                page.goto(live.url + path)
                name = SHOTS / f"{lang}-{width}-{endpoint}.png"
                page.screenshot(path=str(name), full_page=True)
                written.append(name)
            visitor = people_pages("anonymous")
            visitor.set_viewport_size({"width": width, "height": 800})
            visitor.goto(live.url + "/no-such-page")
            visitor.screenshot(path=str(SHOTS / f"{lang}-{width}-error-404.png"), full_page=True)
            visitor.goto(live.url + "/auth/register")
            with visitor.expect_navigation():
                visitor.locator("main form button[type=submit]").click()
            assert visitor.get_by_role("alert").count() >= 1  # the error summary
            visitor.screenshot(path=str(SHOTS / f"{lang}-{width}-auth.register-errors.png"), full_page=True)
            written += [SHOTS / f"{lang}-{width}-error-404.png", SHOTS / f"{lang}-{width}-auth.register-errors.png"]
    assert all(path.stat().st_size > 0 for path in written)
    print(f"\n{len(written)} screenshots in {SHOTS}")


def test_urdu_pages_are_right_to_left_with_the_overrides_loaded(live, people_pages):
    page = people_pages("anonymous")
    _in_language(page, live, "ur")
    page.set_viewport_size({"width": 1024, "height": 800})
    for path in ("/", "/auth/register", "/results/"):
        page.goto(live.url + path)
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.evaluate("[...document.styleSheets].some(s => (s.href || '').endsWith('/css/rtl.css'))")
    # Mirrored: the checkbox sits at the right of its label, the error bar on the right of the field.
    page.goto(live.url + "/auth/register")
    box = page.get_by_role("checkbox").first.bounding_box()
    label = page.locator("label[for='{}']".format(page.get_by_role("checkbox").first.get_attribute("id")))
    assert box["x"] > label.bounding_box()["x"]
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    bar = page.evaluate("getComputedStyle(document.querySelector('.govuk-form-group--error')).borderRightWidth")
    assert bar == "5px"
    _in_language(page, live, "en")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert not page.evaluate("[...document.styleSheets].some(s => (s.href || '').endsWith('/css/rtl.css'))")


def _png():
    out = io.BytesIO()
    Image.new("RGBA", (240, 80), (255, 255, 255, 255)).save(out, format="PNG")
    return out.getvalue()


def test_the_councils_colour_and_logo_show_and_a_low_contrast_colour_is_refused(live, world_pages, people_pages):  # noqa: F811
    admin = people_pages("admin")
    _in_language(admin, live, "en")
    admin.set_viewport_size({"width": 1024, "height": 800})
    admin.goto(live.url + "/admin/council")
    admin.get_by_label("Contact e-mail address").fill("grants@fernleigh.example")
    admin.get_by_label("Contact phone number").fill("01632 960000")
    admin.get_by_label("This site's public address").fill("https://budgets.fernleigh.example")
    admin.get_by_label("Brand colour (optional)").fill("#ffdd00")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Save details").click()
    assert admin.get_by_role("alert").filter(has_text="Choose a darker brand colour").count() == 1, admin.inner_text("main")[:600]

    admin.get_by_label("Brand colour (optional)").fill("#5c2d91")
    admin.get_by_label("Logo (optional)").set_input_files(files=[{"name": "logo.png", "mimeType": "image/png",
                                                                  "buffer": _png()}])
    with admin.expect_navigation():
        admin.get_by_role("button", name="Save details").click()
    assert admin.get_by_text("The council's details are saved.").count() == 1

    visitor = people_pages("anonymous")
    visitor.goto(live.url + "/")
    header = visitor.locator("header .nb-council-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(92, 45, 145)"
    logo = visitor.locator("header img")
    assert logo.count() == 1 and logo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert axe_violations(visitor) == []
    visitor.screenshot(path=str(SHOTS / "en-1024-brand.png"))


@pytest.mark.parametrize("width", WIDTHS)
def test_representative_pages_pass_axe_in_every_language(live, world_pages, people_pages, width):  # noqa: F811
    problems = []
    pages = _representative(world_pages)
    for lang in LANGUAGES:
        for role in {role for _, role, _ in pages} | {"anonymous"}:
            _in_language(people_pages(role), live, lang)
        for path, role, endpoint in pages:
            page = people_pages(role)
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(live.url + path)
            if page.locator("html").get_attribute("lang") != lang:
                problems.append(f"{lang} {width} {endpoint}: page not in {lang}")
            if violations := axe_violations(page):
                problems.append(f"{lang} {width} {endpoint}: {violations}")
            if horizontal_scroll(page):
                problems.append(f"{lang} {width} {endpoint}: horizontal scroll")
    for role in {role for _, role, _ in pages} | {"anonymous"}:
        _in_language(people_pages(role), live, "en")
    assert problems == []
