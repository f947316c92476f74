"""CLI: `audit verify`, `audit publish-head` and `audit rotate-key` keep the audit log; `count run ROUND_ID` counts."""

import click
from flask.cli import with_appcontext

from app.extensions import db


@click.group("audit", help="The tamper-evident audit log.")
def audit():
    pass


@audit.command("verify")
@click.option("--head", "expected_head", default=None,
              help="A chain head published earlier (e.g. on a results page); it must still be in the log.")
@with_appcontext
def verify_command(expected_head):
    """Recompute the keyed chain and check every published head and locked record; exit 1 on the first break."""
    from app.services.audit import chain_head, verify

    broken = verify(db.session, expected_head=expected_head)
    if broken is None:
        click.echo(f"OK: audit chain intact. Head {chain_head(db.session)}")
        return
    if broken.problem == "head_missing":
        click.echo(f"BROKEN: the published head {broken.detail} is not in the log (entries removed from the end, "
                   "or the log was rebuilt)", err=True)
    elif broken.problem == "record_changed":
        click.echo(f"BROKEN: {broken.detail} no longer matches what entry id {broken.entry_id} sealed "
                   "(a locked decision record was changed or deleted)", err=True)
    elif broken.problem == "key_missing":
        click.echo(f"BROKEN at entry id {broken.entry_id}: the log was handed over to key {broken.detail}, which is "
                   "neither NB_AUDIT_SECRET nor in NB_AUDIT_PREVIOUS_SECRETS", err=True)
    elif broken.problem == "record_unaudited":
        click.echo(f"BROKEN: {broken.detail} is locked but no audit entry sealed it", err=True)
    else:
        hint = (" Is NB_AUDIT_SECRET the secret the log was written with?"
                if broken.position == 0 and broken.problem == "content_changed" else "")
        click.echo(f"BROKEN at entry id {broken.entry_id} (position {broken.position}): {broken.problem}.{hint}",
                   err=True)
    raise SystemExit(1)


@audit.command("publish-head")
@with_appcontext
def publish_head_command():
    """Archive the current head for the public (results pages, /api, open data); run it from cron daily."""
    from app.database import write_transaction
    from app.services.audit import publish_head

    with write_transaction(db.session):
        head = publish_head(db.session, reason="scheduled")
    click.echo(f"Published head {head.entry_hash} (entry id {head.entry_id})")


@audit.command("rotate-key")
@with_appcontext
def rotate_key_command():
    """Hand the log over to NB_AUDIT_SECRET (the old key moves to NB_AUDIT_PREVIOUS_SECRETS) and publish the head.

    Give every host the new NB_AUDIT_SECRET, with the old one in NB_AUDIT_PREVIOUS_SECRETS, before running it:
    until then they keep writing under the old key, afterwards only under the new one.
    """
    from app.database import write_transaction
    from app.domain.audit_chain import key_id
    from app.services.audit import audit_key, publish_head, rotate_key

    with write_transaction(db.session):
        entry = rotate_key(db.session)
        if entry is not None:
            publish_head(db.session, reason="key rotated")
    if entry is None:
        click.echo(f"Nothing to do: the log is already hashed under NB_AUDIT_SECRET (key {key_id(audit_key())}).")
        return
    click.echo(f"The log is now hashed under key {key_id(audit_key())} from entry id {entry.id} on; "
               "keep the old secret in NB_AUDIT_PREVIOUS_SECRETS so `audit verify` can check the earlier entries.")


@click.group("count", help="Count a round's ballots.")
def count():
    pass


@count.command("run")
@click.argument("round_id", type=int)
@with_appcontext
def count_run(round_id):
    """Count every pot of a round in the counting phase, pot by pot, and hand it to the board.

    Queues the round's count job and runs it in this process (no job runner needed).
    """
    from app.database import write_transaction
    from app.jobs.runner import claim, run_claimed
    from app.models import CountResult, Round
    from app.services import count as count_service

    with write_transaction(db.session):
        round_ = db.session.get(Round, round_id)
        if round_ is None:
            raise click.ClickException("There is no round with that id.")
        try:
            job_id = count_service.start_count(db.session, round_).id
        except count_service.CountRefused as refused:
            raise click.ClickException({"not_counting": "The round is not in the counting phase.",
                                        "already_running": "A count of this round is already running.",
                                        "sealed": "The ballots are still sealed: close voting first."}
                                       [refused.code]) from None
    click.echo(f"Counting round {round_id}...")
    claimed = claim(db.session, job_id)
    if claimed is None:
        raise click.ClickException("A job runner took the count first: see `flask --app wsgi jobs status`.")

    def progress(done, total):
        click.echo(f"  {done} of {total} pots counted")

    if run_claimed(db.session, claimed, on_progress=progress) != "done":
        raise click.ClickException("The count failed; the round is still in the counting phase.")
    round_ = db.session.get(Round, round_id)
    for pot in round_.pots:
        result = db.session.get(CountResult, count_service.latest_results(db.session, round_)[pot.id].id)
        click.echo(f"pot {pot.id} ({pot.name}): {result.ballot_count} ballots, rule {result.rule}, "
                   f"selected {result.selected}, digest {result.input_digest}")
    click.echo(f"Round {round_id} is now in the phase: {round_.phase}")


COMMANDS = [audit, count]
