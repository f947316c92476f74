"""`flask rounds advance`: cron moves rounds whose dates have passed, audits each move and prints one line each."""

import contextvars
from datetime import UTC, datetime, timedelta

from app.models import AuditEntry, Round
from tests.factories import make_pot, make_proposal, make_round

NOW = datetime.now(UTC)


def advance(app, db):
    """Run the command as cron does: in its own app context and session, after the test's rows are committed."""
    db.session.commit()
    result = contextvars.Context().run(app.test_cli_runner().invoke, args=["rounds", "advance"])
    db.session.expire_all()
    return result


def test_a_round_whose_proposals_closed_moves_to_review_and_is_audited_as_the_system(app, db):
    round_ = make_round(phase="proposals", title="Chells grants", proposals_close_at=NOW - timedelta(minutes=1))

    result = advance(app, db)

    assert result.exit_code == 0, result.output
    assert result.output == f"round {round_.id} (Chells grants): proposals -> review\n"
    assert db.session.get(Round, round_.id).phase == "review"
    entry = db.session.query(AuditEntry).filter_by(action="round.phase").one()
    assert entry.actor_label == "system" and entry.target == f"round:{round_.id}"
    assert entry.details == {"previous": "proposals", "phase": "review"}


def test_voting_closes_by_date_and_a_second_run_moves_nothing(app, db):
    round_ = make_round(phase="voting", title="Manor grants", voting_open_at=NOW - timedelta(days=2),
                        voting_close_at=NOW - timedelta(seconds=1))
    round_.ballot_confirmed_at = NOW - timedelta(days=2)
    make_proposal(pot=make_pot(round_=round_), status="feasible", on_ballot=True)

    first = advance(app, db)
    second = advance(app, db)

    assert first.exit_code == 0 and first.output == f"round {round_.id} (Manor grants): voting -> counting\n"
    assert db.session.get(Round, round_.id).phase == "counting"
    assert second.exit_code == 0 and second.output == ""


def test_rounds_not_yet_due_drafts_and_unconfirmed_ballots_stay_where_they_are(app, db):
    open_still = make_round(phase="proposals")  # proposals close in ten days
    draft = make_round(phase="draft", proposals_open_at=NOW - timedelta(days=1))
    # Voting's date has come, but no officer confirmed the ballot list: the round waits for one.
    waiting = make_round(phase="review", proposals_close_at=NOW - timedelta(days=2),
                         voting_open_at=NOW - timedelta(minutes=1))

    result = advance(app, db)

    assert result.exit_code == 0 and result.output == ""
    assert [db.session.get(Round, r.id).phase for r in (open_still, draft, waiting)] == ["proposals", "draft",
                                                                                        "review"]
    assert db.session.query(AuditEntry).count() == 0


def test_a_round_several_phases_behind_prints_one_line_per_move(app, db):
    # A ballot list confirmed ahead (as the demo data has it) lets the date open voting too.
    round_ = make_round(phase="proposals", title="Youth fund", proposals_close_at=NOW - timedelta(days=3),
                        voting_open_at=NOW - timedelta(days=2))
    round_.ballot_confirmed_at = NOW - timedelta(days=4)
    make_proposal(pot=make_pot(round_=round_), status="feasible")
    later = make_round(phase="proposals", title="Older people's fund", proposals_close_at=NOW - timedelta(hours=1))

    result = advance(app, db)

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"round {round_.id} (Youth fund): proposals -> review",
                                          f"round {round_.id} (Youth fund): review -> voting",
                                          f"round {later.id} (Older people's fund): proposals -> review"]
    assert [db.session.get(Round, r.id).phase for r in (round_, later)] == ["voting", "review"]
    assert db.session.query(AuditEntry).filter_by(action="round.phase").count() == 3
