from flask import render_template

from app.access import login_required, role_required  # noqa: F401
from app.voting import bp


@bp.get("/")
@login_required
def index():
    return render_template("_placeholder.html", heading="index")
