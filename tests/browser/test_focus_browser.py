"""Keyboard focus stays visible in real Chromium (WCAG 2.4.11 Focus Not Obscured): tabbing through a long
ballot never leaves the focused control under the ballot's sticky running total, on a phone (320 px) and in
a 1280 x 800 window zoomed to 200 % (which lays the page out in 640 x 400 CSS pixels), in English and Urdu."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from tests.browser.conftest import sign_in
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward

pytestmark = pytest.mark.browser

# (width, height) in CSS pixels: a phone, a 1280 x 800 window at 200 % zoom, and a desktop window (where
# the total stays sticky).
VIEWPORTS = {"phone-320": (320, 640), "1280-at-200%": (640, 400), "desktop-1024": (1024, 800)}

# Where the focused element is, and whether the sticky total (or anything else) covers it: the focused box
# must be inside the window, must not intersect the running total's box, and the element painted at its
# centre must be the focused element itself (or inside it, e.g. a label's text).
FOCUS_REPORT = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const total = document.querySelector('.running-total').getBoundingClientRect();
  const line = el.getClientRects()[0] || r;  // a link that wraps: the middle of its first line is its own
  const cx = line.left + line.width / 2, cy = line.top + line.height / 2;
  const hit = document.elementFromPoint(cx, cy);
  const overlap = Math.min(r.bottom, total.bottom) - Math.max(r.top, total.top) > 0.5 &&
                  Math.min(r.right, total.right) - Math.max(r.left, total.left) > 0.5;
  return {
    id: el.id || el.tagName + ' ' + (el.getAttribute('href') || el.value || el.textContent.trim()),
    inWindow: r.top >= -0.5 && r.bottom <= innerHeight + 0.5,
    underTotal: overlap,
    painted: !!hit && (hit === el || el.contains(hit) || (!!el.labels && [...el.labels].some(l => l.contains(hit)))),
  };
}"""


@pytest.fixture(scope="module")
def long_ballot(live):
    """A knapsack ballot with many projects, and a resident who reads English and one who reads Urdu."""
    app = live.app()
    with app.app_context():
        area = make_area(name="Bedwell")
        ward = make_ward(name="Bedwell", area=area, postcodes=["FL2 1AA"])
        round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                            voting_close_at=datetime.now(UTC) + timedelta(days=2))
        pot = make_pot(round_=round_, name="Community grants", amount_pence=30_000_00, ballot_type="knapsack",
                       max_choices=None)
        for n in range(14):
            make_proposal(pot=pot, title=f"Project {n + 1}: benches, bulbs and bins for the green",
                          summary="A short description of what the project does and for whom.",
                          cost_pence=(n + 2) * 1_000_00, status="feasible", on_ballot=True)
        make_user(email="focus-en@example.org", ward=ward, locale="en")
        make_user(email="focus-ur@example.org", ward=ward, locale="ur")
        db.session.commit()
        pot_id = pot.id
        db.session.remove()
    return pot_id


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("language", ["en", "ur"])
def test_tabbing_through_a_long_ballot_never_hides_the_focus_under_the_running_total(
        live, new_page, long_ballot, language, viewport):
    width, height = VIEWPORTS[viewport]
    page = new_page(width=width, height=height)
    sign_in(page, live, f"focus-{language}@example.org")
    page.goto(f"{live.url}/voting/pots/{long_ballot}")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("input[name=project]").count() == 14

    seen, hidden = [], []
    for _ in range(200):
        page.keyboard.press("Tab")
        report = page.evaluate(FOCUS_REPORT)
        if report is None or (seen and report["id"] == seen[0]):
            break
        seen.append(report["id"])
        if not report["inWindow"] or report["underTotal"] or not report["painted"]:
            hidden.append(report)
    boxes = [name for name in seen if name.startswith("project-")]
    assert len(boxes) == 14, f"not every project could be reached with Tab: {seen}"
    assert any("cast" in name for name in seen), f"the cast button could not be reached with Tab: {seen}"
    assert hidden == [], f"focus hidden at {viewport} in {language}: {hidden}"


