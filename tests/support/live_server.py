"""The real app under gunicorn on loopback, on a fresh database built by the Alembic migrations, for race,
crash and browser tests. Mail goes to a real SMTP capture server (tests/support/smtp.py).

    server = LiveServer(tmp_dir, mail_server.port)   # started and answering when the constructor returns
    server.url, server.database_url
    server.send_mail()                               # `flask mail send`: deliver the queued mail
    with server.app_context(): ...                   # set up data on the same database
    server.kill9(); server.restart(); server.close()
    other = LiveServer(tmp_dir2, mail_server.port, database_url=server.database_url,
                       extra_env={"NB_INSTANCE_PATH": ...})   # a second app host on the same database
    runner = server.start_job_runner()                # `flask jobs work`, as a service would run it

If the migrations no longer match the models, the server refuses to start and says so: the live tests
run on exactly the schema a deployment gets from `flask db upgrade`.
"""

import contextlib
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
SECRET_KEY = "live-server-test-key"
BALLOT_SECRET = "live-server-test-ballot-secret"
AUDIT_SECRET = "live-server-audit-secret"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def migration_differences(database_url):
    """What Alembic's autogenerate would still add or change after `db upgrade` (empty: the migration is current)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from app import models  # noqa: F401  (every table on db.metadata)
    from app.extensions import db

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, db.metadata)
    finally:
        engine.dispose()


class LiveServer:
    """gunicorn (--workers 2 --threads 4 by default) serving wsgi:app on 127.0.0.1 at a free port."""

    def __init__(self, tmp_dir, mail_port, workers=2, threads=4, database_url=None, extra_env=None):
        """database_url: serve an existing database (another LiveServer's: a second app host) instead of
        building a fresh one. extra_env: more environment (e.g. NB_RATELIMIT_STORAGE_URI, NB_JOBS_INLINE)."""
        self.tmp_dir = tmp_dir
        self.extra_env = dict(extra_env or {})
        self.owns_database = database_url is None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(tempfile.mkdtemp(prefix="nb-live-"), "gunicorn.log")
        self.workers, self.threads = workers, threads
        self.mail_port = mail_port
        self.process = None
        self._app = None
        if self.owns_database:
            self.database_url = create_database(tmp_dir, tag="nb_live")
            self._build_schema()
        else:
            self.database_url = database_url
        self.start()

    @property
    def env(self):
        env = dict(os.environ, DATABASE_URL=self.database_url, SECRET_KEY=SECRET_KEY, NB_AUDIT_SECRET=AUDIT_SECRET,
                   NB_SESSION_COOKIE_SECURE="false", NB_REMEMBER_COOKIE_SECURE="false",
                   NB_MAIL_BACKEND="smtp", NB_MAIL_SERVER="127.0.0.1", NB_MAIL_PORT=str(self.mail_port),
                   NB_BALLOT_SECRET=BALLOT_SECRET, NB_RATELIMIT_ENABLED="false",
                   NB_JOBS_INLINE="true", NB_SERVER_NAME=f"127.0.0.1:{self.port}",
                   NB_PUBLIC_URL=self.url)
        env.pop("TEST_DATABASE_URL", None)
        env.update(self.extra_env)
        return env

    def _build_schema(self):
        """`flask db upgrade`, then refuse to go on if the result differs from the models."""
        self._run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"])
        differences = migration_differences(self.database_url)
        if differences:
            raise RuntimeError(f"migrations/ is behind the models ({len(differences)} difference(s), first: "
                               f"{str(differences[0])[:160]}): run `flask --app wsgi db migrate`.")

    def send_mail(self):
        """Run the outbox sender as cron would (`flask --app wsgi mail send`): requests only queue mail."""
        self._run([str(BIN / "flask"), "--app", "wsgi", "mail", "send"])

    def flask(self, *args):
        """Run `flask --app wsgi ARGS` as this host would (its environment); returns its output."""
        return self._run([str(BIN / "flask"), "--app", "wsgi", *args])

    def start_job_runner(self, *args):
        """`flask --app wsgi jobs work` as a service of this host would run it; the caller stops or kills it."""
        with open(self.log_path, "ab") as log:  # the child keeps its own handle
            return subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "jobs", "work", *args], cwd=ROOT,
                                    env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def _run(self, command):
        done = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command[-3:])} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def start(self):
        with open(self.log_path, "ab") as log:  # the child keeps its own handle
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--workers", str(self.workers), "--threads", str(self.threads),
                 "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "5", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if requests.get(self.url + "/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start: " + self.logs()[-2000:])

    def logs(self):
        with open(self.log_path, "rb") as handle:
            return handle.read().decode(errors="replace")

    def kill9(self):
        """SIGKILL the whole process group (master and workers): no clean shutdown at all."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def restart(self):
        """Start again on the same port and database (after stop() or kill9())."""
        if self.process is not None and self.process.poll() is None:
            self.stop()
        self.start()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill9()

    def app(self):
        """A Flask app on the same database, for setting up data and checking results."""
        from app import create_app

        if self._app is None:
            config = {"TESTING": True, "SECRET_KEY": SECRET_KEY, "AUDIT_SECRET": AUDIT_SECRET,
                      "SQLALCHEMY_DATABASE_URI": self.database_url, "BALLOT_SECRET": BALLOT_SECRET}
            # Like a cron job run with the hosts' environment: what it commits renews the pages the hosts share.
            shared = self.extra_env.get("NB_PAGE_CACHE_URL") or self.extra_env.get("NB_RATELIMIT_STORAGE_URI")
            if shared and shared.startswith("redis"):
                config["PAGE_CACHE_URL"] = shared
            self._app = create_app(config)
        return self._app

    @contextlib.contextmanager
    def app_context(self):
        """An app context on the server's database; commits on success, and leaves no session behind."""
        from app.extensions import db

        with self.app().app_context():
            try:
                yield db
                db.session.commit()
            finally:
                db.session.remove()

    def close(self):
        self.stop()
        if self._app is not None:
            from app.extensions import db

            with self._app.app_context():
                db.engine.dispose()
        if self.owns_database:
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
