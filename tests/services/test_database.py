"""The unit of work: the caller commits; taking the write lock never drops writes it has not committed."""

import pytest
from sqlalchemy import func, select

from app.database import (
    PendingWork,
    begin_write_transaction,
    has_pending_work,
    keep_audited_refusal,
    write_transaction,
)
from app.models import AuditEntry, Ward
from app.services.audit import record
from tests.factories import make_area, make_user, make_ward


def test_begin_write_transaction_refuses_unflushed_work(db):
    area = make_area()
    db.session.commit()
    db.session.add(Ward(council_id=area.council_id, area_id=area.id, code="E05000001", name="Bedwell"))
    with pytest.raises(PendingWork):
        begin_write_transaction(db.session)
    db.session.commit()  # nothing was lost: the caller decides
    assert db.session.scalar(select(func.count(Ward.id)).where(Ward.code == "E05000001")) == 1


def test_begin_write_transaction_refuses_flushed_work(db):
    make_ward(area=make_area(), name="Shephall")  # flushed, not committed
    assert has_pending_work(db.session)
    with pytest.raises(PendingWork):
        begin_write_transaction(db.session)
    db.session.rollback()
    assert not has_pending_work(db.session)


def test_begin_write_transaction_ends_a_transaction_that_only_read(db):
    make_ward(area=make_area(), name="Pin Green")
    db.session.commit()
    db.session.scalars(select(Ward)).all()
    assert not has_pending_work(db.session)
    begin_write_transaction(db.session)
    make_ward(area=make_area(), name="St Nicholas")
    db.session.commit()
    assert db.session.scalar(select(func.count(Ward.id))) == 2


def test_write_transaction_commits_a_block_and_rolls_back_on_error(db):
    with write_transaction(db.session):
        make_ward(area=make_area(), name="Symonds Green")
    with pytest.raises(ValueError), write_transaction(db.session):
        make_ward(area=make_area(), name="Longmeadow")
        raise ValueError("refused")
    assert [w.name for w in db.session.scalars(select(Ward))] == ["Symonds Green"]


def test_an_audited_refusal_is_kept_by_its_named_step(app, db):
    officer = make_user(role="officer")
    db.session.commit()
    with app.test_request_context():
        record(db.session, officer, "round.change_refused", "round:1", fields=["amount_pence"])
        keep_audited_refusal(db.session)
    db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "round.change_refused")) == 1
