#!/usr/bin/env python
"""Casts per second against the real app under gunicorn, with N concurrent residents casting real ballots.

Usage: .venv/bin/python benchmarks/ballots.py [--clients 50] [--seconds 60] [--workers 4] [--threads 8]
Set TEST_DATABASE_URL=postgresql+psycopg://... to run on PostgreSQL (scripts/test-postgres start prints it).
Prints figures; asserts nothing.
"""

import argparse
import os
import threading
import time
from datetime import UTC, datetime, timedelta

from _live import percentiles, start_server


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    server, mail = start_server(args.workers, args.threads)
    try:
        run(server, args)
    finally:
        server.close()
        mail.stop()


def run(server, args):
    from app.extensions import db
    from tests.factories import PASSWORD, make_area, make_pot, make_proposal, make_round, make_user, make_ward
    from tests.support.live_server import csrf_token, login

    app = server.app()
    with app.app_context():
        area = make_area()
        ward = make_ward(area=area)
        round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                            voting_close_at=datetime.now(UTC) + timedelta(days=1))
        pot = make_pot(round_=round_, amount_pence=50_000_00, ballot_type="approval", max_choices=3)
        projects = [make_proposal(pot=pot, cost_pence=(n + 1) * 1_000_00, status="feasible", on_ballot=True).id
                    for n in range(8)]
        emails = [make_user(ward=ward).email for _ in range(args.clients)]
        pot_id = pot.id
        db.session.commit()
    url = f"{server.url}/voting/pots/{pot_id}"
    sessions = []
    for email in emails:
        session = login(server, email, PASSWORD)
        sessions.append((session, csrf_token(session.get(url, timeout=10).text)))
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + args.seconds

    def client(index, session, token):
        n = index
        while time.monotonic() < deadline:
            choice = [projects[n % 8], projects[(n + 3) % 8]]
            n += 1
            start = time.perf_counter()
            try:
                response = session.post(url, data={"csrf_token": token, "action": "cast", "project": choice},
                                        allow_redirects=False, timeout=30)
                ok = response.status_code == 302
            except Exception:  # noqa: BLE001 (counted as an error)
                ok = False
            elapsed = time.perf_counter() - start
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=client, args=(i, *s)) for i, s in enumerate(sessions)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.monotonic() - began
    p50, p95, p99 = percentiles(latencies)
    database = "PostgreSQL" if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql") else "SQLite"
    print(f"{database}: {len(latencies)} casts in {duration:.1f} s = {len(latencies) / duration:.0f} casts/s; "
          f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms; errors {errors[0]}; "
          f"{args.clients} clients, gunicorn {args.workers}x{args.threads}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
