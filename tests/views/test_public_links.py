"""Links in e-mails come from the configured public address (NB_PUBLIC_URL), never from the request's Host
header, and requests for hosts we do not serve are refused."""

import re

import pytest

from app.external_urls import PublicURLMissing
from tests.factories import make_user, make_ward

PUBLIC = "https://budgets.fernleigh.example.gov.uk"


def _links(message):
    return re.findall(r"https?://\S+", message.get_content())


@pytest.fixture
def any_host(app, monkeypatch):
    """As if the operator had trusted every host (TRUSTED_HOSTS unset), to show the link is still ours.

    (The test client keeps its session cookie for localhost, so the CSRF check is off here: the attacker
    would post from their own session.)"""
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", None)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC)


def test_a_reset_requested_with_a_forged_host_mails_a_link_to_the_public_site(client, db, outbox, any_host):
    make_user(email="victim@example.org")
    db.session.commit()
    response = client.post("/auth/reset", data={"email": "victim@example.org"}, headers={"Host": "evil.example"})
    assert response.status_code == 302
    message = outbox.wait_for(lambda m: m["To"] == "victim@example.org")
    links = _links(message)
    assert links and all(link.startswith(PUBLIC + "/auth/reset/") for link in links)
    assert "evil.example" not in message.get_content()


def test_verification_and_already_registered_mails_link_to_the_public_site(client, db, outbox, any_host):
    ward = make_ward(postcodes=["FL1 2AB"])
    make_user(email="known@example.org", ward=ward)
    db.session.commit()
    form = {"name": "Amira Khan", "password": "plum orbit kettle seven", "postcode": "FL1 2AB",
            "date_of_birth": "1990-04-01", "locale": "en", "accept": "y"}
    for email in ("new@example.org", "known@example.org"):
        client.post("/auth/register", data=dict(form, email=email), headers={"Host": "evil.example"})
    for email, path in (("new@example.org", "/auth/verify/"), ("known@example.org", "/auth/reset")):
        message = outbox.wait_for(lambda m, email=email: m["To"] == email)
        assert [link.startswith(PUBLIC + path) for link in _links(message)] == [True], message.get_content()


def test_a_request_for_a_host_we_do_not_serve_is_refused_and_mails_nothing(client, db, outbox):
    make_user(email="victim@example.org")
    db.session.commit()
    response = client.post("/auth/reset", data={"email": "victim@example.org"},
                           headers={"Host": "evil.example", "Accept-Language": "cy"})
    assert response.status_code == 400
    assert "Mae problem gyda’ch cais" in response.get_data(as_text=True)  # said in Welsh, without links
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost"}).status_code == 200
    assert outbox.messages == []


def test_the_open_data_api_links_to_the_public_site(client, db, any_host):
    from tests.factories import make_round

    make_round(phase="published", title="Last year")
    db.session.commit()
    rounds = client.get("/api/rounds", headers={"Host": "evil.example"}).get_json()["rounds"]
    assert rounds and all(r["url"].startswith(PUBLIC + "/api/rounds/") for r in rounds)


def _production_app(tmp_path, **settings):
    from app import create_app

    return create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db", **settings})


@pytest.mark.parametrize("public_url", [None, "", "budgets.example.gov.uk", "ftp://budgets.example.gov.uk",
                                        "https:///no-host"])
def test_production_refuses_to_start_without_a_public_address(tmp_path, public_url):
    with pytest.raises(PublicURLMissing, match="NB_PUBLIC_URL"):
        _production_app(tmp_path, PUBLIC_URL=public_url)


def test_trusted_hosts_default_to_the_public_address_and_may_be_a_comma_separated_list(tmp_path):
    assert _production_app(tmp_path, PUBLIC_URL=PUBLIC).config["TRUSTED_HOSTS"] == [
        "budgets.fernleigh.example.gov.uk"]
    listed = _production_app(tmp_path, PUBLIC_URL=PUBLIC, TRUSTED_HOSTS="budgets.example, .fernleigh.example")
    assert listed.config["TRUSTED_HOSTS"] == ["budgets.example", ".fernleigh.example"]


def test_a_public_address_under_a_path_keeps_the_path(tmp_path):
    app = _production_app(tmp_path, PUBLIC_URL="https://www.fernleigh.example.gov.uk/budgets/")
    from app.external_urls import external_url

    with app.app_context():
        assert external_url("auth.reset_request") == "https://www.fernleigh.example.gov.uk/budgets/auth/reset"
