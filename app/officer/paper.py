"""Officer views: paper."""

from app.officer import bp  # noqa: F401
