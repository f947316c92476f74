"""Thin public views: the list of areas, and one area's wards, board members (by their seat) and contact officer."""

from flask import abort, render_template
from sqlalchemy import select

from app.areas import bp
from app.extensions import db
from app.form_fields import BOARD_ROLE_LABELS
from app.models import Area, RoleGrant, User
from app.models.people import BOARD_ROLES


@bp.get("/")
def index():
    areas = db.session.scalars(select(Area).order_by(Area.name)).all()
    return render_template("areas/index.html", areas=areas)


@bp.get("/<int:area_id>")
def area(area_id):
    place = db.session.get(Area, area_id) or abort(404)
    grants = db.session.execute(
        select(RoleGrant, User).join(User, RoleGrant.user_id == User.id)
        .where(RoleGrant.area_id == place.id, RoleGrant.role.in_(("board", "officer")), User.active)
        .order_by(User.name)).all()
    seats = {seat: [user.name for grant, user in grants if grant.role == "board" and
                    (grant.board_role or "community_representative") == seat] for seat in BOARD_ROLES}
    officers = [user.name for grant, user in grants if grant.role == "officer"]
    return render_template("areas/area.html", area=place, seats=seats, seat_labels=BOARD_ROLE_LABELS,
                           officers=officers)
