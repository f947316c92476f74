"""A read-only JSON API of published rounds (/api/...). Hidden rounds are 404, as on the pages."""

from flask import Blueprint, jsonify, url_for

from app.extensions import db
from app.results.routes import published_round_or_404
from app.services import results as results_service
from app.services.audit import published_heads, published_heads_json

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/rounds")
def rounds():
    return jsonify(rounds=[{"id": r.id, "title": r.title, "area": r.area.name if r.area else None,
                            "url": url_for("api.round_detail", round_id=r.id, _external=True),
                            "results_page": url_for("results.round_results", round_id=r.id, _external=True)}
                           for r in results_service.published_rounds(db.session)],
                   audit_chain_head=_latest_head(),
                   audit_heads=url_for("api.audit_heads", _external=True))


def _latest_head():
    newest = published_heads(db.session, limit=1)
    return newest[0].entry_hash if newest else None


@bp.get("/audit/heads")
def audit_heads():
    """Every audit chain head ever published, newest first: `flask audit verify` checks each is in the log."""
    return jsonify(published_heads=published_heads_json(db.session))


@bp.get("/rounds/<int:round_id>")
def round_detail(round_id):
    round_ = published_round_or_404(round_id)
    data = results_service.results_json(db.session, round_)
    data["downloads"] = {
        "csv": url_for("results.results_csv", round_id=round_.id, _external=True),
        "json": url_for("results.results_json", round_id=round_.id, _external=True),
        "pabulib": {str(pot.id): url_for("results.ballots_pb", pot_id=pot.id, _external=True) for pot in round_.pots},
    }
    return jsonify(data)
