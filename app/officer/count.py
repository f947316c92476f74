"""Officer views: count."""

from app.officer import bp  # noqa: F401
