"""Error pages speak the reader's language: a form whose page was left open too long (its CSRF token expired or
missing) gets a page saying nothing was saved and how to go on, never Flask-WTF's or Werkzeug's English."""

import re
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.models import User
from tests.factories import make_user
from tests.support.page_text import visible_text

URDU_TITLE = "اس صفحے کی میعاد ختم ہو گئی ہے"


class _FiveHoursAgo(TimestampSigner):
    def get_timestamp(self):
        return int(time.time()) - 5 * 60 * 60


def _token_from_five_hours_ago(client):
    """The token a page opened five hours ago carries (tokens last WTF_CSRF_TIME_LIMIT, four hours)."""
    client.csrf_token()
    with client.session_transaction() as sess:
        raw = sess["csrf_token"]
    return URLSafeTimedSerializer(client.application.secret_key, salt="wtf-csrf-token",
                                  signer=_FiveHoursAgo).dumps(raw)


@pytest.fixture
def resident(db, login_as):
    return login_as(make_user(name="Rita Resident", email="rita@example.org"))


def _h1(page):
    return visible_text(re.search(r"<h1.*?</h1>", page, re.S).group(0))


def _name(db, user):
    db.session.expire_all()
    return db.session.get(User, user.id).name


def test_a_form_left_open_for_hours_is_refused_in_words_and_nothing_is_saved(client, db, resident):
    response = client.post("/auth/account", data={"name": "Changed", "locale": "en",
                                                  "csrf_token": _token_from_five_hours_ago(client)},
                           headers={"Referer": "http://localhost/auth/account"})

    page = response.get_data(as_text=True)
    assert response.status_code == 400 and '<html lang="en" dir="ltr"' in page
    assert _h1(page) == "This page has expired"
    assert "Nothing was saved." in visible_text(page) and "Go back, reload the page and try again." in page
    assert re.search(r'<a class="govuk-link" href="/auth/account">Open the page again</a>', page)
    assert "CSRF" not in page and "token" not in visible_text(page)  # not Flask-WTF's "The CSRF token has expired."
    assert _name(db, resident) == "Rita Resident"


def test_a_form_without_its_token_on_an_urdu_page_is_answered_in_urdu(client, db, resident):
    client.post("/language", data={"locale": "ur", "next": "/"})

    response = client.post("/auth/account", data={"name": "Changed", "locale": "ur"}, csrf=False)

    page = response.get_data(as_text=True)
    assert response.status_code == 400 and '<html lang="ur" dir="rtl"' in page
    assert _h1(page) == URDU_TITLE and "کچھ بھی محفوظ نہیں کیا گیا۔" in page
    assert not re.search(r"expired|Nothing was saved|CSRF|token", visible_text(page), re.I)
    assert _name(db, resident) == "Rita Resident"


@pytest.mark.parametrize("referrer", ["https://evil.example/auth/account", "http://localhost//evil.example/x",
                                      "http://localhost/\\evil.example/x", None])
def test_the_link_back_only_ever_leads_to_a_page_on_this_site(client, db, resident, referrer):
    headers = {"Referer": referrer} if referrer else {}
    page = client.post("/auth/account", data={"name": "Changed"}, csrf=False, headers=headers).get_data(as_text=True)
    assert "This page has expired" in page and "Open the page again" not in page and "evil" not in page


def test_an_api_caller_gets_the_reason_as_json(client, db, resident):
    response = client.post("/auth/account", data={"name": "Changed"}, csrf=False,
                           headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"] == "This page has expired"
    assert response.get_json()["detail"].startswith("Nothing was saved.")


def test_a_bad_request_on_a_welsh_page_shows_no_english_explanation(client, db):
    response = client.get("/proposals/", query_string={"page": "abc"}, headers={"Accept-Language": "cy"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and '<html lang="cy"' in page and "Mae problem gyda’ch cais" in page
    assert "The browser (or proxy)" not in page


def test_a_reason_a_view_gives_for_a_bad_request_is_still_shown(client, db):
    page = client.get("/", query_string={"q": "a\x1bb"}, headers={"Accept-Language": "cy"}).get_data(as_text=True)
    assert "U+001B" in page  # the translated sentence naming the control character (app/request_hooks.py)
