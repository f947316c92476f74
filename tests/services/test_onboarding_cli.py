"""A council goes live without demo data: `flask council create`, then `flask users create-admin EMAIL`.
Each refuses to run twice by mistake and says what to do next."""

import contextvars

import pytest

from app.models import AuditEntry, Council, User
from app.services import accounts

COUNCIL = ["council", "create", "--name", "Borough of Stevenage", "--email", "budgets@stevenage.gov.uk",
           "--phone", "01438 242242", "--public-url", "https://budgets.stevenage.gov.uk/"]
STRONG = "plum tractor velvet lantern"


def run(app, db, args, input=None):
    """Run the command as an operator does: in its own app context and session, after the test's commit."""
    db.session.commit()
    result = contextvars.Context().run(app.test_cli_runner().invoke, args=args, input=input)
    db.session.expire_all()
    return result


def test_council_create_stores_the_contact_details_audits_and_says_what_is_next(app, db):
    result = run(app, db, COUNCIL)

    assert result.exit_code == 0, result.output
    assert 'Created the council "Borough of Stevenage"' in result.output
    assert "geography import-postcodes" in result.output and "users create-admin" in result.output
    council = db.session.query(Council).one()
    assert (council.name, council.slug, council.contact_email, council.contact_phone, council.public_url) == (
        "Borough of Stevenage", "borough-of-stevenage", "budgets@stevenage.gov.uk", "01438 242242",
        "https://budgets.stevenage.gov.uk")
    assert db.session.query(AuditEntry).filter_by(action="council.create").one().actor_label == "system"


def test_council_create_twice_changes_nothing_and_says_so(app, db):
    run(app, db, COUNCIL)
    again = run(app, db, [*COUNCIL[:3], "Another Council", *COUNCIL[4:]])

    assert again.exit_code == 1
    assert 'already has its council, "Borough of Stevenage"' in again.output and "Nothing was changed" in again.output
    assert "users create-admin" in again.output
    assert [c.name for c in db.session.query(Council)] == ["Borough of Stevenage"]


@pytest.mark.parametrize(("option", "value", "complaint"), [
    ("--name", "  ", "--name: Enter the council's name."),
    ("--email", "budgets-at-council",
     "--email: Enter an e-mail address in the right format, like budgets@council.gov.uk."),
    ("--phone", "call us", "--phone: Enter a phone number, like 01438 242242."),
    ("--public-url", "http://budgets.example.gov.uk",
     "--public-url: Enter the site's https:// address with no path, like https://budgets.example.gov.uk."),
])
def test_council_create_refuses_details_residents_could_not_use(app, db, option, value, complaint):
    args = list(COUNCIL)
    args[args.index(option) + 1] = value

    result = run(app, db, args)

    assert result.exit_code == 1 and complaint in result.output and "Nothing was created" in result.output
    assert db.session.query(Council).count() == 0


def test_create_admin_reads_the_password_from_a_pipe_and_the_admin_can_sign_in(app, db, client):
    run(app, db, COUNCIL)
    result = run(app, db, ["users", "create-admin", "Alex.Morgan@Stevenage.gov.uk", "--name", "Alex Morgan"],
                 input=STRONG + "\n")

    assert result.exit_code == 0, result.output
    assert "Created the administrator alex.morgan@stevenage.gov.uk" in result.output
    assert "https://budgets.stevenage.gov.uk/auth/login" in result.output
    admin = db.session.query(User).one()
    assert admin.has_role("admin") and admin.email_verified and admin.name == "Alex Morgan"
    assert accounts.authenticate(db.session, "alex.morgan@stevenage.gov.uk", STRONG) is not None
    assert db.session.query(AuditEntry).filter_by(action="user.create_admin").count() == 1
    signed_in = client.post("/auth/login", data={"email": "alex.morgan@stevenage.gov.uk", "password": STRONG})
    assert signed_in.status_code == 302
    assert client.get("/admin/users").status_code == 200


def test_create_admin_on_a_terminal_asks_twice_and_insists_they_match(app, db, monkeypatch):
    monkeypatch.setattr("app.admin.commands._stdin_is_terminal", lambda: True)

    result = run(app, db, ["users", "create-admin", "admin@council.example"],
                 input=f"{STRONG}\n{STRONG} typo\n{STRONG}\n{STRONG}\n")

    assert result.exit_code == 0, result.output
    assert "Repeat the password" in result.output and "do not match" in result.output.lower()
    assert accounts.authenticate(db.session, "admin@council.example", STRONG) is not None


@pytest.mark.parametrize(("password", "complaint"), [
    ("short", "Your password must be at least 10 characters long. Nothing was created."),
    ("password123", "That password is too easy to guess. Try three or four random words. Nothing was created."),
    ("aaaaaaaaaaaa", "too easy to guess"),
])
def test_create_admin_checks_password_strength_as_registration_does(app, db, password, complaint):
    result = run(app, db, ["users", "create-admin", "admin@council.example"], input=password + "\n")

    assert result.exit_code == 1 and complaint in result.output and "Nothing was created" in result.output
    assert db.session.query(User).count() == 0


def test_create_admin_twice_by_mistake_changes_nothing_and_says_what_to_do(app, db):
    run(app, db, ["users", "create-admin", "admin@council.example"], input=STRONG + "\n")

    same = run(app, db, ["users", "create-admin", "ADMIN@council.example"], input="another strong phrase\n")
    other = run(app, db, ["users", "create-admin", "second@council.example"], input=STRONG + "\n")

    assert same.exit_code == 1 and "already exists" in same.output and "Forgotten your password" in same.output
    assert other.exit_code == 1 and "already an administrator (admin@council.example)" in other.output
    assert "--additional" in other.output
    assert [u.email for u in db.session.query(User)] == ["admin@council.example"]
    assert accounts.authenticate(db.session, "admin@council.example", STRONG) is not None

    meant = run(app, db, ["users", "create-admin", "second@council.example", "--additional"], input=STRONG + "\n")
    assert meant.exit_code == 0, meant.output
    assert db.session.query(User).count() == 2


def test_create_admin_refuses_something_that_is_not_an_email_address(app, db):
    result = run(app, db, ["users", "create-admin", "not-an-address"], input=STRONG + "\n")

    assert result.exit_code == 1 and "not an e-mail address" in result.output


def test_the_site_shows_the_council_and_how_to_contact_it(app, db, client):
    run(app, db, COUNCIL)

    html = client.get("/").get_data(as_text=True)

    assert "Run by Borough of Stevenage" in html
    assert 'href="mailto:budgets@stevenage.gov.uk"' in html and 'href="tel:01438242242"' in html
    assert "Borough of Stevenage" in client.get("/accessibility").get_data(as_text=True)
