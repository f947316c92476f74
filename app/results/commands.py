"""CLI: `flask --app wsgi audit verify` recomputes the audit log's hash chain; `count run ROUND_ID`."""

import click
from flask.cli import with_appcontext

from app.extensions import db


@click.group("audit", help="The tamper-evident audit log.")
def audit():
    pass


@audit.command("verify")
@with_appcontext
def verify_command():
    """Recompute the chain; print the head, or the first broken entry and exit 1."""
    from app.services.audit import chain_head, verify

    broken = verify(db.session)
    if broken is None:
        click.echo(f"OK: audit chain intact. Head {chain_head(db.session)}")
        return
    click.echo(f"BROKEN at entry id {broken.entry_id} (position {broken.position}): {broken.problem}", err=True)
    raise SystemExit(1)


@click.group("count", help="Count a round's ballots.")
def count():
    pass


@count.command("run")
@click.argument("round_id", type=int)
@with_appcontext
def run_count(round_id):
    """Count every pot of a round in the counting phase and hand it to the board."""
    from app.models import Round
    from app.services.count import count_round

    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.phase != "counting":
        raise click.ClickException("That round does not exist or is not in the counting phase.")
    for result in count_round(db.session, round_):
        click.echo(f"pot {result.pot_id}: {result.ballot_count} ballots, selected {result.selected}")
    db.session.commit()


COMMANDS = [audit, count]
