"""Officers', board members' and translators' pages show what residents and officers wrote as it was written,
each text marked with its own language when that is not the page's (WCAG 3.1.2), so a screen reader reads an
English title on a Welsh or Urdu page in English, and with dir="auto" so it keeps its own direction. The same
holds for what residents read as written: the decision record, a proposal's cost breakdown and location."""

import re

import pytest

from app.models import Round
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support import page_text
from tests.support.results_scenarios import Scenario


def _plain(html):
    """The page without class attributes or the space inside tags, so these checks read the words and langs."""
    return re.sub(r"\s+>", ">", re.sub(r"\s+", " ", re.sub(r' class="[^"]*"', "", html)))


def _main(html):
    return html.split("<main", 1)[1]


@pytest.fixture
def round_with_ideas(db):
    """An English round and pot with one idea written in English and one written in Welsh."""
    round_ = make_round(title="Summer grants", phase="review")
    pot = make_pot(round_=round_, name="Small grants")
    english = make_proposal(pot=pot, title="Benches for the park", summary="Four new benches.",
                            description="By the pond.", original_locale="en")
    welsh = make_proposal(pot=pot, title="Gardd gymunedol", summary="Gardd i bawb.", original_locale="cy")
    return round_, pot, english, welsh


@pytest.mark.parametrize("lang", ["cy", "ur"])
def test_the_officers_round_page_marks_english_content_on_a_welsh_or_urdu_page(client, db, login_as,
                                                                             round_with_ideas, lang):
    round_, _pot, english, welsh = round_with_ideas
    login_as(make_user(role="officer", locale=lang))
    html = client.get(f"/officer/rounds/{round_.id}").get_data(as_text=True)
    assert f'<html lang="{lang}"' in html
    page = _plain(html)
    assert '<h1 lang="en" dir="auto">Summer grants</h1>' in page
    assert '<td lang="en" dir="auto">Benches for the park</td>' in page
    assert page_text.marked_language(html, "Small grants", "td") == "en"
    # Written in Welsh: on the Welsh page it is in the page's language; on the Urdu page it is marked Welsh.
    assert page_text.marked_language(html, "Gardd gymunedol", "td") == (None if lang == "cy" else "cy")
    assert '<td dir="auto">Gardd gymunedol</td>' in page or lang != "cy"


def test_the_officers_english_page_marks_only_what_was_written_in_another_language(client, db, login_as,
                                                                                  round_with_ideas):
    round_, _pot, _english, welsh = round_with_ideas
    login_as(make_user(role="officer", locale="en"))
    html = client.get(f"/officer/rounds/{round_.id}").get_data(as_text=True)
    assert page_text.marked_language(html, "Benches for the park", "td") is None
    assert page_text.marked_language(html, "Gardd gymunedol", "td") == "cy"
    assert 'lang="en"' not in _main(html)


def test_the_review_page_marks_the_residents_words_in_their_own_language(client, db, login_as, round_with_ideas):
    _round, _pot, english, welsh = round_with_ideas
    login_as(make_user(role="officer", locale="ur"))
    page = _plain(client.get(f"/officer/proposals/{english.id}/review").get_data(as_text=True))
    assert '<span lang="en" dir="auto">Benches for the park</span></h1>' in page
    for words in ("Four new benches.", "By the pond.", "Small grants"):
        assert f'<span lang="en" dir="auto">{words}</span>' in page
    html = client.get(f"/officer/proposals/{english.id}/review").get_data(as_text=True)
    assert page_text.options(html, "merge-into") == [(str(welsh.id), "Gardd gymunedol", "cy")]
    check = _plain(client.get(f"/officer/proposals/{english.id}/merge/check",
                              query_string={"merge-into": welsh.id}).get_data(as_text=True))
    assert '<span lang="en" dir="auto">Benches for the park</span> (' in check
    assert '<span lang="cy" dir="auto">Gardd gymunedol</span> (' in check


@pytest.mark.parametrize("lang", ["cy", "ur"])
def test_the_boards_decision_form_and_record_mark_english_project_names(client, db, login_as, lang):
    s = Scenario(phase="decision")
    s.record = s.draft()
    member = s.members[0]
    member.preferred_locale = lang
    login_as(member)
    form = _plain(client.get(f"/board/rounds/{s.round.id}/decision").get_data(as_text=True))
    assert '<span lang="en" dir="auto">Bedwell grants</span></h1>' in form
    assert '<h3><span lang="en" dir="auto">Garden</span> –' in form
    assert 'lang="en">Garden</option>' in form  # the declarations' project list
    record = client.get(f"/board/decisions/{s.record.id}").get_data(as_text=True)
    for words in ("Garden", "Lights", "Bench"):
        assert page_text.marked_language(record, words, "th") == "en"
    assert page_text.marked_language(record, "Community grants", "th") == "en"
    board = _plain(client.get("/board/").get_data(as_text=True))
    assert '<h2> <span lang="en" dir="auto">Bedwell grants</span> </h2>' in board  # the round's card


