"""notification choices and runs

Revision ID: 5b1f0c7d9e21
Revises: b7c1e0a4d2f9
Create Date: 2026-12-03 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models._common


# revision identifiers, used by Alembic.
revision = '5b1f0c7d9e21'
down_revision = 'b7c1e0a4d2f9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('last_user_id', sa.Integer(), nullable=False),
    sa.Column('queued', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', app.models._common.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_run')),
    sa.UniqueConstraint('kind', 'subject', name=op.f('uq_notification_run_kind_subject'))
    )
    with op.batch_alter_table('notification_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_run_finished_at'), ['finished_at'], unique=False)

    op.create_table('notification_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', app.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_subscription_user_id_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_subscription')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notification_subscription_user_id_kind'))
    )
    with op.batch_alter_table('notification_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_subscription_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('notification_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_subscription_user_id'))
    op.drop_table('notification_subscription')
    with op.batch_alter_table('notification_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_run_finished_at'))
    op.drop_table('notification_run')
