"""round: the close as first published and an early close's reason; proposal: why its cost was changed;
user: a change of ward waiting for an officer

Revision ID: 5b7e2c1d9a40
Revises: 4bf11635eda8
Create Date: 2026-12-03 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa
import app.models._common


# revision identifiers, used by Alembic.
revision = '5b7e2c1d9a40'
down_revision = '4bf11635eda8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voting_close_published_at', app.models._common.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('early_close_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cost_change_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_postcode', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('pending_ward_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pending_since', app.models._common.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_user_pending_ward_id_ward'), 'ward', ['pending_ward_id'], ['id'])


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_pending_ward_id_ward'), type_='foreignkey')
        batch_op.drop_column('pending_since')
        batch_op.drop_column('pending_ward_id')
        batch_op.drop_column('pending_postcode')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('cost_change_reason')
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('early_close_reason')
        batch_op.drop_column('voting_close_published_at')
