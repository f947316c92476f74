"""Every top-level page, as each kind of person, in each of the five shipped languages: 0 axe-core WCAG
2.x A/AA violations and no horizontal scroll at 320 px, including the empty states (nothing to vote in,
no proposals, no rounds), the error pages (403, 404) and a form re-rendered with its error summary."""

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from tests.browser.conftest import assert_accessible, horizontal_scroll, sign_in
from tests.factories import make_area, make_user, make_ward

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
    ("admin", "/admin/audit", 200),
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


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_is_accessible_in_every_language(live, new_page, people, lang):
    checked = []
    pages = {"visitor": new_page(locale=lang)}  # a visitor's language comes from Accept-Language
    for who in ("resident", "officer", "board", "translator", "admin"):
        pages[who] = new_page(locale="en")  # a signed-in person's saved preference wins over the browser
        sign_in(pages[who], live, people[who, lang])

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
    assert visitor.locator("[data-error-summary]").count() == 1
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


@pytest.fixture(scope="module")
def rounds(live, people):
    """A round in voting in the people's ward (two projects on the ballot) and a published, decided round."""
    from sqlalchemy import select

    from app.models import Area
    from tests.factories import make_pot, make_proposal, make_round
    from tests.support.results_scenarios import Scenario

    app = live.app()
    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.name == "Bedwell & Pin Green"))
        voting = make_round(area=area, phase="voting", title="Bedwell & Pin Green grants",
                            voting_open_at=datetime.now(UTC) - timedelta(days=1),
                            voting_close_at=datetime.now(UTC) + timedelta(days=5))
        pot = make_pot(round_=voting, name="Community grants", max_choices=2)
        garden = make_proposal(pot=pot, title="Community garden", status="feasible", on_ballot=True)
        make_proposal(pot=pot, title="Benches on the green", status="feasible", on_ballot=True)
        make_proposal(pot=pot, title="Lights on the path", status="feasible", on_ballot=True)
        published = Scenario(phase="published")
        db.session.commit()
        ids = {"pot": pot.id, "proposal": garden.id, "published": published.round.id}
        db.session.remove()
    return ids


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_ballot_and_results_pages_are_accessible_in_every_language(live, new_page, people, rounds, lang):
    """The pages of the journey that need a round: a resident's ballot (and the ballot sent back with an
    error), a proposal, and the public results, participation report and decision record."""
    resident = new_page(locale="en")
    sign_in(resident, live, people["resident", lang])
    visitor = new_page(locale=lang)
    pages = [(resident, f"/voting/pots/{rounds['pot']}"), (resident, f"/proposals/{rounds['proposal']}"),
             (visitor, f"/results/rounds/{rounds['published']}"),
             (visitor, f"/results/rounds/{rounds['published']}/participation"),
             (visitor, f"/results/rounds/{rounds['published']}/decision")]
    for page, path in pages:
        for width in (1024, 320):
            page.set_viewport_size({"width": width, "height": 800})
            answer = page.goto(live.url + path)
            assert answer.status == 200, (path, answer.status)
            assert page.locator("html").get_attribute("lang") == lang, path
            assert_accessible(page, f"{lang} {path} at {width}px")
    # Three projects ticked where two may be chosen: the ballot comes back with its error summary; then
    # a valid ballot and its confirmation.
    resident.set_viewport_size({"width": 1024, "height": 800})
    resident.goto(live.url + f"/voting/pots/{rounds['pot']}")
    boxes = resident.locator("input[name=project]")
    assert boxes.count() == 3
    for n in range(3):
        boxes.nth(n).check()
    with resident.expect_navigation():
        resident.click("button[value=cast]")
    assert resident.locator("[data-error-summary]").count() == 1
    assert_accessible(resident, f"{lang} ballot with an error")
    resident.locator("input[name=project]").nth(0).uncheck()
    with resident.expect_navigation():
        resident.click("button[value=cast]")
    assert resident.locator("#receipt-code").count() == 1
    assert_accessible(resident, f"{lang} confirmation")


@pytest.fixture(scope="module")
def counted(live):
    """A counted round waiting for the board (in the results scenario's Bedwell area), one paper voter."""
    from tests.support.results_scenarios import Scenario

    app = live.app()
    with app.app_context():
        s = Scenario(phase="decision")
        paper_voter = make_user(ward=s.ward, name="Gwen Price", postcode="FL1 2AB")
        db.session.commit()
        ids = {"round": s.round.id, "pot": s.pot.id, "proposal": s.garden.id, "officer": s.officer.id,
               "board": s.members[0].id, "paper_voter": paper_voter.id}
        db.session.remove()
    return ids


def _as(live, new_page, user_id, lang):
    """A page signed in as that user, whose saved language is set to lang first."""
    from app.models import User

    app = live.app()
    with app.app_context():
        user = db.session.get(User, user_id)
        user.preferred_locale = lang
        email = user.email
        db.session.commit()
        db.session.remove()
    page = new_page(locale="en")
    sign_in(page, live, email)
    return page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_staff_pages_of_the_journey_are_accessible_in_every_language(live, new_page, counted, lang):
    """The officer's round, review, pot, paper ballot, count and participation pages, and the board's
    decision form, in each language at 1024 and 320 px."""
    officer = _as(live, new_page, counted["officer"], lang)
    board = _as(live, new_page, counted["board"], lang)
    r = counted["round"]
    pages = [(officer, f"/officer/rounds/{r}"), (officer, f"/officer/rounds/{r}/edit"),
             (officer, f"/officer/proposals/{counted['proposal']}/review"),
             (officer, f"/officer/rounds/{r}/pots/{counted['pot']}/edit"),
             (officer, f"/officer/rounds/{r}/paper?name=gwen&postcode=FL1+2AB"),
             (officer, f"/officer/rounds/{r}/count"), (officer, f"/officer/rounds/{r}/participation"),
             (board, "/board/"), (board, f"/board/rounds/{r}/decision")]
    for page, path in pages:
        for width in (1024, 320):
            page.set_viewport_size({"width": width, "height": 800})
            answer = page.goto(live.url + path)
            assert answer.status == 200, (lang, path, answer.status)
            assert page.locator("html").get_attribute("lang") == lang, path
            assert_accessible(page, f"{lang} {path} at {width}px")
    # The decision form sent back with problems (no meeting date, nobody present).
    board.set_viewport_size({"width": 1024, "height": 800})
    board.goto(live.url + f"/board/rounds/{r}/decision")
    with board.expect_navigation():
        board.click("main button[type=submit] >> nth=0")
    assert board.locator("[data-error-summary]").count() == 1
    assert_accessible(board, f"{lang} decision form with errors")
