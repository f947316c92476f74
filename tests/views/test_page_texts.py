"""A page that lists content loads its translations in one query: the number of SQL statements a page sends does
not grow with the number of proposals it lists, and readers still see each text in their language, or the
original (marked with its own lang) when it is not translated or its translation is stale."""

import math
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from app.services import content_translations
from app.services import priorities as priority_service
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


@pytest.fixture
def paper_round(db):
    """A round about to open for voting, a Welsh-speaking officer, a resident to enter a paper ballot for, and
    two projects on the ballot; more(n) puts projects 3..n on it too."""
    area = make_area(name="Chells")
    ward = make_ward(area=area, name="Chells Manor")
    round_ = make_round(area=area, phase="proposals", title="Summer grants")
    pot = make_pot(round_=round_, name="Small grants", amount_pence=100_000_00)
    _translate(db, "pot", pot, "cy", name="Grantiau bach")
    _ideas(db, pot, 1, 2, status="feasible", on_ballot=True)
    later = _ideas(db, pot, 3, 20, status="feasible", on_ballot=False)
    round_.phase, round_.voting_open_at = "voting", datetime.now(UTC) - timedelta(hours=1)
    resident = make_user(ward=ward, name="Maud Paperwork")
    officer = make_user(role="officer", ward=ward, locale="cy")
    db.session.commit()

    def more():
        for proposal in later:
            proposal.on_ballot = True
        db.session.commit()

    return round_, pot, resident, officer, more


@pytest.mark.parametrize("page", ["entry", "sheet"])
def test_the_officers_paper_ballot_pages_send_as_many_statements_for_twenty_projects_as_for_two(
        client, db, login_as, statements, paper_round, page):
    round_, pot, resident, officer, more = paper_round
    url = {"entry": f"/officer/rounds/{round_.id}/paper/{pot.id}/{resident.id}",
           "sheet": f"/officer/rounds/{round_.id}/paper/sheet"}[page]
    login_as(officer)
    client.get(url)
    two = statements(lambda: client.get(url))
    more()
    twenty = statements(lambda: client.get(url))
    assert len(twenty) == len(two)
    assert len(_translation_queries(twenty)) == 1

    html = client.get(url).get_data(as_text=True)
    assert re.search(r'(?<!lang="en" dir="auto")>Syniad 12\b', html)  # translated: in the page's language
    assert re.search(r'lang="en" dir="auto">Idea 13\b', html)  # never translated: as written, marked
    assert "Syniad 9" not in html and re.search(r'lang="en" dir="auto">Idea 9, revised\b', html)  # stale
    assert "Grantiau bach" in html and "Small grants" not in html


def test_a_proposals_page_loads_its_round_pot_title_and_priority_names_in_one_query(client, db, statements):
    area = make_area(name="Chells")
    round_ = make_round(area=area, phase="proposals", title="Summer grants")
    pot = make_pot(round_=round_, name="Small grants")
    _translate(db, "round", round_, "cy", title="Grantiau’r haf")
    _translate(db, "pot", pot, "cy", name="Grantiau bach")
    first = _ideas(db, pot, 3, 3, priority="health")[0]  # translated into Welsh ("Syniad 3")
    priorities = priority_service.ensure_rows(db.session, area.council_id, area.id)
    health = next(row for row in priorities if row.code == "health")
    _translate(db, "priority", health, "cy", label="Iechyd a lles y gymuned")
    db.session.commit()
    client.get(f"/proposals/{first.id}", headers=WELSH)
    before = statements(lambda: client.get(f"/proposals/{first.id}", headers=WELSH))
    _ideas(db, pot, 4, 20, priority="health")
    after = statements(lambda: client.get(f"/proposals/{first.id}", headers=WELSH))
    assert len(after) == len(before)
    assert len(_translation_queries(after)) == 1  # the round, the pot, the idea and its priority, at once

    html = client.get(f"/proposals/{first.id}", headers=WELSH).get_data(as_text=True)
    assert page_text.heading(html) == "Syniad 3"
    assert page_text.marked_language(html, "Iechyd a lles y gymuned") is None
    assert page_text.marked_language(html, "Grantiau bach") is None
    health.labels = {**health.labels, "en": "Health and wellbeing of all"}  # renamed since: the Welsh is stale
    db.session.commit()
    html = client.get(f"/proposals/{first.id}", headers=WELSH).get_data(as_text=True)
    assert "Iechyd a lles y gymuned" not in html
    assert page_text.marked_language(html, "Health and wellbeing of all") == "en"


@pytest.mark.parametrize("page", ["project", "manage", "area"])
def test_the_delivery_pages_load_their_round_and_project_titles_in_one_query(client, db, login_as, statements, page):
    s = Scenario(phase="published")
    _translate(db, "round", s.round, "cy", title="Grantiau Bedwell")
    _translate(db, "proposal", s.garden, "cy", title="Gardd", summary="Gardd i bawb.")
    db.session.commit()
    s.officer.preferred_locale = "cy"
    login_as(s.officer)
    url = {"project": f"/delivery/projects/{s.garden.id}", "manage": f"/delivery/projects/{s.garden.id}/manage",
           "area": f"/delivery/areas/{s.area.id}"}[page]
    client.get(url)
    sent = statements(lambda: client.get(url))
    assert len(_translation_queries(sent)) == 1

    html = client.get(url).get_data(as_text=True)
    assert "Gardd" in html and "Grantiau Bedwell" in html and "Bedwell grants" not in html.split("<main", 1)[1]
    if page == "area":
        assert page_text.marked_language(html, "Bench", "a") == "en"  # never translated: as written, marked
