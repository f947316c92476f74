#!/usr/bin/env python
"""Server CPU of each step a resident takes to vote, in-process (Flask's test client, no network), so the
steps can be compared with the sign-in's password check, which is meant to be slow (scrypt).

Builds a voting round on a fresh SQLite file and walks --voters residents through: the sign-in page, signing
in, the list of pots, the ballot, the cast, its confirmation, the receipt check, signing out. Prints each step's median CPU, its
share of the whole, and what one core serves per hour; asserts nothing.

Usage: .venv/bin/python benchmarks/voter_path.py [--voters 30]
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _client import voting_round  # noqa: E402

PASSWORD = "correct horse battery staple 42"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=30)
    args = parser.parse_args()
    from werkzeug.security import generate_password_hash

    from app import create_app
    from app.extensions import db

    folder = tempfile.mkdtemp(prefix="nb-voter-path-")
    app = create_app({"SECRET_KEY": "bench", "AUDIT_SECRET": "bench", "BALLOT_SECRET": "bench",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3", "SERVER_NAME": "localhost",
                      "PUBLIC_URL": "http://localhost", "SESSION_COOKIE_SECURE": False,
                      "REMEMBER_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        pot_id, projects, people = voting_round(db, args.voters, generate_password_hash(PASSWORD))
    project, emails = projects[0], [email for email, _token in people]
    steps = {}
    for email in emails:
        client = app.test_client()
        for name, method, path, data, expected in _path(pot_id, project, email):
            if data is not None and "csrf_token" in data:
                data = {**data, "csrf_token": _token}
            started = time.process_time()
            response = client.open(path, method=method, data=data)
            steps.setdefault(name, []).append(time.process_time() - started)
            assert response.status_code == expected, (name, response.status_code)
            _remember_token(response)
    medians = {name: statistics.median(times) * 1000 for name, times in steps.items()}
    total = sum(medians.values())
    sign_in = medians["sign in (scrypt)"]
    for name, ms in medians.items():
        print(f"{name:28} {ms:7.2f} ms CPU  {ms / total:6.1%} of a visit  {ms / sign_in:5.2f}x the sign-in")
    print(f"{'one visit':28} {total:7.2f} ms CPU: one core serves ~{3600_000 / total:,.0f} such visits an hour "
          f"(~{3600_000 / (total - sign_in):,.0f} if already signed in); the cast alone "
          f"~{3600_000 / medians['cast']:,.0f} an hour")


_token = None


def _remember_token(response):
    global _token
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    if found:
        _token = found.group(1)


def _path(pot_id, project, email):
    return [
        ("sign-in page", "GET", "/auth/login", None, 200),
        ("sign in (scrypt)", "POST", "/auth/login", {"csrf_token": "", "email": email, "password": PASSWORD}, 302),
        ("list of pots", "GET", "/voting/", None, 200),
        ("ballot", "GET", f"/voting/pots/{pot_id}", None, 200),
        ("cast", "POST", f"/voting/pots/{pot_id}", {"csrf_token": "", "action": "cast", "project": str(project)},
         303),
        ("confirmation page", "GET", f"/voting/pots/{pot_id}/recorded", None, 200),
        ("receipt page", "GET", "/voting/receipt", None, 200),
        ("sign out", "POST", "/auth/logout", {"csrf_token": ""}, 302),
    ]


if __name__ == "__main__":
    main()
