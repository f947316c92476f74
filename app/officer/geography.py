"""Officer views: geography."""

from app.officer import bp  # noqa: F401
