from flask import render_template

from app.access import login_required, role_required  # noqa: F401
from app.auth import bp


@bp.get("/login")

def login():
    return render_template("_placeholder.html", heading="login")

@bp.get("/register")

def register():
    return render_template("_placeholder.html", heading="register")

@bp.get("/account")
@login_required
def account():
    return render_template("_placeholder.html", heading="account")

@bp.post("/logout")
def logout():
    return render_template("_placeholder.html", heading="logout")
