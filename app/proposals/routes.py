from flask import render_template

from app.access import login_required, role_required  # noqa: F401
from app.proposals import bp


@bp.get("/")

def index():
    return render_template("_placeholder.html", heading="index")
