"""The base layout every page shares: language, direction, skip link, switcher, headers."""

import pytest


def test_home_page_has_skip_link_landmarks_and_switcher(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert "<nav" in html and "<footer" in html
    assert 'name="locale"' in html
    assert "/accessibility" in html


@pytest.mark.parametrize(("code", "direction"), [("ur", "rtl"), ("cy", "ltr"), ("pl", "ltr"), ("pa", "ltr")])
def test_language_switch_sets_lang_and_direction(client, code, direction):
    response = client.post("/language", data={"locale": code, "next": "/accessibility"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/accessibility")
    html = client.get("/accessibility").get_data(as_text=True)
    assert f'<html lang="{code}" dir="{direction}">' in html


def test_accept_language_is_used_when_nothing_chosen(client):
    html = client.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="pl" dir="ltr">' in html


def test_saved_preference_wins_over_switch_and_is_updated_by_it(client, db, login_as):
    from tests.factories import make_user

    user = make_user(locale="cy")
    db.session.commit()
    login_as(user)
    assert '<html lang="cy"' in client.get("/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    client.post("/language", data={"locale": "ur", "next": "/"})
    assert '<html lang="ur" dir="rtl">' in client.get("/").get_data(as_text=True)
    db.session.refresh(user)
    assert user.preferred_locale == "ur"


def test_language_switch_refuses_offsite_redirect(client):
    response = client.post("/language", data={"locale": "cy", "next": "//evil.example/"})
    assert response.headers["Location"].endswith("/")
    assert "evil" not in response.headers["Location"]


def test_language_switch_without_csrf_token_is_refused(client):
    response = client.post("/language", data={"locale": "cy", "next": "/"}, csrf=False)
    assert response.status_code == 400
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)


def test_security_headers_on_pages_and_errors(client):
    for path in ("/", "/no-such-page"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]
    assert client.get("/no-such-page").status_code == 404


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers
