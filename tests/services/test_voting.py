"""Casting ballots: one per resident and pot, replaceable until the close, secret, paper and online apart."""

import contextvars
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import false, func, inspect, select, update
from sqlalchemy.exc import IntegrityError

from app.domain.ballots import DuplicateRank, OverBudget, TooManyChoices, TooManyPoints
from app.models import AuditEntry, Ballot, Participation, RoundKey, User
from app.services import count, round_keys, voting
from app.services.rounds import move_phase
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support.ballots import ballot_choices


def keys(db):
    return db.session.scalar(select(func.count()).select_from(RoundKey))


def committed(db, cast):
    """Commit a cast as the view does; return its receipt code."""
    voting.refuse_after_close(db.session, cast)
    db.session.commit()
    return cast.code


@pytest.fixture
def setup(app, db):
    area = make_area()
    ward = make_ward(area=area)
    round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                        voting_close_at=datetime.now(UTC) + timedelta(days=1))
    pot = make_pot(round_=round_, amount_pence=10_000_00, ballot_type="knapsack", max_choices=None)
    a = make_proposal(pot=pot, cost_pence=6_000_00, status="feasible", on_ballot=True)
    b = make_proposal(pot=pot, cost_pence=5_000_00, status="feasible", on_ballot=True)
    resident = make_user(ward=ward)
    officer = make_user(role="officer", ward=ward)
    db.session.commit()
    with app.test_request_context():
        yield {"pot": pot, "round": round_, "a": a, "b": b, "resident": resident, "officer": officer, "ward": ward}


def test_cast_then_change_keeps_exactly_one_ballot(db, setup):
    s = setup
    first = committed(db, voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id]))
    second = committed(db, voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["b"].id]))
    assert db.session.query(Participation).count() == 1
    assert ballot_choices(db.session) == [[s["b"].id]]
    assert voting.receipt_is_counted(db.session, second) and not voting.receipt_is_counted(db.session, first)


def test_over_budget_ballot_is_refused_and_stores_nothing(db, setup):
    s = setup
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id, s["b"].id])
    assert refused.value.problems == [OverBudget(11_000_00, 10_000_00)]
    db.session.rollback()
    assert db.session.query(Ballot).count() == 0 and db.session.query(Participation).count() == 0


def test_the_database_refuses_a_second_participation(db, setup):
    s = setup
    db.session.add(Participation(user_id=s["resident"].id, pot_id=s["pot"].id))
    db.session.commit()
    db.session.add(Participation(user_id=s["resident"].id, pot_id=s["pot"].id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_paper_ballot_blocks_online_and_online_blocks_paper(db, setup):
    s = setup
    committed(db, voting.cast_paper(db.session, s["officer"], s["resident"].id, s["pot"].id, [s["a"].id]))
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["b"].id])
    assert refused.value.codes == ["voted_on_paper"]
    db.session.rollback()
    other = make_user(ward=s["ward"])
    db.session.commit()
    committed(db, voting.cast_online(db.session, other.id, s["pot"].id, [s["b"].id]))
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_paper(db.session, s["officer"], other.id, s["pot"].id, [s["a"].id])
    assert refused.value.codes == ["already_voted"]


def test_a_cast_that_would_commit_after_the_close_is_refused(db, setup):
    s = setup
    cast = voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id])
    later = s["round"].voting_close_at + timedelta(seconds=1)
    with pytest.raises(voting.VoteRefused) as refused:
        voting.refuse_after_close(db.session, cast, now=later)
        db.session.commit()
    assert refused.value.codes == ["voting_closed"]
    assert db.session.query(Ballot).count() == 0 and db.session.query(Participation).count() == 0


def test_a_ballot_is_sealed_while_voting_is_open_and_opened_without_its_link_at_the_close(app, db, setup):
    s = setup
    code = committed(db, voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id]))
    sealed = db.session.query(Ballot).one()
    assert sealed.choices is None and sealed.sealed and sealed.replace_key is not None
    assert sealed.receipt_hash != voting.receipt_hash(code)  # keyed: it matches nothing after the close
    sealed_id = sealed.id
    voting.close_voting(db.session, s["round"])
    db.session.commit()
    opened = db.session.query(Ballot).one()
    assert (opened.choices, opened.receipt_hash, opened.replace_key, opened.sealed) == (
        [s["a"].id], voting.receipt_hash(code), None, None)
    assert opened.id != sealed_id and keys(db) == 0
    assert voting.receipt_is_counted(db.session, code)


def test_a_sealed_ballot_is_as_long_as_the_longest_ballot_of_its_pot(db, setup):
    s = setup
    s["pot"].amount_pence = 20_000_00
    few, many = make_user(ward=s["ward"]), make_user(ward=s["ward"])
    db.session.commit()
    committed(db, voting.cast_online(db.session, few.id, s["pot"].id, [s["a"].id]))
    committed(db, voting.cast_online(db.session, many.id, s["pot"].id, [s["a"].id, s["b"].id]))
    committed(db, voting.cast_paper(db.session, s["officer"], s["resident"].id, s["pot"].id, [s["b"].id]))
    assert len({len(sealed) for sealed in db.session.scalars(select(Ballot.sealed))}) == 1


def test_a_sealed_ballot_moved_to_another_residents_row_does_not_open_and_stops_the_close(db, setup):
    s = setup
    other = make_user(ward=s["ward"])
    db.session.commit()
    committed(db, voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id]))
    committed(db, voting.cast_online(db.session, other.id, s["pot"].id, [s["b"].id]))
    first, second = db.session.execute(select(Ballot.id, Ballot.sealed)).all()
    db.session.execute(update(Ballot).where(Ballot.id == first.id).values(sealed=second.sealed))
    db.session.commit()
    with pytest.raises(voting.BallotsUnreadable):
        move_phase(db.session, s["officer"], s["round"], "counting", reason="Closed early in a test")
    db.session.rollback()
    assert keys(db) == 1 and db.session.query(Ballot).filter(Ballot.sealed.is_not(None)).count() == 2


def test_sealed_ballots_are_never_counted(db, setup):
    s = setup
    committed(db, voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id]))
    s["round"].phase = "counting"  # as if the close had been skipped, say by a direct UPDATE
    db.session.commit()
    with pytest.raises(count.CountRefused) as refused:
        count.begin_count(db.session, s["round"])
    assert refused.value.code == "sealed"
    db.session.rollback()
    with pytest.raises(count.CountRefused):
        count.pot_ballots(db.session, s["pot"])


def test_ineligible_resident_is_refused(db, setup):
    s = setup
    outsider = make_user()  # lives in another area's ward
    db.session.commit()
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, outsider.id, s["pot"].id, [s["a"].id])
    assert refused.value.codes == ["wrong_ward"]


def test_ballots_have_no_resident_and_no_timestamp_column(db):
    columns = {c["name"] for c in inspect(db.engine).get_columns("ballot")}
    assert not columns & {"user_id", "resident_id", "voter_id", "created_at", "cast_at", "updated_at"}
    assert columns == {"id", "pot_id", "channel", "choices", "replace_key", "receipt_hash", "sealed"}
    if db.engine.dialect.name == "sqlite":  # no hidden rowid keeping the order ballots were cast in
        with db.engine.connect() as connection:
            assert "WITHOUT ROWID" in connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'ballot'").scalar()


def test_too_many_choices_on_an_approval_pot(db, setup):
    s = setup
    s["pot"].ballot_type, s["pot"].max_choices = "approval", 1
    db.session.commit()
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id, s["b"].id])
    assert refused.value.problems == [TooManyChoices(2, 1)]


def test_a_lost_race_caught_by_the_database_is_refused_cleanly_and_keeps_the_first_ballot(db, setup, monkeypatch):
    """If the register check ever misses a row another request just wrote, the unique constraint refuses."""
    s = setup
    first = committed(db, voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id]))
    # The register check reads nothing, as it would if it ran just before another request's commit.
    monkeypatch.setattr(voting, "_CHANNEL", voting._CHANNEL.where(false()))
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["b"].id])
    assert refused.value.codes == ["try_again"]
    db.session.rollback()
    assert db.session.query(Participation).count() == 1
    assert ballot_choices(db.session) == [[s["a"].id]]
    assert voting.receipt_is_counted(db.session, first)


def test_paper_ballots_look_like_online_ballots_and_the_audit_holds_no_choices(db, setup):
    s = setup
    committed(db, voting.cast_paper(db.session, s["officer"], s["resident"].id, s["pot"].id, [s["a"].id]))
    other = make_user(ward=s["ward"])
    db.session.commit()
    committed(db, voting.cast_online(db.session, other.id, s["pot"].id, [s["b"].id]))
    ballots = db.session.query(Ballot).all()
    assert {b.channel for b in ballots} == {"any"} and all(b.replace_key for b in ballots)
    assert {user_id: channel for user_id, channel in db.session.execute(select(Participation.user_id, Participation.channel))} == {
        s["resident"].id: "paper", other.id: "online"}
    event = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "ballot.paper_entered")).one()
    assert event.actor_id == s["officer"].id and event.target == f"pot:{s['pot'].id}"
    assert str(s["a"].id) not in repr(event.details)


