"""Published results pages for visitors who are not signed in come from the Redis every app host shares, before
Flask runs (app.results.shared_pages): served without touching the database, renewed on every host when results
are published, and never a signed-in resident's page."""

import pytest
from sqlalchemy import event, select

from app import create_app
from app.extensions import db
from app.models import PublishedHead
from tests.conftest import CSRFClient
from tests.support.results_scenarios import Scenario


@pytest.fixture
def hosts(app, redis_server, tmp_path):
    """The test's app as host A and a second app host B (its own instance folder), sharing the database and a
    Redis; the pages stored by an earlier test are dropped."""
    import redis

    redis.Redis.from_url(redis_server.url).flushdb()
    made = []
    for name in ("a", "b"):
        config = {key: app.config[key] for key in (
            "TESTING", "SECRET_KEY", "AUDIT_SECRET", "SQLALCHEMY_DATABASE_URI", "SERVER_NAME", "PUBLIC_URL",
            "SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE", "BALLOT_SECRET")}
        host = create_app({**config, "RATELIMIT_STORAGE_URI": redis_server.url})
        host.instance_path = str(tmp_path / f"host-{name}")
        host.test_client_class = CSRFClient
        made.append(host)
    yield made
    for host in made:
        with host.app_context():
            db.engine.dispose()


def _statements(host, visit):
    """What visit() returns, and the SQL statements host ran meanwhile."""
    seen = []
    with host.app_context():
        engine = db.engine

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        return visit(), len(seen)
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_second_visit_is_answered_without_the_app_and_is_the_same_page(db, hosts):
    a, _b = hosts
    scenario = Scenario(phase="published")
    db.session.commit()
    url = f"/results/rounds/{scenario.round.id}"
    first, statements = _statements(a, lambda: a.test_client().get(url))
    assert first.status_code == 200 and statements > 0 and "Bedwell grants" in first.get_data(as_text=True)
    again, statements = _statements(a, lambda: a.test_client().get(url))
    assert statements == 0  # no session, no database: straight from Redis
    assert again.get_data() == first.get_data() and again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert "public" in again.headers["Cache-Control"] and "Set-Cookie" not in again.headers
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


def test_each_language_is_kept_apart(db, hosts):
    a, _b = hosts
    scenario = Scenario(phase="published")
    db.session.commit()
    url = f"/results/rounds/{scenario.round.id}"
    english = a.test_client().get(url).get_data(as_text=True)
    welsh = a.test_client().get(url, headers={"Accept-Language": "cy"}).get_data(as_text=True)
    assert '<html lang="cy"' in welsh and '<html lang="en"' in english
    assert a.test_client().get(url, headers={"Accept-Language": "cy"}).get_data(as_text=True) == welsh
    assert a.test_client().get(url).get_data(as_text=True) == english


def test_publishing_through_one_host_renews_the_page_the_other_host_keeps(db, hosts):
    a, b = hosts
    with a.app_context():  # what follows is written through host A's own database session
        published = Scenario(phase="published")
        waiting = Scenario(phase="decision")
        db.session.commit()
        url, waiting_url = f"/results/rounds/{published.round.id}", f"/results/rounds/{waiting.round.id}"
        kept = b.test_client().get(url).get_data(as_text=True)
        assert b.test_client().get(url).get_data(as_text=True) == kept  # B serves it from the shared cache
        assert b.test_client().get(waiting_url).status_code == 404
        waiting.decide_and_confirm()  # the board publishes the second round through A: a new head is published
        db.session.commit()
        newest = db.session.scalar(select(PublishedHead.entry_hash).order_by(PublishedHead.id.desc()).limit(1))
        db.session.remove()
    assert newest not in kept
    assert newest in b.test_client().get(url).get_data(as_text=True)
    assert b.test_client().get(waiting_url).status_code == 200


def test_a_signed_in_residents_page_is_never_kept_nor_served_to_visitors(db, hosts, login_as):
    a, _b = hosts
    scenario = Scenario(phase="published")
    resident = scenario.members[0]
    db.session.commit()
    url = f"/results/rounds/{scenario.round.id}"
    signed_in = a.test_client()
    login_as(resident, on=signed_in)
    own = signed_in.get(url)
    assert own.headers["Cache-Control"] == "no-store" and "Sign out" in own.get_data(as_text=True)
    for _twice in range(2):  # rendered, then from the shared cache
        visitor = a.test_client().get(url)
        assert "public" in visitor.headers["Cache-Control"]
        assert "Sign out" not in visitor.get_data(as_text=True)
    # With the visitors' page kept, the signed-in resident still gets their own.
    again = signed_in.get(url)
    assert again.headers["Cache-Control"] == "no-store" and "Sign out" in again.get_data(as_text=True)


def test_a_host_we_do_not_serve_is_still_refused(db, hosts):
    a, _b = hosts
    scenario = Scenario(phase="published")
    db.session.commit()
    url = f"/results/rounds/{scenario.round.id}"
    assert a.test_client().get(url).status_code == 200
    for _twice in range(2):
        assert a.test_client().get(url, headers={"Host": "evil.example"}).status_code == 400
