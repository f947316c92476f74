"""A cast checks the ballot against the pot's terms as they stand, on every app host, though each host keeps
the terms it read once voting opened (app.services.voting.current_ballot_terms): terms change only before
voting opens, a cached copy belongs to one round's voting (its key), and the close ends it."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from app.models import Ballot, Participation
from app.services import voting as voting_service
from app.services.rounds import move_phase, save_pot
from tests.conftest import CSRFClient
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support.databases import empty_database


@pytest.fixture
def other_host(app):
    """A second app on the same database, as a second app host would be (its own instance folder)."""
    from app import create_app

    host = create_app({**{name: app.config[name] for name in (
        "TESTING", "SECRET_KEY", "AUDIT_SECRET", "SQLALCHEMY_DATABASE_URI", "SERVER_NAME", "PUBLIC_URL",
        "SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE", "RATELIMIT_STORAGE_URI", "BALLOT_SECRET")}})
    host.test_client_class = CSRFClient
    yield host
    with host.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


def _world(phase, cap=10_000_00):
    area = make_area(name="Chells")
    ward = make_ward(area=area, name="Chells Manor")
    round_ = make_round(area=area, phase=phase, voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                        voting_close_at=datetime.now(UTC) + timedelta(days=3))
    pot = make_pot(round_=round_, amount_pence=cap, ballot_type="knapsack", max_choices=None)
    garden = make_proposal(pot=pot, title="Community garden", cost_pence=6_000_00, status="feasible",
                           on_ballot=phase == "voting")
    bench = make_proposal(pot=pot, title="Memorial bench", cost_pence=3_000_00, status="feasible",
                          on_ballot=phase == "voting")
    resident = make_user(ward=ward, name="Ada Voter")
    officer = make_user(role="officer", ward=ward)
    return {"round": round_, "pot": pot, "garden": garden, "bench": bench, "resident": resident,
            "officer": officer, "ward": ward, "url": f"/voting/pots/{pot.id}"}


def _cast(client, world, proposal):
    """The page the voter sees after casting (a stored ballot redirects to its confirmation)."""
    return client.post(world["url"], data={"action": "cast", "project": str(proposal.id)}, follow_redirects=True)


def _stored(db):
    return (db.session.scalar(select(func.count()).select_from(Participation)),
            db.session.scalar(select(func.count()).select_from(Ballot)))


def test_a_smaller_pot_set_on_another_host_before_voting_opened_refuses_a_ballot_over_it(
        app, db, client, login_as, other_host):
    world = _world("review")
    db.session.commit()
    with app.test_request_context():  # this host reads the terms while they may still change: not kept
        assert voting_service.current_ballot_terms(db.session, world["pot"]).cap == 10_000_00
    db.session.rollback()
    with other_host.app_context():
        from app.extensions import db as other_db
        from app.models import Pot, Round, User

        officer = other_db.session.get(User, world["officer"].id)
        round_ = other_db.session.get(Round, world["round"].id)
        pot = other_db.session.get(Pot, world["pot"].id)
        save_pot(other_db.session, officer, round_, pot, ward_ids=[world["ward"].id], amount_pence=5_000_00)
        move_phase(other_db.session, officer, round_, "voting")
        other_db.session.commit()
        other_db.session.remove()
    login_as(world["resident"])
    refused = _cast(client, world, world["garden"])
    assert refused.status_code == 400 and "£5,000" in refused.get_data(as_text=True)
    assert _stored(db) == (0, 0)
    assert "Your receipt code is" in _cast(client, world, world["bench"]).get_data(as_text=True)


def test_terms_kept_for_one_round_never_serve_a_round_that_reuses_its_ids(db, client, login_as):
    world = _world("voting", cap=10_000_00)
    db.session.commit()
    login_as(world["resident"])
    assert "Your receipt code is" in _cast(client, world, world["garden"]).get_data(as_text=True)
    assert "Your receipt code is" in _cast(client, world, world["garden"]).get_data(as_text=True)  # kept terms
    kept_pot = world["pot"].id
    db.session.remove()
    empty_database(db)  # ids start again: the next round's pot has the same id as the one just kept
    again = _world("voting", cap=5_000_00)
    db.session.commit()
    assert again["pot"].id == kept_pot
    login_as(again["resident"])
    refused = _cast(client, again, again["garden"])
    assert refused.status_code == 400 and "£5,000" in refused.get_data(as_text=True)
    assert _stored(db) == (0, 0)


def test_after_another_host_closes_voting_a_cast_with_kept_terms_is_refused(
        db, client, login_as, other_host):
    world = _world("voting")
    db.session.commit()
    round_id, officer_id = world["round"].id, world["officer"].id
    login_as(world["resident"])
    assert "Your receipt code is" in _cast(client, world, world["bench"]).get_data(as_text=True)
    db.session.rollback()  # no reader left open: the close empties SQLite's journal
    with other_host.app_context():
        from app.extensions import db as other_db
        from app.models import Round, User

        round_ = other_db.session.get(Round, round_id)
        move_phase(other_db.session, other_db.session.get(User, officer_id), round_, "counting",
                   reason="The hall flooded.")
        other_db.session.commit()
        other_db.session.remove()
    page = _cast(client, world, world["garden"])
    assert page.status_code == 400 and "Voting in this round has closed." in page.get_data(as_text=True)
    assert _stored(db) == (1, 1)


def test_a_cast_is_one_transaction_of_a_few_statements(app, db, client, login_as):
    """The lean path (docs: benchmarks/README.md): no ping, the frozen terms and the round's key read once per
    process, and the write lock held only for the cast's own statements."""
    world = _world("voting")
    db.session.commit()
    login_as(world["resident"])
    _cast(client, world, world["bench"])  # the round's first cast makes its key
    _cast(client, world, world["bench"])  # and the next keeps the terms
    other = make_user(ward=world["ward"], name="Bo Voter")
    db.session.commit()
    login_as(other)
    garden = world["garden"].id
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        answer = client.post(world["url"], data={"action": "cast", "project": str(garden)})
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert answer.status_code == 303
    assert "Your receipt code is" in client.get(answer.headers["Location"]).get_data(as_text=True)
    first_words = [statement.split()[0].upper() for statement in statements]
    assert first_words.count("ROLLBACK") == 0
    assert sum(statement.upper().count("INSERT INTO") for statement in statements) == 2  # register, sealed ballot
    if db.engine.dialect.name == "sqlite":
        # The sign-in's read, then the one write lock for as little as possible: BEGIN IMMEDIATE, the resident
        # again with the pot, its round and the round's key in one query, two INSERTs.
        lock = statements.index("BEGIN IMMEDIATE")
        assert first_words[:lock] == ["BEGIN", "SELECT"] and first_words[lock:] == ["BEGIN", "SELECT", "INSERT",
                                                                                    "INSERT"], statements
    else:
        # BEGIN, the resident under the lock, the pot with its round and the round's key, one statement with
        # both INSERTs; the confirmation is the next request (Post/Redirect/Get)
        assert first_words.count("BEGIN") <= 1 and len(statements) <= 5, first_words
