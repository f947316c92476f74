"""Where settings come from: the embedded SQLite settings, DATABASE_URL for psycopg 3, and who wins."""

import os

import pytest

from app.config import sqlalchemy_url
from tests.support.databases import using_postgres


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    """A clean environment and an instance/ folder under tmp_path; returns a writer for instance/config.py.

    create_app puts instance/ under app.REPO_ROOT, so the real instance/ folder is never read or written.
    """
    import app as app_package

    for name in list(os.environ):
        if name in ("SECRET_KEY", "DATABASE_URL") or name.startswith("NB_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NB_PUBLIC_URL", "https://budgets.example.gov.uk")  # required outside debug and testing
    monkeypatch.setattr(app_package, "REPO_ROOT", str(tmp_path))
    instance = tmp_path / "instance"
    instance.mkdir()

    def write_instance_config(**settings):
        lines = [f"{name} = {value!r}\n" for name, value in settings.items()]
        (instance / "config.py").write_text("".join(lines))

    return write_instance_config


@pytest.mark.skipif(using_postgres(), reason="SQLite connection settings; checked in the SQLite pass")
def test_sqlite_runs_with_wal_full_sync_foreign_keys_and_a_busy_timeout(tmp_path):
    from app import create_app
    from app.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/pragmas.sqlite3"})
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                pragma = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                          for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}
        finally:
            db.engine.dispose()
    assert pragma["journal_mode"] == "wal"
    assert pragma["synchronous"] == 2  # FULL
    assert pragma["foreign_keys"] == 1
    assert pragma["busy_timeout"] > 0


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_postgresql_database_urls_go_through_psycopg_3(scheme):
    assert sqlalchemy_url(f"{scheme}://nb:pw@db.internal/nb") == "postgresql+psycopg://nb:pw@db.internal/nb"


def test_other_database_urls_are_left_alone():
    assert sqlalchemy_url("postgresql+psycopg://nb@db/nb") == "postgresql+psycopg://nb@db/nb"
    assert sqlalchemy_url("sqlite:////srv/nb.sqlite3") == "sqlite:////srv/nb.sqlite3"


def test_environment_database_url_is_normalised(deployment, monkeypatch):
    from app import create_app

    monkeypatch.setenv("DATABASE_URL", "postgres://nb@db.internal/nb")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://nb@db.internal/nb"


def test_without_configuration_the_database_is_sqlite_in_instance(deployment, tmp_path):
    from app import create_app

    app = create_app()
    expected = f"sqlite:///{tmp_path}/instance/neighbourhood_budgets.sqlite3"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == expected


def test_database_url_in_instance_config_is_used(deployment):
    from app import create_app

    deployment(DATABASE_URL="postgres://nb@instance.internal/nb")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://nb@instance.internal/nb"


@pytest.mark.parametrize("setting", ["DATABASE_URL", "SQLALCHEMY_DATABASE_URI"])
def test_environment_database_url_beats_instance_config(deployment, monkeypatch, setting):
    from app import create_app

    deployment(**{setting: "sqlite:////srv/instance.sqlite3"})
    monkeypatch.setenv("DATABASE_URL", "postgresql://nb@env.internal/nb")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://nb@env.internal/nb"


def test_environment_settings_beat_instance_config(deployment, monkeypatch):
    from app import create_app

    deployment(SECRET_KEY="from-instance", COUNCIL_NAME="Instance Borough", MAIL_PORT=587)
    monkeypatch.setenv("SECRET_KEY", "from-environment")
    monkeypatch.setenv("NB_COUNCIL_NAME", "Environment Borough")
    config = create_app().config
    assert config["SECRET_KEY"] == "from-environment"
    assert config["COUNCIL_NAME"] == "Environment Borough"
    assert config["MAIL_PORT"] == 587, "what the environment does not set still comes from instance/config.py"


def test_test_config_beats_instance_config_and_environment(deployment, monkeypatch, tmp_path):
    from app import create_app

    deployment(SECRET_KEY="from-instance", COUNCIL_NAME="Instance Borough",
               SQLALCHEMY_DATABASE_URI="sqlite:////srv/instance.sqlite3")
    monkeypatch.setenv("SECRET_KEY", "from-environment")
    monkeypatch.setenv("DATABASE_URL", "postgresql://nb@env.internal/nb")
    monkeypatch.setenv("NB_COUNCIL_NAME", "Environment Borough")
    config = create_app({"TESTING": True, "SECRET_KEY": "from-test",
                         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/test.sqlite3"}).config
    assert config["SECRET_KEY"] == "from-test"
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/test.sqlite3"
    assert config["COUNCIL_NAME"] == "Borough of Fernleigh", "a test app reads neither instance/ nor NB_*"
