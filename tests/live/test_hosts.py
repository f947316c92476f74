"""Two app hosts, one service: two gunicorn processes with separate instance folders share one database and one
Redis (started here, like PostgreSQL), and a job runner runs the background work. What one host does, the other
shows: a change of vote, an uploaded translation, results published (their page caches renewed), a count job
(one per round, finished by a second runner after the first was killed), mail queued by either and sent by
`flask mail send`; and two board members confirming at once on the two hosts lock the record once. (Sign-in
limits shared through Redis: tests/live/test_rate_limits.py.)"""

import re
import time

import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from app.extensions import db
from app.models import (
    AuditEntry,
    CountResult,
    DecisionConfirmation,
    DecisionRecord,
    Job,
    PublishedHead,
    Round,
)
from app.services.decisions import confirm
from tests.factories import make_pot, make_proposal, make_user
from tests.live.conftest import signed_in
from tests.live.test_races import _ballots, _counts, _release_together, _setup
from tests.support.live_server import LiveServer, csrf_token
from tests.support.results_scenarios import Scenario

LEASE_SECONDS = 2  # a killed runner's job is taken over this soon


@pytest.fixture(scope="module")
def hosts(tmp_path_factory, mail_server, redis_server):
    """(first host, second host): one worker each, their own instance folders, one database, one Redis."""
    def env(name):
        return {"NB_INSTANCE_PATH": str(tmp_path_factory.mktemp(f"instance-{name}")),
                "NB_RATELIMIT_STORAGE_URI": redis_server.url, "NB_JOBS_INLINE": "false",
                "NB_JOBS_LEASE_SECONDS": str(LEASE_SECONDS)}

    first = LiveServer(tmp_path_factory.mktemp("host-a"), mail_server.port, workers=1, threads=4, extra_env=env("a"))
    try:
        second = LiveServer(tmp_path_factory.mktemp("host-b"), mail_server.port, workers=1, threads=4,
                            database_url=first.database_url, extra_env=env("b"))
        try:
            yield first, second
        finally:
            second.close()
    finally:
        first.close()


def _eventually(check, seconds=15):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the other host never caught up"
        time.sleep(0.2)


def test_a_vote_cast_on_one_host_is_changed_on_the_other(hosts):
    a, b = hosts
    app, ids = _setup(a)
    first, second = (signed_in(host, ids["people"][0][1]) for host in (a, b))
    project_a, project_b, _project_c = ids["projects"]
    for host, (session, token), pick in ((a, first, [project_a]), (b, second, [project_b])):
        response = session.post(f"{host.url}/voting/pots/{ids['pot']}", data={"csrf_token": token, "action": "cast",
                                                                               "project": pick}, timeout=30)
        assert response.status_code == 200, response.text[:300]
    assert _counts(app, ids["pot"]) == (1, 1)
    [(choices, _hash, _key)] = _ballots(app, ids["pot"])
    assert list(choices) == [project_b]


def test_a_translation_uploaded_on_one_host_is_served_by_the_other(hosts):
    a, b = hosts
    with a.app_context():
        translator = make_user(role="translator").session_token
    welsh = {"Accept-Language": "cy"}
    assert "Neidio i’r prif gynnwys" in requests.get(b.url + "/", headers=welsh, timeout=10).text  # B caches it
    session, token = signed_in(a, translator)
    po = session.get(f"{a.url}/translate/cy/messages.po", timeout=10).content
    po = po.replace('msgid "Skip to main content"\nmsgstr "Neidio i’r prif gynnwys"'.encode(),
                    'msgid "Skip to main content"\nmsgstr "Ewch i’r prif gynnwys"'.encode())
    response = session.post(f"{a.url}/translate/cy/messages.po", data={"csrf_token": token},
                            files={"catalogue": ("messages.po", po)}, allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.text[:500]
    _eventually(lambda: "Ewch i’r prif gynnwys" in requests.get(b.url + "/", headers=welsh, timeout=10).text)
    assert "Ewch i’r prif gynnwys" in requests.get(a.url + "/", headers=welsh, timeout=10).text
    assert "Ewch i’r prif gynnwys".encode() in requests.Session().get(b.url + "/", headers=welsh, timeout=10).content


def test_publishing_renews_the_cached_results_pages_of_both_hosts(hosts):
    a, b = hosts
    with a.app_context():
        published = Scenario(phase="published").round.id
        waiting = Scenario(phase="decision")
        db.session.commit()
        waiting_round = waiting.round.id
        url = f"/results/rounds/{published}"
        for host in (a, b):
            for _twice in range(2):  # the second visit is served from the host's cache
                assert requests.get(host.url + url, timeout=10).status_code == 200
        assert requests.get(f"{b.url}/results/rounds/{waiting_round}", timeout=10).status_code == 404
        waiting.decide_and_confirm()  # the board publishes the second round: a new head is published
        db.session.commit()
        newest = db.session.scalar(select(PublishedHead.entry_hash).order_by(PublishedHead.id.desc()).limit(1))
    for host in (a, b):
        assert newest in requests.get(host.url + url, timeout=10).text
        assert requests.get(f"{host.url}/results/rounds/{waiting_round}", timeout=10).status_code == 200


def test_one_count_job_started_on_two_hosts_at_once_survives_a_killed_runner(hosts):
    a, b = hosts
    with a.app_context():
        s = Scenario(phase="counting")
        second_pot = make_pot(round_=s.round, name="Second pot")
        make_proposal(pot=second_pot, cost_pence=1_000_00, status="feasible", on_ballot=True)
        db.session.commit()
        round_id, officer = s.round.id, s.officer.session_token
        pot_ids = [pot.id for pot in s.round.pots]
    officers = [signed_in(host, officer) for host in (a, b)]
    url = f"/officer/rounds/{round_id}/count"
    responses = _release_together([lambda h=h, o=o: o[0].post(h.url + url, data={"csrf_token": o[1]},
                                                              allow_redirects=False, timeout=60)
                                   for h, o in zip((a, b), officers, strict=True)])
    assert [r.status_code for r in responses] == [302, 302]
    with a.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == 1
        assert db.session.scalar(select(func.count()).select_from(CountResult)
                                 .where(CountResult.pot_id.in_(pot_ids))) == len(pot_ids)
        job_id = db.session.scalar(select(Job.id))
        last_row = db.session.scalar(select(CountResult.id).where(CountResult.pot_id == pot_ids[-1]))
    assert "waiting for the job runner" in officers[1][0].get(b.url + url, timeout=10).text

    if a.database_url.startswith("postgresql"):
        _kill_the_runner_after_the_first_pot(a, job_id, last_row)
        page = officers[1][0].get(b.url + url, timeout=10).text
        assert f"The count is running: 1 of {len(pot_ids)} pots counted." in page
        time.sleep(LEASE_SECONDS + 0.5)
    assert "job done" in b.flask("jobs", "work", "--once")  # the second runner, on the other host
    page = officers[0][0].get(a.url + url, timeout=10).text
    assert f"The count has finished: {len(pot_ids)} of {len(pot_ids)} pots counted." in page
    with a.app_context():
        job = db.session.get(Job, job_id)
        assert job.state == "done" and job.attempts == (2 if a.database_url.startswith("postgresql") else 1)
        assert db.session.get(Round, round_id).phase == "decision"
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "count.run", AuditEntry.target == f"round:{round_id}")) == 1


