#!/usr/bin/env python
"""Casts per second against the real app under gunicorn: N concurrent clients casting real ballots.

Starts its own gunicorn on loopback with a fresh database (SQLite; PostgreSQL with --database-url or
TEST_DATABASE_URL pointing at a server's maintenance database), creates many residents directly in the
database, and has each client cast ballots as one resident after another through the real ballot form
(CSRF, eligibility, the write lock, the register and the anonymous ballot). A share of casts are changes
of vote. Prints casts/s, p50/p95/p99 latency and errors; asserts nothing.

Usage: .venv/bin/python benchmarks/ballots.py [--clients 50] [--seconds 60] [--workers 2] [--threads 4]
                                              [--database-url postgresql+psycopg://nb@127.0.0.1:54329/postgres]
Target (issue 5): >= 300 casts/s sustained at 50 clients with p95 < 200 ms and 0 errors on 2 cores.
"""

import argparse
import http.client
import multiprocessing
import os
import secrets
import threading
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from _live import percentiles, start_server, timed_request


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--residents", type=int, default=0, help="default: enough for ~500 casts/s")
    parser.add_argument("--client-processes", type=int, default=2, help="load generator processes")
    parser.add_argument("--change-share", type=float, default=0.1, help="share of casts that change a vote")
    parser.add_argument("--database-url", help="a PostgreSQL server's maintenance database (else SQLite)")
    args = parser.parse_args()
    if args.database_url:
        os.environ["TEST_DATABASE_URL"] = args.database_url
    server, mail = start_server(args.workers, args.threads)
    try:
        run(server, args)
    finally:
        server.close()
        mail.stop()


def create_residents(server, count):
    """A voting round with one knapsack pot of 8 projects, and count eligible residents (bulk insert)."""
    from sqlalchemy import insert

    from app.extensions import db
    from app.models import User
    from tests.factories import (
        make_area,
        make_pot,
        make_proposal,
        make_round,
        make_user,
        make_ward,
        password_hash,
    )

    app = server.app()
    with app.app_context():
        area = make_area()
        ward = make_ward(area=area)
        round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                            voting_close_at=datetime.now(UTC) + timedelta(days=1))
        pot = make_pot(round_=round_, amount_pence=20_000_00, ballot_type="knapsack", max_choices=None)
        projects = [make_proposal(pot=pot, cost_pence=(n + 1) * 1_000_00, status="feasible", on_ballot=True).id
                    for n in range(8)]
        make_user(ward=ward)  # warms the password hash used for everyone
        tokens = [secrets.token_hex(16) for _ in range(count)]
        now = datetime.now(UTC)
        db.session.execute(insert(User), [
            {"email": f"bench{n}-{token[:6]}@example.org", "name": f"Resident {n}", "password_hash": password_hash(),
             "ward_id": ward.id, "date_of_birth": date(1980, 1, 1), "preferred_locale": "en",
             "email_verified_at": now, "session_token": token} for n, token in enumerate(tokens)])
        pot_id = pot.id
        db.session.commit()
        db.session.remove()
    return pot_id, projects, tokens


def session_cookie(app, session_token):
    """The session cookie a login would set, and the CSRF form token that goes with it."""
    from itsdangerous import URLSafeTimedSerializer

    raw = secrets.token_hex(20)
    with app.test_request_context():
        cookie = app.session_interface.get_signing_serializer(app).dumps(
            {"_user_id": session_token, "_fresh": True, "csrf_token": raw})
    return f"{app.config['SESSION_COOKIE_NAME']}={cookie}", URLSafeTimedSerializer(
        app.secret_key, salt="wtf-csrf-token").dumps(raw)


def client_process(port, path, residents, picks, threads, seconds, change_share, results):
    """One load-generating process: plain keep-alive HTTP connections, one per thread (light on CPU, so
    the two cores go to the server rather than to the load generator)."""
    latencies, errors, changes, lock = [], [], [0], threading.Lock()
    queue = iter(residents)
    deadline = time.monotonic() + seconds

    def client():
        rng = secrets.SystemRandom()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        voted = None
        while time.monotonic() < deadline:
            changing = voted is not None and rng.random() < change_share
            if changing:
                cookie, token = voted
            else:
                with lock:
                    cookie, token = next(queue, (None, None))
                if cookie is None:
                    return
            body = urlencode([("csrf_token", token), ("action", "cast"), *(("project", p) for p in rng.choice(picks))])
            connection, elapsed, problem = timed_request(
                connection, port, "POST", path, 200, body,  # the confirmation, with the receipt
                {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
            if time.monotonic() >= deadline:
                return
            with lock:
                if problem:
                    errors.append(problem)
                else:
                    latencies.append(elapsed)
                    changes[0] += changing
            voted = (cookie, token)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put((latencies, errors, changes[0]))


def run(server, args):
    residents = args.residents or int(args.seconds * 500) + args.clients
    print(f"Creating {residents} residents ...", flush=True)
    pot_id, projects, tokens = create_residents(server, residents)
    app = server.app()
    cookies = [session_cookie(app, token) for token in tokens]
    # Choices within the 20,000 pot: two projects costing 1,000-8,000 each.
    picks = [[str(projects[i]), str(projects[j])] for i in range(8) for j in range(i + 1, 8)]
    processes = max(1, min(args.client_processes, args.clients))
    results = multiprocessing.Queue()
    shares = [cookies[n::processes] for n in range(processes)]
    threads = [args.clients // processes + (n < args.clients % processes) for n in range(processes)]
    children = [multiprocessing.Process(target=client_process, args=(
        server.port, f"/voting/pots/{pot_id}", share, picks, count, args.seconds, args.change_share, results))
        for share, count in zip(shares, threads, strict=True)]
    began = time.monotonic()
    for child in children:
        child.start()
    latencies, errors, changes = [], [], 0
    for _child in children:
        more_latencies, more_errors, more_changes = results.get()
        latencies += more_latencies
        errors += more_errors
        changes += more_changes
    for child in children:
        child.join()
    duration = min(time.monotonic() - began, args.seconds)
    p50, p95, p99 = percentiles(latencies)
    database = "PostgreSQL" if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql") else "SQLite"
    kinds = {kind: errors.count(kind) for kind in sorted(set(errors))}
    print(f"{database}: {len(latencies)} casts ({changes} changes of vote) in {duration:.1f} s = "
          f"{len(latencies) / duration:.0f} casts/s; p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms; "
          f"errors {len(errors)} {kinds or ''}; {args.clients} clients in {processes} processes, "
          f"gunicorn {args.workers}x{args.threads}, {os.cpu_count()} cores shared with the load generator")
    check(server, pot_id)


def check(server, pot_id):
    """After the run: one register row per ballot, as the database holds them."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Ballot, Participation

    with server.app().app_context():
        participations = db.session.scalar(select(func.count()).select_from(Participation)
                                           .where(Participation.pot_id == pot_id))
        ballots = db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.pot_id == pot_id))
        db.session.remove()
    print(f"register rows {participations}, ballots {ballots}: {'consistent' if participations == ballots else 'MISMATCH'}")


if __name__ == "__main__":
    main()
