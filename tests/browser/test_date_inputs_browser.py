"""The dates staff type are GOV.UK date inputs (day, month and year boxes) in real Chromium: the board's meeting
date, a delivery's target date and a milestone's date, the paper-ballot search's date of birth, the electorate
figures' date and the audit log's filters. An impossible date (31 February) comes back with the error beside
its boxes and an error summary whose link takes the keyboard to the box to fix; the page passes axe-core and
does not scroll sideways, in English and Urdu at 320 and 1024 px. Screenshots of each error state go to
test-artifacts/screenshots/."""

import pytest

from tests.browser.conftest import ARTIFACTS, assert_accessible, fill_date, published_scenario, sign_in
from tests.factories import make_user

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "screenshots"


@pytest.fixture(scope="module")
def published(live):
    return published_scenario(
        live, lambda s: {"round": s.round.id, "garden": s.garden.id, "officer": s.officer.email,
                         "board": s.members[0].email, "ward": s.ward.id},
        also=lambda s: make_user(role="admin", email="ada.admin@example.org"))


# (who, page, the date's legend, the button that sends it)
FORMS = {
    "meeting date": ("board", "/board/rounds/{round}/decision?correct=1", "Meeting date", "Save the decision record"),
    "target date": ("officer", "/delivery/projects/{garden}/manage", "Target date (optional)", "Save delivery record"),
    "milestone date": ("officer", "/delivery/projects/{garden}/manage", "Date", "Add milestone"),
    "date of birth": ("officer", "/officer/rounds/{round}/paper?name=voter", "Date of birth", "Find resident"),
    "figures date": ("officer", "/officer/electorate?ward={ward}", "Date the figures describe", "Save the figures"),
    "audit from": ("admin", "/admin/audit", "From (date)", "Filter"),
}
EMAIL = {"board": "board", "officer": "officer"}


@pytest.mark.parametrize("locale", ["en", "ur"])
@pytest.mark.parametrize("which", sorted(FORMS))
def test_an_impossible_date_is_explained_beside_its_boxes_and_the_summary_takes_you_to_the_day(
        live, new_page, published, which, locale):
    who, path, legend, button = FORMS[which]
    page = new_page(locale="en")
    sign_in(page, live, published[EMAIL[who]] if who in EMAIL else "ada.admin@example.org")
    words = (lambda text: text) if locale == "en" else (lambda text: _urdu(live, text))
    if locale == "ur":
        page.goto(f"{live.url}/language/ur?next=/")
    url = live.url + path.format(**published)
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == locale
    fill_date(page, words(legend), 31, 2, 2026, labels=tuple(words(part) for part in ("Day", "Month", "Year")))
    if which == "milestone date":
        page.get_by_label(words("Milestone"), exact=True).fill("Beds dug")
    if which == "figures date":
        page.get_by_label(words("Source of the figures"), exact=True).fill("Electoral register")
    with page.expect_navigation():
        page.get_by_role("button", name=words(button), exact=True).click()

    summary = page.get_by_role("alert")
    assert summary.count() == 1, f"{which}: no error summary"
    link = summary.get_by_role("link").first
    day_id = link.get_attribute("href").lstrip("#")
    assert day_id.endswith("-day"), (which, day_id)
    assert "31" == page.locator(f"#{day_id}").input_value()  # kept as typed
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1024, 320):
        page.set_viewport_size({"width": width, "height": 800})
        assert_accessible(page, f"{which} error ({locale}, {width} px)")
        page.screenshot(path=str(SHOTS / f"date-input-{which.replace(' ', '-')}-{locale}-{width}.png"),
                        full_page=True)
    link.click()
    assert page.evaluate("() => document.activeElement.id") == day_id  # the keyboard is in the Day box
    if locale == "ur":  # read from the right: the day box is the rightmost of the three
        boxes = [page.locator(f"#{day_id[:-4]}-{part}").bounding_box()["x"] for part in ("day", "month", "year")]
        assert boxes[0] > boxes[1] > boxes[2], boxes


def _urdu(live, text):
    from flask_babel import force_locale, gettext

    with live.app().test_request_context(), force_locale("ur"):
        return gettext(text)


ROUND_TIMES = {"Proposals open (UK time)": (4, 1, 2027, "09:00"), "Proposals close (UK time)": (1, 2, 2027, "09:00"),
               "Voting opens (UK time)": (28, 3, 2027, "01:30"), "Voting closes (UK time)": (30, 4, 2027, "18:00")}


@pytest.mark.parametrize("locale", ["en", "ur"])
def test_a_time_the_clocks_skip_is_explained_beside_its_time_box(live, new_page, published, locale):
    """01:30 on 28 March 2027 never happens in the UK (1am GMT becomes 2am BST): refused beside the time box."""
    page = new_page(locale="en")
    sign_in(page, live, published["officer"])
    words = (lambda text: text) if locale == "en" else (lambda text: _urdu(live, text))
    if locale == "ur":
        page.goto(f"{live.url}/language/ur?next=/")
    page.goto(f"{live.url}/officer/rounds/new")
    page.locator("#title").fill("Spring grants")
    page.locator("#description").fill("Grants decided by residents.")
    page.locator("input[name=wards]").first.check()
    for legend, (day, month, year, time) in ROUND_TIMES.items():
        group = page.get_by_role("group", name=words(legend))
        for part, value in zip(("Day", "Month", "Year", "Time"), (day, month, year, time), strict=True):
            group.get_by_label(words(part), exact=True).fill(str(value))
    with page.expect_navigation():
        page.get_by_role("button", name=words("Save round"), exact=True).click()

    summary = page.get_by_role("alert")
    assert summary.count() == 1 and summary.get_by_role("link").count() == 1
    link = summary.get_by_role("link")
    assert link.get_attribute("href") == "#voting_open_at-time"
    beside = page.locator("#voting_open_at-error")
    assert beside.is_visible() and "01:30" in beside.inner_text()
    assert ("does not exist in the UK because the clocks go forward" in beside.inner_text()) == (locale == "en")
    if locale == "ur":
        assert page.locator("html").get_attribute("dir") == "rtl" and "برطانیہ میں موجود نہیں" in beside.inner_text()
    time_box = page.locator("#voting_open_at-time")
    assert time_box.input_value() == "01:30" and "govuk-input--error" in time_box.get_attribute("class")
    assert "govuk-input--error" not in page.locator("#voting_open_at-day").get_attribute("class")
    assert_accessible(page, f"clock change error ({locale})")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"clock-change-{locale}.png"), full_page=True)
    link.click()
    assert page.evaluate("() => document.activeElement.id") == "voting_open_at-time"
