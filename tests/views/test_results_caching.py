"""Published results are the same page for every visitor who is not signed in, so a proxy or CDN may keep
them for a minute: no cookie, no CSRF token, Cache-Control public, Vary on what picks the language. A
signed-in resident's page is their own (no-store)."""

import re

import pytest

from tests.factories import make_user
from tests.support.results_scenarios import Scenario


@pytest.fixture
def published(db):
    s = Scenario(phase="published")
    db.session.commit()
    return s


def _pages(s):
    return [f"/results/rounds/{s.round.id}", "/results/", f"/results/rounds/{s.round.id}/participation",
            f"/results/rounds/{s.round.id}/decision"]


def _tokens(html):
    return [value for value in re.findall(r'name="csrf_token" value="([^"]*)"', html) if value]


def test_a_visitor_gets_published_results_a_proxy_may_keep_without_a_cookie_or_token(app, published):
    for path in _pages(published):
        visitor = app.test_client()
        response = visitor.get(path)
        assert response.status_code == 200, path
        assert response.headers.getlist("Set-Cookie") == [], path
        cache_control = response.cache_control
        assert cache_control.public and 0 < cache_control.max_age <= 300 and not cache_control.no_store, path
        assert {"Cookie", "Accept-Language"} <= set(response.vary), path
        assert _tokens(response.get_data(as_text=True)) == [], path


def test_every_visitor_in_a_language_gets_the_same_page(app, published):
    path = _pages(published)[0]
    first, second = app.test_client().get(path), app.test_client().get(path)
    assert first.get_data() == second.get_data()


def test_the_language_comes_from_accept_language_or_the_visitors_choice_and_the_page_varies_by_both(
        app, published):
    path = _pages(published)[0]
    welsh = app.test_client().get(path, headers={"Accept-Language": "cy"})
    assert '<html lang="cy"' in welsh.get_data(as_text=True)
    assert "Accept-Language" in welsh.vary
    chooser = app.test_client()
    with chooser.session_transaction() as session:
        session["locale"] = "pl"  # chosen with the language switcher
    for _ in range(2):  # the sign-in machinery may rewrite an older session once: that response is not public
        polish = chooser.get(path, headers={"Accept-Language": "cy"})
        assert '<html lang="pl"' in polish.get_data(as_text=True)
        assert not (polish.cache_control.public and polish.headers.getlist("Set-Cookie"))
    assert polish.cache_control.public and "Cookie" in polish.vary and not polish.headers.getlist("Set-Cookie")


def test_a_signed_in_residents_results_page_is_their_own(app, db, published, login_as):
    resident = make_user(ward=published.ward, name="Ada Voter")
    db.session.commit()
    client = app.test_client()
    login_as(resident, on=client)
    for path in _pages(published):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        assert "Sign out" in response.get_data(as_text=True)


def test_a_visitor_with_a_message_waiting_gets_it_on_a_page_nobody_else_is_served(app, published):
    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("success", "You have signed out.")]
    response = visitor.get(_pages(published)[0])
    assert "You have signed out." in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert "You have signed out." not in app.test_client().get(_pages(published)[0]).get_data(as_text=True)


def test_pages_that_are_not_published_results_stay_uncached(app, published):
    visitor = app.test_client()
    assert visitor.get(f"/results/rounds/{published.round.id + 1000}").headers["Cache-Control"] == "no-store"
    assert visitor.get("/").headers["Cache-Control"] == "no-store"
