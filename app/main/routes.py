"""Public pages, and the template helpers that show officers' and residents' content in the reader's language."""

from flask import Response, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from app.domain.brand import brand_css
from app.extensions import db
from app.i18n import SESSION_LOCALE_KEY, current_locale_code
from app.main import bp
from app.models import Round
from app.services.content import page_texts
from app.templating import site_council


@bp.get("/")
def index():
    rounds = db.session.scalars(select(Round).where(Round.phase != "draft").order_by(Round.id.desc())).all()
    return render_template("main/index.html", rounds=rounds,
                           texts=page_texts(db.session, current_locale_code(), rounds=rounds))


@bp.post("/language")
def set_language():
    """Remember the chosen language in the session, and as the saved preference when signed in."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["SUPPORTED_LOCALES"]:
        session[SESSION_LOCALE_KEY] = locale
        if current_user.is_authenticated:
            current_user.preferred_locale = locale
            db.session.commit()
    return redirect(_local_path(request.form.get("next", "")))


@bp.get("/language/<lang>")
def choose_language(lang):
    """The header's language links: show the site in lang from now on in this session, then go back.

    A plain link, so public pages need no CSRF token and can be cached; being a GET it changes no stored
    data (the saved preference, which e-mails use, is changed on the account page), and `next` is only ever
    a path on this site.
    """
    if lang in current_app.config["SUPPORTED_LOCALES"]:
        session[SESSION_LOCALE_KEY] = lang
    return redirect(_local_path(request.args.get("next", "")))


def _local_path(target):
    """target when it is a path on this site ("/results?x=1"), else the home page: never "//host",
    "/\\host" (browsers read both as another site) or "https:…"."""
    if not target.startswith("/") or target.startswith(("//", "/\\")) or any(c in target for c in "\\\r\n\t"):
        return url_for("main.index")
    return target


@bp.get("/accessibility")
def accessibility():
    return render_template("main/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html")


BRAND_CACHE_SECONDS = 24 * 3600  # base.html links both with ?v=<brand_version>, so a change is seen at once


@bp.get("/brand.css")
def brand_stylesheet():
    """The council's colour for the header (CSP style-src 'self' allows no inline style)."""
    council = site_council()
    response = Response(brand_css(council.brand_colour if council else None), mimetype="text/css")
    response.headers["Cache-Control"] = f"public, max-age={BRAND_CACHE_SECONDS}"
    return response


@bp.get("/brand/logo")
def brand_logo():
    """The council's logo, a PNG cleaned on upload (app.domain.brand.clean_logo)."""
    council = site_council()
    if council is None or not council.logo_content_type:
        abort(404)
    response = Response(council.logo, mimetype=council.logo_content_type)
    response.headers["Cache-Control"] = f"public, max-age={BRAND_CACHE_SECONDS}"
    response.headers["Content-Disposition"] = 'inline; filename="logo.png"'
    return response
