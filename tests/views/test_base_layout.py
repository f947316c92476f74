"""The base layout every page shares: language, direction, skip link, switcher, headers."""

import pytest


def test_home_page_has_skip_link_landmarks_and_switcher(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="en" dir="ltr"' in html
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert "<nav" in html and "<footer" in html
    assert "/accessibility" in html


def test_pages_name_the_council_and_the_service_but_not_gov_uk(client):
    html = client.get("/").get_data(as_text=True)
    assert "Neighbourhood Budgets" in html and "Borough of Fernleigh" in html
    assert "Beta" in html and "Crown copyright" not in html and "GOV.UK" not in html


def test_anonymous_pages_carry_no_csrf_token_and_no_sign_out(client):
    html = client.get("/results/").get_data(as_text=True)
    assert "csrf_token" not in html and "Sign out" not in html and "Sign in" in html


def test_language_links_name_each_language_in_itself(client):
    html = client.get("/accessibility?x=1").get_data(as_text=True)
    assert 'lang="cy" hreflang="cy" href="/language/cy?next=/accessibility?x%3D1"' in html
    assert ">Cymraeg</a>" in html and ">اردو</a>" in html and ">ਪੰਜਾਬੀ</a>" in html and ">Polski</a>" in html
    # The page's own language is not a link.
    assert 'hreflang="en"' not in html and 'lang="en" aria-current="true">English<' in html


@pytest.mark.parametrize(("code", "direction"), [("ur", "rtl"), ("cy", "ltr"), ("pl", "ltr"), ("pa", "ltr")])
def test_language_link_sets_lang_and_direction_and_comes_back(client, code, direction):
    response = client.get(f"/language/{code}?next=/accessibility")
    assert response.status_code == 302 and response.headers["Location"].endswith("/accessibility")
    html = client.get("/accessibility").get_data(as_text=True)
    assert f'<html lang="{code}" dir="{direction}"' in html
    assert ("css/rtl.css" in html) == (direction == "rtl")


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example/", "evil", ""])
def test_language_link_only_goes_back_to_this_site(client, target):
    response = client.get("/language/cy", query_string={"next": target})
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"] and response.headers["Location"].endswith("/")
    assert '<html lang="cy"' in client.get("/").get_data(as_text=True)


def test_language_link_works_for_someone_signed_in_but_keeps_the_saved_preference(client, db, login_as):
    from tests.factories import make_user

    user = make_user(locale="cy")
    db.session.commit()
    login_as(user)
    assert '<html lang="cy"' in client.get("/").get_data(as_text=True)
    client.get("/language/pa?next=/")
    assert '<html lang="pa"' in client.get("/").get_data(as_text=True)
    db.session.refresh(user)
    assert user.preferred_locale == "cy"  # e-mails keep the language chosen on the account page


def test_unknown_language_link_changes_nothing(client):
    assert client.get("/language/xx?next=/").status_code == 302
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(("code", "direction"), [("ur", "rtl"), ("cy", "ltr"), ("pl", "ltr"), ("pa", "ltr")])
def test_language_switch_sets_lang_and_direction(client, code, direction):
    response = client.post("/language", data={"locale": code, "next": "/accessibility"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/accessibility")
    html = client.get("/accessibility").get_data(as_text=True)
    assert f'<html lang="{code}" dir="{direction}"' in html


def test_accept_language_is_used_when_nothing_chosen(client):
    html = client.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="pl" dir="ltr"' in html


def test_saved_preference_wins_over_switch_and_is_updated_by_it(client, db, login_as):
    from tests.factories import make_user

    user = make_user(locale="cy")
    db.session.commit()
    login_as(user)
    assert '<html lang="cy"' in client.get("/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    client.post("/language", data={"locale": "ur", "next": "/"})
    assert '<html lang="ur" dir="rtl"' in client.get("/").get_data(as_text=True)
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