def _kill_the_runner_after_the_first_pot(host, job_id, last_row):
    """Start a runner, hold the last pot's row (FOR UPDATE) so it stops there, then kill -9 it mid-job."""
    engine = create_engine(host.database_url)
    try:
        with engine.connect() as holder:
            holder.execute(text("SELECT id FROM count_result WHERE id = :id FOR UPDATE"), {"id": last_row})
            runner = host.start_job_runner()
            try:
                def progressed():
                    with engine.connect() as look:
                        return look.scalar(text("SELECT progress FROM job WHERE id = :id"), {"id": job_id}) == "1/2"

                _eventually(progressed, seconds=60)
                time.sleep(0.3)  # it is now waiting for the last pot's row
            finally:
                runner.kill()  # SIGKILL: no clean shutdown, the lease is left to run out
                runner.wait(timeout=10)
            holder.rollback()
    finally:
        engine.dispose()


def test_mail_queued_by_one_host_is_sent_by_the_outbox_sender(hosts, mail_server):
    a, b = hosts
    with a.app_context():
        email = make_user(email="two-hosts@example.org").email
    mail_server.clear()
    session = requests.Session()
    form = session.get(b.url + "/auth/reset", timeout=10).text
    assert session.post(b.url + "/auth/reset", data={"csrf_token": csrf_token(form), "email": email},
                        allow_redirects=False, timeout=30).status_code == 302
    assert not mail_server.messages  # the request only queued it
    a.flask("mail", "send")
    [message] = [m for m in mail_server.messages if email in m["To"]]
    assert re.search(r"/auth/reset/\S+", message.get_content())
    mail_server.clear()
    form = session.get(a.url + "/auth/reset", timeout=10).text
    session.post(a.url + "/auth/reset", data={"csrf_token": csrf_token(form), "email": email}, timeout=30)
    assert "mail: sent 1," in b.flask("jobs", "work", "--once", "--mail")  # or the job runner sends it
    assert [m for m in mail_server.messages if email in m["To"]]


def test_two_board_members_confirming_on_two_hosts_at_once_lock_the_record_once(hosts):
    a, b = hosts
    with a.app_context():
        s = Scenario(phase="decision")
        record_ = s.draft()
        confirm(db.session, s.members[0], record_)
        db.session.commit()
        record_id = record_.id
        members = [m.session_token for m in s.members[1:]]
    url = f"/board/decisions/{record_id}/confirm"
    boards = [signed_in(host, token) for host, token in zip((a, b), members, strict=True)]
    responses = _release_together([lambda h=h, m=m: m[0].post(h.url + url, data={"csrf_token": m[1]},
                                                               allow_redirects=False, timeout=60)
                                   for h, m in zip((a, b), boards, strict=True)])
    assert [r.status_code for r in responses] == [302, 302]
    pages = [m[0].get(requests.compat.urljoin(h.url, r.headers["Location"]), timeout=10).text
             for h, m, r in zip((a, b), boards, responses, strict=True)]
    assert sum("The decision is confirmed and locked" in page for page in pages) == 1
    assert sum("This record is confirmed and locked" in page for page in pages) == 1
    with a.app_context():
        assert db.session.get(DecisionRecord, record_id).status == "confirmed"
        assert db.session.scalar(select(func.count()).select_from(DecisionConfirmation)
                                 .where(DecisionConfirmation.record_id == record_id)) == 2
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "decision.lock",
                                        AuditEntry.target == f"decision:{record_id}")) == 1

