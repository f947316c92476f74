"""The real app under gunicorn on loopback, on a fresh database migrated with Alembic, for race, crash
and browser tests. Mail goes to a real SMTP capture server."""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.support.databases import create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(self, tmp_dir, mail_port, workers=2, threads=4):
        self.database_url = create_database(tmp_dir, tag="nb_live")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.round_keys = tempfile.mkdtemp(prefix="nb-live-keys-")
        self.workers, self.threads = workers, threads
        self.env = dict(os.environ, DATABASE_URL=self.database_url, SECRET_KEY="live-server-test-key",
                        NB_SESSION_COOKIE_SECURE="false", NB_REMEMBER_COOKIE_SECURE="false",
                        NB_MAIL_BACKEND="smtp", NB_MAIL_SERVER="127.0.0.1", NB_MAIL_PORT=str(mail_port),
                        NB_ROUND_KEY_DIR=self.round_keys, NB_RATELIMIT_ENABLED="false",
                        NB_COUNT_IN_BACKGROUND="false", NB_SERVER_NAME=f"127.0.0.1:{self.port}")
        self.env.pop("TEST_DATABASE_URL", None)
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=self.env, check=True,
                       capture_output=True)
        self.process = None
        self._app = None
        self.start()

    def start(self):
        with open(os.path.join(self.round_keys, "gunicorn.log"), "ab") as log:  # the child keeps its own handle
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--workers", str(self.workers), "--threads", str(self.threads),
                 "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "5", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start: " + self.logs()[-2000:])

    def logs(self):
        with open(os.path.join(self.round_keys, "gunicorn.log"), "rb") as handle:
            return handle.read().decode(errors="replace")

    def kill9(self):
        """SIGKILL the whole process group (master and workers): no clean shutdown at all."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def restart(self):
        self.start()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def app(self):
        """A Flask app on the same database, for setting up data and checking results."""
        from app import create_app

        if self._app is None:
            self._app = create_app({"TESTING": True, "SECRET_KEY": "live-server-test-key",
                                    "SQLALCHEMY_DATABASE_URI": self.database_url, "ROUND_KEY_DIR": self.round_keys})
        return self._app

    def close(self):
        self.stop()
        if self._app is not None:
            from app.extensions import db

            with self._app.app_context():
                db.engine.dispose()
        drop_database(self.database_url)


def csrf_token(html):
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    if not match:
        raise AssertionError("no CSRF token in page")
    return match.group(1)


def login(server, email, password):
    """A requests.Session signed in through the real login form."""
    session = requests.Session()
    page = session.get(server.url + "/auth/login", timeout=10).text
    response = session.post(server.url + "/auth/login", data={"csrf_token": csrf_token(page), "email": email,
                                                               "password": password}, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    return session
