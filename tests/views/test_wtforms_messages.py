"""A validator with no message of our own (WTForms' "This field is required.", "Not a valid choice.", length
limits) speaks the page's language from our catalogues, Urdu and Punjabi included; English pages read as before."""

import pytest
from flask_babel import force_locale, gettext, ngettext

from tests.factories import make_area, make_round, make_user, make_ward
from tests.support.page_text import text

LOCALES = ["en", "ur", "pa", "cy", "pl"]


def _in(app, locale, english, plural=None, n=None, **values):
    """What our catalogue says for WTForms' English wording in this language."""
    with app.test_request_context(), force_locale(locale):
        return ngettext(english, plural, n, **values) if plural else gettext(english, **values)


@pytest.mark.parametrize("locale", LOCALES)
def test_an_officer_naming_a_pot_too_long_reads_the_limit_in_their_language(app, client, db, login_as, locale):
    area = make_area()
    ward = make_ward(area=area)
    round_ = make_round(area=area, phase="draft", wards=[ward])
    login_as(make_user(role="officer", ward=ward, locale=locale))
    db.session.commit()

    response = client.post(f"/officer/rounds/{round_.id}/pots/new", data={
        "name": "N" * 201, "instructions": "", "amount": "40000", "wards": [str(ward.id)], "ballot_type": "knapsack",
        "counting_rule": "greedy", "completion": "add1u"})

    page = text(response.get_data(as_text=True))
    assert response.status_code == 400
    expected = _in(app, locale, "Field cannot be longer than %(max)d character.",
                   "Field cannot be longer than %(max)d characters.", 200, max=200)
    assert expected in page
    if locale == "en":
        assert "Field cannot be longer than 200 characters." in page
    else:
        assert "Field cannot be longer" not in page


@pytest.mark.parametrize("locale", LOCALES)
def test_the_administrator_granting_a_blank_or_unknown_role_reads_why_in_their_language(app, client, db, login_as,
                                                                                         locale):
    login_as(make_user(role="admin", locale=locale))
    person = make_user(email="someone@example.org")
    db.session.commit()

    for role, english in (("", "This field is required."), ("emperor", "Not a valid choice.")):
        response = client.post(f"/admin/users/{person.id}", data={"role": role, "area": ""})
        page = text(response.get_data(as_text=True))
        assert response.status_code == 400, role
        assert _in(app, locale, english) in page
        assert (english in page) == (locale == "en")


@pytest.mark.parametrize("locale", ["ur", "pa"])
def test_a_resident_choosing_an_unknown_language_reads_why_in_theirs(app, client, db, login_as, locale):
    login_as(make_user(name="Amira Khan", locale=locale))
    db.session.commit()

    page = text(client.post("/auth/account", data={"name": "Amira", "locale": "xx"}).get_data(as_text=True))

    assert _in(app, locale, "Not a valid choice.") in page
    assert "Not a valid choice" not in page


def test_every_language_words_wtforms_messages_itself(app):
    for locale in ["cy", "pl", "ur", "pa"]:
        for english in ("This field is required.", "Not a valid choice.", "Not a valid integer value.",
                        "Invalid email address."):
            assert _in(app, locale, english) != english, (locale, english)
