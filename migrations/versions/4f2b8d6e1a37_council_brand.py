"""council brand: colour, logo (a cleaned PNG) and a version for caching

Revision ID: 4f2b8d6e1a37
Revises: 9c4e1a7b2d63
Create Date: 2026-12-03 17:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4f2b8d6e1a37'
down_revision = '9c4e1a7b2d63'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('council', schema=None) as batch_op:
        batch_op.add_column(sa.Column('brand_colour', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('logo', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('logo_content_type', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('brand_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('council', schema=None) as batch_op:
        batch_op.drop_column('brand_version')
        batch_op.drop_column('logo_content_type')
        batch_op.drop_column('logo')
        batch_op.drop_column('brand_colour')
