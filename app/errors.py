"""Error pages: a translated page (or JSON for API callers) for every HTTP error and an expired form."""

from urllib.parse import urlsplit

from flask import Response, g, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from app.access import wants_json
from app.extensions import db


def register_errors(app):
    """Show our error page for each HTTP error we raise and for a CSRF failure."""
    for code in (400, 401, 403, 404, 405, 409, 413, 429, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _csrf_error)


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
    description = _own_description(error) if code in (400, 409) else None
    if request_ctx.url_adapter is None:  # a Host we do not serve (TRUSTED_HOSTS): no page links can be built
        return Response(title, status=code, mimetype="text/plain")
    if wants_json():
        return jsonify(error=title, detail=description), code
    return render_template("errors.html", code=code, title=title, description=description), code


def _own_description(error):
    """What a view told abort() (already in the reader's language), never Werkzeug's English default for the code."""
    description = getattr(error, "description", None)
    return None if description == getattr(type(error), "description", None) else description


def _csrf_error(error):
    """A form whose token is missing or too old (a page left open for hours, a sign-in since): say so in the
    reader's language and how to go on, never Flask-WTF's English reason (error.description)."""
    title = gettext("This page has expired")
    details = [gettext("Nothing was saved. For your security, a form stops working when its page has been open "
                       "for a long time, or when you have signed in or out since it was opened."),
               gettext("Go back, reload the page and try again.")]
    if wants_json():
        return jsonify(error=title, detail=" ".join(details)), 400
    return render_template("errors.html", code=400, title=title, description=None, details=details,
                           again=_page_sent_from()), 400


def _page_sent_from():
    """The path of the page on this site that sent the form (to open it afresh), or None."""
    parts = urlsplit(request.referrer or "")
    path = parts.path
    if parts.netloc != request.host or not path.startswith("/") or path[1:2] in ("/", "\\"):
        return None  # a path on this site only: "//host" or "/\host" would lead a browser elsewhere
    return path + (f"?{parts.query}" if parts.query else "")
