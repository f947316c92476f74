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


def security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if "Cache-Control" not in headers and request.endpoint != "static":
        headers["Cache-Control"] = "no-store"  # pages may be personal; never left in a shared cache
    return response
