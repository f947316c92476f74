"""Once a round is published, the lists of project ideas say what happened to each (funded, not funded,
deferred), as its own page does, not the review status it had before the vote ("Feasible")."""

from tests.support.page_text import text
from tests.support.results_scenarios import Scenario


def _tag_after(page, title):
    """The words that follow a project's title in the page's text (its tag comes first, after any summary)."""
    return page.split(title, 1)[1].replace("A community project for the neighbourhood.", "")[:60]


def test_the_proposers_own_list_says_funded_or_not_funded_after_publication(client, db, login_as):
    s = Scenario(phase="published")
    db.session.commit()

    login_as(s.garden.author)
    garden = text(client.get("/proposals/mine").get_data(as_text=True))
    login_as(s.lights.author)
    lights = text(client.get("/proposals/mine").get_data(as_text=True))

    assert _tag_after(garden, "Garden").strip().startswith("Funded")
    assert _tag_after(lights, "Lights").strip().startswith("Not funded")
    assert "Feasible" not in garden and "Feasible" not in lights


def test_the_public_list_says_what_the_board_decided(client, db):
    s = Scenario(phase="published")
    db.session.commit()

    page = text(client.get(f"/proposals/?round={s.round.id}").get_data(as_text=True))

    assert _tag_after(page, "Garden").strip().startswith("Funded")
    assert _tag_after(page, "Bench").strip().startswith("Funded")
    assert _tag_after(page, "Lights").strip().startswith("Not funded")


def test_before_publication_the_lists_keep_the_review_status(client, db, login_as):
    s = Scenario(phase="decision")
    db.session.commit()

    login_as(s.garden.author)
    mine = text(client.get("/proposals/mine").get_data(as_text=True))

    assert _tag_after(mine, "Garden").strip().startswith("Feasible")
