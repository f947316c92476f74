"""Role checks used at the top of every officer, board, translator and admin view, and load-or-404 helpers."""

from functools import wraps

from flask import abort, request
from flask_login import current_user
from sqlalchemy import bindparam, select

from app.extensions import db, login_manager
from app.models import Round, User
from app.services import voting


def register_login(login_manager):
    """Where Flask-Login sends anonymous users, and how it finds the signed-in user from the session."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)


# Built once: every signed-in request runs one of these (a statement built per request costs its cache key).
_SIGNED_IN_USER = select(User).where(User.session_token == bindparam("session_token"), User.active)
_SIGNED_IN_USER_LOCKED = _SIGNED_IN_USER.with_for_update()


def load_user(session_token):
    """The signed-in user; read FOR UPDATE when the request is a cast (app.services.voting.begin_cast)."""
    query = _SIGNED_IN_USER_LOCKED if voting.lock_signed_in_user(db.session) else _SIGNED_IN_USER
    user = db.session.scalar(query, {"session_token": session_token})
    voting.note_signed_in_user(db.session, user)
    return user


def role_required(*roles):
    """Allow the view to users holding any of roles; anonymous users go to the login page (401 for APIs)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not any(current_user.has_role(role) for role in roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


def login_required(view):
    """Any signed-in user (a resident at least)."""
    return role_required("resident")(view)


def require_board_member(area_id):
    """Abort 403 unless the current user sits on the board of area_id."""
    if not current_user.is_authenticated or not current_user.has_role("board", area_id=area_id):
        abort(403)


def wants_json():
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def published_round_or_404(round_id):
    """Nothing of a round is visible before it is published."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.phase != "published":
        abort(404)
    return round_
