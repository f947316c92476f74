"""The unit of work: the caller commits; taking the write lock never drops writes it has not committed."""

import pytest
from sqlalchemy import func, select, text

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
from tests.support.databases import using_postgres


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


@pytest.mark.skipif(not using_postgres(), reason="a database server's connections; checked in the PostgreSQL pass")
def test_a_pooled_connection_cut_while_idle_is_replaced_before_a_request_uses_it(app, db, client, monkeypatch):
    """What a database restart, a failover or a firewall's idle timeout does to the pool: no request fails."""
    import psycopg

    import app.database as database
    from app.extensions import db as _db

    assert client.get("/results/").status_code == 200  # a pooled connection, now idle
    with app.app_context():
        pooled = _db.session.scalar(text("SELECT pg_backend_pid()"))
        _db.session.remove()
    url = _db.engine.url.set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pooled,)).fetchone()[0]
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0)  # as if it had sat idle for the threshold

    assert client.get("/results/").status_code == 200
    with app.app_context():
        assert _db.session.scalar(text("SELECT pg_backend_pid()")) != pooled
