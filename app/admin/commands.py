"""CLI: `flask --app wsgi demo` loads the demo borough (idempotently)."""

import click
from flask.cli import with_appcontext

from app.extensions import db
from app.services.demo import load_demo


@click.command("demo", help="Load the demo borough, accounts and rounds (does nothing if already loaded).")
@with_appcontext
def demo():
    created = load_demo(db.session)
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data already present.")


COMMANDS = [demo]
