"""Residents' notification choices, unsubscribe links, and sending notices in batches. Flush, never commit.

The rules (what is due, who gets it) are in app/domain/notifications.py; this module loads the plain values
they need. The caller (`flask --app wsgi notify due`, app/notify/commands.py) holds the transactions: one
short write transaction per batch, so 50,000 reminders never hold a lock for long.
"""

from dataclasses import dataclass, field

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, select

from app.domain.decisions import AWARDING
from app.domain.notifications import (
    KINDS,
    PROJECT_UPDATES,
    REMINDER,
    VOTING_OPENS,
    Notice,
    Resident,
    RoundFacts,
    UpdateFacts,
    channel_for,
    due_notices,
    due_update_notices,
    gets,
)
from app.models import (
    DecisionItem,
    Delivery,
    DeliveryUpdate,
    NotificationRun,
    NotificationSubscription,
    Participation,
    Pot,
    Proposal,
    Round,
    User,
    round_wards,
)
from app.models._common import utcnow
from app.services.accounts import TokenInvalid
from app.services.decisions import published_record
from app.services.delivery import award_for
from app.services.voting import eligibility_problems

UNSUBSCRIBE = "unsubscribe"
VOTING_KINDS = (VOTING_OPENS, REMINDER)


def kinds_for(session, user):
    """The kinds of notice this resident opted in to."""
    return frozenset(session.scalars(select(NotificationSubscription.kind)
                                     .where(NotificationSubscription.user_id == user.id)))


def set_kinds(session, user, kinds):
    """Opt the resident in to exactly these kinds (anything not listed is switched off)."""
    wanted = set(kinds) & set(KINDS)
    have = kinds_for(session, user)
    if have - wanted:
        session.execute(delete(NotificationSubscription).where(NotificationSubscription.user_id == user.id,
                                                               NotificationSubscription.kind.in_(have - wanted)))
    for kind in sorted(wanted - have):
        session.add(NotificationSubscription(user_id=user.id, kind=kind))
    session.flush()


def unsubscribe(session, user, kind):
    """Switch one kind off (doing it twice is harmless: a mail client may POST the link more than once)."""
    set_kinds(session, user, kinds_for(session, user) - {kind})


def _serializer(secret_key):
    return URLSafeTimedSerializer(secret_key, salt=f"nb-{UNSUBSCRIBE}")


def make_unsubscribe_token(secret_key, user, kind):
    return _serializer(secret_key).dumps({"uid": user.id, "k": kind, "p": UNSUBSCRIBE})


def from_unsubscribe_token(session, secret_key, token, max_age):
    """Return (user, kind) the signed link names, or raise TokenInvalid (.expired says whether it ran out)."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenInvalid(expired=True) from None
    except BadSignature:
        raise TokenInvalid() from None
    if not isinstance(data, dict) or data.get("p") != UNSUBSCRIBE or data.get("k") not in KINDS:
        raise TokenInvalid()
    user = session.get(User, data.get("uid"))
    if user is None:
        raise TokenInvalid()
    return user, data["k"]


def record_due(session, now, lookback):
    """Start a run for every notice that is due and has none yet; return the new runs.

    Call it in a write transaction: on SQLite that serialises it; on PostgreSQL two senders can race, and
    the loser's insert fails on the unique (kind, subject) (the caller rolls back and carries on).
    """
    rounds = session.scalars(select(Round).where(Round.phase.in_(("voting", "published")))).all()
    due = []
    for round_ in rounds:
        due.extend(due_notices(_facts(session, round_), now, lookback))
    for update in session.scalars(select(DeliveryUpdate).where(DeliveryUpdate.created_at >= now - lookback)):
        due.extend(due_update_notices(_update_facts(session, update), now, lookback))
    if not due:
        return []
    known = set(session.execute(select(NotificationRun.kind, NotificationRun.subject)).all())
    runs = [NotificationRun(kind=notice.kind, subject=notice.subject) for notice in due
            if (notice.kind, notice.subject) not in known]
    session.add_all(runs)
    session.flush()
    return runs


def _facts(session, round_):
    record = published_record(session, round_) if round_.phase == "published" else None
    return RoundFacts(round_.id, round_.phase, round_.voting_close_at, record.confirmed_at if record else None)


def _update_facts(session, update):
    delivery = session.get(Delivery, update.delivery_id)
    return UpdateFacts(update.id, update.created_at, award_for(session, delivery.proposal_id) is not None)


def _subject(run):
    """(what, id) of a run's subject: ("round", 12) or ("update", 7)."""
    what, _, number = run.subject.partition(":")
    return what, int(number)


def unfinished_run_ids(session):
    return list(session.scalars(select(NotificationRun.id).where(NotificationRun.finished_at.is_(None))
                                .order_by(NotificationRun.id)))


def claim_run(session, run_id):
    """The unfinished run, locked for this transaction (PostgreSQL: None if another sender holds it)."""
    return session.scalar(select(NotificationRun)
                          .where(NotificationRun.id == run_id, NotificationRun.finished_at.is_(None))
                          .with_for_update(skip_locked=True))


