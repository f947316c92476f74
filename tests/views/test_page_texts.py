"""A page that lists content loads its translations in one query: the number of SQL statements a page sends does
not grow with the number of proposals it lists, and readers still see each text in their language, or the
original (marked with its own lang) when it is not translated or its translation is stale."""

import math
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from app.services import content_translations
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support import page_text
from tests.support.results_scenarios import Scenario

WELSH = {"Accept-Language": "cy"}
NOTICE = "Heb ei gyfieithu i’ch iaith eto."  # "Not yet translated into your language." in Welsh
TRANSLATION_TABLES = ("content_translation", "proposal_translation")


@pytest.fixture
def statements(app, db, monkeypatch):
    """statements(request) -> the SQL statements the request sent to the database (the engine's
    before_cursor_execute event: a real count, nothing mocked).

    Each process checks for new catalogue uploads every two seconds (app.catalogues); holding that check off
    keeps the counts of two requests comparable.
    """
    monkeypatch.setitem(app.extensions, "nb_catalogues", {"checked": math.inf, "seen": None})

    def run(request):
        sent = []

        def listen(_connection, _cursor, statement, _parameters, _context, _executemany):
            sent.append(statement.lower())

        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            response = request()
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        assert response.status_code == 200
        return sent

    return run


def _translate(db, entity, obj, lang, **texts):
    content_translations.save_content(db.session, entity, obj.id, lang, texts, make_user(role="translator"))


def _translation_queries(sent):
    return [s for s in sent if any(table in s for table in TRANSLATION_TABLES)]


def _ideas(db, pot, first, last, **fields):
    """Proposals first..last, each in a ward of its own; every third translated into Welsh, every third of
    those (9, 18) then edited, so stale."""
    made = []
    for n in range(first, last + 1):
        ward = make_ward(area=pot.round.area, name=f"Ward {n}")
        proposal = make_proposal(pot=pot, title=f"Idea {n}", summary=f"Summary {n}.", ward=ward, **fields)
        if n % 3 == 0:
            _translate(db, "proposal", proposal, "cy", title=f"Syniad {n}", summary=f"Crynodeb {n}.")
        if n % 9 == 0:
            proposal.title = f"Idea {n}, revised"
        made.append(proposal)
    db.session.commit()
    return made


def test_the_proposals_list_sends_as_many_statements_for_twenty_ideas_as_for_two(client, db, statements):
    round_ = make_round(area=make_area(name="Chells"), phase="proposals", title="Summer grants")
    pot = make_pot(round_=round_, name="Small grants")
    _translate(db, "round", round_, "cy", title="Grantiau’r haf")
    _ideas(db, pot, 1, 2)
    client.get("/proposals/", headers=WELSH)  # the first request of a process loads what every later one reuses
    two = statements(lambda: client.get("/proposals/", headers=WELSH))

    _ideas(db, pot, 3, 20)
    twenty = statements(lambda: client.get("/proposals/", headers=WELSH))
    assert len(twenty) == len(two)
    assert len(_translation_queries(twenty)) == 1  # every round, pot and idea on the page, at once

    page = client.get("/proposals/", headers=WELSH).get_data(as_text=True)
    assert page_text.marked_language(page, "Syniad 3", "h2") is None  # translated
    assert page_text.marked_language(page, "Crynodeb 3.") is None
    assert page_text.marked_language(page, "Idea 4", "h2") == "en"  # never translated: as written, marked
    assert page_text.marked_language(page, "Idea 9, revised", "h2") == "en"  # changed since: not "Syniad 9"
    assert "Syniad 9" not in page and "Crynodeb 9." not in page
    assert page.count(NOTICE) == 16  # every idea but the four current translations (3, 6, 12, 15)
    assert ">Grantiau’r haf</option>" in page


def test_the_ballot_sends_as_many_statements_for_twenty_projects_as_for_two(client, db, login_as, statements):
    area = make_area(name="Chells")
    round_ = make_round(area=area, phase="proposals", title="Summer grants")
    pot = make_pot(round_=round_, name="Small grants", amount_pence=100_000_00)
    resident = make_user(ward=make_ward(area=area, name="Chells Manor"), locale="cy")
    _translate(db, "pot", pot, "cy", name="Grantiau bach")
    few = _ideas(db, pot, 1, 2, status="feasible", on_ballot=True)
    more = _ideas(db, pot, 3, 20, status="feasible", on_ballot=False)
    round_.phase, round_.voting_open_at = "voting", datetime.now(UTC) - timedelta(hours=1)  # ballot texts freeze now
    db.session.commit()
    login_as(resident)
    client.get(f"/voting/pots/{pot.id}")
    two = statements(lambda: client.get(f"/voting/pots/{pot.id}"))
    assert page_text.text(client.get(f"/voting/pots/{pot.id}").get_data(as_text=True)).count("Idea ") == len(few)

    for proposal in more:  # as if the officer had put them on the ballot before voting opened
        proposal.on_ballot = True
    db.session.commit()
    twenty = statements(lambda: client.get(f"/voting/pots/{pot.id}"))
    assert len(twenty) == len(two)
    assert len(_translation_queries(twenty)) == 1

    ballot = client.get(f"/voting/pots/{pot.id}").get_data(as_text=True)
    assert page_text.heading(ballot) == "Papur pleidleisio: Grantiau bach"
    assert page_text.marked_language(ballot, "Syniad 12") is None
    assert page_text.marked_language(ballot, "Idea 13") == "en"
    assert "Syniad 15" in ballot and "Syniad 9" not in ballot and page_text.marked_language(ballot, "Idea 9, revised") == "en"


def test_the_results_page_loads_its_translations_at_once_and_shows_the_fallback(client, db, statements):
    s = Scenario(phase="published")
    _translate(db, "round", s.round, "cy", title="Grantiau Bedwell")
    _translate(db, "proposal", s.garden, "cy", title="Gardd", summary="Gardd i bawb.")
    _translate(db, "proposal", s.bench, "cy", title="Mainc", summary="Mainc i bawb.")
    s.bench.title = "Two benches"  # after it was translated: the Welsh title is stale
    db.session.commit()

    sent = statements(lambda: client.get(f"/results/rounds/{s.round.id}", headers=WELSH))
    assert len(_translation_queries(sent)) <= 2  # the cached results content, and the page around it
    page = client.get(f"/results/rounds/{s.round.id}", headers=WELSH).get_data(as_text=True)
    assert page_text.heading(page) == "Canlyniadau: Grantiau Bedwell"
    assert page_text.marked_language(page, "Gardd", "a") is None
    assert page_text.marked_language(page, "Lights", "a") == "en"  # never translated
    assert page_text.marked_language(page, "Two benches", "a") == "en" and "Mainc" not in page
