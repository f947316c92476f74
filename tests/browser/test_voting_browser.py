"""A resident votes in Polish in real Chromium with the keyboard only: a knapsack ballot (over budget first,
then corrected), a change of vote, the receipt check, and a ranked ballot with plain selects (WCAG 2.5.7).
axe-core finds no WCAG 2.x A/AA violation on the ballot, its error state and the confirmation."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale, gettext

from app.extensions import db
from app.models import Ballot, Participation, ProposalTranslation
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support.ballots import ballot_choices

pytestmark = pytest.mark.browser


IN_THE_BOX = "Yes. A vote with this receipt code is in the ballot box. It will be counted after voting closes."


def tab_to(page, selector, limit=120):
    """Press Tab until the focused element matches selector (as a keyboard user moves through the page)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key on {page.url}")


def press_and_load(page, key="Enter"):
    with page.expect_navigation():
        page.keyboard.press(key)


def total_text(page):
    return " ".join(page.inner_text("[data-total]").split())


@pytest.fixture
def ballots(live):
    app = live.app()
    with app.app_context():
        area = make_area()
        ward = make_ward(area=area, name="Shephall")
        round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                            voting_close_at=datetime.now(UTC) + timedelta(days=2))
        knapsack = make_pot(round_=round_, name="Community grants", amount_pence=10_000_00, ballot_type="knapsack",
                            max_choices=None)
        garden = make_proposal(pot=knapsack, title="Community garden", cost_pence=6_000_00, status="feasible",
                               on_ballot=True)
        lights = make_proposal(pot=knapsack, title="Park lights", cost_pence=5_000_00, status="feasible",
                               on_ballot=True)
        bench = make_proposal(pot=knapsack, title="Memorial bench", cost_pence=3_000_00, status="feasible",
                              on_ballot=True)
        db.session.add(ProposalTranslation(proposal_id=garden.id, locale="pl", title="Ogród społeczny",
                                           summary="Ogród dla całej okolicy.", source_hash="0" * 64))
        ranked = make_pot(round_=round_, name="Youth fund", amount_pence=5_000_00, ballot_type="ranked",
                          max_choices=2)
        club = make_proposal(pot=ranked, title="Youth club", cost_pence=2_000_00, status="feasible", on_ballot=True)
        skate = make_proposal(pot=ranked, title="Skate ramp", cost_pence=3_000_00, status="feasible", on_ballot=True)
        music = make_proposal(pot=ranked, title="Music studio", cost_pence=4_000_00, status="feasible", on_ballot=True)
        resident = make_user(ward=ward, locale="pl", email="ola@example.org", name="Ola Nowak")
        db.session.commit()
        ids = {"knapsack": knapsack.id, "ranked": ranked.id, "garden": garden.id, "lights": lights.id,
               "bench": bench.id, "club": club.id, "skate": skate.id, "music": music.id, "resident": resident.id}
        with app.test_request_context(), force_locale("pl"):
            words = {english: gettext(english) for english in (
                "Your vote is in the ballot box", "Your new vote has replaced your earlier vote. Only this vote counts.",
                IN_THE_BOX, "There is a problem",
                "No vote with this receipt code is in the ballot box. If you changed your vote, use the code from your "
                "latest vote.")}
        db.session.remove()
    assert all(polish != english for english, polish in words.items()), "the Polish catalogue lacks ballot words"
    return app, ids, words


