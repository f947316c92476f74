"""sealed ballots, round keys in the database, ballot without rowid on SQLite

Ballots are sealed while voting is open (ballot.sealed; choices empty until the close) with a per-round key
kept wrapped in round_key. On SQLite the ballot table is rebuilt WITHOUT ROWID, as the model always asked:
a hidden rowid keeps the order ballots were cast in, which pairs them with the register.
Run between rounds: a round whose voting is open across the upgrade keeps its ballots unsealed and its
residents' earlier ballots cannot be replaced (their key was a file on one host).

Revision ID: 834f0bd4d106
Revises: e39406001d92
Create Date: 2026-12-03 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '834f0bd4d106'
down_revision = 'e39406001d92'
branch_labels = None
depends_on = None


def _recreate():
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade():
    op.create_table('round_key',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('wrapped', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_round_key_round_id_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_round_key'))
    )
    with op.batch_alter_table('ballot', schema=None, recreate=_recreate(),
                              table_kwargs={'sqlite_with_rowid': False}) as batch_op:
        batch_op.add_column(sa.Column('sealed', sa.LargeBinary(), nullable=True))
        batch_op.alter_column('choices', existing_type=sa.JSON(), nullable=True)


def downgrade():
    # Only between rounds: sealed ballots have no choices to keep.
    with op.batch_alter_table('ballot', schema=None, recreate=_recreate()) as batch_op:
        batch_op.alter_column('choices', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column('sealed')
    op.drop_table('round_key')
