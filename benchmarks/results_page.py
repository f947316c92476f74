#!/usr/bin/env python
"""Requests per second and latency of the public results page under concurrent clients (gunicorn on loopback).

Starts its own gunicorn with a fresh database, publishes a realistic round through the services (two pots,
12 projects, 600 ballots, a count, a two-member board decision), then has N concurrent clients fetch the
page over keep-alive connections from light load-generator processes (plain http.client, so the cores go
to the server, not to the client). Prints req/s and p50/p95/p99 latency; asserts nothing.

Usage: .venv/bin/python benchmarks/results_page.py [--clients 50] [--seconds 30] [--workers 4] [--threads 8]
                                                   [--client-processes 2] [--path /results/rounds/ID]
Target (issue 6): >= 500 req/s with p95 < 50 ms at 50 clients on 2 cores.
"""

import argparse
import http.client
import multiprocessing
import os
import secrets
import threading
import time
from datetime import date

from _live import percentiles, start_server, timed_request


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--ballots", type=int, default=600)
    args = parser.parse_args()
    server, mail = start_server(args.workers, args.threads)
    try:
        run(server, args)
    finally:
        server.close()
        mail.stop()


def publish_round(server, ballots):
    """A published round built through the count and decision services; returns its results path."""
    from sqlalchemy import insert, select

    from app.extensions import db
    from app.models import Ballot, Participation, User
    from app.services import count as count_service
    from app.services import decisions
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
    with app.app_context(), app.test_request_context():
        area = make_area(name="Bedwell")
        wards = [make_ward(area=area, name=f"Ward {n}") for n in range(3)]
        members = [make_user(role="board", area=area, ward=wards[0], name=f"Cllr {n}") for n in range(3)]
        round_ = make_round(area=area, phase="voting", title="Bedwell community grants")
        pots = [make_pot(round_=round_, name="Community grants", amount_pence=30_000_00, max_choices=3),
                make_pot(round_=round_, name="Young people's fund", amount_pence=10_000_00, max_choices=3,
                         counting_rule="mes-cost", completion="add1u")]
        projects = {pot.id: [make_proposal(pot=pot, cost_pence=(n + 2) * 1_000_00, status="feasible",
                                           on_ballot=True).id for n in range(6)] for pot in pots}
        tag = secrets.token_hex(4)
        db.session.execute(insert(User), [
            {"email": f"bench-{tag}-{n}@example.org", "name": f"Bench {n}", "password_hash": password_hash(),
             "session_token": secrets.token_urlsafe(32), "active": True, "preferred_locale": "en",
             "ward_id": wards[n % 3].id} for n in range(ballots)])
        voters = db.session.scalars(select(User.id).where(User.email.like(f"bench-{tag}-%"))).all()
        rng = secrets.SystemRandom()
        db.session.execute(insert(Participation), [
            {"user_id": uid, "pot_id": pot.id, "channel": "paper" if n % 7 == 0 else "online",
             "ward_id": wards[n % 3].id, "age_band": ("18-24", "35-44", "65-74")[n % 3]}
            for n, uid in enumerate(voters) for pot in pots])
        db.session.execute(insert(Ballot), [
            {"id": secrets.token_hex(16), "pot_id": pot.id, "channel": "any",
             "choices": rng.sample(projects[pot.id], 3), "receipt_hash": secrets.token_hex(32)}
            for _ in voters for pot in pots])
        round_.phase = "counting"
        db.session.flush()
        count_service.count_round(db.session, round_)
        items = _confirm_selection(db.session, round_)
        record_ = decisions.save_record(db.session, members[0], round_, meeting_date=date(2026, 11, 30), quorum=2,
                                        present_ids=[m.id for m in members], declarations=[], items=items)
        decisions.confirm(db.session, members[0], record_)
        decisions.confirm(db.session, members[1], record_)
        db.session.commit()
        return f"/results/rounds/{round_.id}"


def _confirm_selection(session, round_):
    from app.domain.decisions import Item
    from app.services.decisions import decision_proposals, recommended_ids

    selected = recommended_ids(session, round_)
    return [Item(p.id, "confirm", p.ballot_cost_pence, "", True) if p.id in selected
            else Item(p.id, "reject", 0, "Not selected by the count.", False)
            for p in decision_proposals(session, round_)]


def client_process(port, path, threads, seconds, results):
    """Keep-alive GETs from `threads` threads; puts (latencies, errors) on results."""
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            connection, elapsed, problem = timed_request(connection, port, "GET", path, 200)
            if time.monotonic() >= deadline:
                return
            with lock:
                (errors.append(problem) if problem else latencies.append(elapsed))

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put((latencies, errors))


def run(server, args):
    path = publish_round(server, args.ballots)
    # warm every worker up (first requests compile templates and load catalogues)
    for _ in range(args.workers * 4):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.request("GET", path)
        assert connection.getresponse().status == 200, "the results page is not served"
    results = multiprocessing.Queue()
    split = [args.clients // args.client_processes + (1 if n < args.clients % args.client_processes else 0)
             for n in range(args.client_processes)]
    processes = [multiprocessing.Process(target=client_process, args=(server.port, path, n, args.seconds, results))
                 for n in split]
    began = time.monotonic()
    for process in processes:
        process.start()
    collected = [results.get() for _ in processes]
    for process in processes:
        process.join()
    duration = time.monotonic() - began
    latencies = [x for lat, _ in collected for x in lat]
    errors = [x for _, err in collected for x in err]
    p50, p95, p99 = percentiles(latencies)
    print(f"results page {path}: {len(latencies) / duration:.0f} req/s; p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"p99 {p99:.1f} ms; errors {len(errors)}; {args.clients} clients in {args.client_processes} processes, "
          f"gunicorn {args.workers}x{args.threads}, {os.cpu_count()} cores, {args.ballots} ballots per pot")


if __name__ == "__main__":
    main()
