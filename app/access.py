"""Role checks used at the top of every officer, board, translator and admin view."""

from functools import wraps

from flask import abort, request
from flask_login import current_user

from app.extensions import login_manager


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
