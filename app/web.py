"""Request-wide wiring: sign-in loading, security headers, error pages and template helpers."""

from flask import Response, abort, g, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import format_date, format_datetime, gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from app.access import wants_json
from app.config import LOCALE_NAMES
from app.domain.content import pick_translation
from app.domain.text import code_point, unwanted_characters
from app.extensions import db, login_manager
from app.i18n import current_locale_code, format_pence, text_direction
from app.models import Council, User

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def init_app(app):
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_token):
        return db.session.scalar(select(User).where(User.session_token == session_token, User.active))

    @app.before_request
    def refuse_control_characters():
        """No one means to type NUL, an escape or a right-to-left override, and PostgreSQL cannot store NUL:
        a form or query holding one (app/domain/text.py says which) is bad input, refused (400, the translated
        error page naming the character) before any view can save it or show it to someone else."""
        for source in (request.args, request.form):
            for _, value in source.items(multi=True):
                if found := unwanted_characters(value):
                    abort(400, gettext("What you sent contains an invisible control character (%(code)s), "
                                       "which we cannot accept. Go back, remove it and try again.",
                                       code=code_point(found[0])))

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if "Cache-Control" not in headers and request.endpoint != "static":
            headers["Cache-Control"] = "no-store"  # pages may be personal; never left in a shared cache
        return response

    for code in (400, 401, 403, 404, 405, 409, 413, 429, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _csrf_error)

    app.jinja_env.globals.update(
        locale_names=LOCALE_NAMES,
        current_locale_code=current_locale_code,
        text_direction=text_direction,
        site_council=site_council,
        council_text=council_text,
    )
    app.jinja_env.filters.update(
        pence=format_pence,
        london_date=lambda value, fmt="long": format_date(value, fmt) if value else "",
        london_datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
    )
    app.jinja_env.add_extension("jinja2.ext.do")


def site_council():
    """The council this site serves (made by `flask council create`), or None before it exists; once a request."""
    if "site_council" not in g:
        g.site_council = db.session.scalar(select(Council).order_by(Council.id).limit(1))
    return g.site_council


def council_text(field):
    """The council's own text (privacy_notice or accessibility_statement) in the reader's language, through the
    one fallback rule; None when the council wrote none."""
    council = site_council()
    values = (getattr(council, field) or {}) if council is not None else {}
    picked = pick_translation(values, current_locale_code(), "en")
    return picked if picked.text else None


ERROR_TITLES = {
    400: lambda: gettext("There is a problem with your request"),
    401: lambda: gettext("You need to sign in"),
    403: lambda: gettext("You do not have permission to see this page"),
    404: lambda: gettext("Page not found"),
    405: lambda: gettext("That action is not allowed here"),
    409: lambda: gettext("That change could not be made"),
    413: lambda: gettext("The file or form you sent is too large"),
    429: lambda: gettext("Too many attempts. Please wait a minute and try again"),
    500: lambda: gettext("Sorry, there is a problem with the service"),
}


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    if code not in ERROR_TITLES:
        code = 500
    if code == 500:
        db.session.rollback()
        g.site_council = None  # the error page must not need the database (it may be what failed)
    title = ERROR_TITLES[code]()
    description = getattr(error, "description", None) if code in (400, 409) else None
    if request_ctx.url_adapter is None:  # a Host we do not serve (TRUSTED_HOSTS): no page links can be built
        return Response(title, status=code, mimetype="text/plain")
    if wants_json():
        return jsonify(error=title, detail=description), code
    return render_template("errors.html", code=code, title=title, description=description), code


def _csrf_error(error):
    title = gettext("Your form expired or was not sent from this site. Please go back, reload and try again.")
    if wants_json():
        return jsonify(error=title), 400
    return render_template("errors.html", code=400, title=title, description=None), 400
