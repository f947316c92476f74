"""Published results in real Chromium: the chart in Urdu draws every label inside its own box and no score
on a dark bar; amounts never break inside; the results and turnout tables reflow at 320 px, in Urdu and
English, with axe-core WCAG 2.x A/AA passing."""

import pytest

from app.extensions import db
from app.models import ProposalTranslation
from tests.browser.conftest import assert_accessible, published_scenario, record_step, sign_in
from tests.support.results_scenarios import add_electorate, add_voters

pytestmark = pytest.mark.browser

OVERLAP = """([a, b]) => !(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top)"""


@pytest.fixture(scope="module")
def published_round(live):
    """A published round: Garden (translated into Urdu) deferred by the board although the count selected it,
    Lights funded by the board although it did not, 26 residents in one ward with electorate figures."""
    def also(s):
        s.garden.title = "A community garden with raised beds for the whole street"
        add_voters(s.pot, [[s.garden.id, s.bench.id]] * 20, age_band="35-44")
        add_electorate(s.ward, {"18-24": 1_200, "25-34": 1_450, "35-44": 1_300, "65-74": 900})
        db.session.add(ProposalTranslation(proposal_id=s.garden.id, locale="ur",
                                           title="پوری گلی کے لیے اونچی کیاریوں والا کمیونٹی باغ",
                                           summary="ایک کمیونٹی باغ۔", source_hash="0" * 64, reviewed=True))
        s.count()
        s.decide_and_confirm(garden=("defer", 0, "Waiting for the landowner's consent."),
                             lights=("fund", 5_000_00, "The board funds the lights from what is left."))

    return published_scenario(live, lambda s: {"round": s.round.id}, also, phase="counting")


def _chart_geometry(page):
    return page.evaluate("""() => [...document.querySelectorAll('figure.chart svg')].map(svg => {
        const box = svg.getBoundingClientRect();
        const texts = [...svg.querySelectorAll('text')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                    fill: getComputedStyle(t).fill};
        });
        const bars = [...svg.querySelectorAll('rect')].map(b => {
            const r = b.getBoundingClientRect();
            return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, fill: b.getAttribute('fill')};
        });
        return {box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom}, texts, bars};
    })""")


def _assert_chart_drawn_inside_and_readable(page):
    charts = _chart_geometry(page)
    assert charts, "no chart"
    for chart in charts:
        box = chart["box"]
        for text in chart["texts"]:
            assert text["right"] - text["left"] > 1, f"{text['text']!r} is not drawn"
            assert box["left"] - 1 <= text["left"] and text["right"] <= box["right"] + 1, \
                f"{text['text']!r} is drawn outside the chart {box}: {text}"
            for bar in chart["bars"]:
                if bar["right"] - bar["left"] > 0.5:
                    assert not page.evaluate(OVERLAP, [text, bar]), f"{text['text']!r} is drawn on a bar"


def test_the_chart_in_urdu_is_mirrored_inside_its_box_with_no_label_on_a_bar(live, new_page, published_round):
    page = new_page(locale="ur")
    page.goto(f"{live.url}/results/rounds/{published_round['round']}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    record_step(page, "results in Urdu")
    _assert_chart_drawn_inside_and_readable(page)
    chart = _chart_geometry(page)[0]
    # Mirrored: names start at the right-hand edge, bars grow from the right.
    names = [t for t in chart["texts"] if "باغ" in t["text"] or "Bench" in t["text"] or "Lights" in t["text"]]
    assert len(names) == 3 and all(chart["box"]["right"] - t["right"] < 12 for t in names)
    assert all(chart["box"]["right"] - b["right"] < 12 for b in chart["bars"])
    # Words, not colour: the count's selection and the board's decision are both said in Urdu.
    statuses = " ".join(t["text"] for t in chart["texts"])
    assert "بورڈ: مؤخر" in statuses and "بورڈ: رقم دی گئی" in statuses
    assert_accessible(page, "results in Urdu")


@pytest.mark.parametrize("locale", ["en", "ur"])
def test_results_and_turnout_reflow_at_320_px_and_amounts_never_break(live, new_page, published_round, locale):
    page = new_page(locale=locale, width=320, height=640)
    for path in (f"/results/rounds/{published_round['round']}", f"/results/rounds/{published_round['round']}/participation"):
        page.goto(live.url + path)
        record_step(page, f"{path} at 320 px ({locale})")
        assert_accessible(page, f"{path} at 320 px ({locale})")
        # No table scrolls sideways inside its wrapper either: the rows are laid out one under another.
        wide = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')]
            .filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.querySelector('caption')?.textContent)""")
        assert wide == [], f"{path}: tables wider than the screen: {wide}"
        # Every amount and number sits on one line ("£6,000", never "£6," / "000").
        # A figure is broken when its words sit on more than one line (whatever the padding of its cell).
        broken = page.evaluate("""() => [...document.querySelectorAll('main .amount, main td.govuk-table__cell--numeric')]
            .filter(e => { if (!/^[£\\d.,%\\s]+$|GBP/.test(e.textContent.trim())) return false;
                           const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT), lines = new Set();
                           for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                             const range = document.createRange(); range.selectNodeContents(node);
                             [...range.getClientRects()].filter(r => r.width > 0)
                               .forEach(r => lines.add(Math.round(r.top / 4)));
                           }
                           return lines.size > 1; })
            .map(e => e.textContent)""")
        assert broken == [], f"{path}: numbers broken across lines: {broken}"
    if locale == "ur":
        page.goto(f"{live.url}/results/rounds/{published_round['round']}")
        _assert_chart_drawn_inside_and_readable(page)


def test_amounts_do_not_break_in_a_wide_table(live, new_page, published_round):
    """At 1280 px the board's column squeezed "£2,900" into "£2,9" / "00"."""
    page = new_page(width=1280)
    page.goto(f"{live.url}/results/rounds/{published_round['round']}")
    heights = page.evaluate("""() => [...document.querySelectorAll('main table .amount')]
        .map(e => e.getClientRects().length)""")
    assert heights and set(heights) == {1}


@pytest.mark.parametrize("locale", ["en", "ur"])
def test_the_officers_electorate_page_and_its_errors_are_accessible(live, new_page, published_round, locale):
    from tests.factories import make_user

    app = live.app()
    email = f"electorate-officer-{locale}@example.org"
    with app.app_context():
        make_user(role="officer", email=email, locale=locale)
        db.session.commit()
        db.session.remove()
    page = new_page(locale=locale)
    sign_in(page, live, email)
    page.goto(f"{live.url}/officer/electorate")
    assert_accessible(page, f"electorate page ({locale})")
    page.fill("#source", "")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("[data-error-summary]").count() == 1
    record_step(page, f"electorate errors ({locale})")
    assert_accessible(page, f"electorate page with errors ({locale})")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live.url}/officer/electorate")
    assert_accessible(page, f"electorate page at 320 px ({locale})")
