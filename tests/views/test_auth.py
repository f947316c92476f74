"""Registration, e-mail verification, sign-in/out, password reset: as a resident experiences them."""

import re

import pytest

from app.models import User
from tests.factories import PASSWORD, make_user, make_ward

REGISTRATION = {
    "name": "Amira Khan",
    "email": "amira@example.org",
    "password": "plum orbit kettle seven",
    "postcode": "fl1 2ab",
    "date_of_birth": "1990-04-01",
    "age_confirmed": "",
    "locale": "en",
    "accept": "y",
}


@pytest.fixture
def ward(db):
    ward = make_ward(name="Chells", postcodes=["FL1 2AB"])
    db.session.commit()
    return ward


def _link(message):
    return re.search(r"https?://\S+", message.get_content()).group(0).replace("http://localhost", "")


def test_register_verify_then_sign_in_end_to_end(client, db, ward, outbox):
    response = client.post("/auth/register", data=dict(REGISTRATION))
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/check-email")
    message = outbox.wait_for(lambda m: m["To"] == "amira@example.org")
    assert "Confirm your e-mail address" in message["Subject"]
    user = db.session.query(User).filter_by(email="amira@example.org").one()
    assert user.ward_id == ward.id and user.postcode == "FL1 2AB" and not user.email_verified
    link = _link(message)
    assert "Confirm my e-mail address" in client.get(link).get_data(as_text=True)
    db.session.refresh(user)
    assert not user.email_verified, "following the link alone (a mail scanner) must not verify"
    assert client.post(link).status_code == 302
    db.session.refresh(user)
    assert user.email_verified
    response = client.post("/auth/login", data={"email": "Amira@Example.org", "password": REGISTRATION["password"]})
    assert response.status_code == 302
    assert "Sign out" in client.get("/").get_data(as_text=True)


def test_verification_mail_is_in_the_residents_language(client, db, ward, outbox):
    client.post("/auth/register", data=dict(REGISTRATION, locale="cy"))
    message = outbox.wait_for(lambda m: m["To"] == "amira@example.org")
    assert message["Content-Language"] == "cy"


