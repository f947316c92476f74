"""Sign-in limits behind a reverse proxy, across processes: two gunicorn servers on one database share their
counts through a Redis server started for the test, and take the client's address from X-Forwarded-For
(NB_TRUSTED_PROXY_HOPS=1), as in the README's Production set-up."""

import os
import subprocess

import pytest
import requests

from tests.factories import PASSWORD, make_user
from tests.support.live_server import BIN, ROOT, SECRET_KEY, LiveServer, csrf_token, free_port

ATTACKER, RESIDENT = "203.0.113.9", "198.51.100.7"


class ProxiedServer(LiveServer):
    """The live server with rate limits on, kept in Redis, behind one trusted proxy hop."""

    def __init__(self, tmp_dir, mail_port, redis_url):
        self.redis_url = redis_url
        super().__init__(tmp_dir, mail_port, workers=2, threads=2)

    @property
    def env(self):
        return dict(super().env, NB_RATELIMIT_ENABLED="true", NB_RATELIMIT_STORAGE_URI=self.redis_url,
                    NB_TRUSTED_PROXY_HOPS="1")


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory, mail_server, redis_server):
    """Server A (the live server, 2 workers) and server B: another gunicorn on the same database and Redis."""
    first = ProxiedServer(tmp_path_factory.mktemp("limits"), mail_server.port, redis_server.url)
    port = free_port()
    log = open(os.path.join(first.tmp_dir, "second.log"), "wb")  # noqa: SIM115 (closed below)
    second = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=ROOT, env=dict(first.env, NB_SERVER_NAME=f"127.0.0.1:{port}"), stdout=log,
                              stderr=subprocess.STDOUT)
    second_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(second_url, second)
        yield first, second_url
    finally:
        second.terminate()
        second.wait(timeout=10)
        log.close()
        first.close()


def _wait_for(url, process):
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(url + "/", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"the second gunicorn did not start at {url}")


def _attempt(session, url, address, email, password):
    page = session.get(url + "/auth/login", timeout=10, headers={"X-Forwarded-For": address}).text
    return session.post(url + "/auth/login", data={"csrf_token": csrf_token(page), "email": email,
                                                    "password": password},
                        headers={"X-Forwarded-For": address}, allow_redirects=False, timeout=30).status_code


@pytest.mark.slow
def test_sign_in_limits_hold_across_processes_and_lock_out_only_the_attackers_address(two_servers):
    server, second_url = two_servers
    with server.app_context():
        make_user(email="victim@example.org")
    attacker, urls = requests.Session(), (server.url, second_url)
    statuses = [_attempt(attacker, urls[n % 2], ATTACKER, "victim@example.org", "wrong wrong") for n in range(10)]
    assert statuses == [400] * 10  # five on each server: each alone would still allow more
    assert [_attempt(attacker, url, ATTACKER, "victim@example.org", PASSWORD) for url in urls] == [429, 429]
    for url in urls:
        assert _attempt(requests.Session(), url, RESIDENT, "victim@example.org", PASSWORD) == 302


def _claim(url, path, address, password):
    session = requests.Session()
    page = session.get(url + path, timeout=10, headers={"X-Forwarded-For": address}).text
    return session.post(url + path, data={"csrf_token": csrf_token(page), "email": "edna@example.org",
                                          "password": password},
                        headers={"X-Forwarded-For": address}, allow_redirects=False, timeout=30).status_code


@pytest.mark.slow
def test_the_claim_page_limit_holds_across_processes_and_a_refused_attempt_changes_nothing(two_servers):
    """Someone guessing at a printed claim link from one address is stopped however the proxy spreads them."""
    from app.models import User
    from app.services import in_person

    server, second_url = two_servers
    with server.app_context() as db:
        edna = make_user()
        edna.email, edna.in_person = None, True
        db.session.flush()
        edna_id, path = edna.id, f"/auth/claim/{in_person.claim_token(SECRET_KEY, edna)}"
    urls = (server.url, second_url)
    statuses = [_claim(urls[n % 2], path, ATTACKER, "short") for n in range(5)]
    assert statuses == [400] * 5  # a password too short: re-rendered with the message, counted
    assert [_claim(url, path, ATTACKER, "plum orbit kettle seven") for url in urls] == [429, 429]
    with server.app_context() as db:
        assert db.session.get(User, edna_id).email is None  # the refused attempts took nothing over
    assert _claim(second_url, path, RESIDENT, "plum orbit kettle seven") == 302  # Edna, at her own address
