"""A read-only JSON API of published rounds (/api/...)."""

from flask import Blueprint, jsonify, url_for

from app.extensions import db
from app.results.routes import published_round_or_404
from app.services import results as results_service

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/rounds")
def rounds():
    return jsonify(rounds=[{"id": r.id, "title": r.title, "url": url_for("api.round_detail", round_id=r.id)}
                           for r in results_service.published_rounds(db.session)])


@bp.get("/rounds/<int:round_id>")
def round_detail(round_id):
    return jsonify(results_service.results_json(db.session, published_round_or_404(round_id)))
