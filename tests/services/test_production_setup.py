"""The README's Production commands, in order, turn an empty database into a working site with no demo data:
schema, council, wards and postcodes from the ONS Postcode Directory, the first administrator; then the
administrator groups the wards into an area and a resident can register."""

import re
from pathlib import Path

from tests.conftest import CSRFClient
from tests.services.test_onspd_import import OURS, write_onspd, write_ward_names
from tests.support.databases import create_database, drop_database

ADMIN_PASSWORD = "lantern orchard pebble ninety"


def _production_commands():
    """The flask commands of the README's Production section, as argument lists (continuations joined)."""
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = text[text.index("## Production"):]
    block = section[section.index("```sh") + 5:section.index("```", section.index("```sh") + 5)]
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        if "flask --app wsgi" in line:
            words = re.findall(r'"[^"]*"|\S+', line.split("flask --app wsgi", 1)[1].split("<")[0])
            commands.append([word.strip('"') for word in words])
    return commands


def test_the_readme_production_commands_make_a_working_site_from_an_empty_database(tmp_path, mail_server):
    from app import create_app
    from app.extensions import db
    from app.models import Area, Council, Postcode, User, Ward

    commands = _production_commands()
    assert [c[:2] for c in commands] == [["db", "upgrade"], ["council", "create"], ["geography", "import-postcodes"],
                                         ["users", "create-admin"]]
    url = create_database(tmp_path, tag="nb_production")
    app = create_app({"TESTING": True, "SECRET_KEY": "production-test", "SQLALCHEMY_DATABASE_URI": url,
                      "SERVER_NAME": "localhost", "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
                      "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mail_server.port,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    app.test_client_class = CSRFClient
    try:
        expected = write_onspd(tmp_path / "onspd.csv", 600, our_wards=3)
        write_ward_names(tmp_path / "wards.csv", codes=sorted(expected))
        files = {commands[2][2]: str(tmp_path / "onspd.csv"), commands[2][4]: str(tmp_path / "wards.csv"),
                 commands[2][6]: OURS}
        runner = app.test_cli_runner()
        for args in commands:
            args = [files.get(word, word) for word in args]
            result = runner.invoke(args=args, input=ADMIN_PASSWORD + "\n")
            assert result.exit_code == 0, (args, result.output)

        with app.app_context():
            assert db.session.query(User).count() == 1 and db.session.query(Council).count() == 1
            assert db.session.query(Postcode).count() == sum(expected.values())
            ward_ids = [w.id for w in db.session.query(Ward).order_by(Ward.code)]
            postcode = db.session.query(Postcode).first().postcode
            admin_email = db.session.query(User).one().email
            db.session.remove()

        admin = app.test_client()
        assert admin.post("/auth/login", data={"email": admin_email, "password": ADMIN_PASSWORD}).status_code == 302
        created = admin.post("/admin/areas", data={"name": "Chells & Manor"})
        assert created.status_code == 302
        assert admin.post(created.location, data={"name": "Chells & Manor", "wards": ward_ids}).status_code == 302

        resident = app.test_client()
        registered = resident.post("/auth/register", data={
            "name": "Amira Khan", "email": "amira@example.org", "password": "plum orbit kettle seven",
            "postcode": postcode, "date_of_birth": "1990-04-01", "age_confirmed": "", "locale": "en", "accept": "y"})
        assert registered.status_code == 302
        with app.app_context():
            amira = db.session.query(User).filter_by(email="amira@example.org").one()
            assert amira.ward.area.name == "Chells & Manor"
            assert db.session.query(Area).count() == 1
            db.session.remove()
        assert "Borough of Fernleigh" in resident.get("/").get_data(as_text=True)
    finally:
        with app.app_context():
            db.engine.dispose()
        drop_database(url)
