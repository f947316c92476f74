"""delivery tracking: status, milestones, money spent and public updates with photos per award

Revision ID: b7d4e2a91c05
Revises: 5b1f0c7d9e21
Create Date: 2026-12-03 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models._common


# revision identifiers, used by Alembic.
revision = 'b7d4e2a91c05'
down_revision = '5b1f0c7d9e21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('spent_pence', sa.Integer(), nullable=False),
    sa.Column('proposer_may_update', sa.Boolean(), nullable=False),
    sa.Column('updated_at', app.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_delivery_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_delivery_proposal_id'))
    )
    op.create_table('delivery_milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('created_at', app.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], name=op.f('fk_delivery_milestone_delivery_id_delivery'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_milestone'))
    )
    with op.batch_alter_table('delivery_milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_milestone_delivery_id'), ['delivery_id'], unique=False)

    op.create_table('delivery_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('by_proposer', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', app.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_delivery_update_author_id_user')),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], name=op.f('fk_delivery_update_delivery_id_delivery'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_update'))
    )
    with op.batch_alter_table('delivery_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_update_delivery_id'), ['delivery_id'], unique=False)

    op.create_table('delivery_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('alt_text', sa.String(length=300), nullable=False),
    sa.Column('created_at', app.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['update_id'], ['delivery_update.id'], name=op.f('fk_delivery_photo_update_id_delivery_update'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_photo')),
    sa.UniqueConstraint('update_id', name=op.f('uq_delivery_photo_update_id'))
    )


def downgrade():
    op.drop_table('delivery_photo')
    with op.batch_alter_table('delivery_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_update_delivery_id'))
    op.drop_table('delivery_update')
    with op.batch_alter_table('delivery_milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_milestone_delivery_id'))
    op.drop_table('delivery_milestone')
    op.drop_table('delivery')
