"""Races and crashes against the real app under gunicorn (2 workers x 4 threads): one ballot per resident
and pot whatever the timing; a change of vote never leaves two ballots; nothing acknowledged is lost when the
server is killed; a ballot cast while the officer closes voting is either refused or counted, never linkable."""

import queue
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import partial
from urllib.parse import urljoin

import requests
from sqlalchemy import func, select

from app.extensions import db
from app.models import Ballot, Participation, Round, RoundKey
from app.services.voting import receipt_hash
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.live.conftest import signed_in
from tests.support.ballots import opened_ballots

COSTS = (6_000_00, 5_000_00, 3_000_00)  # pot 10,000: any two of the first two are over budget


def _setup(live, residents=1):
    app = live.app()
    with app.app_context():
        area = make_area()
        ward = make_ward(area=area)
        round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                            voting_close_at=datetime.now(UTC) + timedelta(days=1))
        pot = make_pot(round_=round_, amount_pence=10_000_00, ballot_type="knapsack", max_choices=None)
        projects = [make_proposal(pot=pot, cost_pence=cost, status="feasible", on_ballot=True) for cost in COSTS]
        people = [make_user(ward=ward, postcode="FL1 1AA", name=f"Voter {round_.id}-{n}") for n in range(residents)]
        officer = make_user(role="officer", ward=ward)
        db.session.commit()
        ids = {"pot": pot.id, "round": round_.id, "projects": [p.id for p in projects],
               "people": [(p.id, p.session_token) for p in people], "officer": officer.session_token}
        db.session.remove()
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


def _ballots(app, pot_id):
    """[(choices, receipt hash, replace_key)], sealed ballots opened with their round's key."""
    with app.app_context():
        keys = db.session.scalars(select(Ballot.replace_key).where(Ballot.pot_id == pot_id)).all()
        rows = [(*opened, key) for opened, key in zip(opened_ballots(db.session, pot_id), keys, strict=True)]
        db.session.remove()
        return rows


def _receipt(response):
    """The receipt code on a cast's confirmation (the only place it is ever shown), or None if not shown."""
    found = re.search(r'id="receipt-code">([A-Z0-9-]+)<', response.text) if response.status_code == 200 else None
    return found and found.group(1)


def _cast(session, url, data, timeout):
    """Cast as a browser does: the POST, then the confirmation it redirects to (Post/Redirect/Get).
    Returns (the POST's status, the receipt code the confirmation shows, or None)."""
    response = session.post(url, data=data, allow_redirects=False, timeout=timeout)
    if response.status_code != 303:
        return response.status_code, None
    return 303, _receipt(session.get(urljoin(url, response.headers["Location"]), allow_redirects=False,
                                     timeout=timeout))


