"""A confirmed decision record is locked by the database itself and sealed in the audit chain: a direct SQL
change is refused on SQLite and PostgreSQL, and a change made with the triggers out of the way fails
`flask audit verify`."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from app.models import DecisionItem
from app.models.decisions import LOCKED_CHILD_TABLES
from app.services import decisions
from app.services.audit import published_heads, verify
from tests.support.results_scenarios import Scenario
from tests.support.triggers import triggers_dropped as dropped


@pytest.fixture
def s(db):
    scenario = Scenario(phase="published")
    db.session.commit()
    return scenario


def _sql(db, statement, **params):
    db.session.execute(text(statement), params)
    db.session.commit()


def _refused(db, statement, **params):
    with pytest.raises(DatabaseError) as refused:
        _sql(db, statement, **params)
    db.session.rollback()
    assert "confirmed and locked" in str(refused.value)


def triggers_dropped(db):
    return dropped(db, "decision_record", *LOCKED_CHILD_TABLES)


def _item(db, s):
    record_ = decisions.published_record(db.session, s.round)
    return record_, next(i for i in record_.items if i.proposal_id == s.garden.id)


def test_a_confirmed_record_verifies_and_its_lock_published_a_head(db, s):
    record_, _item_ = _item(db, s)
    assert verify(db.session) is None
    assert published_heads(db.session)[0].entry_id > 0  # the lock made the round public: its head is archived


def test_a_direct_update_or_delete_of_a_locked_decision_item_is_refused(db, s):
    record_, item = _item(db, s)
    _refused(db, "UPDATE decision_item SET amount_pence = 1 WHERE id = :id", id=item.id)
    _refused(db, "DELETE FROM decision_item WHERE id = :id", id=item.id)
    _refused(db, "INSERT INTO decision_item (record_id, proposal_id, outcome, amount_pence, reason) "
                 "VALUES (:r, :p, 'fund', 1, 'added later')", r=record_.id, p=s.lights.id + 1000)
    db.session.expire_all()
    assert db.session.get(DecisionItem, item.id).amount_pence == 6_000_00
    assert verify(db.session) is None


def test_a_direct_change_to_a_locked_record_or_its_meeting_is_refused(db, s):
    record_, _item_ = _item(db, s)
    _refused(db, "UPDATE decision_record SET notes = 'rewritten' WHERE id = :id", id=record_.id)
    _refused(db, "UPDATE decision_record SET status = 'draft' WHERE id = :id", id=record_.id)
    _refused(db, "DELETE FROM decision_record WHERE id = :id", id=record_.id)
    _refused(db, "DELETE FROM decision_attendance WHERE record_id = :id", id=record_.id)
    _refused(db, "UPDATE decision_confirmation SET user_id = :u WHERE record_id = :id", u=s.members[2].id,
             id=record_.id)


def test_a_draft_is_still_edited_freely(db):
    s = Scenario(phase="decision")
    record_ = s.draft()
    db.session.commit()
    _sql(db, "UPDATE decision_item SET reason = 'typo fixed' WHERE record_id = :id", id=record_.id)


def test_a_locked_item_changed_with_the_triggers_dropped_fails_verify(app, db, s):
    record_, item = _item(db, s)
    with triggers_dropped(db):
        _sql(db, "UPDATE decision_item SET amount_pence = 1 WHERE id = :id", id=item.id)
        broken = verify(db.session)
        assert (broken.problem, broken.detail) == ("record_changed", f"decision:{record_.id}")
        result = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 1 and f"decision:{record_.id}" in result.output
        _sql(db, "UPDATE decision_item SET amount_pence = 600000 WHERE id = :id", id=item.id)
        assert verify(db.session) is None  # put back exactly: the seal matches again


def test_a_locked_item_deleted_or_a_record_inserted_as_confirmed_fails_verify(db, s):
    record_, item = _item(db, s)
    with triggers_dropped(db):
        _sql(db, "DELETE FROM decision_item WHERE id = :id", id=item.id)
        assert verify(db.session).problem == "record_changed"
    db.session.rollback()


def test_a_record_inserted_as_confirmed_without_the_application_fails_verify(db, s):
    record_, _item_ = _item(db, s)
    _sql(db, "INSERT INTO decision_record (round_id, meeting_date, status, quorum, notes, created_by_id, created_at) "
             "VALUES (:r, '2026-12-01', 'confirmed', 2, 'forged', :u, :t)", r=s.round.id, u=s.members[0].id,
         t=record_.created_at)
    broken = verify(db.session)
    assert broken.problem == "record_unaudited"


def test_a_correction_is_a_new_sealed_record(db, s):
    corrected = s.draft(lights=("reject", 0, "Highways will fund the lights next year."))
    decisions.confirm(db.session, s.members[0], corrected)
    decisions.confirm(db.session, s.members[2], corrected)
    db.session.commit()
    assert corrected.status == "confirmed" and corrected.supersedes_id is not None
    assert verify(db.session) is None
