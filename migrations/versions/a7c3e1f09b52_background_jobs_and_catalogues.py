"""background jobs; uploaded catalogues in the database

Revision ID: a7c3e1f09b52
Revises: b7d4e2a91c05
Create Date: 2026-12-03 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.models._common


# revision identifiers, used by Alembic.
revision = 'a7c3e1f09b52'
down_revision = 'b7d4e2a91c05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('arguments', sa.JSON(), nullable=False),
    sa.Column('unique_key', sa.String(length=100), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('progress', sa.String(length=200), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_token', sa.String(length=32), nullable=True),
    sa.Column('lease_until', app.models._common.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('created_at', app.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', app.models._common.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', app.models._common.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job')),
    sa.UniqueConstraint('unique_key', name=op.f('uq_job_unique_key'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index('ix_job_state', ['state', 'id'], unique=False)

    op.create_table('ui_catalogue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('po', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', app.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_ui_catalogue_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ui_catalogue'))
    )
    with op.batch_alter_table('ui_catalogue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ui_catalogue_locale'), ['locale'], unique=False)


def downgrade():
    with op.batch_alter_table('ui_catalogue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ui_catalogue_locale'))

    op.drop_table('ui_catalogue')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index('ix_job_state')

    op.drop_table('job')
