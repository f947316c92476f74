"""Neighbourhood Budgets: participatory budgeting for UK councils and their Neighbourhood Boards.

Importing the package is light (no Flask): `python -m app.domain.tally` and other pure-Python tools start
fast. The web app's modules are imported by create_app and the register_* steps it calls.
"""

import os
import secrets

from app import config as app_config

REPO_ROOT = app_config.REPO_ROOT  # a name of its own here: tests point it at a temporary folder


def create_app(test_config=None):
    """Build the app: config -> extensions -> request hooks -> blueprints -> templating -> error pages -> CLI.

    Never migrates.
    """
    from flask import Flask

    from app import (
        database,  # noqa: F401  (registers the SQLite connection settings)
        models,  # noqa: F401  (so Alembic and create_all see every table)
        request_limits,
    )
    from app.cli import register_commands
    from app.errors import register_errors
    from app.request_hooks import register_request_hooks
    from app.results.shared_pages import register_published_pages
    from app.templating import register_templating

    # NB_INSTANCE_PATH: this host's own folder (config.py, local files); hosts share nothing else on disk.
    instance_path = os.environ.get("NB_INSTANCE_PATH") or os.path.join(REPO_ROOT, "instance")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    _load_config(app, test_config)
    _trust_proxies(app)
    register_extensions(app)
    request_limits.init_app(app)  # before the blueprints: their <int:...> rules take the bounded converter
    register_request_hooks(app)
    register_blueprints(app)
    register_templating(app)
    register_errors(app)
    register_commands(app)
    register_published_pages(app)  # last: a WSGI middleware in front of everything above
    return app


def _load_config(app, test_config):
    """Layer the settings: defaults < instance/config.py < environment; test_config replaces the last two.

    The environment is SECRET_KEY, DATABASE_URL and NB_<SETTING>. DATABASE_URL (normalised for psycopg 3)
    and SQLALCHEMY_DATABASE_URI are one setting: a higher layer's either beats a lower layer's either,
    and within one layer DATABASE_URL wins.
    """
    from app.external_urls import configure_hosts

    app.config.from_object(app_config.Defaults)
    app.config["SQLALCHEMY_DATABASE_URI"] = app_config.sqlite_url(app.instance_path)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = os.path.join(REPO_ROOT, "translations")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        _take_database_url(app.config)
        app.config.from_prefixed_env("NB")  # e.g. NB_MAIL_SERVER, NB_SESSION_COOKIE_SECURE=false
        for name in ("SECRET_KEY", "DATABASE_URL"):
            if os.environ.get(name):
                app.config[name] = os.environ[name]
        for name in ("AUDIT_SECRET", "AUDIT_PREVIOUS_SECRETS"):  # as written: not parsed as a number or list
            if os.environ.get(f"NB_{name}"):
                app.config[name] = os.environ[f"NB_{name}"]
        _take_database_url(app.config)
    else:
        app.config.update(test_config)
        _take_database_url(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret_key(app.instance_path)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        os.makedirs(app.instance_path, exist_ok=True)
    configure_hosts(app.config, required=not (app.debug or app.testing))


def _trust_proxies(app):
    """Behind TRUSTED_PROXY_HOPS reverse proxies, take the client's address and scheme from X-Forwarded-*."""
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _take_database_url(config):
    """Turn the layer just loaded's DATABASE_URL, if any, into SQLALCHEMY_DATABASE_URI."""
    url = config.pop("DATABASE_URL", None)
    if url:
        config["SQLALCHEMY_DATABASE_URI"] = app_config.sqlalchemy_url(url)


def _development_secret_key(instance_path):
    """Read (or create once) a random key in instance/ so a fresh checkout runs without setup."""
    os.makedirs(instance_path, exist_ok=True)
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(secrets.token_hex(32))
    with open(path) as handle:
        return handle.read().strip()


def register_extensions(app):
    """Bind the unbound extensions (app.extensions) to app, and tell Flask-Login how to find a user."""
    from app.access import register_login
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate
    from app.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(REPO_ROOT, "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    register_login(login_manager)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)


def register_blueprints(app):
    """One blueprint per audience; each registers only its own routes."""
    from app import admin, areas, auth, board, delivery, main, officer, proposals, results, translate, voting
    from app.results import api as results_api

    for blueprint in (main.bp, auth.bp, admin.bp, officer.bp, proposals.bp, voting.bp, board.bp, results.bp,
                      results_api.bp, translate.bp, areas.bp, delivery.bp):
        app.register_blueprint(blueprint)
