"""A resident who writes too much on the proposal form reads why in their own language: WTForms has no Urdu or
Punjabi words of its own, so the form's length limits say it in the service's catalogue."""

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from tests.factories import make_area, make_pot, make_round, make_user, make_ward
from tests.support.page_text import text


@pytest.mark.parametrize("locale", ["ur", "pa", "cy"])
def test_too_long_answers_are_explained_in_the_residents_language(app, client, db, login_as, locale):
    area = make_area()
    ward = make_ward(area=area)
    round_ = make_round(area=area, phase="proposals")
    pot = make_pot(round_=round_)
    login_as(make_user(ward=ward, locale=locale))
    db.session.commit()

    response = client.post(f"/proposals/new/{round_.id}", data={
        "pot": pot.id, "title": "T" * 121, "summary": "S" * 301, "description": "D" * 5001, "cost": "500",
        "cost_breakdown": "B" * 2001, "location": "L" * 201, "group_name": "G" * 201, "ward": ward.id,
        "priority": "", "original_locale": "en", "action": "draft"})

    page = text(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Field cannot be longer" not in page
    with app.test_request_context(), force_locale(locale):
        expected = [_("The title must be 120 characters or fewer."), _("The summary must be 300 characters or fewer."),
                    _("The description must be 5,000 characters or fewer."),
                    _("The cost breakdown must be 2,000 characters or fewer."),
                    _("Use %(max)d characters or fewer.", max=200)]
    for sentence in expected:
        assert sentence in page
    assert "The title must be" not in page  # translated, not English
