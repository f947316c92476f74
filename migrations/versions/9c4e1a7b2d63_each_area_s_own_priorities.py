"""priority: each area's own neighbourhood-plan priorities, seeded with the six that were fixed in code

Every existing area, and every council (its council-wide list, area_id NULL), gets the six as rows with the
codes proposals already hold, so each proposal's priority points at its round's area's row. A proposal whose
code is not one of the six (none should exist) gets a retired row of that code, so nothing is left pointing
nowhere.

Revision ID: 9c4e1a7b2d63
Revises: 5b7e2c1d9a40
Create Date: 2026-12-03 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa
import app.models._common


# revision identifiers, used by Alembic.
revision = '9c4e1a7b2d63'
down_revision = '5b7e2c1d9a40'
branch_labels = None
depends_on = None

# A copy (migrations do not import app code that may change): app.domain.priorities.DEFAULT_PRIORITIES.
SIX = {
    "green_spaces": {"en": "Parks and green spaces", "cy": "Parciau a mannau gwyrdd", "pl": "Parki i tereny zielone",
                     "ur": "پارک اور سبز مقامات", "pa": "ਪਾਰਕ ਅਤੇ ਹਰੀਆਂ ਥਾਵਾਂ"},
    "young_people": {"en": "Young people", "cy": "Pobl ifanc", "pl": "Młodzież", "ur": "نوجوان", "pa": "ਨੌਜਵਾਨ"},
    "older_people": {"en": "Older people", "cy": "Pobl hŷn", "pl": "Osoby starsze", "ur": "بزرگ افراد",
                     "pa": "ਬਜ਼ੁਰਗ"},
    "safer_streets": {"en": "Safer streets", "cy": "Strydoedd mwy diogel", "pl": "Bezpieczniejsze ulice",
                      "ur": "محفوظ گلیاں", "pa": "ਸੁਰੱਖਿਅਤ ਗਲੀਆਂ"},
    "health": {"en": "Health and wellbeing", "cy": "Iechyd a lles", "pl": "Zdrowie i dobre samopoczucie",
               "ur": "صحت اور تندرستی", "pa": "ਸਿਹਤ ਅਤੇ ਤੰਦਰੁਸਤੀ"},
    "community_cohesion": {"en": "Bringing people together", "cy": "Dod â phobl at ei gilydd",
                           "pl": "Integracja mieszkańców", "ur": "لوگوں کو ساتھ لانا", "pa": "ਲੋਕਾਂ ਨੂੰ ਇਕੱਠے ਕਰਨਾ"},
}


def upgrade():
    priority = op.create_table(
        'priority',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=True),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('labels', sa.JSON(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('retired_at', app.models._common.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['area_id'], ['area.id'], ),
        sa.ForeignKeyConstraint(['council_id'], ['council.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('council_id', 'area_id', 'code'),
    )
    with op.batch_alter_table('priority', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priority_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_priority_council_id'), ['council_id'], unique=False)

    connection = op.get_bind()
    lists = [(council_id, None) for (council_id,) in connection.execute(sa.text('SELECT id FROM council ORDER BY id'))]
    lists += [tuple(row) for row in connection.execute(sa.text('SELECT council_id, id FROM area ORDER BY id'))]
    rows = [{"council_id": council_id, "area_id": area_id, "code": code, "labels": labels, "position": position,
             "retired_at": None}
            for council_id, area_id in lists for position, (code, labels) in enumerate(SIX.items())]
    # Codes proposals hold that are not among the six: kept as retired rows of their round's list.
    odd = connection.execute(sa.text(
        "SELECT DISTINCT r.council_id, r.area_id, p.priority FROM proposal p JOIN round r ON r.id = p.round_id "
        "WHERE p.priority IS NOT NULL AND p.priority <> ''")).all()
    for council_id, area_id, code in odd:
        if code not in SIX:
            rows.append({"council_id": council_id, "area_id": area_id, "code": code[:40], "labels": {"en": code},
                         "position": len(SIX), "retired_at": None, "_retire": True})
    plain = [{k: v for k, v in row.items() if k != "_retire"} for row in rows]
    if plain:
        op.bulk_insert(priority, plain)
    retired = [(row["council_id"], row["area_id"], row["code"]) for row in rows if row.get("_retire")]
    for council_id, area_id, code in retired:
        area_clause = "area_id IS NULL" if area_id is None else "area_id = :area"
        connection.execute(sa.text(f"UPDATE priority SET retired_at = CURRENT_TIMESTAMP WHERE council_id = :c "
                                   f"AND {area_clause} AND code = :code"),
                           {"c": council_id, "area": area_id, "code": code})


def downgrade():
    with op.batch_alter_table('priority', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_council_id'))
        batch_op.drop_index(batch_op.f('ix_priority_area_id'))
    op.drop_table('priority')
