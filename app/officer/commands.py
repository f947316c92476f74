"""Officer CLI: large geography imports with progress (`flask --app wsgi geography import-postcodes FILE`) and
moving rounds by date (`flask --app wsgi rounds advance`, from cron)."""

import csv

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.domain.postcodes import HeaderError, read_ward_names
from app.extensions import db
from app.models import Council
from app.services.geography import ImportRefused, import_postcodes


@click.group("geography", help="Import wards and postcodes.")
def geography():
    pass


def _count_rows(path):
    """Lines after the header (a quick pass in bytes, for the progress figures)."""
    with open(path, "rb") as handle:
        return max(sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0)


@geography.command("import-postcodes")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--ward-names", "ward_names_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="ONS ward names file (columns WDyyCD,WDyyNM) naming the wards of an ONSPD file.")
@click.option("--local-authority", default=None,
              help="Keep only this ONS local authority's rows (ONSPD column oslaua, e.g. E07000243).")
@click.option("--council", "council_slug", default=None, help="Council slug (default: the only council).")
@with_appcontext
def import_postcodes_command(path, ward_names_path, local_authority, council_slug):
    """Import a postcode -> ward CSV: the ONS Postcode Directory (pcds, osward, doterm, oslaua, ...; ward names
    from wards already defined or --ward-names), an older ONS extract (pcds, wdYYcd, wdYYnm) or
    postcode,ward_code[,ward_name][,area]. Streams the file; checks every row; imports all or nothing."""
    query = select(Council)
    if council_slug:
        query = query.where(Council.slug == council_slug)
    councils = db.session.scalars(query).all()
    if len(councils) != 1:
        raise click.ClickException("Name the council with --council (or create it first with "
                                   "`flask --app wsgi council create`).")
    ward_names = None
    if ward_names_path:
        with open(ward_names_path, newline="", encoding="utf-8-sig") as handle:
            try:
                ward_names = read_ward_names(csv.reader(handle))
            except HeaderError:
                raise click.ClickException("The ward names file needs WDyyCD and WDyyNM columns.") from None
        click.echo(f"Read {len(ward_names):,} ward names.")
    total = _count_rows(path)
    click.echo(f"Checking {total:,} rows…")

    def progress(done, total):
        click.echo(f"  read {done:,} of {total:,} rows ({100 * done // max(total, 1)}%)")

    with open(path, newline="", encoding="utf-8-sig") as handle:
        try:
            counts = import_postcodes(db.session, councils[0], csv.reader(handle), progress=progress,
                                      batch_size=10_000, ward_names=ward_names, local_authority=local_authority,
                                      total=total)
        except HeaderError:
            raise click.ClickException("The header names no postcode and ward code columns.") from None
        except ImportRefused as refused:
            db.session.rollback()
            for error in refused.errors:
                click.echo(f"  line {error.line}: {error.message} {error.value}", err=True)
            raise click.ClickException(f"{refused.count:,} bad rows; nothing was imported.") from None
    from app.services.audit import record

    record(db.session, None, "geography.import", f"council:{councils[0].id}", **counts)
    db.session.commit()
    click.echo(f"Imported {counts['rows']:,} postcodes: {counts['postcodes_added']:,} new, "
               f"{counts['postcodes_moved']:,} moved to another ward, {counts['wards_created']:,} new wards.")
    skipped = [(counts["skipped_terminated"], "terminated"),
               (counts["skipped_other_authority"], "in another local authority"),
               (counts["skipped_unknown_ward"], "in wards neither defined nor named (give --ward-names?)")]
    for count, why in skipped:
        if count:
            click.echo(f"Skipped {count:,} postcodes {why}.")


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
