"""round: the close as first published and an early close's reason; proposal: why its cost was changed

Revision ID: 5b7e2c1d9a40
Revises: 834f0bd4d106
Create Date: 2026-12-03 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa
import app.models._common


# revision identifiers, used by Alembic.
revision = '5b7e2c1d9a40'
down_revision = '834f0bd4d106'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voting_close_published_at', app.models._common.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('early_close_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cost_change_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('cost_change_reason')
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('early_close_reason')
        batch_op.drop_column('voting_close_published_at')
