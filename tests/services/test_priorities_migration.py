"""The priorities migration gives every existing area (and each council's council-wide list) the six priorities
that were fixed in code, so every existing proposal's priority points at its round's area's row."""

from flask_migrate import upgrade
from sqlalchemy import text

from tests.support.databases import create_database, drop_database

BEFORE = "5b7e2c1d9a40"  # the revision the priorities migration follows


def _insert(connection, table, **values):
    columns = ", ".join(f'"{c}"' for c in values)
    connection.execute(text(f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join(":" + c for c in values)})'),
                       values)


def test_existing_proposals_point_at_their_areas_rows_after_the_upgrade(tmp_path):
    from app import create_app
    from app.extensions import db

    url = create_database(tmp_path, tag="nb_priorities")
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as connection:
                _insert(connection, "council", id=1, name="Flintshire", slug="flint")
                for area_id, name in ((1, "North"), (2, "South")):
                    _insert(connection, "area", id=area_id, council_id=1, name=name, slug=name.lower())
                _insert(connection, "user", id=1, email="a@example.org", name="A", password_hash="x",
                        preferred_locale="en", created_at="2026-01-01 00:00:00", session_token="t", active=True)
                for round_id, area_id in ((1, 2), (2, None)):
                    _insert(connection, "round", id=round_id, council_id=1, area_id=area_id, title="R",
                            description="", original_locale="en", languages="[\"en\"]", phase="proposals",
                            require_verified_email=False, created_at="2026-01-01 00:00:00",
                            updated_at="2026-01-01 00:00:00")
                    _insert(connection, "pot", id=round_id, round_id=round_id, name="P", instructions="",
                            amount_pence=1000_00, ballot_type="approval", counting_rule="greedy", completion="none")
                for proposal_id, round_id, code in ((1, 1, "young_people"), (2, 2, "health"), (3, 1, "old_code")):
                    _insert(connection, "proposal", id=proposal_id, round_id=round_id, pot_id=round_id, author_id=1,
                            group_name="", title="T", summary="", description="", cost_pence=100_00,
                            cost_breakdown="", location="", priority=code, original_locale="en", status="submitted",
                            status_reason="", officer_message="", hidden=False, hidden_reason="", on_ballot=False,
                            created_at="2026-01-01 00:00:00", updated_at="2026-01-01 00:00:00")
            upgrade()
            with db.engine.connect() as connection:
                counts = connection.execute(text(
                    "SELECT area_id, COUNT(*) FROM priority GROUP BY area_id ORDER BY area_id")).all()
                pointed = connection.execute(text(
                    "SELECT p.id, pr.code, pr.labels, pr.retired_at IS NOT NULL FROM proposal p "
                    "JOIN round r ON r.id = p.round_id JOIN priority pr ON pr.council_id = r.council_id "
                    "AND pr.code = p.priority AND (pr.area_id = r.area_id OR (pr.area_id IS NULL AND r.area_id IS NULL)) "
                    "ORDER BY p.id")).all()
            assert sorted(counts, key=lambda r: (r[0] is not None, r[0] or 0)) == [(None, 6), (1, 6), (2, 7)]
            import json

            labels = [(r[0], r[1], (json.loads(r[2]) if isinstance(r[2], str) else r[2])["en"], bool(r[3]))
                      for r in pointed]
            assert labels == [(1, "young_people", "Young people", False), (2, "health", "Health and wellbeing", False),
                              (3, "old_code", "old_code", True)]
            db.engine.dispose()
    finally:
        drop_database(url)
