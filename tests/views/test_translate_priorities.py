"""Each area's priority names are translatable content like round texts: the translators' pages list them with
their state, a translator translates one and another reviews it, readers get it through the one fallback rule,
and a renamed English name makes the translation stale (readers see the English until it is updated)."""

import re

import pytest

from app.models import ContentTranslation, Priority
from app.services import priorities as priority_service
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def dog_walking(db):
    area = make_area(name="Chells")
    make_ward(area=area)
    priority = priority_service.add_priority(db.session, None, area.council_id, area.id, {"en": "Dog walking"})
    proposal = make_proposal(pot=make_pot(round_=make_round(area=area, phase="proposals")), priority=priority.code)
    db.session.commit()
    return priority, proposal


NAMES = ("Dog walking areas", "Dog walking", "Mannau i fynd â chŵn am dro", "Mynd â chŵn am dro")


def shown_priority(client, proposal, locale):
    """The priority's name on the proposal's page, as a visitor reading locale sees it (not signed in)."""
    page = text(client.application.test_client().get(f"/proposals/{proposal.id}", headers={"Accept-Language": locale}))
    return next(name for name in NAMES if re.search(rf"<dd[^>]*>{name}</dd>", page))


def test_translators_list_priority_names_and_translate_them_like_round_texts(client, db, login_as, dog_walking):
    priority, proposal = dog_walking
    assert shown_priority(client, proposal, "cy") == "Dog walking", "no Welsh yet: the English name"
    translator = login_as(make_user(role="translator"))
    listing = text(client.get("/translate/cy/?state=missing"))
    assert f'href="/translate/cy/priority/{priority.id}"' in listing and "Dog walking" in listing
    assert "Neighbourhood-plan priority" in listing and "Chells" in listing
    page = text(client.get(f"/translate/cy/priority/{priority.id}"))
    assert "Name of the priority in Welsh" in page and "Priorities of: Chells" in page

    assert client.post(f"/translate/cy/priority/{priority.id}", data={"label": "Mynd â chŵn am dro"}).status_code == 302
    row = db.session.query(ContentTranslation).filter_by(entity="priority").one()
    assert (row.text, row.reviewed, row.translator_id) == ("Mynd â chŵn am dro", False, translator.id)
    assert shown_priority(client, proposal, "cy") == "Mynd â chŵn am dro"
    assert shown_priority(client, proposal, "pl") == "Dog walking", "fallback: the English original"

    login_as(make_user(role="translator"))
    assert client.post(f"/translate/cy/priority/{priority.id}/review").status_code == 302
    db.session.expire_all()
    assert db.session.query(ContentTranslation).filter_by(entity="priority").one().reviewed


def test_a_renamed_priority_makes_its_translation_stale_and_readers_see_the_english(client, db, login_as,
                                                                                    dog_walking):
    priority, proposal = dog_walking
    login_as(make_user(role="translator"))
    client.post(f"/translate/cy/priority/{priority.id}", data={"label": "Mynd â chŵn am dro"})
    priority_service.rename_priority(db.session, None, db.session.get(Priority, priority.id),
                                     {"en": "Dog walking areas"})
    db.session.commit()

    assert shown_priority(client, proposal, "cy") == "Dog walking areas"
    listing = text(client.get("/translate/cy/?state=stale"))
    assert "Dog walking areas" in listing and "Original changed" in listing
    client.post(f"/translate/cy/priority/{priority.id}", data={"label": "Mannau i fynd â chŵn am dro"})
    assert shown_priority(client, proposal, "cy") == "Mannau i fynd â chŵn am dro"


def test_names_the_board_wrote_in_a_language_wait_for_a_translators_review(client, db, login_as):
    area = make_area(name="Manor")
    priority_service.ensure_rows(db.session, area.council_id, area.id)
    db.session.commit()
    login_as(make_user(role="translator"))
    listing = text(client.get("/translate/ur/?state=translated"))
    assert "Parks and green spaces" in listing
    green = db.session.query(Priority).filter_by(area_id=area.id, code="green_spaces").one()
    assert client.post(f"/translate/ur/priority/{green.id}/review").status_code == 302
    assert f'href="/translate/ur/priority/{green.id}"' not in text(client.get("/translate/ur/?state=translated"))
