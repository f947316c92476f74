"""A read-only JSON API of published rounds (/api/...). Hidden rounds are 404, as on the pages."""

from flask import Blueprint, jsonify

from app.access import published_round_or_404
from app.extensions import db
from app.external_urls import external_url
from app.services import results as results_service
from app.services.audit import published_heads, published_heads_json

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/rounds")
def rounds():
    return jsonify(rounds=[{"id": r.id, "title": r.title, "area": r.area.name if r.area else None,
                            "url": external_url("api.round_detail", round_id=r.id),
                            "results_page": external_url("results.round_results", round_id=r.id)}
                           for r in results_service.published_rounds(db.session)],
                   audit_chain_head=_latest_head(),
                   audit_heads=external_url("api.audit_heads"))


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
        "csv": external_url("results.results_csv", round_id=round_.id),
        "json": external_url("results.results_json", round_id=round_.id),
        "pabulib": {str(pot.id): external_url("results.ballots_pb", pot_id=pot.id) for pot in round_.pots},
    }
    return jsonify(data)
