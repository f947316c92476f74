"""Officer CLI: large geography imports with progress (`flask --app wsgi geography import-postcodes FILE`) and
moving rounds by date (`flask --app wsgi rounds advance`, from cron)."""

import csv

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.domain.postcodes import HeaderError
from app.extensions import db
from app.models import Council
from app.services.geography import ImportRefused, import_postcodes


@click.group("geography", help="Import wards and postcodes.")
def geography():
    pass


@geography.command("import-postcodes")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--council", "council_slug", default=None, help="Council slug (default: the only council).")
@with_appcontext
def import_postcodes_command(path, council_slug):
    """Import a postcode -> ward CSV (ONS postcode directory columns pcds, wdYYcd, wdYYnm, or postcode,ward_code,...)."""
    query = select(Council)
    if council_slug:
        query = query.where(Council.slug == council_slug)
    councils = db.session.scalars(query).all()
    if len(councils) != 1:
        raise click.ClickException("Name the council with --council (or create one first with `flask demo`).")
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    click.echo(f"Checking {len(rows) - 1:,} rows…")

    def progress(done, total):
        click.echo(f"  imported {done:,} of {total:,} ({100 * done // max(total, 1)}%)")

    try:
        counts = import_postcodes(db.session, councils[0], rows, progress=progress)
    except HeaderError:
        raise click.ClickException("The header names no postcode and ward code columns.") from None
    except ImportRefused as refused:
        db.session.rollback()
        for error in refused.errors[:50]:
            click.echo(f"  line {error.line}: {error.message} {error.value}", err=True)
        raise click.ClickException(f"{len(refused.errors):,} bad rows; nothing was imported.") from None
    from app.services.audit import record

    record(db.session, None, "geography.import", f"council:{councils[0].id}", **counts)
    db.session.commit()
    click.echo(f"Done: {counts}")


@click.group("rounds", help="Budget rounds.")
def rounds():
    pass


@rounds.command("advance")
@with_appcontext
def advance_command():
    """Move every round whose dates have passed, one line per move. Run from cron every few minutes.

    Prints nothing when nothing is due, so cron only mails when a round moved.
    """
    from app.database import write_transaction
    from app.services.rounds import advance_by_date

    # Lock first, as the officer's phase button does: closing voting queues behind residents' casts.
    with write_transaction(db.session):
        moves = advance_by_date(db.session)
        lines = [f"round {round_.id} ({round_.title}): {previous} -> {phase}"
                 for round_, previous, phase in moves]
    for line in lines:
        click.echo(line)


COMMANDS = [geography, rounds]