@dataclass
class Recipient:
    """One notice to queue: who, how (e-mail, text, letter), about which round, (project updates) their own
    projects' outcomes, and (delivery updates) the update."""

    user: User
    round: Round
    projects: list = field(default_factory=list)  # [(Proposal, funded: bool | None)] they proposed
    channel: str = "email"
    update: DeliveryUpdate | None = None


def queue_batch(session, run, batch_size, queue, lookback, now=None, texts_available=False):
    """Queue the next batch of a run's notices with queue(kind, Recipient), move the run on, and flush.

    Walks the residents who opted in to the run's kind in id order after run.last_user_id; the domain rule
    decides who of them gets it, and how (texts_available: the council sends texts). Returns how many were
    queued; run.finished_at is set after the last batch, or at once when the notice is no longer due (a run
    left unfinished until voting closed sends no reminder).
    """
    now = now or utcnow()
    what, number = _subject(run)
    update = session.get(DeliveryUpdate, number) if what == "update" else None
    if update is not None:
        round_ = session.get(Delivery, update.delivery_id).proposal.round
        due = due_update_notices(_update_facts(session, update), now, lookback)
    else:
        round_ = session.get(Round, number) if what == "round" else None
        due = due_notices(_facts(session, round_), now, lookback) if round_ is not None else []
    if round_ is None or Notice(run.kind, run.subject) not in due:
        run.finished_at = now
        session.flush()
        return 0
    candidates = session.scalars(
        select(User).join(NotificationSubscription, NotificationSubscription.user_id == User.id)
        .where(NotificationSubscription.kind == run.kind, User.id > run.last_user_id)
        .order_by(User.id).limit(batch_size)
    ).all()
    queued = 0
    if candidates:
        facts = _RoundMembers(session, round_, [user.id for user in candidates], run.kind, update)
        for user in candidates:
            resident = facts.resident(user, run.kind, texts_available)
            if gets(run.kind, resident):
                queue(run.kind, Recipient(user, round_, facts.projects(user.id), resident.channel, update))
                queued += 1
    if candidates:
        run.last_user_id = candidates[-1].id
    run.queued += queued
    if len(candidates) < batch_size:
        run.finished_at = now
    session.flush()
    return queued


class _RoundMembers:
    """The plain facts about a batch of residents and one round: wards, the pots they may vote in (the voting
    eligibility rule: ward, age), the participation register (who voted in which pot, never what) and the
    projects they proposed (delivery updates: the updated project, and who follows it)."""

    def __init__(self, session, round_, user_ids, kind, update=None):
        self.round_ = round_
        self.project = session.get(Delivery, update.delivery_id).proposal if update is not None else None
        self.round_wards = set(session.scalars(select(round_wards.c.ward_id)
                                               .where(round_wards.c.round_id == round_.id)))
        self.pots = session.scalars(select(Pot).where(Pot.round_id == round_.id).order_by(Pot.id)).all()
        pot_ids = [pot.id for pot in self.pots]
        self.voted = {}
        for user_id, pot_id in session.execute(select(Participation.user_id, Participation.pot_id)
                                               .where(Participation.pot_id.in_(pot_ids),
                                                      Participation.user_id.in_(user_ids))):
            self.voted.setdefault(user_id, set()).add(pot_id)
        self.proposed = {}
        if kind == PROJECT_UPDATES:
            record = published_record(session, round_)
            outcomes = {} if record is None else {proposal_id: outcome for proposal_id, outcome in session.execute(
                select(DecisionItem.proposal_id, DecisionItem.outcome).where(DecisionItem.record_id == record.id))}
            proposals = session.scalars(select(Proposal).where(
                Proposal.round_id == round_.id, Proposal.author_id.in_(user_ids),
                Proposal.merged_into_id.is_(None)).order_by(Proposal.id)).all()
            for proposal in proposals:
                if proposal.on_ballot or proposal.id in outcomes:
                    funded = outcomes[proposal.id] in AWARDING if proposal.id in outcomes else None
                    self.proposed.setdefault(proposal.author_id, []).append((proposal, funded))

    def resident(self, user, kind, texts_available=False):
        in_round = user.ward_id is not None and user.ward_id in self.round_wards
        open_pots = frozenset()
        if in_round and kind in VOTING_KINDS:
            open_pots = frozenset(pot.id for pot in self.pots if not eligibility_problems(user, self.round_, pot))
        voted = frozenset(self.voted.get(user.id, ()))
        verified = user.email is not None and user.email_verified_at is not None
        follows = self.project is not None and (self.project.author_id == user.id or self.project.pot_id in voted)
        return Resident(kinds=frozenset({kind}), active=user.active, verified=verified,
                        in_round=in_round, open_pot_ids=open_pots, voted_pot_ids=voted,
                        proposed_ids=frozenset(p.id for p, _ in self.proposed.get(user.id, ())),
                        channel=channel_for(chosen=user.notice_channel, email_verified=verified,
                                            has_phone=bool(user.phone), has_address=bool(user.address),
                                            texts_available=texts_available),
                        follows_project=follows)

    def projects(self, user_id):
        return self.proposed.get(user_id, [])