def test_bad_registration_re_renders_with_errors_and_stores_nothing(client, db, ward, outbox):
    bad = dict(REGISTRATION, email="not-an-email", password="short", postcode="zz", date_of_birth="")
    response = client.post("/auth/register", data=bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and 'href="#email"' in html and 'href="#password"' in html
    assert "at least 10 characters" in html
    assert db.session.query(User).count() == 0
    assert outbox.messages == []


def test_unknown_postcode_is_refused_clearly(client, db, ward):
    response = client.post("/auth/register", data=dict(REGISTRATION, postcode="FL9 9ZZ"))
    assert response.status_code == 400
    assert "could not find that postcode" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 0


def test_register_does_not_reveal_existing_accounts(client, db, ward, outbox):
    make_user(email="amira@example.org", ward=ward)
    db.session.commit()
    existing = client.post("/auth/register", data=dict(REGISTRATION))
    fresh = client.post("/auth/register", data=dict(REGISTRATION, email="new@example.org"))
    assert existing.status_code == fresh.status_code == 302
    assert existing.headers["Location"] == fresh.headers["Location"]
    warning = outbox.wait_for(lambda m: m["To"] == "amira@example.org")
    assert "tried to register" in warning["Subject"]
    assert db.session.query(User).filter_by(email="amira@example.org").count() == 1


def test_login_failure_message_is_the_same_for_unknown_email_and_wrong_password(client, db):
    make_user(email="known@example.org")
    db.session.commit()
    wrong_password = client.post("/auth/login", data={"email": "known@example.org", "password": "nope nope nope"})
    unknown = client.post("/auth/login", data={"email": "nobody@example.org", "password": "nope nope nope"})
    assert wrong_password.status_code == unknown.status_code == 400
    message = "The e-mail address or password is not right."
    assert message in wrong_password.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_login_redirects_only_to_same_site_paths(client, db):
    make_user(email="known@example.org")
    db.session.commit()
    ok = client.post("/auth/login?next=/auth/account", data={"email": "known@example.org", "password": PASSWORD})
    assert ok.headers["Location"].endswith("/auth/account")
    client.post("/auth/logout")
    evil = client.post("/auth/login?next=https://evil.example/", data={"email": "known@example.org", "password": PASSWORD})
    assert "evil" not in evil.headers["Location"]


def test_logout_invalidates_a_copied_session_cookie(app, client, db):
    make_user(email="known@example.org")
    db.session.commit()
    client.post("/auth/login", data={"email": "known@example.org", "password": PASSWORD})
    stolen = client.get_cookie("session").value
    client.post("/auth/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen, domain="localhost")
    assert thief.get("/auth/account").status_code == 302


def test_password_change_signs_out_other_sessions(app, client, db):
    make_user(email="known@example.org")
    db.session.commit()
    other = app.test_client()
    db.session.commit()
    for c in (client, other):
        c.post("/auth/login", data={"email": "known@example.org", "password": PASSWORD})
    assert other.get("/auth/account").status_code == 200
    response = client.post("/auth/account/password",
                           data={"pw-current_password": PASSWORD, "pw-new_password": "violet harbour drum nine"})
    assert response.status_code == 302
    assert client.get("/auth/account").status_code == 200
    assert other.get("/auth/account").status_code == 302


def test_password_reset_by_email_works_once(client, db, outbox):
    user = make_user(email="known@example.org")
    db.session.commit()
    assert client.post("/auth/reset", data={"email": "known@example.org"}).status_code == 302
    link = _link(outbox.wait_for(lambda m: m["To"] == "known@example.org"))
    assert client.post(link, data={"password": "violet harbour drum nine"}).status_code == 302
    assert client.post("/auth/login", data={"email": "known@example.org", "password": "violet harbour drum nine"}).status_code == 302
    client.post("/auth/logout")
    reused = client.post(link, data={"password": "another long password here"})
    assert reused.status_code == 400 and "does not work" in reused.get_data(as_text=True)
    db.session.refresh(user)


def test_reset_request_does_not_reveal_accounts(client, db, outbox):
    make_user(email="known@example.org")
    db.session.commit()
    known = client.post("/auth/reset", data={"email": "known@example.org"})
    unknown = client.post("/auth/reset", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]


def test_expired_and_wrong_purpose_tokens_are_refused(app, client, db):
    from app.services import accounts

    user = make_user(email="known@example.org", verified=False)
    with app.app_context():
        reset_token = accounts.make_token(app.secret_key, accounts.RESET, user)
        verify_token = accounts.make_token(app.secret_key, accounts.VERIFY, user)
    # A reset token used as a verification link, and the other way round.
    db.session.commit()
    assert client.get(f"/auth/verify/{reset_token}").status_code == 400
    assert client.get(f"/auth/reset/{verify_token}").status_code == 400
    # A verification token signed long ago.
    import time

    real_time = time.time
    try:
        time.time = lambda: real_time() - 3 * 24 * 3600
        expired = accounts.make_token(app.secret_key, accounts.VERIFY, user)
    finally:
        time.time = real_time
    response = client.get(f"/auth/verify/{expired}")
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert client.post(f"/auth/verify/{expired}").status_code == 400
    db.session.refresh(user)
    assert not user.email_verified


def test_login_is_rate_limited(client, db):
    make_user(email="known@example.org")
    db.session.commit()
    statuses = [client.post("/auth/login", data={"email": "known@example.org", "password": "wrong wrong"}).status_code
                for _ in range(11)]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429


WELSH_TOO_MANY = "Gormod o ymdrechion. Arhoswch funud a rhowch gynnig arall arni"


def test_registration_is_rate_limited_and_the_refused_one_stores_and_sends_nothing(client, db, ward, outbox):
    statuses = [client.post("/auth/register", data=dict(REGISTRATION, email="not-an-email")).status_code
                for _ in range(5)]
    assert statuses == [400] * 5
    refused = client.post("/auth/register", data=dict(REGISTRATION), headers={"Accept-Language": "cy"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert '<html lang="cy"' in html and WELSH_TOO_MANY in html
    assert db.session.query(User).count() == 0
    assert outbox.messages == []


def test_reset_request_is_rate_limited_and_the_refused_one_sends_nothing(client, db, outbox):
    make_user(email="known@example.org")
    db.session.commit()
    statuses = [client.post("/auth/reset", data={"email": f"nobody{n}@example.org"}).status_code for n in range(5)]
    assert statuses == [302] * 5
    refused = client.post("/auth/reset", data={"email": "known@example.org"}, headers={"Accept-Language": "cy"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert '<html lang="cy"' in html and WELSH_TOO_MANY in html
    assert outbox.messages == []


def test_forged_post_without_csrf_token_changes_nothing(client, db, ward):
    response = client.post("/auth/register", data=dict(REGISTRATION), csrf=False)
    assert response.status_code == 400
    assert db.session.query(User).count() == 0


def test_account_page_needs_sign_in(client, db):
    response = client.get("/auth/account")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def _hash_of(db, email):
    return db.session.query(User.password_hash).filter_by(email=email).scalar()


def test_bad_reset_request_re_renders_with_a_message_and_sends_nothing(client, db, outbox):
    response = client.post("/auth/reset", data={"email": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in page and "Enter your e-mail address." in page
    assert outbox.messages == []


@pytest.mark.parametrize(("password", "message"), [
    ("short", "Your password must be at least 10 characters long."),
    ("aaaaaaaaaaaa", "That password is too easy to guess."),
    ("", "Create a password."),
])
def test_a_weak_new_password_from_a_reset_link_is_refused_and_the_link_still_works(client, db, outbox, password,
                                                                                   message):
    make_user(email="known@example.org")
    db.session.commit()
    before = _hash_of(db, "known@example.org")
    client.post("/auth/reset", data={"email": "known@example.org"})
    link = _link(outbox.wait_for(lambda m: m["To"] == "known@example.org"))
    refused = client.post(link, data={"password": password})
    assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    assert "There is a problem" in refused.get_data(as_text=True)
    assert _hash_of(db, "known@example.org") == before
    assert client.post(link, data={"password": "violet harbour drum nine"}).status_code == 302


def test_account_details_with_bad_input_re_render_and_change_nothing(client, db, login_as):
    user = login_as(make_user(email="known@example.org", name="Amira Khan", locale="en"))
    for data, message in (({"name": "", "locale": "cy"}, "Enter your name."),
                          ({"name": "Amira", "locale": "xx"}, "Not a valid choice")):
        response = client.post("/auth/account", data=data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True) and "There is a problem" in response.get_data(as_text=True)
        db.session.refresh(user)
        assert (user.name, user.preferred_locale) == ("Amira Khan", "en")


def test_a_wrong_current_password_or_a_weak_new_one_changes_nothing(client, db, login_as):
    login_as(make_user(email="known@example.org"))
    before = _hash_of(db, "known@example.org")
    for data, message in (
        ({"pw-current_password": "not my password", "pw-new_password": "violet harbour drum nine"},
         "Your current password is not right."),
        ({"pw-current_password": PASSWORD, "pw-new_password": "short"},
         "Your password must be at least 10 characters long."),
    ):
        response = client.post("/auth/account/password", data=data)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
        assert "There is a problem" in response.get_data(as_text=True)
        assert _hash_of(db, "known@example.org") == before
    assert client.get("/auth/account").status_code == 200  # still signed in


def test_signing_in_rotates_the_csrf_secret_so_a_token_from_before_is_refused(client, db):
    make_user(email="known@example.org")
    db.session.commit()
    before = client.csrf_token()  # a token from the sign-in page, as someone watching the visitor could see it
    with client.session_transaction() as sess:
        secret_before = sess["csrf_token"]
    db.session.commit()
    assert client.post("/auth/login", data={"email": "known@example.org", "password": PASSWORD,
                                            "csrf_token": before}).status_code == 302
    assert client.get("/auth/account").status_code == 200  # its forms carry a token from the new secret
    with client.session_transaction() as sess:
        assert sess.get("csrf_token") not in (None, secret_before)
    stale = client.post("/auth/account", data={"name": "Changed", "locale": "en", "csrf_token": before})
    assert stale.status_code == 400 and "This page has expired" in stale.get_data(as_text=True)
    assert "signed in or out since it was opened" in stale.get_data(as_text=True)
    assert client.post("/auth/account", data={"name": "Changed", "locale": "en"}).status_code == 302


def _sign_in_from(client, address, email, password="wrong wrong", **headers):
    return client.post("/auth/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers).status_code


def test_an_attacker_cannot_lock_a_resident_out_from_another_address(app, client, db):
    make_user(email="victim@example.org")
    db.session.commit()
    assert [_sign_in_from(client, "203.0.113.9", "victim@example.org") for _ in range(10)] == [400] * 10
    assert _sign_in_from(client, "203.0.113.9", "victim@example.org", PASSWORD) == 429  # the attacker's address
    resident = app.test_client()
    assert _sign_in_from(resident, "198.51.100.7", "victim@example.org", PASSWORD) == 302


def test_bad_sign_ins_against_many_accounts_from_one_address_are_still_limited(client, db):
    make_user(email="known@example.org")
    db.session.commit()
    statuses = [_sign_in_from(client, "203.0.113.9", f"guess{n}@example.org") for n in range(30)]
    assert statuses == [400] * 30
    assert _sign_in_from(client, "203.0.113.9", "known@example.org", PASSWORD) == 429
    assert _sign_in_from(client, "198.51.100.7", "known@example.org", PASSWORD) == 302


def test_successful_sign_ins_do_not_use_up_the_limit(client, db):
    make_user(email="known@example.org")
    db.session.commit()
    for _ in range(12):
        assert _sign_in_from(client, "203.0.113.9", "known@example.org", PASSWORD) == 302
        client.post("/auth/logout")


def test_without_trusted_proxies_a_forged_forwarded_for_header_changes_nothing(client, db):
    make_user(email="victim@example.org")
    db.session.commit()
    statuses = [_sign_in_from(client, "203.0.113.9", "victim@example.org", **{"X-Forwarded-For": f"10.0.0.{n}"})
                for n in range(11)]
    assert statuses == [400] * 10 + [429]
