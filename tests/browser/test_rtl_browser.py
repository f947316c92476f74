"""Right to left in real Chromium: the ballot (every ballot type) and the translators' pages in Urdu are
mirrored, keep £ amounts readable left to right, pass axe-core WCAG 2.x A/AA and do not scroll sideways
at 320 px; the pagination's arrows point the way an Urdu reader goes, and titles align by their own script."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale, gettext
from PIL import Image

from app.extensions import db
from app.models import ContentTranslation
from app.models.content import ContentSource
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward

pytestmark = pytest.mark.browser
BALLOT_TYPES = {"approval": {"max_choices": 2}, "knapsack": {}, "cumulative": {"total_points": 10,
                                                                                "max_points_per_project": 5},
                "ranked": {"max_choices": 3}}


@pytest.fixture(scope="module")
def urdu_round(live):
    """A round open for voting with one pot per ballot type, a resident and a translator who read Urdu."""
    app = live.app()
    with app.app_context():
        # ContentSource is new in app/models/content.py; until the migration is regenerated the live
        # database (built by `flask db upgrade`) lacks it. checkfirst makes this a no-op afterwards.
        ContentSource.__table__.create(db.engine, checkfirst=True)
        area = make_area(name="Chells & Manor")
        ward = make_ward(name="Chells", area=area, postcodes=["FL1 3AB"])
        round_ = make_round(area=area, phase="voting", title="Chells & Manor community grants",
                            voting_open_at=datetime.now(UTC) - timedelta(days=1))
        pots = {}
        for ballot_type, limits in BALLOT_TYPES.items():
            pot = make_pot(round_=round_, name=f"Grants ({ballot_type})", ballot_type=ballot_type,
                           instructions="Read each project, then choose.", **limits)
            for title, cost in (("Benches for the park", 4_000_00), ("A community garden", 12_500_50),
                                ("Youth football kit and coaching for a whole season", 7_000_00)):
                make_proposal(pot=pot, title=title, cost_pence=cost, status="feasible", on_ballot=True)
            pots[ballot_type] = pot.id
        # The approval pot's name and instructions are translated into Urdu; the others fall back.
        for field, text in (("name", "پارک اور گلیاں"), ("instructions", "ہر منصوبہ پڑھیں، پھر انتخاب کریں۔")):
            db.session.add(ContentTranslation(entity="pot", entity_id=pots["approval"], field=field, locale="ur",
                                              text=text, source_hash="0" * 64, reviewed=True))
        upcoming = make_round(area=area, phase="proposals", title="Next year's grants")  # not frozen for translators
        pots["upcoming"] = make_pot(round_=upcoming, name="Grants (ranked)", ballot_type="ranked", max_choices=3).id
        make_user(email="nadia@example.org", ward=ward, locale="ur")
        make_user(role="translator", email="tariq@example.org", ward=ward, locale="ur")
        db.session.commit()
        db.session.remove()
    return pots


@pytest.mark.parametrize("ballot_type", sorted(BALLOT_TYPES))
def test_the_ballot_in_urdu_is_mirrored_readable_and_accessible(live, page, urdu_round, ballot_type):
    sign_in(page, live, "nadia@example.org")
    page.goto(f"{live.url}/voting/pots/{urdu_round[ballot_type]}")
    assert page.locator("html").get_attribute("lang") == "ur"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "بیلٹ" in page.inner_text("h1")
    assert_accessible(page, f"ballot ({ballot_type}, ur)")

    # Mirrored: the heading starts at the right-hand edge of the page.
    heading = page.locator("h1").bounding_box()
    main = page.locator("main").bounding_box()
    assert heading["x"] + heading["width"] > main["x"] + main["width"] - 40
    # £ amounts keep their own left-to-right order inside right-to-left text.
    amount = page.get_by_role("group").locator(".amount").first
    assert amount.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert "£" in amount.inner_text() and "£12,500.50" in page.inner_text("main")

    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    assert_accessible(page, f"ballot ({ballot_type}, ur) at 320px")


def test_translated_pot_names_show_in_urdu_and_the_rest_falls_back(live, page, urdu_round):
    sign_in(page, live, "nadia@example.org")
    page.goto(f"{live.url}/voting/pots/{urdu_round['approval']}")
    assert "پارک اور گلیاں" in page.inner_text("h1")
    assert "ہر منصوبہ پڑھیں" in page.inner_text("main")
    # A project written in English is marked as English, so screen readers switch voice.
    label = page.locator("label[for^=project-]").first
    assert label.get_attribute("lang") == "en"
    if page.get_by_role("checkbox").count():
        box, text = page.get_by_role("checkbox").first.bounding_box(), label.bounding_box()
        assert box["x"] > text["x"]  # the tick box sits on the right, before the words, in Urdu


def test_translators_pages_in_urdu_are_accessible_at_320px(live, page, urdu_round):
    sign_in(page, live, "tariq@example.org")
    for path in ("/translate/", "/translate/ur/", f"/translate/ur/pot/{urdu_round['knapsack']}"):
        page.set_viewport_size({"width": 1024, "height": 800})
        page.goto(live.url + path)
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert_accessible(page, f"{path} (ur)")
        page.set_viewport_size({"width": 320, "height": 640})
        page.reload()
        assert_accessible(page, f"{path} (ur) at 320px")


def test_a_translator_saves_content_side_by_side_in_the_browser(live, page, urdu_round):
    sign_in(page, live, "tariq@example.org")
    page.goto(f"{live.url}/translate/ur/pot/{urdu_round['upcoming']}")  # a ballot text freezes while voting is open
    original, field = page.locator("#original-name-text"), page.locator("#name")
    assert original.get_attribute("lang") == "en" and original.get_attribute("dir") == "ltr"
    assert field.get_attribute("lang") == "ur" and field.get_attribute("dir") == "rtl"
    assert original.bounding_box()["x"] > field.bounding_box()["x"]  # original first, on the right
    field.fill("درجہ بندی کے گرانٹ")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "ترجمہ محفوظ ہو گیا" in page.inner_text("main")
    assert_accessible(page, "after saving (ur)")


@pytest.fixture(scope="module")
def many_ideas(live):
    """A round taking ideas with three pages of them (20 a page): English titles, and one written in Urdu."""
    app = live.app()
    with app.app_context():
        area = make_area(name="Shephall")
        ward = make_ward(name="Shephall Green", area=area, postcodes=["FL1 4AB"])
        round_ = make_round(area=area, phase="proposals", title="Shephall ideas")
        pot = make_pot(round_=round_, name="Shephall grants")
        author = make_user(email="idris@example.org", ward=ward)
        for n in range(1, 46):
            make_proposal(pot=pot, author=author, title=f"Benches for the park {n}", status="submitted")
        # Typed in English by someone reading the site in Urdu: the title is English whatever its record says.
        make_proposal(pot=pot, author=author, title="Benches for the park by the pond", original_locale="ur",
                      status="submitted")
        make_proposal(pot=pot, author=author, title="پارک میں بینچ", original_locale="ur", status="submitted")
        db.session.commit()
        round_id = round_.id
        db.session.remove()
    return round_id


def _arrow_points(icon):
    """Which way an arrow icon points, from its pixels: an arrow's head holds more ink than its shaft, so the
    ink's centre lies towards the head."""
    image = Image.open(io.BytesIO(icon.screenshot())).convert("L")
    width, height = image.size
    ink = [(x, 255 - image.getpixel((x, y))) for x in range(width) for y in range(height)
           if image.getpixel((x, y)) < 128]
    centre = sum(x * weight for x, weight in ink) / sum(weight for _, weight in ink)
    return "left" if centre < (width - 1) / 2 else "right"


