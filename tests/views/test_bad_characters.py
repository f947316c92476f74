"""A NUL character in a form or a query is refused as bad input, with the translated error page, and
nothing is stored (PostgreSQL cannot store it in text; SQLite would, silently)."""

from app.models import ContentTranslation
from tests.factories import make_round, make_user


def test_a_nul_character_in_a_form_is_refused_and_nothing_is_stored(app, client, db, login_as):
    round_ = make_round(phase="proposals", title="Chells grants")
    login_as(make_user(role="translator"))
    db.session.commit()
    response = client.post(f"/translate/cy/round/{round_.id}",
                           data={"title": "Grantiau\x00 Chells", "description": "Disgrifiad"})
    assert response.status_code == 400
    assert "There is a problem with your request" in response.get_data(as_text=True)
    assert db.session.query(ContentTranslation).count() == 0


def test_a_nul_character_in_a_query_is_refused_in_the_visitors_language(client, db):
    response = client.get("/proposals/?q=garden%00", headers={"Accept-Language": "cy"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and '<html lang="cy"' in page
    assert "There is a problem with your request" not in page  # said in Welsh