def _release_together(calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _within_budget(choices, ids):
    costs = dict(zip(ids["projects"], COSTS, strict=True))
    return sum(costs[p] for p in choices) <= 10_000_00


def test_fifty_simultaneous_casts_by_one_resident_leave_one_ballot(live):
    app, ids = _setup(live)
    url = f"{live.url}/voting/pots/{ids['pot']}"
    a, b, c = ids["projects"]
    picks = [[a], [b, c], [a, c], [b], [a, b, c]] * 10  # [a, b, c] is over budget and must never be stored
    for _repeat in range(3):
        # Fifty separate sign-ins of the same resident (as if on several devices), released together.
        clients = [signed_in(live, ids["people"][0][1]) for _ in picks]
        calls = [lambda s=s, t=t, pick=pick: s.post(url, data={"csrf_token": t, "action": "cast", "project": pick},
                                                    allow_redirects=False, timeout=60)
                 for (s, t), pick in zip(clients, picks, strict=True)]
        statuses = [r.status_code for r in _release_together(calls)]
        assert 500 not in statuses and statuses.count(303) >= 1, statuses
        assert set(statuses) <= {303, 400}, statuses
        assert _counts(app, ids["pot"]) == (1, 1)
        [(choices, _hash, replace_key)] = _ballots(app, ids["pot"])
        assert _within_budget(choices, ids) and replace_key


def test_concurrent_changes_of_vote_leave_exactly_the_one_ballot_of_one_acknowledged_receipt(live):
    app, ids = _setup(live)
    url = f"{live.url}/voting/pots/{ids['pot']}"
    a, b, c = ids["projects"]
    first, token = signed_in(live, ids["people"][0][1])
    assert first.post(url, data={"csrf_token": token, "action": "cast", "project": [a]},
                      allow_redirects=False, timeout=30).status_code == 303
    clients = [signed_in(live, ids["people"][0][1]) for _ in range(30)]
    picks = [[b, c], [a, b], [c], [a, c], [a, b, c], [b]] * 5

    def change(client, pick):
        session, form_token = client
        return _cast(session, url, {"csrf_token": form_token, "action": "cast", "project": pick}, 60)

    results = _release_together([lambda c=c, p=p: change(c, p) for c, p in zip(clients, picks, strict=True)])
    assert {status for status, _ in results} <= {303, 400}
    # A confirmation shows its receipt only while that ballot is the one in the box: the last change's always is.
    acknowledged = {receipt_hash(code) for status, code in results if code}
    assert acknowledged
    assert _counts(app, ids["pot"]) == (1, 1)
    [(choices, counted_hash, _key)] = _ballots(app, ids["pot"])
    assert _within_budget(choices, ids)
    assert counted_hash in acknowledged  # the last acknowledged change counts, and only it


def test_paper_and_online_at_once_count_once(live):
    app, ids = _setup(live, residents=3)
    officer_session, officer_token = signed_in(live, ids["officer"])
    a = ids["projects"][0]
    for user_id, session_token in ids["people"]:
        resident, resident_token = signed_in(live, session_token)
        ballot_url = f"{live.url}/voting/pots/{ids['pot']}"
        paper_url = f"{live.url}/officer/rounds/{ids['round']}/paper/{ids['pot']}/{user_id}"
        online = partial(resident.post, ballot_url, data={"csrf_token": resident_token, "action": "cast",
                                                          "project": [a]}, allow_redirects=False, timeout=60)
        paper = partial(officer_session.post, paper_url, data={"csrf_token": officer_token, "action": "cast",
                                                               "project": [a]}, allow_redirects=False, timeout=60)
        calls = [online, paper] * 5
        statuses = [r.status_code for r in _release_together(calls)]
        assert 500 not in statuses and statuses.count(303) + statuses.count(302) >= 1, statuses
        assert _counts(app, ids["pot"], user_id)[0] == 1
    assert _counts(app, ids["pot"]) == (3, 3)


def test_kill_9_loses_no_acknowledged_ballot_and_leaves_nothing_half_written(live):
    app, ids = _setup(live, residents=150)
    url = f"{live.url}/voting/pots/{ids['pot']}"
    waiting = queue.Queue()
    for _user_id, session_token in ids["people"]:
        waiting.put(session_token)
    acknowledged = []  # (resident's session token, receipt code)
    for _crash in range(3):
        stop = threading.Event()

        def cast(stop=stop):
            """Take the next resident, cast once, keep the receipt if the server acknowledged the cast."""
            while not stop.is_set():
                try:
                    session_token = waiting.get_nowait()
                except queue.Empty:
                    return
                session, token = signed_in(live, session_token)
                try:
                    _status, receipt = _cast(session, url, {"csrf_token": token, "action": "cast",
                                                            "project": [ids["projects"][2]]}, 10)
                except requests.RequestException:
                    return
                if receipt:
                    acknowledged.append((session_token, receipt))

        threads = [threading.Thread(target=cast) for _ in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(0.6)
        live.kill9()
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        live.restart()
        participations, ballots = _counts(app, ids["pot"])
        assert participations == ballots, "a half-written cast survived the crash"
        counted = {receipt for _choices, receipt, _key in _ballots(app, ids["pot"])}
        missing = [code for _token, code in acknowledged if receipt_hash(code) not in counted]
        assert missing == [], "an acknowledged ballot was lost"
    assert len(acknowledged) >= 10, "too few casts were acknowledged before the kills; the test proved little"
    # After the restarts the round's key is still there: a resident who voted before a crash can change the vote,
    # and the change replaces their ballot instead of adding one.
    session, token = signed_in(live, acknowledged[0][0])
    assert session.post(url, data={"csrf_token": token, "action": "cast", "project": [ids["projects"][1]]},
                        allow_redirects=False, timeout=10).status_code == 303
    assert _counts(app, ids["pot"]) == (participations, ballots)
    assert receipt_hash(acknowledged[0][1]) not in {r for _c, r, _k in _ballots(app, ids["pot"])}


def test_closing_while_residents_cast_refuses_or_counts_each_ballot_and_cuts_every_link(live):
    app, ids = _setup(live, residents=120)
    url = f"{live.url}/voting/pots/{ids['pot']}"
    officer, officer_token = signed_in(live, ids["officer"])
    outcomes = []
    some_cast = threading.Event()

    def cast(session_token):
        session, token = signed_in(live, session_token)
        outcomes.append(_cast(session, url, {"csrf_token": token, "action": "cast", "project": [ids["projects"][2]]},
                              60))
        if len(outcomes) >= 15:
            some_cast.set()

    def close():
        some_cast.wait(timeout=60)
        return officer.post(f"{live.url}/officer/rounds/{ids['round']}/phase",
                            data={"csrf_token": officer_token, "target": "counting", "reason": "Closed early in a race test"},
                            allow_redirects=False,
                            timeout=60)

    with ThreadPoolExecutor(max_workers=9) as pool:
        closing = pool.submit(close)
        list(pool.map(cast, [token for _user_id, token in ids["people"]]))
        assert closing.result().status_code == 302
    with app.app_context():
        assert db.session.get(Round, ids["round"]).phase == "counting"
        db.session.remove()
    statuses = {status for status, _ in outcomes}
    assert statuses <= {303, 400} and 303 in statuses and 400 in statuses, statuses
    rows = _ballots(app, ids["pot"])
    assert all(key is None for _choices, _hash, key in rows), "a ballot kept its link after the close"
    # Every acknowledged cast is counted and nothing else; a confirmation read after the close shows no receipt
    # (its key is gone), so the receipts shown before it are checked among the counted ones.
    assert [status for status, _code in outcomes].count(303) == len(rows)
    assert {receipt_hash(code) for _status, code in outcomes if code} <= {h for _c, h, _k in rows}
    assert _counts(app, ids["pot"]) == (len(rows), len(rows))
    with app.app_context():
        assert db.session.get(RoundKey, ids["round"]) is None, "the round's key outlived the close"
        db.session.remove()
