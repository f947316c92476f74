#!/usr/bin/env python
"""Casts against the real app under gunicorn, side by side with a bare floor app, on SQLite and PostgreSQL.

For each database: starts the product's gunicorn on a fresh database (residents made directly in it) and the
floor app (benchmarks/_floor.py: one durable INSERT, then a redirect) under the same gunicorn settings on the
same database. Closed loop: N clients cast back to back, the floor and the product in alternating slices
(interleaved, so a neighbour's load on the shared machine falls on both alike); then open loop: casts sent at
--rate per second for --open-seconds, latency counted from when each was due. Each product cast is a real one
through the ballot form (CSRF, eligibility, the write lock, the register, the sealed ballot); a share are
changes of vote. Prints throughput, p95 and server CPU per cast, the product/floor ratios and the core count;
asserts nothing.

Usage: .venv/bin/python benchmarks/ballots.py [--clients 16] [--seconds 6] [--rounds 3] [--workers 2]
           [--threads 4] [--rate 30] [--open-seconds 20] [--databases sqlite,postgresql]
           [--database-url postgresql+psycopg://nb@127.0.0.1:54329/postgres]
PostgreSQL needs --database-url or TEST_DATABASE_URL (a server's maintenance database, as
`.ci/test-postgres start` prints); without one only SQLite runs.
Targets (issue 15): throughput and p95 within 2x of the floor (ratio >= 0.5) on both databases; open-loop
p95 < 200 ms at 30 casts/s.
"""

import argparse
import os
import secrets
from urllib.parse import urlencode

from _client import ballot_body, session_cookie, voting_round
from _live import closed_loop, cores, open_loop, start_floor, start_server, stop, warm_up

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=6, help="length of one closed-loop slice")
    parser.add_argument("--rounds", type=int, default=3, help="floor/product slice pairs, alternating")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rate", type=float, default=30, help="open loop: casts per second")
    parser.add_argument("--open-seconds", type=float, default=20)
    parser.add_argument("--change-share", type=float, default=0.1, help="share of casts that change a vote")
    parser.add_argument("--max-rate", type=int, default=600, help="casts/s the residents made must cover")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--database-url", help="a PostgreSQL server's maintenance database")
    args = parser.parse_args()
    postgres_url = args.database_url or os.environ.get("TEST_DATABASE_URL", "")
    print(f"{cores()} cores (shared with the load generator and anything else running); gunicorn "
          f"{args.workers}x{args.threads}; {args.clients} clients; {args.rounds} x {args.seconds:.0f} s slices "
          "each, interleaved", flush=True)
    for database in args.databases.split(","):
        if database == "postgresql" and not postgres_url.startswith("postgresql"):
            print("PostgreSQL: skipped (no --database-url or TEST_DATABASE_URL)")
            continue
        if database == "postgresql":
            os.environ["TEST_DATABASE_URL"] = postgres_url
        else:
            os.environ.pop("TEST_DATABASE_URL", None)
        server, mail = start_server(args.workers, args.threads)
        floor = None
        try:
            floor, floor_port = start_floor(server.database_url, args.workers, args.threads)
            run(server, floor, floor_port, "PostgreSQL" if database == "postgresql" else "SQLite", args)
        finally:
            if floor is not None:
                stop(floor)
            server.close()
            mail.stop()


def create_residents(server, count):
    """A voting round with one knapsack pot of 8 projects, and count eligible residents (bulk insert)."""
    from app.extensions import db
    from tests.factories import password_hash

    app = server.app()
    with app.app_context():
        pot_id, projects, people = voting_round(db, count, password_hash())
        db.session.remove()
    return pot_id, projects, [token for _email, token in people]


class Casts:
    """Product casts, one resident after another; a share change the vote of a resident who already voted."""

    def __init__(self, pot_id, cookies, picks, change_share):
        self.path, self.cookies, self.picks, self.change_share = f"/voting/pots/{pot_id}", cookies, picks, change_share
        self.next, self.voted, self.rng = 0, [], secrets.SystemRandom()

    def take(self, count):
        feed = []
        for _ in range(count):
            if self.voted and self.rng.random() < self.change_share:
                cookie, token = self.rng.choice(self.voted)
            else:
                cookie, token = self.cookies[self.next]
                self.next += 1
                self.voted.append((cookie, token))
            body = ballot_body(token, self.rng.choice(self.picks))
            feed.append(("POST", self.path, body, {"Cookie": cookie, **FORM}, 303))  # to the confirmation
        return feed


