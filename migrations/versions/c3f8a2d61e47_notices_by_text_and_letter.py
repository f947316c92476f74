"""notices by text and letter: a resident's phone and chosen channel, text messages in the outbox, letters to post

Revision ID: c3f8a2d61e47
Revises: 4f2b8d6e1a37
Create Date: 2026-12-03 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models._common


# revision identifiers, used by Alembic.
revision = 'c3f8a2d61e47'
down_revision = "4f2b8d6e1a37"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('notice_channel', sa.String(length=10), server_default='email', nullable=False))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), server_default='email', nullable=False))
    op.create_table('letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('subject', sa.String(length=400), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', app.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.Column('posted_at', app.models._common.UTCDateTime(timezone=True), nullable=True),
    sa.Column('posted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user.id'], name=op.f('fk_letter_posted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_letter_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter'))
    )
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_posted_at'), ['posted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_letter_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_user_id'))
        batch_op.drop_index(batch_op.f('ix_letter_posted_at'))
    op.drop_table('letter')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('channel')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('notice_channel')
        batch_op.drop_column('phone')