def test_a_paper_voter_need_not_have_confirmed_an_email(db, setup):
    s = setup
    offline = make_user(ward=s["ward"], verified=False)
    db.session.commit()
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, offline.id, s["pot"].id, [s["a"].id])
    assert refused.value.codes == ["email_not_verified"]
    db.session.rollback()
    committed(db, voting.cast_paper(db.session, s["officer"], offline.id, s["pot"].id, [s["a"].id]))
    assert db.session.query(Ballot).count() == 1


def test_minimum_age_is_checked_on_the_voting_day(db, setup):
    s = setup
    s["round"].min_age = 16
    today = datetime.now(UTC).date()
    sixteen_tomorrow = make_user(ward=s["ward"], date_of_birth=date(today.year - 16, 1, 1) + timedelta(days=400))
    db.session.commit()
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, sixteen_tomorrow.id, s["pot"].id, [s["a"].id])
    assert refused.value.codes == ["too_young"]
    db.session.rollback()
    later = datetime.now(UTC) + timedelta(days=400)
    assert voting.eligibility_problems(sixteen_tomorrow, s["round"], s["pot"], now=later) == []


def test_voting_not_yet_open_or_already_closed_is_refused(db, setup):
    s = setup
    for now, why in ((s["round"].voting_open_at - timedelta(seconds=1), "voting_not_open"),
                     (s["round"].voting_close_at, "voting_closed")):
        with pytest.raises(voting.VoteRefused) as refused:
            voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id], now=now)
        assert refused.value.codes == [why]
        db.session.rollback()
    assert db.session.query(Ballot).count() == 0


def test_cumulative_and_ranked_ballots_are_checked_and_stored(db, setup):
    s = setup
    s["pot"].ballot_type, s["pot"].total_points, s["pot"].max_points_per_project = "cumulative", 10, 7
    db.session.commit()
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, s["resident"].id, s["pot"].id, {s["a"].id: 6, s["b"].id: 5})
    assert refused.value.problems == [TooManyPoints(11, 10)]
    db.session.rollback()
    committed(db, voting.cast_online(db.session, s["resident"].id, s["pot"].id, {s["a"].id: 7, s["b"].id: 3}))
    assert ballot_choices(db.session) == [{str(s["a"].id): 7, str(s["b"].id): 3}]
    s["pot"].ballot_type, s["pot"].max_choices = "ranked", 2
    db.session.commit()
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["b"].id, s["b"].id])
    assert refused.value.problems == [DuplicateRank(s["b"].id)]
    db.session.rollback()
    committed(db, voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["b"].id, s["a"].id]))
    assert ballot_choices(db.session) == [[s["b"].id, s["a"].id]]


def test_moving_to_counting_cuts_links_deletes_the_key_and_keeps_every_receipt(app, db, setup):
    s = setup
    voters = [s["resident"], *(make_user(ward=s["ward"]) for _ in range(4))]
    db.session.commit()
    receipts = []
    for voter in voters:
        receipts.append(committed(db, voting.cast_online(db.session, voter.id, s["pot"].id, [s["b"].id])))
    paper_voter = make_user(ward=s["ward"])
    db.session.commit()
    committed(db, voting.cast_paper(db.session, s["officer"], paper_voter.id, s["pot"].id, [s["a"].id]))
    assert keys(db) == 1
    assert all(voting.receipt_is_counted(db.session, code) for code in receipts)  # checked while sealed
    move_phase(db.session, s["officer"], s["round"], "counting", reason="Closed early in a test")
    db.session.commit()
    assert keys(db) == 0
    ballots = db.session.query(Ballot).all()
    assert len(ballots) == 6 and all(b.replace_key is None and b.sealed is None for b in ballots)
    assert sorted(map(tuple, (b.choices for b in ballots))) == [(s["a"].id,)] + [(s["b"].id,)] * 5
    assert all(voting.receipt_is_counted(db.session, code) for code in receipts)
    assert not voting.receipt_is_counted(db.session, voting.new_receipt_code())
    assert db.session.query(Participation).count() == 6


def test_the_round_key_is_made_once_kept_only_wrapped_and_differs_between_rounds(app, db, setup):
    s = setup
    other = make_round(area=s["round"].area, phase="voting")
    db.session.flush()
    first = round_keys.round_key(db.session, s["round"].id)
    assert round_keys.round_key(db.session, s["round"].id) == first and len(first) == 32
    assert round_keys.round_key(db.session, other.id) != first
    wrapped = db.session.scalar(select(RoundKey.wrapped).where(RoundKey.round_id == s["round"].id))
    assert first not in wrapped
    round_keys.destroy(db.session, s["round"].id)
    assert round_keys.existing_key(db.session, s["round"].id) is None
    assert round_keys.round_key(db.session, s["round"].id) != first  # a destroyed key is never recovered