def floor_casts(picks, count):
    rng = secrets.SystemRandom()
    return [("POST", "/cast", urlencode([("project", p) for p in rng.choice(picks)]), FORM, 303)
            for _ in range(count)]


def run(server, floor, floor_port, database, args):
    per_slice = int(args.max_rate * args.seconds)
    residents = per_slice * args.rounds + int(args.rate * args.open_seconds) + args.clients * 3 + \
        3 * args.workers * args.threads
    print(f"{database}: creating {residents} residents ...", flush=True)
    pot_id, projects, tokens = create_residents(server, residents)
    app = server.app()
    casts = Casts(pot_id, [session_cookie(app, token) for token in tokens],
                  [[str(projects[i]), str(projects[j])] for i in range(8) for j in range(i + 1, 8)], args.change_share)
    picks = casts.picks
    for _ in range(3):  # every worker thread renders its first pages before anything is measured
        warm_up(floor_port, floor_casts(picks, args.workers * args.threads))
        warm_up(server.port, casts.take(args.workers * args.threads))
    slices = {"floor": [], "product": []}
    for n in range(args.rounds):
        order = ("floor", "product") if n % 2 == 0 else ("product", "floor")
        for which in order:
            per_client = per_slice // args.clients + 1
            if which == "floor":
                feeds = [floor_casts(picks, per_client) for _ in range(args.clients)]
                slices[which].append(closed_loop(floor_port, floor.pid, feeds, args.seconds))
            else:
                feeds = [casts.take(per_client) for _ in range(args.clients)]
                slices[which].append(closed_loop(server.port, server.process.pid, feeds, args.seconds))
    combined = {which: _combine(runs) for which, runs in slices.items()}
    opened = {"floor": open_loop(floor_port, floor.pid, floor_casts(picks, int(args.rate * args.open_seconds)),
                                 args.rate),
              "product": open_loop(server.port, server.process.pid, casts.take(int(args.rate * args.open_seconds)),
                                   args.rate)}
    for which in ("floor", "product"):
        c, o = combined[which], opened[which]
        print(f"  {database} {which:7}: closed loop {c['rate']:6.0f} casts/s, p50 {c['p50']:5.0f} ms, p95 "
              f"{c['p95']:5.0f} ms, CPU {c['cpu_ms']:5.2f} ms/cast, errors {c['errors']} {c['error_kinds'] or ''}; "
              f"open loop at {args.rate:.0f}/s: p95 {o['p95']:5.0f} ms, errors {o['errors']} {o['error_kinds'] or ''}")
    f, p = combined["floor"], combined["product"]
    print(f"  {database} product/floor: throughput {p['rate'] / f['rate']:.2f}x, p95 {f['p95'] / p['p95']:.2f}x "
          f"(floor p95 / product p95), CPU per cast {p['cpu_ms'] / f['cpu_ms']:.1f}x the floor; target >= 0.5x; "
          f"open-loop p95 at {args.rate:.0f} casts/s {opened['product']['p95']:.0f} ms (target < 200 ms)",
          flush=True)
    check(server, pot_id)


def _combine(runs):
    """The slices of one side as one figure: total casts over total time; p95 as the slices' median."""
    n = sum(r["n"] for r in runs)
    seconds = sum(r["n"] / r["rate"] for r in runs if r["rate"])
    middle = sorted(runs, key=lambda r: r["p95"])[len(runs) // 2]
    return {"rate": n / seconds if seconds else 0, "p50": middle["p50"], "p95": middle["p95"],
            "errors": sum(r["errors"] for r in runs),
            "error_kinds": sorted({k for r in runs for k in r["error_kinds"]}),
            "cpu_ms": sum(r["cpu_ms"] * r["n"] for r in runs) / max(1, n)}


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
    print(f"  register rows {participations}, ballots {ballots}: "
          f"{'consistent' if participations == ballots else 'MISMATCH'}")


if __name__ == "__main__":
    main()