def test_the_officers_count_page_marks_project_and_pot_names(client, db, login_as):
    s = Scenario(phase="decision")
    s.officer.preferred_locale = "cy"
    login_as(s.officer)
    html = client.get(f"/officer/rounds/{s.round.id}/count").get_data(as_text=True)
    assert page_text.marked_language(html, "Community grants", "h2") == "en"
    assert page_text.marked_language(html, "Garden", "th") == "en"


def test_the_translators_pages_mark_the_original_in_its_own_language(client, db, login_as, round_with_ideas):
    _round, _pot, english, welsh = round_with_ideas
    login_as(make_user(role="translator", locale="ur"))
    listing = client.get("/translate/pl/").get_data(as_text=True)
    assert page_text.marked_language(listing, "Benches for the park", "a") == "en"
    assert page_text.marked_language(listing, "Gardd gymunedol", "a") == "cy"
    page = _plain(client.get(f"/translate/pl/proposal/{welsh.id}").get_data(as_text=True))
    assert '<h1><span lang="cy" dir="auto">Gardd gymunedol</span></h1>' in page


def test_the_public_decision_record_marks_what_the_board_decided_on_in_its_own_language(client, db):
    s = Scenario(phase="published")
    db.session.commit()
    html = client.get(f"/results/rounds/{s.round.id}/decision", headers={"Accept-Language": "ur"}).get_data(as_text=True)
    assert page_text.marked_language(html, "Garden", "th") == "en"
    assert '<span lang="en" dir="auto">Bedwell grants</span></h1>' in _plain(html)


def test_a_proposals_own_words_that_are_never_translated_are_marked_on_its_public_page(client, db, round_with_ideas):
    _round, _pot, english, _welsh = round_with_ideas
    english.cost_breakdown, english.location = "Four benches at £500 each.", "By the pond in Fairlands Valley"
    db.session.commit()
    html = client.get(f"/proposals/{english.id}", headers={"Accept-Language": "cy"}).get_data(as_text=True)
    assert page_text.marked_language(html, "Four benches at £500 each.", "dd") == "en"
    assert page_text.marked_language(html, "By the pond in Fairlands Valley", "dd") == "en"
    english_page = client.get(f"/proposals/{english.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert page_text.marked_language(english_page, "Four benches at £500 each.", "dd") is None


def test_the_round_and_pot_forms_mark_the_words_being_edited_with_their_language(client, db, login_as,
                                                                                round_with_ideas):
    round_, pot, _english, _welsh = round_with_ideas
    login_as(make_user(role="officer", locale="cy"))
    html = client.get(f"/officer/rounds/{round_.id}/edit").get_data(as_text=True)
    for control in ("input", "textarea"):
        found = re.search(rf'<{control}[^>]*\bid="(title|description)"[^>]*>', html).group(0)
        assert 'lang="en"' in found and 'dir="auto"' in found
    html = client.get(f"/officer/rounds/{round_.id}/pots/{pot.id}/edit").get_data(as_text=True)
    assert 'lang="en"' in re.search(r'<input[^>]*\bid="name"[^>]*>', html).group(0)
    assert '<span lang="en" dir="auto">Summer grants</span>' in html  # the back link
    new = client.get("/officer/rounds/new").get_data(as_text=True)  # nothing written yet: nothing to mark
    assert 'lang="en"' not in re.search(r'<input[^>]*\bid="title"[^>]*>', new).group(0)


def _new_round(area, ward, **changes):
    return {"title": "Grantiau’r haf", "description": "Trigolion sy’n penderfynu.", "area": str(area.id),
            "wards": [str(ward.id)], "languages": ["en", "cy"], "min_age": "", "require_verified_email": "y",
            "proposals_open_at": "2026-07-01T18:00", "proposals_close_at": "2026-09-01T12:00",
            "voting_open_at": "2026-10-01T09:00", "voting_close_at": "2026-12-01T18:00", **changes}


def test_a_round_an_officer_writes_in_welsh_is_marked_welsh_not_english(client, db, login_as):
    area = make_area(name="Chells")
    ward = make_ward(area=area)
    login_as(make_user(role="officer", ward=ward, locale="cy"))
    form = client.get("/officer/rounds/new").get_data(as_text=True)
    assert re.search(r'<option[^>]*value="cy"[^>]*selected', form)  # the officer's language, until they say otherwise
    response = client.post("/officer/rounds/new", data=_new_round(area, ward, original_locale="cy"))
    assert response.status_code == 302
    round_ = db.session.query(Round).one()
    assert round_.original_locale == "cy"
    welsh = _plain(client.get(f"/officer/rounds/{round_.id}").get_data(as_text=True))
    assert '<h1 dir="auto">Grantiau’r haf</h1>' in welsh  # in the page's language: nothing to mark
    login_as(make_user(role="officer", ward=ward, locale="en"))
    english = _plain(client.get(f"/officer/rounds/{round_.id}").get_data(as_text=True))
    assert '<h1 lang="cy" dir="auto">Grantiau’r haf</h1>' in english


def test_a_language_that_is_not_offered_is_refused_and_nothing_is_saved(client, db, login_as):
    area = make_area(name="Chells")
    ward = make_ward(area=area)
    login_as(make_user(role="officer", ward=ward))
    response = client.post("/officer/rounds/new", data=_new_round(area, ward, original_locale="xx"))
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
    assert db.session.query(Round).count() == 0
