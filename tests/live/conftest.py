"""A real gunicorn server (2 workers x 4 threads) on loopback with a fresh database, and signed-in residents.

Residents are signed in by writing the Flask session cookie with the server's secret key (what a login would
set), so a test can have hundreds of voters without spending its time on password hashing.
"""

import secrets

import pytest
import requests
from itsdangerous import URLSafeTimedSerializer

from tests.support.live_server import LiveServer


@pytest.fixture(scope="module")
def live(tmp_path_factory, mail_server):
    server = LiveServer(tmp_path_factory.mktemp("live"), mail_server.port)
    yield server
    server.close()


def signed_in(server, session_token):
    """A requests.Session signed in as the user with session_token; returns (session, CSRF form token)."""
    app = server.app()
    raw = secrets.token_hex(20)
    with app.test_request_context():
        cookie = app.session_interface.get_signing_serializer(app).dumps(
            {"_user_id": session_token, "_fresh": True, "csrf_token": raw})
    session = requests.Session()
    session.cookies.set(app.config["SESSION_COOKIE_NAME"], cookie, domain="127.0.0.1", path="/")
    token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    return session, token
