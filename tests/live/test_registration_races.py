"""One person, one account, one vote: a resident registered in person while they register online at the same
moment (against gunicorn, 2 workers x 4 threads) gets one account that can vote and one held for an officer to
merge, never two that can both vote."""

import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import requests
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.factories import make_area, make_round, make_user, make_ward
from tests.live.conftest import signed_in
from tests.support.live_server import csrf_token


def _release_together(calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _online(live, name, n):
    session = requests.Session()
    token = csrf_token(session.get(f"{live.url}/auth/register", timeout=30).text)
    data = {"csrf_token": token, "name": name.upper(), "email": f"twin{n}@example.org", "password": "plum orbit kettle seven",
            "postcode": "fl11aa", "date_of_birth": "1941-03-09", "locale": "en", "accept": "y"}
    return partial(session.post, f"{live.url}/auth/register", data=data, allow_redirects=False, timeout=60)


def test_in_person_and_online_registration_of_one_person_at_once_leave_one_account_that_can_vote(live):
    app = live.app()
    with app.app_context():
        area = make_area()
        ward = make_ward(area=area, postcodes=["FL1 1AA"])
        round_ = make_round(area=area, phase="voting")
        officer = make_user(role="officer", ward=ward)
        db.session.commit()
        round_id, officer_token = round_.id, officer.session_token
        db.session.remove()
    officer_session, officer_csrf = signed_in(live, officer_token)
    for n in range(4):
        name = f"Edna Twin{n}"
        in_person = partial(officer_session.post, f"{live.url}/officer/rounds/{round_id}/in-person",
                            data={"csrf_token": officer_csrf, "name": name, "address": "4 Mill Lane",
                                  "postcode": "FL1 1AA", "date_of_birth": "1941-03-09", "locale": "en",
                                  "proof_seen": "y", "same_as": "new",
                                  # The officers have been shown the possible duplicates (any ids up to 99) and
                                  # said "a different person": the race is on creating the accounts.
                                  "duplicates_seen": ",".join(str(i) for i in range(1, 100))},
                            allow_redirects=False, timeout=60)
        # Two at the counter and two online: four registrations of one person at the same moment.
        calls = [in_person, _online(live, name, n), in_person, _online(live, name, n + 100)]
        statuses = [r.status_code for r in _release_together(calls)]
        if statuses != [302] * 4:
            print(live.logs()[-8000:])
        assert statuses == [302] * 4, statuses
        with app.app_context():
            accounts = db.session.scalars(select(User).where(User.postcode == "FL1 1AA", User.name.ilike(name))
                                          .order_by(User.id)).all()
            holders = [a for a in accounts if a.identity_key is not None]
            held = [a for a in accounts if a.held_for_merge_with_id is not None]
            assert len(accounts) == 4 and len(holders) == 1, [(a.id, a.identity_key, a.held_for_merge_with_id)
                                                              for a in accounts]
            assert {a.held_for_merge_with_id for a in held} == {holders[0].id} and len(held) == 3
            db.session.remove()