def test_without_the_ballot_secret_nothing_is_sealed_and_with_another_nothing_opens(app, db, setup, monkeypatch):
    s = setup
    committed(db, voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id]))
    monkeypatch.setitem(app.config, "BALLOT_SECRET", "another secret")
    with pytest.raises(round_keys.RoundKeyUnavailable):
        voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["b"].id])
    db.session.rollback()
    monkeypatch.setitem(app.config, "BALLOT_SECRET", None)
    monkeypatch.setattr(app, "testing", False)
    with pytest.raises(round_keys.RoundKeyUnavailable, match="NB_BALLOT_SECRET is not set"):
        voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["b"].id])
    db.session.rollback()
    monkeypatch.undo()
    assert ballot_choices(db.session) == [[s["a"].id]]


def test_a_close_that_rolls_back_keeps_the_key_so_votes_can_still_be_changed(app, db, setup):
    s = setup
    committed(db, voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id]))
    move_phase(db.session, s["officer"], s["round"], "counting", reason="Closed early in a test")
    db.session.rollback()
    committed(db, voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["b"].id]))
    assert ballot_choices(db.session) == [[s["b"].id]]


def test_a_registered_resident_whose_ballot_cannot_be_found_is_refused_rather_than_given_a_second(app, db, setup):
    s = setup
    committed(db, voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id]))
    round_keys.destroy(db.session, s["round"].id)  # the key lost while voting is open: the old ballot cannot be found
    db.session.commit()
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["b"].id])
    assert refused.value.codes == ["try_again"]
    db.session.rollback()
    assert db.session.query(Ballot).count() == 1


def test_a_cast_refused_after_the_close_does_not_bring_the_key_back(app, db, setup):
    s = setup
    committed(db, voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id]))
    move_phase(db.session, s["officer"], s["round"], "counting", reason="Closed early in a test")
    db.session.commit()
    assert keys(db) == 0
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["b"].id])
    assert refused.value.codes == ["voting_closed"]
    db.session.rollback()
    assert keys(db) == 0


def test_the_close_by_date_from_cron_opens_the_ballots_and_destroys_the_key(app, db, setup):
    """`flask rounds advance` closes through the same move as the officer's button: ballots opened once."""
    s = setup
    cast_at = datetime.now(UTC) - timedelta(minutes=2)
    code = committed(db, voting.cast_online(db.session, s["resident"].id, s["pot"].id, [s["a"].id], now=cast_at))
    s["round"].voting_close_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    result = contextvars.Context().run(app.test_cli_runner().invoke, args=["rounds", "advance"])
    assert result.exit_code == 0 and "voting -> counting" in result.output, result.output
    db.session.expire_all()
    assert keys(db) == 0
    assert [(b.choices, b.sealed, b.replace_key) for b in db.session.query(Ballot)] == [([s["a"].id], None, None)]
    assert voting.receipt_is_counted(db.session, code)
    count.count_round(db.session, s["round"])
    assert count.latest_results(db.session, s["round"])[s["pot"].id].ballot_count == 1


def test_a_resident_signed_out_since_the_sign_in_read_cannot_cast(app, db, setup):
    """The cast trusts only the resident read under its lock: a sign-out or password change elsewhere (a new
    session token) between the sign-in's read and the lock refuses it, and nothing is stored."""
    s = setup
    committed(db, voting.cast_online(db.session, s["officer"].id, s["pot"].id, [s["a"].id]))
    voting.current_ballot_terms(db.session, s["pot"])  # this process now keeps the pot's terms, as after a cast
    db.session.commit()
    resident_id, token = s["resident"].id, s["resident"].session_token
    if db.engine.dialect.name == "sqlite":  # PostgreSQL's sign-in read is the locked read (begin_cast)
        assert voting.frozen_cast_terms(db.session, s["pot"].id, resident_id, token) is not None
        db.session.rollback()
    with db.engine.begin() as elsewhere:  # signed out on another computer
        elsewhere.execute(update(User).where(User.id == resident_id).values(session_token="f" * 64))
    assert voting.frozen_cast_terms(db.session, s["pot"].id, resident_id, token) is None
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, resident_id, s["pot"].id, [s["b"].id], session_token=token)
    assert refused.value.codes == ["try_again"]
    db.session.rollback()
    assert db.session.query(Participation).filter_by(user_id=resident_id).count() == 0
    assert db.session.query(Ballot).count() == 1
