"""council contact details (set by `flask council create`) and texts; a board member's role on the board

Revision ID: b7c1e0a4d2f9
Revises: 5b0d3c9e7a21
Create Date: 2026-12-03 14:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1e0a4d2f9'
down_revision = '5b0d3c9e7a21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('council', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('public_url', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('privacy_notice', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('accessibility_statement', sa.JSON(), nullable=True))
    with op.batch_alter_table('role_grant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('board_role', sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('role_grant', schema=None) as batch_op:
        batch_op.drop_column('board_role')
    with op.batch_alter_table('council', schema=None) as batch_op:
        batch_op.drop_column('accessibility_statement')
        batch_op.drop_column('privacy_notice')
        batch_op.drop_column('public_url')
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_email')
