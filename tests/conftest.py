"""Shared fixtures: an app on a real database (SQLite or PostgreSQL), a CSRF-aware client, real SMTP capture."""

import contextvars

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.support.databases import create_database, drop_database, empty_database
from tests.support.smtp import CaptureSMTPServer, Mailbox, free_port


class CSRFClient(FlaskClient):
    """A test client that sends a valid CSRF token with every POST unless told csrf=False."""

    def csrf_token(self):
        import secrets

        raw = secrets.token_hex(20)
        with self.session_transaction() as sess:
            raw = sess.setdefault("csrf_token", raw)
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def open(self, *args, **kwargs):
        """Serve each request in its own app context, as in production, not inside the test's.

        The test's own unit of work must be over: what it set up it commits itself, where it sets it up
        (db.session.commit(), as a view would), and a test that left writes uncommitted fails here rather than
        have them committed for it. Its open read transaction ends, so its next reads see what the request wrote.
        Otherwise Flask reuses the test's app context: g (the signed-in user, the chosen locale) and
        the database session would leak from one request into the next.
        """
        from flask import has_app_context

        from app.extensions import db as _db

        if has_app_context():
            _db.session.flush()
            assert not _db.session.info.get("uncommitted"), (
                "the test wrote to the database and did not commit before this request: commit where it sets up data")
            _db.session.rollback()  # nothing of the test's own is pending: its next reads start afresh
        return contextvars.Context().run(super().open, *args, **kwargs)

    def post(self, *args, csrf=True, **kwargs):
        if csrf:
            data = kwargs.get("data")
            if data is None:
                kwargs["data"] = data = {}
            if isinstance(data, dict) and "csrf_token" not in data:
                data["csrf_token"] = self.csrf_token()
        return super().post(*args, **kwargs)


@event.listens_for(Session, "after_flush")
def _remember_writes(session, _flush_context):
    session.info["uncommitted"] = True  # until the transaction ends (CSRFClient.open checks it)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_writes(session):
    session.info.pop("uncommitted", None)


@pytest.fixture(scope="session")
def mail_server():
    server = CaptureSMTPServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server():
    """A Redis server of the test run's own (tests/support/redis_server.py), for state shared by processes."""
    from tests.support.redis_server import RedisServer

    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = create_database(tmp_path_factory.mktemp("db"), tag="nb_test")
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def app(database_url, mail_server):
    from app import create_app
    from app.extensions import db as _db

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "AUDIT_SECRET": "test-audit-secret-not-for-production",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SERVER_NAME": "localhost",
            "PUBLIC_URL": "http://localhost",  # links in e-mails; TRUSTED_HOSTS is then ["localhost"]
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": mail_server.port,
            "RATELIMIT_STORAGE_URI": "memory://",
            "BALLOT_SECRET": "test-ballot-secret-not-for-production",
        }
    )
    app.test_client_class = CSRFClient
    with app.app_context():
        _db.create_all()
    yield app
    with app.app_context():
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database, emptied after the test. Service tests flush; commit where the view would."""
    from app.extensions import db as _db

    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        empty_database(_db)


@pytest.fixture
def texts_set_up(app, monkeypatch):
    """The council sends text messages through GOV.UK Notify, so residents registered in person may choose them.
    Nothing is sent to Notify: its address leads nowhere."""
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", "tests-00000000-0000-4000-8000-000000000000-"
                                                      "00000000-0000-4000-8000-000000000001")
    monkeypatch.setitem(app.config, "NOTIFY_SMS_TEMPLATE_IDS", {"en": "00000000-0000-4000-8000-000000000002"})
    monkeypatch.setitem(app.config, "NOTIFY_BASE_URL", "http://127.0.0.1:9")


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def outbox(app, mail_server):
    """Messages received by the real SMTP server during this test. Requests only queue mail in the outbox
    table; reading .messages or .wait_for() first runs the real sender (`flask mail send`) on its own session."""
    from app.extensions import db as _db
    from app.mail.sender import send_pending

    def deliver():
        with app.app_context():
            send_pending(_db.session)
            _db.session.remove()

    mail_server.clear()
    yield Mailbox(mail_server, deliver)
    mail_server.clear()  # and accepting everyone again, if the test made it refuse or slow down


@pytest.fixture
def smtp_down(app, monkeypatch):
    """Nothing listens where the app sends mail, until the test calls smtp_down.back()."""
    real_port = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())

    class SMTPDown:
        @staticmethod
        def back():
            app.config["MAIL_PORT"] = real_port

    return SMTPDown


@pytest.fixture
def login_as(client):
    """Sign a user in on the test client, as Flask-Login would after a successful login. What the test has set up
    so far (the user among it) is committed here, as the set-up's end."""
    from app.extensions import db as _db

    def _login(user, on=None):
        target = on or client
        _db.session.commit()
        with target.session_transaction() as sess:
            sess["_user_id"] = user.session_token
            sess["_fresh"] = True
        return user

    return _login
