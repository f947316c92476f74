"""Published results pages for visitors who are not signed in, served from Redis before Flask runs.

A results-day crowd reads the same few pages. Flask answers such a visitor with a page that is the same for
every visitor in a language (app.results.routes.public_when_anonymous: Cache-Control public, no cookie, no
CSRF token). This WSGI middleware keeps those answers in the Redis every app host shares and answers the next
such request from it, before the session, Flask-Login, CSRF, Babel or the database are touched: one Redis round
trip per page.

- Only GET requests under /results/ with no session or remember-me cookie take this path (a signed-in visitor
  always has the session cookie, so their own page is never served from here, nor ever stored: only answers
  that Flask marked Cache-Control public and that set no cookie are kept).
- Keyed by path, query and the language the visitor's Accept-Language picks (as app.i18n does without a session).
- Renewed on every committed audit entry (app.services.audit.record marks the transaction; publishing results,
  a count, a correction, a translation or a renamed round all write one): the commit raises the shared
  generation, on whichever host it happens, and pages stored under an older generation are not served. A page
  is also never served older than PUBLIC_MAX_AGE, which bounds a change made behind the services' back.
- Without Redis (NB_PAGE_CACHE_URL, else NB_RATELIMIT_STORAGE_URI, must be redis://) the middleware is off: each
  worker's own cache, renewed by the audit chain's head read on every request, serves instead (page_cache).
"""

import json
import logging
import time

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from app.services.audit import AUDITED

log = logging.getLogger(__name__)

PREFIX = "/results/"
HASH = "nb:published-pages"  # one Redis hash: field "gen" and one field per page and language
GENERATION = "gen"
KEEP_SECONDS = 300  # the hash expires this long after its last write (a quiet site keeps nothing)


class SharedPages:
    """The Redis side: read a page with the current generation in one round trip, store, renew."""

    def __init__(self, client, max_age):
        self.client, self.max_age = client, max_age

    def get(self, field):
        """(status, headers, body) or None, and the generation read with it (to store a render under)."""
        generation, stored = self.client.hmget(HASH, [GENERATION, field])
        generation = int(generation or 0)
        if stored is None:
            return None, generation
        head, _, body = stored.partition(b"\n")
        meta = json.loads(head)
        if meta["g"] != generation or time.time() - meta["t"] >= self.max_age:
            return None, generation
        return (meta["s"], [tuple(pair) for pair in meta["h"]], body), generation

    def put(self, field, generation, status, headers, body):
        head = json.dumps({"g": generation, "t": time.time(), "s": status, "h": headers}).encode()
        pipe = self.client.pipeline(transaction=False)
        pipe.hset(HASH, field, head + b"\n" + body)
        pipe.expire(HASH, KEEP_SECONDS)
        pipe.execute()

    def renew(self):
        """Raise the generation: every host stops serving what it stored before."""
        self.client.hincrby(HASH, GENERATION, 1)
        self.client.expire(HASH, KEEP_SECONDS)


class PublishedPagesMiddleware:
    """WSGI: answer cacheable published pages from SharedPages; pass everything else to the app."""

    def __init__(self, app, pages, cookie_names, locales, default_locale):
        self.app, self.pages = app, pages
        self.cookie_names = tuple(f"{name}=".encode("latin-1") for name in cookie_names)
        self.locales, self.default_locale = list(locales), default_locale

    def _language(self, environ):
        header = environ.get("HTTP_ACCEPT_LANGUAGE")
        if not header:
            return self.default_locale
        return parse_accept_header(header, LanguageAccept).best_match(self.locales) or self.default_locale

    def _cacheable(self, environ):
        if environ.get("REQUEST_METHOD") != "GET" or not environ.get("PATH_INFO", "").startswith(PREFIX):
            return False
        cookie = environ.get("HTTP_COOKIE", "").encode("latin-1", "replace")
        return not any(name in cookie for name in self.cookie_names)

    def __call__(self, environ, start_response):
        if not self._cacheable(environ):
            return self.app(environ, start_response)
        # The host and scheme too: a host we do not serve is refused by the app (never stored), and HTTPS pages
        # carry Strict-Transport-Security.
        field = (f"{environ.get('wsgi.url_scheme')}|{environ.get('HTTP_X_FORWARDED_PROTO', '')}|"
                 f"{environ.get('HTTP_HOST', '')}|{environ.get('PATH_INFO')}?{environ.get('QUERY_STRING', '')}|"
                 f"{self._language(environ)}")
        try:
            hit, generation = self.pages.get(field)
        except Exception:  # noqa: BLE001  Redis down: the app answers (its own cache), never an error page
            log.warning("published pages: Redis unavailable, serving through the app", exc_info=True)
            return self.app(environ, start_response)
        if hit is not None:
            status, headers, body = hit
            start_response(status, headers)
            return [body]
        return self._render_and_keep(environ, start_response, field, generation)

    def _render_and_keep(self, environ, start_response, field, generation):
        answer = {}

        def capture(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, list(headers)
            return start_response(status, headers, exc_info)

        chunks = self.app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        if _keepable(answer.get("status", ""), answer.get("headers", [])):
            try:
                self.pages.put(field, generation, answer["status"], answer["headers"], body)
            except Exception:  # noqa: BLE001
                log.warning("published pages: could not store a page", exc_info=True)
        return [body]


def _keepable(status, headers):
    """Only what Flask declared the same for every visitor: 200, Cache-Control public, no cookie set."""
    if not status.startswith("200"):
        return False
    names = {name.lower(): value for name, value in headers}
    return "set-cookie" not in names and "public" in names.get("cache-control", "")


def register_published_pages(app):
    """Put the middleware in front of the app when a Redis URL is configured; renew on audited commits."""
    url = app.config.get("PAGE_CACHE_URL") or app.config.get("RATELIMIT_STORAGE_URI") or ""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return
    import redis

    from app.results.routes import PUBLIC_MAX_AGE

    pages = SharedPages(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2), PUBLIC_MAX_AGE)
    app.extensions["published_pages"] = pages
    cookies = (app.config["SESSION_COOKIE_NAME"], app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    app.wsgi_app = PublishedPagesMiddleware(app.wsgi_app, pages, cookies, app.config["SUPPORTED_LOCALES"],
                                            app.config["BABEL_DEFAULT_LOCALE"])
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)


def _after_commit(session):
    """A committed audit entry renews the published pages of every host (see the module's docstring)."""
    if session.info.pop(AUDITED, False) and has_app_context():
        pages = current_app.extensions.get("published_pages")
        if pages is not None:
            try:
                pages.renew()
            except Exception:  # noqa: BLE001  pages then renew within PUBLIC_MAX_AGE
                log.warning("published pages: could not renew after a commit", exc_info=True)


def _after_rollback(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(AUDITED, None)