def _text_gaps(heading):
    """Space between a heading's words and its box's left and right edges."""
    return heading.evaluate("""h => { const range = document.createRange(); range.selectNodeContents(h);
        const words = range.getBoundingClientRect(), box = h.getBoundingClientRect();
        return [words.left - box.left, box.right - words.right]; }""")


@pytest.mark.parametrize("locale", ["en", "ur"])
def test_pagination_arrows_point_the_way_the_reader_goes_and_titles_align_by_their_own_script(live, new_page,
                                                                                              many_ideas, locale):
    page = new_page(locale=locale)
    page.goto(f"{live.url}/proposals/?round={many_ideas}&page=2")
    assert page.locator("html").get_attribute("dir") == ("rtl" if locale == "ur" else "ltr")
    app = live.app()
    with app.test_request_context(), force_locale(locale):
        previous_word, next_word = gettext("Previous"), gettext("Next")
    assert locale == "en" or previous_word != "Previous"
    previous = page.get_by_role("link", name=previous_word)
    following = page.get_by_role("link", name=next_word)
    assert "page=1" in previous.get_attribute("href") and "page=3" in following.get_attribute("href")
    # Reading from the right, "previous" is on the right and its arrow points right, back the way the reader
    # came; "next" is on the left and points left. An English reader sees the mirror image.
    back, forward = ("right", "left") if locale == "ur" else ("left", "right")
    assert _arrow_points(previous.locator("svg")) == back
    assert _arrow_points(following.locator("svg")) == forward
    previous_box, next_box = previous.bounding_box(), following.bounding_box()
    assert (previous_box["x"] > next_box["x"]) == (locale == "ur")
    assert_accessible(page, f"ideas, page 2 ({locale})")

    # A title takes its alignment from its own words: English from the left, Urdu from the right, on either page.
    page.goto(f"{live.url}/proposals/?round={many_ideas}")
    english = _text_gaps(page.get_by_role("heading", name="Benches for the park by the pond"))
    urdu = _text_gaps(page.get_by_role("heading", name="پارک میں بینچ"))
    assert english[0] < 2 < english[1], english
    assert urdu[1] < 2 < urdu[0], urdu
