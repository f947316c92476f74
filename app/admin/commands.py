"""CLI: load the demo (`flask demo`), or stand up a real council without it (`flask council create`, then
`flask users create-admin EMAIL`). Each step refuses to run twice and says what to do next."""

import sys

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from app.domain.council import council_problems, looks_like_email
from app.domain.passwords import password_problem
from app.domain.problems import Problem
from app.extensions import db
from app.models import Council
from app.problem_messages import message
from app.services.demo import load_demo
from app.services.onboarding import AlreadyDone, create_admin, create_council

NEXT_AFTER_COUNCIL = (
    "Next:\n"
    "  1. flask --app wsgi geography import-postcodes ONSPD.csv --ward-names WARD_NAMES.csv --local-authority E07000XXX\n"
    "  2. flask --app wsgi users create-admin YOU@COUNCIL.GOV.UK"
)



def _in_english(problem):
    """A problem in the words the web pages use (app.problem_messages), in English: the operator's language."""
    with force_locale("en"):
        return message(problem)


@click.command("demo", help="Load the demo borough, accounts and rounds (does nothing if already loaded).")
@with_appcontext
def demo():
    created = load_demo(db.session)
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data already present.")


@click.group("council", help="The council this site serves.")
def council():
    pass


@council.command("create")
@click.option("--name", required=True, help='The council\'s name, e.g. "Borough of Fernleigh".')
@click.option("--email", required=True, help="The e-mail address residents write to.")
@click.option("--phone", required=True, help="The phone number residents call.")
@click.option("--public-url", required=True, help="This site's public https:// address.")
@with_appcontext
def council_create(name, email, phone, public_url):
    """Create the council (once). Its areas and wards come next, from the postcode import."""
    problems = council_problems(name, email, phone, public_url)
    if problems:
        for field, code in problems:
            click.echo(f"  --{field.replace('_', '-')}: {_in_english(Problem(code, field))}", err=True)
        raise click.ClickException("Nothing was created.")
    try:
        created = create_council(db.session, name=name, email=email, phone=phone, public_url=public_url)
    except AlreadyDone as done:
        db.session.rollback()
        raise click.ClickException(
            f'This site already has its council, "{done.existing.name}" (created earlier). Nothing was changed.\n'
            + NEXT_AFTER_COUNCIL) from None
    db.session.commit()
    click.echo(f'Created the council "{created.name}".')
    click.echo(NEXT_AFTER_COUNCIL)


@click.group("users", help="Accounts.")
def users():
    pass


def _stdin_is_terminal():
    return sys.stdin.isatty()


def _read_password():
    """One line from standard input when it is not a terminal (a pipe or a secrets file), else ask twice."""
    if not _stdin_is_terminal():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")


@users.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True, help="The name shown on the admin pages.")
@click.option("--additional", is_flag=True,
              help="Create it even though an administrator exists (usually an administrator gives the role "
                   "on the admin pages instead).")
@with_appcontext
def users_create_admin(email, name, additional):
    """Create an administrator account, already verified. The password is read from standard input when that
    is not a terminal (echo "$PASSWORD" | flask users create-admin EMAIL), otherwise asked for twice."""
    if not looks_like_email(email):
        raise click.ClickException(f"{email!r} is not an e-mail address. Nothing was created.")
    password = _read_password()
    problem = password_problem(password)
    if problem:
        raise click.ClickException(f"{_in_english(Problem(problem, 'password'))} Nothing was created.")
    try:
        user = create_admin(db.session, email=email, name=name, password=password, additional=additional)
    except AlreadyDone as done:
        db.session.rollback()
        if done.existing.email == email.strip().lower():
            message = (f"An account with the e-mail address {done.existing.email} already exists. Nothing was "
                       "changed. To give it the administrator role, ask an administrator to do it on the admin "
                       "pages (People and roles); to reset its password, use \"Forgotten your password?\" on the "
                       "sign-in page.")
        else:
            message = (f"There is already an administrator ({done.existing.email}). Nothing was changed. "
                       "Sign in as them and give the role on the admin pages (People and roles), "
                       "or run this again with --additional if you really mean to.")
        raise click.ClickException(message) from None
    db.session.commit()
    site = db.session.scalar(select(Council.public_url).order_by(Council.id).limit(1)) or ""
    click.echo(f"Created the administrator {user.email}.")
    click.echo(f"Next: sign in at {site}/auth/login, group the wards into areas on {site}/admin/areas, and give "
               f"staff their roles on {site}/admin/users.")


COMMANDS = [demo, council, users]
