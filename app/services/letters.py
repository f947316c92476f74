"""Letters to post: notices for residents who chose letters (registered in person, no e-mail). `flask notify due`
renders them in the resident's language; officers print the waiting ones and mark them posted. Flush, never
commit."""

from sqlalchemy import func, select, update

from app.models import Letter
from app.models._common import utcnow
from app.services.audit import record


def waiting(session):
    """Letters not yet posted, oldest first."""
    return session.scalars(select(Letter).where(Letter.posted_at.is_(None)).order_by(Letter.id)).all()


def mark_posted(session, actor, up_to_id):
    """Mark the waiting letters up to up_to_id posted (the ones the officer printed; later ones stay waiting).
    Audited; returns how many."""
    result = session.execute(update(Letter).where(Letter.posted_at.is_(None), Letter.id <= up_to_id)
                             .values(posted_at=utcnow(), posted_by_id=actor.id))
    session.flush()
    if result.rowcount:
        record(session, actor, "letters.posted", "letters", count=result.rowcount, up_to=up_to_id)
    return result.rowcount


def posted_count(session):
    return session.scalar(select(func.count()).select_from(Letter).where(Letter.posted_at.is_not(None)))
