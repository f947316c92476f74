from flask import render_template

from app.access import login_required, role_required  # noqa: F401
from app.admin import bp


@bp.get("/users")
@role_required("admin")
def users():
    return render_template("_placeholder.html", heading="users")