def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    """WCAG contrast ratio of two sRGB colours given as (r, g, b)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rgb(css):
    numbers = re.findall(r"[\d.]+", css)
    assert len(numbers) == 3 or (len(numbers) == 4 and float(numbers[3]) == 1), f"not an opaque colour: {css}"
    return tuple(int(float(n)) for n in numbers[:3])


FOCUS_STYLE = """el => {
  const s = getComputedStyle(el);
  let around = el.parentElement;
  while (around && getComputedStyle(around).backgroundColor === 'rgba(0, 0, 0, 0)') around = around.parentElement;
  return {background: s.backgroundColor, color: s.color, shadow: s.boxShadow,
          page: around ? getComputedStyle(around).backgroundColor : 'rgb(255, 255, 255)'};
}"""


@pytest.mark.parametrize("button", ["cast", "update"])
def test_a_focused_button_has_an_indicator_of_at_least_3_to_1(live, page, long_ballot, button):
    """The indicator is the dark bar (GOV.UK Frontend's focus state) under the yellow button: it must reach 3:1 against the page and
    against the button's focused colour, and the text must stay readable (4.5:1) on the focus colour."""
    sign_in(page, live, "focus-en@example.org")
    page.goto(f"{live.url}/voting/pots/{long_ballot}")
    selector = f"button[value={button}]"
    unfocused = page.eval_on_selector(selector, "el => getComputedStyle(el).backgroundColor")
    page.focus("input[name=project] >> nth=-1")
    for _ in range(5):
        page.keyboard.press("Tab")  # the keyboard, so :focus-visible applies
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            break
    style = page.eval_on_selector(selector, FOCUS_STYLE)
    assert style["background"] != unfocused, "focus does not change the button"
    match = re.match(r"(rgba?\([^)]*\)) 0px (\d+(?:\.\d+)?)px 0px", style["shadow"])
    assert match, f"no bar under the focused button: {style['shadow']}"
    bar, thickness = _rgb(match.group(1)), float(match.group(2))
    background, text, around = _rgb(style["background"]), _rgb(style["color"]), _rgb(style["page"])
    assert thickness >= 2, f"the focus bar is {thickness}px"  # GOV.UK Frontend's: 2 px of black under yellow
    assert contrast(bar, around) >= 3, f"focus bar {bar} on the page {around}: {contrast(bar, around):.2f}:1"
    assert contrast(bar, background) >= 3, f"focus bar {bar} on the button {background}"
    assert contrast(text, background) >= 4.5, f"text {text} on the focused button {background}"


def _tab_to_summary_link(page, n=0):
    assert page.evaluate("document.activeElement.matches('[data-error-summary]')"), "focus is not on the summary"
    for _ in range(n + 1):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('[data-error-summary] a')"), "no link in the summary"


def test_enter_on_an_error_summary_link_moves_the_keyboard_to_the_field(live, page):
    page.goto(live.url + "/auth/login")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    links = page.eval_on_selector_all("[data-error-summary] a", "links => links.map(a => a.getAttribute('href'))")
    assert links[:2] == ["#email", "#password"], links
    _tab_to_summary_link(page, 1)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type("typed where the focus is")  # the keyboard really is in the field
    assert page.input_value("#password") == "typed where the focus is"


def test_enter_on_a_summary_link_to_a_group_of_checkboxes_focuses_the_first_one(live, new_page, long_ballot):
    page = new_page(width=320, height=640)
    sign_in(page, live, "focus-ur@example.org")
    page.goto(f"{live.url}/voting/pots/{long_ballot}")
    for box in page.locator("input[name=project]").all():
        box.check()  # far over the pot
    with page.expect_navigation():
        page.click("button[value=cast]")
    # As the Design System links a group of checkboxes: to the first one.
    first = page.eval_on_selector("#projects input[name=project]", "el => el.id")
    assert page.eval_on_selector("[data-error-summary] a", "a => a.getAttribute('href')") == f"#{first}"
    _tab_to_summary_link(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == first
    report = page.evaluate(FOCUS_REPORT)
    assert report["inWindow"] and report["painted"], report
