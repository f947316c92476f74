"""One-click unsubscribe from a kind of notice: the signed link in every notice (and its List-Unsubscribe header).

GET shows a confirm page and changes nothing (mail scanners follow links). POST unsubscribes, with no CSRF
token and no session: RFC 8058 has the mail client POST "List-Unsubscribe=One-Click" to the header's URL from
outside any browser session. The signed, expiring token in the URL is the proof instead: only the resident's
mailbox has it, and all it can do is switch one kind of e-mail off (see docs/security.md).
"""

from flask import current_app, render_template

from app.auth import bp
from app.auth.forms import NOTIFICATION_LABELS
from app.extensions import csrf, db
from app.services import notifications
from app.services.accounts import TokenInvalid


def _read(token):
    return notifications.from_unsubscribe_token(db.session, current_app.secret_key, token,
                                                current_app.config["UNSUBSCRIBE_TOKEN_MAX_AGE"])


def _what(kind):
    return NOTIFICATION_LABELS[kind]


@bp.get("/unsubscribe/<token>")
def unsubscribe(token):
    try:
        _user, kind = _read(token)
    except TokenInvalid as error:
        return render_template("auth/unsubscribe_invalid.html", expired=error.expired), 400
    return render_template("auth/unsubscribe.html", what=_what(kind), token=token)


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # RFC 8058 one-click: the signed token is the proof (module docstring)
def unsubscribe_confirm(token):
    try:
        user, kind = _read(token)
    except TokenInvalid as error:
        return render_template("auth/unsubscribe_invalid.html", expired=error.expired), 400
    notifications.unsubscribe(db.session, user, kind)
    db.session.commit()
    # A page, not a redirect: a mail client's one-click POST reads no further, and posting again is harmless.
    return render_template("auth/unsubscribed.html", what=_what(kind))
