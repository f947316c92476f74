"""Notices residents opted in to: choices, and `flask notify due` queuing each notice once, in batches, in the
resident's language, with one-click unsubscribe headers; delivered by the real outbox sender."""

import contextvars
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from app.domain.notifications import PROJECT_UPDATES, REMINDER, RESULTS, VOTING_OPENS
from app.models import DecisionItem, DecisionRecord, NotificationRun, OutboxMessage, Participation
from app.services import content_translations, notifications
from tests.factories import make_pot, make_proposal, make_round, make_user, make_ward

NOW = datetime.now(UTC)


def notify_due(app, db, *args):
    """Run the command as cron does: in its own app context and session, after the test's rows are committed."""
    db.session.commit()
    result = contextvars.Context().run(app.test_cli_runner().invoke, args=["notify", "due", *args], catch_exceptions=False)
    db.session.expire_all()
    return result


def resident(ward, kinds=(), **fields):
    user = make_user(ward=ward, **fields)
    notifications.set_kinds(db_session(), user, kinds)
    return user


def db_session():
    from app.extensions import db

    return db.session


def voting_round(close_in=timedelta(days=10)):
    ward = make_ward()
    round_ = make_round(area=ward.area, phase="voting", title="Chells grants", voting_open_at=NOW - timedelta(days=1),
                        voting_close_at=NOW + close_in)
    return ward, round_, make_pot(round_=round_)


def test_choices_are_off_by_default_and_saved_exactly(db):
    user = make_user()
    assert notifications.kinds_for(db.session, user) == frozenset()
    notifications.set_kinds(db.session, user, [VOTING_OPENS, RESULTS, "not-a-kind"])
    assert notifications.kinds_for(db.session, user) == {VOTING_OPENS, RESULTS}
    notifications.set_kinds(db.session, user, [RESULTS, REMINDER])
    assert notifications.kinds_for(db.session, user) == {RESULTS, REMINDER}
    notifications.unsubscribe(db.session, user, RESULTS)
    notifications.unsubscribe(db.session, user, RESULTS)
    assert notifications.kinds_for(db.session, user) == {REMINDER}


def test_voting_opens_mails_who_opted_in_in_the_wards_of_the_round_once_in_their_language(app, db, outbox):
    ward, round_, _pot = voting_round()
    welsh = resident(ward, [VOTING_OPENS], email="cerys@example.org", name="Cerys", locale="cy")
    resident(ward, [RESULTS], email="results-only@example.org")
    resident(ward, [], email="nothing@example.org")
    resident(ward, [VOTING_OPENS], email="unconfirmed@example.org", verified=False)
    resident(make_ward(), [VOTING_OPENS], email="elsewhere@example.org")
    round_.min_age = 16
    resident(ward, [VOTING_OPENS], email="too-young@example.org", date_of_birth=date(2015, 1, 1))

    first = notify_due(app, db)
    second = notify_due(app, db)

    assert first.exit_code == 0, first.output
    assert f"voting_opens round:{round_.id}: queued 1 (total 1), done" in first.output
    assert "queued" not in second.output, "each notice is sent once"
    messages = outbox.messages
    assert [m["To"] for m in messages] == ["cerys@example.org"]
    mail = messages[0]
    assert mail["Subject"] == "Mae'r pleidleisio ar agor: Chells grants" and mail["Content-Language"] == "cy"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://localhost/auth/unsubscribe/") and link in mail.get_content()
    assert "Helo Cerys" in mail.get_content()
    assert notifications.from_unsubscribe_token(db.session, app.secret_key, link.rsplit("/", 1)[1], 60)[0] == welsh


def test_the_reminder_goes_two_days_before_the_close_to_who_has_not_voted_from_the_register(app, db, outbox):
    ward, round_, pot = voting_round(close_in=timedelta(days=1, hours=12))
    voted = resident(ward, [REMINDER], email="voted@example.org")
    resident(ward, [REMINDER], email="not-yet@example.org")
    db.session.add(Participation(user_id=voted.id, pot_id=pot.id, ward_id=ward.id))

    result = notify_due(app, db)

    assert result.exit_code == 0, result.output
    assert [m["To"] for m in outbox.messages] == ["not-yet@example.org"]
    assert "closes on" in outbox.messages[0].get_content()


def test_no_reminder_while_the_close_is_more_than_two_days_away(app, db, outbox):
    ward, _round, _pot = voting_round(close_in=timedelta(days=3))
    resident(ward, [REMINDER])
    notify_due(app, db)
    assert outbox.messages == []


def published_round():
    ward = make_ward()
    round_ = make_round(area=ward.area, phase="published", title="Manor grants", wards=[ward])
    pot = make_pot(round_=round_)
    return ward, round_, pot


def confirm_decision(round_, outcomes, confirmed_at=None):
    board = make_user(role="board", area=round_.area)
    record = DecisionRecord(round_id=round_.id, meeting_date=date(2026, 11, 30), status="draft",
                            created_by_id=board.id)
    record.items = [DecisionItem(proposal_id=p.id, outcome=o, amount_pence=p.cost_pence if o == "confirm" else 0,
                                 reason="" if o == "confirm" else "Not this year")
                    for p, o in outcomes]
    db_session().add(record)
    db_session().flush()  # items go in while the record is a draft: a confirmed record is locked
    record.status, record.confirmed_at = "confirmed", confirmed_at or NOW - timedelta(hours=1)
    db_session().flush()
    return record


