"""SQLAlchemy models, one module per aggregate. Import everything here so Alembic sees every table."""

from app.models.audit import AuditEntry, PublishedHead
from app.models.ballots import Ballot, Participation, RoundKey
from app.models.content import ContentTranslation
from app.models.decisions import (
    CountResult,
    DecisionAttendance,
    DecisionConfirmation,
    DecisionItem,
    DecisionRecord,
    InterestDeclaration,
)
from app.models.delivery import Delivery, DeliveryMilestone, DeliveryPhoto, DeliveryUpdate
from app.models.electorate import ElectorateFigure
from app.models.geography import Area, Council, Postcode, Ward
from app.models.jobs import Job
from app.models.notifications import Letter, NotificationRun, NotificationSubscription
from app.models.outbox import OutboxMessage
from app.models.people import RoleGrant, User
from app.models.priorities import Priority
from app.models.proposals import Proposal, ProposalTranslation
from app.models.rounds import Pot, Round, pot_wards, round_wards

__all__ = [
    "Area",
    "AuditEntry",
    "Ballot",
    "ContentTranslation",
    "Council",
    "CountResult",
    "DecisionAttendance",
    "DecisionConfirmation",
    "DecisionItem",
    "DecisionRecord",
    "Delivery",
    "DeliveryMilestone",
    "DeliveryPhoto",
    "DeliveryUpdate",
    "ElectorateFigure",
    "InterestDeclaration",
    "Job",
    "Letter",
    "NotificationRun",
    "NotificationSubscription",
    "OutboxMessage",
    "Participation",
    "Postcode",
    "Pot",
    "Proposal",
    "ProposalTranslation",
    "Priority",
    "PublishedHead",
    "RoleGrant",
    "Round",
    "RoundKey",
    "User",
    "Ward",
    "pot_wards",
    "round_wards",
]
