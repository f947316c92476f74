"""Officers' and residents' content on every resident-facing page: in the reader's language where translated,
otherwise the original, marked with its own lang (WCAG 3.1.2) and said to be untranslated; a stale
translation is not shown until a translator updates it; the cached results page shows a new translation at once."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.services import content_translations
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support import page_text
from tests.support.results_scenarios import Scenario

NOTICE = "Heb ei gyfieithu i’ch iaith eto."  # "Not yet translated into your language." in Welsh


def _plain(html):
    """The page without class attributes or the space inside tags, so these checks read the words and langs."""
    return re.sub(r"\s+>", ">", re.sub(r"\s+", " ", re.sub(r' class="[^"]*"', "", html)))


def _translate(db, entity, obj, lang, **texts):
    content_translations.save_content(db.session, entity, obj.id, lang, texts, make_user(role="translator"))
    db.session.commit()


@pytest.fixture
def notice(app):
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("cy"):
        text = gettext("Not yet translated into your language.")
    assert text == NOTICE
    return text


@pytest.fixture
def area(db):
    area = make_area(name="Chells")
    make_ward(area=area, name="Chells Manor")
    return area


def test_the_home_page_shows_round_titles_in_the_readers_language_or_marks_the_original(client, db, area, notice):
    translated = make_round(area=area, phase="proposals", title="Summer grants")
    make_round(area=area, phase="proposals", title="Winter grants")
    _translate(db, "round", translated, "cy", title="Grantiau’r haf", description="Trigolion sy’n penderfynu.")

    page = _plain(client.get("/", headers={"Accept-Language": "cy"}).get_data(as_text=True))
    assert '<h3 dir="auto">Grantiau’r haf</h3>' in page and '<p dir="auto">Trigolion sy’n penderfynu.</p>' in page
    assert '<h3 lang="en" dir="auto">Winter grants</h3>' in page
    assert page.count(notice) == 1  # the untranslated round only
    assert '<span> – <span lang="en" dir="auto">Winter grants</span></span>' in page

    english = _plain(client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert '<h3 dir="auto">Summer grants</h3>' in english and 'lang="en">' not in english.split("<main", 1)[1]


def test_a_stale_translation_is_not_shown_until_the_translator_updates_it(client, db, area, notice):
    round_ = make_round(area=area, phase="proposals", title="Summer grants")
    _translate(db, "round", round_, "cy", title="Grantiau’r haf")
    assert '<h3 dir="auto">Grantiau’r haf</h3>' in _plain(client.get("/", headers={"Accept-Language": "cy"}).get_data(as_text=True))

    round_.title = "Summer and autumn grants"  # the original changed after it was translated
    db.session.commit()
    page = _plain(client.get("/", headers={"Accept-Language": "cy"}).get_data(as_text=True))
    assert "Grantiau’r haf" not in page
    assert '<h3 lang="en" dir="auto">Summer and autumn grants</h3>' in page and notice in page

    _translate(db, "round", round_, "cy", title="Grantiau’r haf a’r hydref")
    page = _plain(client.get("/", headers={"Accept-Language": "cy"}).get_data(as_text=True))
    assert '<h3 dir="auto">Grantiau’r haf a’r hydref</h3>' in page


@pytest.fixture
def voting(db, area):
    round_ = make_round(area=area, phase="proposals", title="Summer grants")
    pot = make_pot(round_=round_, name="Small grants", amount_pence=10_000_00)
    garden = make_proposal(pot=pot, title="Community garden", status="feasible", on_ballot=True)
    resident = make_user(ward=area.wards[0], locale="cy")
    _translate(db, "pot", pot, "cy", name="Grantiau bach")  # before voting opens: ballot texts freeze then
    round_.phase, round_.voting_open_at = "voting", datetime.now(UTC) - timedelta(hours=1)
    db.session.flush()
    return pot, garden, resident


def test_the_voting_index_and_confirmation_show_pot_names_in_the_readers_language(client, db, login_as, voting,
                                                                                  notice):
    pot, garden, resident = voting
    login_as(resident)
    page = client.get("/voting/").get_data(as_text=True)
    assert page_text.marked_language(page, "Grantiau bach") is None and notice in page
    assert page_text.marked_language(page, "Summer grants") == "en"
    assert "Pleidleisio nawr – Grantiau bach" in page_text.text(page)  # the button says which pot

    response = client.post(f"/voting/pots/{pot.id}", data={"action": "cast", "project": str(garden.id)},
                           follow_redirects=True)
    confirmation = response.get_data(as_text=True)
    assert "receipt-code" in confirmation
    assert page_text.marked_language(confirmation, "Grantiau bach") is None and notice not in confirmation


def test_the_proposal_pages_show_titles_pot_names_and_round_titles_in_the_readers_language(client, db, login_as,
                                                                                           area, notice):
    round_ = make_round(area=area, phase="proposals", title="Summer grants")
    small = make_pot(round_=round_, name="Small grants")
    youth = make_pot(round_=round_, name="Youth fund")
    resident = make_user(ward=area.wards[0], locale="cy")
    garden = make_proposal(pot=small, author=resident, title="Community garden", summary="A garden for all.",
                           status="submitted")
    make_proposal(pot=small, title="Park lights", summary="Lights on the paths.", status="submitted")
    _translate(db, "round", round_, "cy", title="Grantiau’r haf")
    _translate(db, "pot", small, "cy", name="Grantiau bach")
    _translate(db, "proposal", garden, "cy", title="Gardd gymunedol", summary="Gardd i bawb.")
    login_as(resident)

    listing = client.get("/proposals/").get_data(as_text=True)
    assert page_text.marked_language(listing, "Gardd gymunedol", "h2") is None
    assert page_text.marked_language(listing, "Gardd i bawb.") is None
    assert page_text.marked_language(listing, "Park lights", "h2") == "en"
    assert page_text.marked_language(listing, "Lights on the paths.") == "en"
    assert listing.count(notice) == 1
    assert f'<option value="{round_.id}">Grantiau’r haf</option>' in listing

    mine = client.get("/proposals/mine").get_data(as_text=True)
    assert page_text.marked_language(mine, "Gardd gymunedol", "a") is None and "Grantiau’r haf" in mine

    detail = client.get(f"/proposals/{garden.id}").get_data(as_text=True)
    assert page_text.heading(detail) == "Gardd gymunedol" and page_text.marked_language(detail, "Gardd gymunedol") is None
    assert page_text.summary_list(detail)["Crynodeb"] == "Gardd i bawb."
    assert page_text.marked_language(detail, "Gardd i bawb.", "dd") is None
    assert page_text.marked_language(detail, "Grantiau bach", "dd") is None
    description = next(value for value in page_text.summary_list(detail).values() if value.startswith("What we will do"))
    assert page_text.marked_language(detail, description, "dd") == "en"  # descriptions are left to fall back

    form = client.get(f"/proposals/new/{round_.id}").get_data(as_text=True)
    assert page_text.marked_language(form, "Grantiau’r haf") is None
    assert (str(small.id), "Grantiau bach", None) in page_text.options(form, "pot")
    assert (str(youth.id), "Youth fund", "en") in page_text.options(form, "pot")


def test_a_submitted_form_keeps_working_with_translated_pot_names(client, db, login_as, area):
    round_ = make_round(area=area, phase="proposals")
    pot = make_pot(round_=round_, name="Small grants")
    _translate(db, "pot", pot, "cy", name="Grantiau bach")
    login_as(make_user(ward=area.wards[0], locale="cy"))
    response = client.post(f"/proposals/new/{round_.id}", data={
        "pot": pot.id, "title": "Gardd", "summary": "Gardd i bawb.", "description": "Plannu.", "cost": "500",
        "ward": area.wards[0].id, "priority": "", "original_locale": "cy", "action": "draft"})
    assert response.status_code == 302


@pytest.fixture
def published(db):
    s = Scenario(phase="published")
    db.session.commit()
    return s


def test_the_results_pages_show_round_pot_and_project_names_in_the_readers_language(client, db, published,
                                                                                     notice):
    s = published
    _translate(db, "round", s.round, "cy", title="Grantiau Bedwell")
    _translate(db, "pot", s.pot, "cy", name="Grantiau cymunedol")
    _translate(db, "proposal", s.garden, "cy", title="Gardd", summary="Gardd i bawb.")
    welsh = {"Accept-Language": "cy"}

    page = _plain(client.get(f"/results/rounds/{s.round.id}", headers=welsh).get_data(as_text=True))
    assert "Canlyniadau: Grantiau Bedwell" in page.split("</title>")[0]
    assert page_text.heading(page) == "Canlyniadau: Grantiau Bedwell"
    assert "<span lang=" not in page.split("<main", 1)[1].split("</h1>")[0]  # translated: not marked as English
    assert page_text.marked_language(page, "Grantiau cymunedol", "h2") is None
    assert page_text.marked_language(page, "Gardd", "a") is None and page_text.marked_language(page, "Lights", "a") == "en"
    assert 'lang="en">Lights</text>' in page  # the chart's label too
    assert page.count(notice) == 1  # once, after the pot's table: Lights and Bench are as written

    listing = _plain(client.get("/results/", headers=welsh).get_data(as_text=True))
    assert ">Grantiau Bedwell</a>" in listing
    turnout = _plain(client.get(f"/results/rounds/{s.round.id}/participation", headers=welsh).get_data(as_text=True))
    assert "Grantiau Bedwell</h1>" in turnout
    record = _plain(client.get(f"/results/rounds/{s.round.id}/decision", headers=welsh).get_data(as_text=True))
    assert "Grantiau Bedwell" in record.split("</title>")[0]


def test_an_untranslated_results_page_marks_the_original_and_says_so(client, db, published, notice):
    s = published
    page = _plain(client.get(f"/results/rounds/{s.round.id}", headers={"Accept-Language": "cy"}).get_data(as_text=True))
    assert '<span lang="en" dir="auto">Bedwell grants</span></h1>' in page
    assert page_text.marked_language(page, "Community grants") == "en"
    assert page.count(notice) == 2  # under the title, and after the pot's table


def test_a_translation_saved_by_a_translator_shows_at_once_on_the_cached_results_page(app, client, db, login_as,
                                                                                       published):
    """The results are cached per round, language and audit-chain head; saving a translation is audited, so the
    next visitor gets a fresh page, both the shared content and the whole page kept for visitors."""
    s = published
    url = f"/results/rounds/{s.round.id}"
    visitor = app.test_client()
    for reader in (client, visitor):
        assert "Bedwell grants" in _plain(reader.get(url, headers={"Accept-Language": "cy"}).get_data(as_text=True))
    login_as(make_user(role="translator", locale="cy"))
    response = client.post(f"/translate/cy/round/{s.round.id}", data={"title": "Grantiau Bedwell", "description": ""})
    assert response.status_code == 302
    for reader in (client, visitor):
        page = _plain(reader.get(url, headers={"Accept-Language": "cy"}).get_data(as_text=True))
        assert "Grantiau Bedwell</h1>" in page and "Bedwell grants" not in page
