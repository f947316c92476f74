"""The resident-facing pages (voting, project ideas, results, areas, delivery) in real Chromium, in English and
Urdu at 320 and 1024 px: axe-core finds no WCAG 2.x A/AA violation and no page scrolls sideways; in Urdu the
page is mirrored and the results chart's scores read left to right beside their bars.

NB_SHOTS_DIR=/some/dir writes a full-page screenshot of every page visited there, to look at.
"""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.extensions import db
from tests.browser.conftest import assert_accessible, published_scenario, record_step, sign_in
from tests.factories import make_pot, make_proposal, make_round, make_user

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("NB_SHOTS_DIR")
WIDTHS = (320, 1024)


@pytest.fixture(scope="module")
def world(live):
    """A published round with an award being delivered, a round open for voting with one pot per ballot type,
    and a round taking ideas with more than a page of them; a resident and an officer per language."""
    found = {}

    def also(s):
        voting = make_round(area=s.area, phase="voting", title="Bedwell ward budgets",
                            voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                            voting_close_at=datetime.now(UTC) + timedelta(days=3))
        pots = {}
        for ballot_type, limits in (("approval", {"max_choices": 2}), ("knapsack", {"max_choices": None}),
                                    ("cumulative", {"total_points": 10, "max_points_per_project": 5}),
                                    ("ranked", {"max_choices": 3})):
            pot = make_pot(round_=voting, name=f"Grants ({ballot_type})", ballot_type=ballot_type,
                           amount_pence=20_000_00, instructions="Read about each project before you choose.",
                           **limits)
            for title, cost in (("Benches for the park", 4_000_00), ("A community garden", 12_500_50),
                                ("Youth football kit and coaching for a whole season", 7_000_00)):
                make_proposal(pot=pot, title=title, cost_pence=cost, status="feasible", on_ballot=True,
                              summary="What the project does, and for whom.")
            pots[ballot_type] = pot.id
        ideas = make_round(area=s.area, phase="proposals", title="Bedwell ideas 2027")
        ideas_pot = make_pot(round_=ideas, name="Small grants")
        people = {}
        for lang in ("en", "ur"):
            people[lang] = make_user(email=f"public-{lang}@example.org", ward=s.ward, locale=lang).email
            people[f"officer-{lang}"] = make_user(role="officer", email=f"public-officer-{lang}@example.org",
                                                  ward=s.ward, locale=lang).email
        author = db.session.query(type(s.officer)).filter_by(email=people["en"]).one()
        own = make_proposal(pot=ideas_pot, author=author, title="Planters on the high street",
                            summary="Flower planters outside the shops.", status="submitted")
        for n in range(23):
            make_proposal(pot=ideas_pot, title=f"Idea {n + 1}: a bench by the bus stop", status="submitted")
        db.session.flush()
        found.update(pots=pots, ideas=ideas.id, own=own.id, people=people)

    return published_scenario(live, lambda s: {"round": s.round.id, "area": s.area.id, "garden": s.garden.id,
                                               **found}, also)


def _look(page, name, width):
    """Check the page as a person at this width would meet it, and keep a screenshot."""
    page.set_viewport_size({"width": width, "height": 800 if width > 400 else 640})
    record_step(page, name)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    assert_accessible(page, f"{name} at {width} px")


def _visit(page, url, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        _look(page, name, width)


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_the_resident_pages_read_well_in_english_and_urdu(live, new_page, world, lang):
    page = new_page()
    sign_in(page, live, world["people"][lang])
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ur" else "ltr")
    _visit(page, f"{live.url}/voting/", f"{lang}-voting")
    for ballot_type, pot_id in world["pots"].items():
        _visit(page, f"{live.url}/voting/pots/{pot_id}", f"{lang}-ballot-{ballot_type}")
    # Casting an empty ballot: the error summary first, the same words beside the list of projects.
    page.goto(f"{live.url}/voting/pots/{world['pots']['approval']}")
    with page.expect_navigation():
        page.click("button[value=cast]")
    assert page.get_by_role("alert").count() >= 1
    _look(page, f"{lang}-ballot-errors", 320)
    _look(page, f"{lang}-ballot-errors", 1024)
    page.locator("input[name=project]").first.check()
    with page.expect_navigation():
        page.click("button[value=cast]")
    assert page.locator("#receipt-code").count() == 1
    _look(page, f"{lang}-vote-recorded", 320)
    _look(page, f"{lang}-vote-recorded", 1024)
    _visit(page, f"{live.url}/voting/receipt", f"{lang}-receipt")
    _visit(page, f"{live.url}/proposals/mine", f"{lang}-my-ideas")
    _visit(page, f"{live.url}/proposals/new/{world['ideas']}", f"{lang}-suggest")
    if lang == "en":
        _visit(page, f"{live.url}/proposals/{world['own']}?sent=1", f"{lang}-idea-sent")
        assert page.get_by_text("Proposal sent for review").count() == 1
        _visit(page, f"{live.url}/proposals/{world['own']}/withdraw", f"{lang}-withdraw")
        assert page.get_by_role("button", name="Withdraw your proposal").count() == 1


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_the_public_pages_read_well_in_english_and_urdu(live, new_page, world, lang):
    page = new_page(locale=lang)
    for path, name in ((f"/proposals/?round={world['ideas']}", "ideas"), (f"/proposals/{world['garden']}", "idea"),
                       ("/results/", "results"), (f"/results/rounds/{world['round']}", "round-results"),
                       (f"/results/rounds/{world['round']}/participation", "turnout"),
                       (f"/results/rounds/{world['round']}/decision", "decision"),
                       ("/areas/", "areas"), (f"/areas/{world['area']}", "area"),
                       (f"/delivery/areas/{world['area']}", "you-said-we-did"),
                       (f"/delivery/projects/{world['garden']}", "delivery"),
                       (f"/delivery/areas/{world['area']}/report", "delivery-report")):
        _visit(page, live.url + path, f"{lang}-{name}")
    # More than a page of ideas: the pages are links a person can follow.
    page.goto(f"{live.url}/proposals/?round={world['ideas']}")
    assert page.get_by_role("navigation").locator("a[rel=next]").count() == 1


def test_the_chart_in_urdu_draws_each_score_left_to_right_beside_its_bar(live, new_page, world):
    page = new_page(locale="ur")
    page.goto(f"{live.url}/results/rounds/{world['round']}")
    chart = page.evaluate("""() => [...document.querySelectorAll('figure.chart svg .chart-score')].map(t => {
        const bar = t.previousElementSibling.getBoundingClientRect(), r = t.getBoundingClientRect();
        return {text: t.textContent, direction: getComputedStyle(t).direction, right: r.right, barLeft: bar.left,
                width: bar.width};
    })""")
    table = page.evaluate("""() => [...document.querySelectorAll('main table')][0].querySelectorAll('tbody tr')
        .length""")
    assert len(chart) == table == 3
    for score in chart:
        assert score["direction"] == "ltr", score
        if score["width"] > 0:
            assert score["right"] <= score["barLeft"] + 0.5, f"the score is not before its bar: {score}"
    assert sorted(int(s["text"]) for s in chart) == [1, 3, 4]  # Garden 4, Lights 3, Bench 1
