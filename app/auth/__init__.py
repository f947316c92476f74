"""Residents' accounts: register, verify e-mail, sign in and out, reset password."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from app.auth import claim, routes, unsubscribe  # noqa: E402,F401
