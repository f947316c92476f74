"""Wide tables at 320 px: a table that does not fit scrolls sideways inside a region that the keyboard reaches
with Tab, that a screen reader names by the table's caption, and that the arrow keys scroll (the Design
System's answer for wide tables), in English and in Urdu."""

import pytest

from app.extensions import db
from app.models import DecisionRecord
from tests.browser.conftest import assert_accessible, published_scenario, sign_in

pytestmark = pytest.mark.browser

# Every scrolling box around a table in main: whether the keyboard can reach it, its role and accessible name
# (aria-labelledby or aria-label, as a screen reader reads it) and its table's caption.
SCROLLERS = """() => [...document.querySelectorAll('main table')].map(table => {
    let box = table.parentElement;
    while (box && box.tagName !== 'MAIN' && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) {
        box = box.parentElement;
    }
    if (!box || box.tagName === 'MAIN' || box.scrollWidth <= box.clientWidth + 1) { return null; }
    const named = (box.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean)
        .map(id => document.getElementById(id)?.textContent.trim() || '').join(' ') || box.getAttribute('aria-label') || '';
    return {tabindex: box.getAttribute('tabindex'), role: box.getAttribute('role'), name: named.replace(/\\s+/g, ' '),
            caption: (table.caption?.textContent || '').trim().replace(/\\s+/g, ' ')};
}).filter(Boolean)"""


@pytest.fixture(scope="module")
def published(live):
    def pick(s):
        record = db.session.query(DecisionRecord).filter_by(round_id=s.round.id).one()
        return {"round": s.round.id, "record": record.id, "officer": s.officer.email}
    return published_scenario(live, pick)


def _tab_to(page, box, presses=120):
    """Press Tab until the box has the keyboard focus; False if it never does."""
    page.locator("body").focus()
    for _ in range(presses):
        page.keyboard.press("Tab")
        if box.evaluate("b => b === document.activeElement"):
            return True
    return False


@pytest.mark.parametrize("locale", ["en", "ur"])
def test_wide_tables_at_320_px_scroll_in_named_regions_the_keyboard_reaches_and_scrolls(live, new_page, published,
                                                                                        locale):
    page = new_page(locale="en", width=320, height=640)
    sign_in(page, live, published["officer"])
    page.goto(f"{live.url}/language/{locale}")
    r = published["round"]
    paths = [f"/officer/rounds/{r}", f"/officer/rounds/{r}/count", f"/officer/rounds/{r}/participation",
             f"/officer/rounds/{r}/paper?name=voter&postcode=", "/delivery/", f"/results/rounds/{r}/decision"]
    seen = 0
    for path in paths:
        page.goto(live.url + path)
        assert page.locator("html").get_attribute("dir") == ("rtl" if locale == "ur" else "ltr")
        for found in page.evaluate(SCROLLERS):
            seen += 1
            assert found["role"] == "region" and found["tabindex"] == "0", (path, found)
            assert found["name"] and found["name"] == found["caption"], (path, found)
            region = page.get_by_role("region", name=found["name"], exact=True)
            assert region.count() >= 1, (path, found)
            region = region.first
            assert _tab_to(page, region), f"{path}: Tab never reaches the table {found['name']!r}"
            start = region.evaluate("b => b.scrollLeft")
            # The arrow key towards the table's hidden end: right in English, left in Urdu.
            page.keyboard.press("ArrowRight" if locale == "en" else "ArrowLeft")
            page.wait_for_function("([b, start]) => b.scrollLeft !== start", arg=[region.element_handle(), start])
        assert_accessible(page, f"{path} at 320 px ({locale})")
    assert seen, "no table was wider than the screen: the test checked nothing"