def test_a_resident_votes_changes_and_checks_the_receipt_in_polish_with_the_keyboard_only(live, page, ballots):
    app, ids, words = ballots
    page.goto(live.url + "/auth/login")
    tab_to(page, "#email")
    page.keyboard.type("ola@example.org")
    tab_to(page, "#password")
    page.keyboard.type(PASSWORD)
    press_and_load(page)

    page.goto(live.url + "/voting/")
    assert page.locator("html").get_attribute("lang") == "pl"
    tab_to(page, f"a[href='/voting/pots/{ids['knapsack']}']")
    press_and_load(page)
    assert "Ogród społeczny" in page.content() and "Ogród dla całej okolicy." in page.content()
    assert_accessible(page, "knapsack ballot (pl)")

    # Choose two projects: the running total follows (voting.js) and agrees with the server's own total.
    tab_to(page, f"#project-{ids['garden']}")
    page.keyboard.press("Space")
    tab_to(page, f"#project-{ids['lights']}")
    page.keyboard.press("Space")
    shown_by_script = total_text(page)
    tab_to(page, "button[value=update]")
    press_and_load(page)
    assert total_text(page) == shown_by_script and "11" in shown_by_script
    assert page.is_checked(f"#project-{ids['garden']}") and page.is_checked(f"#project-{ids['lights']}")

    # Casting over budget is refused with the error summary, in Polish, and stores nothing.
    tab_to(page, "button[value=cast]")
    press_and_load(page)
    assert words["There is a problem"] in page.content()
    assert_accessible(page, "ballot with errors (pl)")
    with app.app_context():
        assert db.session.query(Ballot).count() == 0
        db.session.remove()

    tab_to(page, f"#project-{ids['lights']}")
    page.keyboard.press("Space")
    tab_to(page, f"#project-{ids['bench']}")
    page.keyboard.press("Space")
    tab_to(page, "button[value=cast]")
    press_and_load(page)
    assert words["Your vote is in the ballot box"] in page.content()
    first_receipt = page.inner_text("#receipt-code")
    assert_accessible(page, "confirmation (pl)")

    # Change the vote from the confirmation page: the ballot starts empty (it never shows the earlier vote).
    tab_to(page, f"main a[href='/voting/pots/{ids['knapsack']}']")
    press_and_load(page)
    assert page.locator("input[name=project]:checked").count() == 0
    tab_to(page, f"#project-{ids['bench']}")
    page.keyboard.press("Space")
    tab_to(page, f"#project-{ids['lights']}")
    page.keyboard.press("Space")
    tab_to(page, "button[value=cast]")
    press_and_load(page)
    assert words["Your new vote has replaced your earlier vote. Only this vote counts."] in page.content()
    receipt = page.inner_text("#receipt-code")
    assert receipt != first_receipt

    # Anyone can check a receipt: the latest is in the count, the replaced one is not.
    tab_to(page, "main a[href='/voting/receipt']")
    press_and_load(page)
    tab_to(page, "#code")
    page.keyboard.type(receipt.lower().replace("-", " "))
    press_and_load(page)
    assert words[IN_THE_BOX] in page.content()
    tab_to(page, "#code")
    page.keyboard.press("Control+A")
    page.keyboard.type(first_receipt)
    press_and_load(page)
    assert words["No vote with this receipt code is in the ballot box. If you changed your vote, use the code from "
                 "your latest vote."] in page.content()

    # A ranked ballot: plain selects, chosen with the arrow keys, no dragging.
    page.goto(live.url + "/voting/")
    tab_to(page, f"a[href='/voting/pots/{ids['ranked']}']")
    press_and_load(page)
    assert page.locator("[draggable=true]").count() == 0
    assert_accessible(page, "ranked ballot (pl)")
    tab_to(page, f"#rank-{ids['skate']}")
    page.keyboard.press("ArrowDown")  # first choice
    tab_to(page, f"#rank-{ids['club']}")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # second choice
    assert page.input_value(f"#rank-{ids['skate']}") == "1" and page.input_value(f"#rank-{ids['club']}") == "2"
    tab_to(page, "button[value=cast]")
    press_and_load(page)
    assert words["Your vote is in the ballot box"] in page.content()
    page.set_viewport_size({"width": 320, "height": 640})
    assert_accessible(page, "ranked confirmation at 320 px (pl)")

    with app.app_context():
        stored = {pot_id: ballot_choices(db.session, pot_id) for pot_id in (ids["knapsack"], ids["ranked"])}
        assert stored == {ids["knapsack"]: [[ids["bench"], ids["lights"]]], ids["ranked"]: [[ids["skate"], ids["club"]]]}
        assert db.session.query(Participation).filter_by(user_id=ids["resident"]).count() == 2
        db.session.remove()
