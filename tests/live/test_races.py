"""Races and crashes against the real app under gunicorn (2 workers x 4 threads): one ballot per resident
and pot whatever the timing; nothing acknowledged is lost when the server is killed."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import func, select

from app.extensions import db
from app.models import Ballot, Participation
from tests.factories import PASSWORD, make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support.live_server import csrf_token, login


def _setup(live, residents=1):
    app = live.app()
    with app.app_context():
        area = make_area()
        ward = make_ward(area=area)
        round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                            voting_close_at=datetime.now(UTC) + timedelta(days=1))
        pot = make_pot(round_=round_, amount_pence=10_000_00, ballot_type="knapsack", max_choices=None)
        projects = [make_proposal(pot=pot, cost_pence=cost, status="feasible", on_ballot=True)
                    for cost in (6_000_00, 5_000_00, 3_000_00)]
        people = [make_user(ward=ward, postcode="FL1 1AA", name=f"Voter {n}") for n in range(residents)]
        officer = make_user(role="officer", ward=ward)
        db.session.commit()
        ids = {"pot": pot.id, "round": round_.id, "projects": [p.id for p in projects],
               "people": [(p.id, p.email) for p in people], "officer": officer.email}
    return app, ids


def _counts(app, pot_id, user_id=None):
    with app.app_context():
        participation = select(func.count()).select_from(Participation).where(Participation.pot_id == pot_id)
        if user_id is not None:
            participation = participation.where(Participation.user_id == user_id)
        result = (db.session.scalar(participation),
                  db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.pot_id == pot_id)))
        db.session.remove()
        return result


def _release_together(calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_fifty_simultaneous_casts_by_one_resident_leave_one_ballot(live):
    app, ids = _setup(live)
    session = login(live, ids["people"][0][1], PASSWORD)
    url = f"{live.url}/voting/pots/{ids['pot']}"
    token = csrf_token(session.get(url, timeout=10).text)
    a, b, c = ids["projects"]
    picks = [[a], [b, c], [a, c], [b], [a, b, c]] * 10  # [a, b, c] is over budget and must never be stored
    for _repeat in range(2):
        calls = [lambda pick=pick: session.post(
            url, data={"csrf_token": token, "action": "cast", "project": pick}, allow_redirects=False, timeout=60)
            for pick in picks]
        statuses = [r.status_code for r in _release_together(calls)]
        assert 500 not in statuses and statuses.count(302) >= 1, statuses
        assert _counts(app, ids["pot"]) == (1, 1)
    with app.app_context():
        stored = db.session.scalar(select(Ballot.choices).where(Ballot.pot_id == ids["pot"]))
        costs = {a: 6_000_00, b: 5_000_00, c: 3_000_00}
        assert sum(costs[p] for p in stored) <= 10_000_00
        db.session.remove()


def test_paper_and_online_at_once_count_once(live):
    app, ids = _setup(live)
    user_id, email = ids["people"][0]
    resident = login(live, email, PASSWORD)
    officer = login(live, ids["officer"], PASSWORD)
    ballot_url = f"{live.url}/voting/pots/{ids['pot']}"
    paper_url = f"{live.url}/officer/rounds/{ids['round']}/paper/{ids['pot']}/{user_id}"
    resident_token = csrf_token(resident.get(ballot_url, timeout=10).text)
    officer_token = csrf_token(officer.get(paper_url, timeout=10).text)
    a = ids["projects"][0]
    calls = [lambda: resident.post(ballot_url, data={"csrf_token": resident_token, "action": "cast", "project": [a]},
                                   allow_redirects=False, timeout=60),
             lambda: officer.post(paper_url, data={"csrf_token": officer_token, "action": "cast", "project": [a]},
                                  allow_redirects=False, timeout=60)] * 5
    statuses = [r.status_code for r in _release_together(calls)]
    assert 500 not in statuses
    assert _counts(app, ids["pot"], user_id)[0] == 1
    assert _counts(app, ids["pot"]) == (1, 1)


def test_kill_9_loses_no_acknowledged_ballot(live):
    app, ids = _setup(live, residents=24)
    url = f"{live.url}/voting/pots/{ids['pot']}"
    sessions = []
    for user_id, email in ids["people"]:
        session = login(live, email, PASSWORD)
        sessions.append((user_id, session, csrf_token(session.get(url, timeout=10).text)))
    acknowledged = set()
    batches = [sessions[i:i + 8] for i in range(0, len(sessions), 8)]
    for batch in batches:
        stop = threading.Event()

        def cast(user_id, session, token, stop=stop):
            while not stop.is_set():
                try:
                    response = session.post(url, data={"csrf_token": token, "action": "cast",
                                                       "project": [ids["projects"][2]]},
                                            allow_redirects=False, timeout=10)
                except requests.RequestException:
                    return
                if response.status_code == 302 and "/confirmation" in response.headers.get("Location", ""):
                    acknowledged.add(user_id)

        threads = [threading.Thread(target=cast, args=item) for item in batch]
        for thread in threads:
            thread.start()
        time.sleep(0.4)
        live.kill9()
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        live.restart()
        participations, ballots = _counts(app, ids["pot"])
        assert participations == ballots, "a half-written cast survived the crash"
        with app.app_context():
            present = set(db.session.scalars(select(Participation.user_id).where(Participation.pot_id == ids["pot"])))
            db.session.remove()
        assert acknowledged <= present
    assert acknowledged, "no cast was acknowledged before the kills; the test proved nothing"
