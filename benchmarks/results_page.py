#!/usr/bin/env python
"""Requests per second and latency of the public results page under concurrent clients (gunicorn on loopback).

Usage: .venv/bin/python benchmarks/results_page.py [--clients 50] [--seconds 30] [--workers 4] [--threads 8]
Prints figures; asserts nothing.
"""

import argparse
import os
import threading
import time
from datetime import UTC, datetime, timedelta

import requests
from _live import percentiles, start_server


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
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
    from app.services import count as count_service
    from app.services import voting
    from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward

    app = server.app()
    with app.app_context(), app.test_request_context():
        area = make_area()
        ward = make_ward(area=area)
        round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1))
        pot = make_pot(round_=round_, amount_pence=30_000_00, max_choices=3)
        projects = [make_proposal(pot=pot, cost_pence=(n + 2) * 1_000_00, status="feasible", on_ballot=True).id
                    for n in range(10)]
        db.session.commit()
        for n in range(300):
            voter = make_user(ward=ward)
            db.session.commit()
            voting.cast_online(db.session, voter.id, pot.id, [projects[n % 10], projects[(n + 3) % 10]])
            db.session.commit()
        round_.phase = "counting"
        db.session.commit()
        count_service.count_round(db.session, round_)
        round_.phase = "published"
        db.session.commit()
        url = f"{server.url}/results/rounds/{round_.id}"
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + args.seconds

    def client():
        session = requests.Session()
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                ok = session.get(url, timeout=30).status_code == 200
            except requests.RequestException:
                ok = False
            elapsed = time.perf_counter() - start
            with lock:
                (latencies.append(elapsed) if ok else errors.__setitem__(0, errors[0] + 1))

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.monotonic() - began
    p50, p95, p99 = percentiles(latencies)
    print(f"results page: {len(latencies) / duration:.0f} req/s; p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
          f"p99 {p99:.0f} ms; errors {errors[0]}; {args.clients} clients, gunicorn {args.workers}x{args.threads}, "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
