"""Public pages, and the template helpers that show officers' and residents' content in the reader's language."""

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.i18n import SESSION_LOCALE_KEY
from app.main import bp
from app.models import Round


@bp.get("/")
def index():
    rounds = db.session.scalars(select(Round).where(Round.phase != "draft").order_by(Round.id.desc())).all()
    return render_template("main/index.html", rounds=rounds)


@bp.post("/language")
def set_language():
    """Remember the chosen language in the session, and as the saved preference when signed in."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["SUPPORTED_LOCALES"]:
        session[SESSION_LOCALE_KEY] = locale
        if current_user.is_authenticated:
            current_user.preferred_locale = locale
            db.session.commit()
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.index")
    return redirect(target)


@bp.get("/accessibility")
def accessibility():
    return render_template("main/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html")
