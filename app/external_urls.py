"""Absolute links for people outside the request (e-mails, the open-data API), built from PUBLIC_URL.

A link in an e-mail must never come from the request's Host header: anyone can send `Host: evil.example`
with a password-reset request and have the victim mailed a link to their own server. So every absolute link
is built from the configured public base URL, and requests for hosts we do not serve are refused (400).
"""

from urllib.parse import urlsplit

from flask import current_app, url_for


class PublicURLMissing(RuntimeError):
    """PUBLIC_URL is unset or not an absolute http(s) URL outside debugging and testing."""


def external_url(endpoint, **values):
    """The absolute URL of endpoint on the public site (PUBLIC_URL), whatever host the request named.

    Works inside or outside a request (a mail sender run from cron). Without PUBLIC_URL (debugging or
    testing only) it falls back to Flask's own external URL for the current request.
    """
    app = current_app
    base = app.config.get("PUBLIC_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base)
    adapter = app.url_map.bind(parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme)
    app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def configure_hosts(config, required):
    """Check PUBLIC_URL and turn TRUSTED_HOSTS into a list (from a list or "a.example, b.example").

    Unset TRUSTED_HOSTS trusts only the host of PUBLIC_URL. Raises PublicURLMissing if required and
    PUBLIC_URL is missing or malformed.
    """
    base = config.get("PUBLIC_URL")
    if base:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise PublicURLMissing(f"NB_PUBLIC_URL must be an absolute http(s) URL like "
                                   f"https://budgets.example.gov.uk, not {base!r}")
    elif required:
        raise PublicURLMissing("Set NB_PUBLIC_URL to the address residents use (e.g. https://budgets.example.gov.uk): "
                               "links in e-mails are built from it.")
    hosts = config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):
        hosts = [host.strip() for host in hosts.split(",") if host.strip()]
    if not hosts and base:
        hosts = [urlsplit(base).hostname]
    config["TRUSTED_HOSTS"] = list(hosts) if hosts else None
