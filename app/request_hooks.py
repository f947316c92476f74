"""What runs around every request: catalogue reloads, refusing control characters, and security headers."""

from flask import abort, request
from flask_babel import gettext

from app.catalogues import reload_changed_catalogues
from app.domain.text import code_point, unwanted_characters
from app.form_messages import use_our_catalogues

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def register_request_hooks(app):
    """Run these before and after every request, in every blueprint."""
    app.before_request(reload_changed_catalogues)
    app.before_request(refuse_control_characters)
    app.before_request(use_our_catalogues)
    app.after_request(security_headers)


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


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "geolocation=(), camera=(), microphone=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=63072000; includeSubDomains")


def security_headers(response):
    """Every header above that the view did not set itself: one pass over the response's headers (a
    setdefault per header scans them all each time, on every request)."""
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    missing = [(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present]
    if request.is_secure and HSTS[0].lower() not in present:
        missing.append(HSTS)
    if "cache-control" not in present and request.endpoint != "static":
        missing.append(("Cache-Control", "no-store"))  # pages may be personal; never left in a shared cache
    headers.extend(missing)
    return response