def test_results_and_project_news_never_say_how_anyone_voted(app, db, outbox):
    ward, round_, pot = published_round()
    proposer = resident(ward, [PROJECT_UPDATES, RESULTS], email="proposer@example.org", name="Priya")
    voter = resident(make_ward(), [PROJECT_UPDATES], email="voter@example.org")  # voted in person, say
    resident(ward, [PROJECT_UPDATES], email="did-nothing@example.org")
    garden = make_proposal(pot=pot, author=proposer, title="Community garden", status="feasible", on_ballot=True)
    bench = make_proposal(pot=pot, author=proposer, title="New benches", status="feasible", on_ballot=True)
    confirm_decision(round_, [(garden, "confirm"), (bench, "reject")])
    db.session.add(Participation(user_id=voter.id, pot_id=pot.id, ward_id=ward.id))

    result = notify_due(app, db)

    assert result.exit_code == 0, result.output
    received = {(m["To"], m["Subject"]): m.get_content() for m in outbox.messages}
    assert set(received) == {("proposer@example.org", "Results published: Manor grants"),
                             ("proposer@example.org", "News of projects: Manor grants"),
                             ("voter@example.org", "News of projects: Manor grants")}
    news = received["proposer@example.org", "News of projects: Manor grants"]
    assert "- Community garden: funded" in news and "- New benches: not funded this time" in news
    to_voter = received["voter@example.org", "News of projects: Manor grants"]
    assert "Community garden" not in to_voter and f"/results/rounds/{round_.id}" in to_voter


def test_a_round_published_long_ago_mails_nobody(app, db, outbox):
    ward, round_, _pot = published_round()
    resident(ward, [RESULTS])
    confirm_decision(round_, [], confirmed_at=NOW - timedelta(days=40))
    notify_due(app, db)
    assert outbox.messages == []


def test_batches_commit_as_they_go_show_progress_and_resume_where_a_stopped_run_was(app, db):
    ward, round_, _pot = voting_round()
    people = [resident(ward, [VOTING_OPENS]) for _ in range(5)]

    db.session.commit()
    with app.test_request_context():
        run = notifications.record_due(db.session, NOW, timedelta(days=7))[0]
        assert notifications.queue_batch(db.session, run, 2, lambda kind, r: None, timedelta(days=7)) == 2
    db.session.commit()  # a sender that queued (nothing, here) for two residents and then died
    result = notify_due(app, db, "--batch", "2")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"voting_opens round:{round_.id}: queued 2 (total 4)",
                                          f"voting_opens round:{round_.id}: queued 1 (total 5), done"]
    queued = db.session.query(OutboxMessage.to_address).all()
    assert sorted(a for (a,) in queued) == sorted(p.email for p in people[2:])


def test_two_runners_at_once_queue_each_notice_exactly_once(app, db):
    ward, round_, _pot = voting_round()
    people = [resident(ward, [VOTING_OPENS]) for _ in range(30)]
    db.session.commit()
    results, start = [], threading.Barrier(2)

    def runner():
        start.wait()
        results.append(contextvars.Context().run(app.test_cli_runner().invoke, args=["notify", "due", "--batch", "4"]))

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.exit_code for r in results] == [0, 0], [r.output for r in results]
    addresses = [a for (a,) in db.session.query(OutboxMessage.to_address).all()]
    assert sorted(addresses) == sorted(p.email for p in people), "everyone once, nobody twice"
    assert db.session.query(NotificationRun).one().queued == 30


def test_a_reminder_run_left_unfinished_until_voting_closed_sends_nothing_more(app, db):
    ward, round_, _pot = voting_round(close_in=timedelta(days=1))
    for _ in range(3):
        resident(ward, [REMINDER])
    db.session.commit()
    with app.test_request_context():
        run = next(r for r in notifications.record_due(db.session, NOW, timedelta(days=7)) if r.kind == REMINDER)
        notifications.queue_batch(db.session, run, 1, lambda kind, r: None, timedelta(days=7))
    round_.voting_close_at = NOW - timedelta(minutes=1)
    db.session.commit()

    result = notify_due(app, db)

    assert result.exit_code == 0 and db.session.query(OutboxMessage).count() == 0
    assert db.session.get(NotificationRun, run.id).finished_at is not None


@pytest.mark.parametrize("projects", [2, 20])
def test_project_news_loads_every_title_once_per_language_however_many_projects(app, db, outbox, projects):
    ward, round_, pot = published_round()
    welsh = resident(ward, [PROJECT_UPDATES], email="cy@example.org", locale="cy")
    english = resident(ward, [PROJECT_UPDATES], email="en@example.org")
    made = [make_proposal(pot=pot, author=welsh if n % 2 else english, title=f"Idea {n}", status="feasible",
                          on_ballot=True) for n in range(projects)]
    content_translations.save_content(db.session, "proposal", made[1].id, "cy",
                                      {"title": "Syniad 1", "summary": "Crynodeb."}, make_user(role="translator"))
    confirm_decision(round_, [(p, "confirm") for p in made])
    sent = []

    def listen(_connection, _cursor, statement, _parameters, _context, _executemany):
        sent.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        result = notify_due(app, db)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)

    assert result.exit_code == 0, result.output
    assert len([s for s in sent if "proposal_translation" in s]) == 2  # Welsh and English, each once
    received = {m["To"]: m.get_content() for m in outbox.messages}
    assert "- Syniad 1: wedi’i ariannu" in received["cy@example.org"]
    assert "- Idea 1:" not in received["cy@example.org"]
    assert ("- Idea 19: wedi’i ariannu" in received["cy@example.org"]) == (projects == 20)  # untranslated: as written
    assert "- Idea 0: funded" in received["en@example.org"]
