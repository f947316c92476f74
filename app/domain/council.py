"""A council's public details: what counts as a usable contact e-mail, phone number and site address."""

import re
from urllib.parse import urlsplit

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")


def slug_for(name):
    """A URL-safe slug ("Borough of Fernleigh" -> "borough-of-fernleigh")."""
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in name).split())[:80] or "council"


def looks_like_email(text):
    return bool(_EMAIL.match((text or "").strip()))


def council_problems(name, email, phone, public_url):
    """Return [(field, code)] for details a resident could not use; empty when all are fine.

    The public address must be https (session cookies are Secure) with a host and no path beyond "/".
    """
    problems = []
    if not (name or "").strip():
        problems.append(("name", "missing"))
    if not looks_like_email(email):
        problems.append(("email", "bad_email"))
    digits = re.sub(r"\D", "", phone or "")
    if not _PHONE.match((phone or "").strip()) or not 7 <= len(digits) <= 15:
        problems.append(("phone", "bad_phone"))
    parts = urlsplit(public_url or "")
    if parts.scheme != "https" or not parts.hostname or parts.path not in ("", "/") or parts.query:
        problems.append(("public_url", "bad_url"))
    return problems
