from flask import render_template

from app.access import login_required, role_required  # noqa: F401
from app.officer import bp


@bp.get("/")
@role_required("officer")
def dashboard():
    return render_template("_placeholder.html", heading="dashboard")
