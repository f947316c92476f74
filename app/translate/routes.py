from flask import render_template

from app.access import login_required, role_required  # noqa: F401
from app.translate import bp


@bp.get("/")
@role_required("translator")
def index():
    return render_template("_placeholder.html", heading="index")
