#!/usr/bin/env python
"""The public results page beside a bare template, on the same gunicorn: CPU per request and latency.

Starts its own gunicorn with a fresh database, publishes a realistic round through the services (two pots,
12 projects, 600 ballots, a count, a two-member board decision), fetches the page once as a visitor who is not
signed in and starts the floor app (benchmarks/_floor.py) serving that same HTML as a Jinja template with no
database, session or CSRF. Then, interleaved: closed loop (N clients back to back) for server CPU per request
and throughput; open loop at each --rates figure (requests sent on schedule whatever the server's pace,
latency counted from when each was due) for p95. Requests go straight to gunicorn, as a cache miss at the
proxy would (published pages are sent with Cache-Control: public, so a proxy or CDN answers the rest).
Prints figures and ratios with the core count; asserts nothing.

Usage: .venv/bin/python benchmarks/results_page.py [--clients 16] [--seconds 6] [--rounds 2] [--workers 2]
           [--threads 4] [--rates 100,200,400] [--open-seconds 8]
Targets (issue 15): a cache hit within 1.5x of the bare template's CPU; p95 at 100/200/400 req/s open loop.
"""

import argparse
import http.client
import os
import secrets
import tempfile
from datetime import date

from _live import closed_loop, cores, open_loop, start_floor, start_server, stop, warm_up


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rates", default="100,200,400")
    parser.add_argument("--open-seconds", type=float, default=8)
    parser.add_argument("--ballots", type=int, default=600)
    parser.add_argument("--without-redis", action="store_true",
                        help="no shared page cache: every request goes through Flask (each worker's own cache)")
    args = parser.parse_args()
    redis_server = None
    if not args.without_redis:
        from tests.support.redis_server import RedisServer

        redis_server = RedisServer()
    server, mail = start_server(args.workers, args.threads,
                                {"NB_PAGE_CACHE_URL": redis_server.url} if redis_server else None)
    floor = None
    try:
        path = publish_round(server, args.ballots)
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.request("GET", path)
        response = connection.getresponse()
        page = response.read().decode()
        print(f"{cores()} cores (shared with the load generator and anything else running); gunicorn "
              f"{args.workers}x{args.threads}; shared page cache {'off' if args.without_redis else 'Redis'}; "
              f"{path}: {len(page)} bytes, Cache-Control "
              f"{response.getheader('Cache-Control')!r}, Vary {response.getheader('Vary')!r}, Set-Cookie "
              f"{'yes' if response.getheader('Set-Cookie') else 'none'}", flush=True)
        template = os.path.join(tempfile.mkdtemp(prefix="nb-floor-"), "page.html")
        with open(template, "w") as handle:
            handle.write("{% raw %}" + page + "{% endraw %}")
        floor, floor_port = start_floor(server.database_url, args.workers, args.threads, template)
        run(server, path, floor, floor_port, args)
    finally:
        if floor is not None:
            stop(floor)
        server.close()
        mail.stop()
        if redis_server is not None:
            redis_server.stop()


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


def run(server, path, floor, floor_port, args):
    targets = {"floor": (floor_port, floor.pid, "/page"), "product": (server.port, server.process.pid, path)}

    def feed(which, count):
        return [("GET", targets[which][2], None, {}, 200)] * count

    for which, (port, _pid, _path) in targets.items():
        warm_up(port, feed(which, 4 * args.workers * args.threads))
    closed = {"floor": [], "product": []}
    for n in range(args.rounds):
        for which in (("floor", "product") if n % 2 == 0 else ("product", "floor")):
            port, pid, _path = targets[which]
            closed[which].append(closed_loop(port, pid, [feed(which, 100_000) for _ in range(args.clients)],
                                             args.seconds))
    for which in ("floor", "product"):
        runs = closed[which]
        n = sum(r["n"] for r in runs)
        cpu = sum(r["cpu_ms"] * r["n"] for r in runs) / max(1, n)
        rate = n / sum(r["n"] / r["rate"] for r in runs if r["rate"])
        closed[which] = {"cpu_ms": cpu, "rate": rate}
        print(f"  {which:7}: closed loop {rate:5.0f} req/s, CPU {cpu:5.2f} ms/request", flush=True)
    print(f"  product/floor CPU per request: {closed['product']['cpu_ms'] / closed['floor']['cpu_ms']:.2f}x "
          "(target <= 1.5x)", flush=True)
    for rate in (float(r) for r in args.rates.split(",")):
        line = []
        for which in ("floor", "product"):
            port, pid, _path = targets[which]
            result = open_loop(port, pid, feed(which, int(rate * args.open_seconds)), rate)
            line.append(f"{which} p95 {result['p95']:6.1f} ms (p50 {result['p50']:5.1f}, achieved "
                        f"{result['rate']:4.0f}/s, errors {result['errors']})")
        print(f"  open loop {rate:4.0f} req/s: " + "; ".join(line), flush=True)


if __name__ == "__main__":
    main()
