"""Bounds on what a request may carry, so bad input is a 4xx and never a server error.

- Ids in URLs (`<int:...>`) fit the database's integer column: a 40-digit id is a 404, not an overflow.
- Integer query values (`?page=`, `?round=`) are read with int_arg: out of range or not a number is a 400.
- Bodies are at most MAX_CONTENT_LENGTH (forms), or UPLOAD_MAX_CONTENT_LENGTH for views marked
  @accepts_upload; a bigger body is refused (413) before it is read.
"""

import re

from flask import Request, abort, current_app, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer; SQLite's is wider, so the smaller bound holds on both
_INTEGER = re.compile(r"-?[0-9]{1,10}")  # ASCII digits only, and no more than MAX_ID has


class BoundedIntegerConverter(IntegerConverter):
    """`<int:id>` matching 0..MAX_ID only: anything bigger is no page (404), as an unknown id is."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def int_arg(name, default=None, minimum=0):
    """The integer query value name, or default when absent or blank; 400 for anything else out of range."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not _INTEGER.fullmatch(raw):
        abort(400)
    value = int(raw)
    if not minimum <= value <= MAX_ID:
        abort(400)
    return value


def accepts_upload(view):
    """Let this view take a body up to UPLOAD_MAX_CONTENT_LENGTH (a file), not only MAX_CONTENT_LENGTH.

    Put it anywhere under the route decorator (the role decorators copy the mark)."""
    view.max_content_length_setting = "UPLOAD_MAX_CONTENT_LENGTH"
    return view


class LimitedRequest(Request):
    """A request whose body limit depends on the view it is routed to (decided before any hook reads it)."""

    @property
    def max_content_length(self):
        if self._max_content_length is not None or not current_app:
            return super().max_content_length
        view = current_app.view_functions.get(self.endpoint) if self.endpoint else None
        return current_app.config[getattr(view, "max_content_length_setting", "MAX_CONTENT_LENGTH")]

    @max_content_length.setter
    def max_content_length(self, value):
        self._max_content_length = value


def init_app(app):
    """Before the blueprints are registered, so their `<int:...>` rules use the bounded converter."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.request_class = LimitedRequest
