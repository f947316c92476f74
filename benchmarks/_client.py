"""What the voting benchmarks share: a voting round with residents made straight in the database, a resident's
signed-in session cookie with its CSRF form token, and the ballot form's body (benchmarks/ballots.py over HTTP,
benchmarks/voter_path.py in-process)."""

import secrets
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

PROJECTS = 8


def voting_round(db, residents, password_hash):
    """A round open for voting with one knapsack pot of PROJECTS projects, and residents eligible to vote in it
    (one bulk insert, all with password_hash). Returns (pot id, project ids, [(e-mail, session token)])."""
    from sqlalchemy import insert

    from app.models import User
    from tests.factories import make_area, make_pot, make_proposal, make_round, make_ward

    area = make_area()
    ward = make_ward(area=area)
    round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                        voting_close_at=datetime.now(UTC) + timedelta(days=1))
    pot = make_pot(round_=round_, amount_pence=20_000_00, ballot_type="knapsack", max_choices=None)
    projects = [make_proposal(pot=pot, cost_pence=(n + 1) * 1_000_00, status="feasible", on_ballot=True).id
                for n in range(PROJECTS)]
    tag, now = secrets.token_hex(3), datetime.now(UTC)
    people = [(f"voter{n}-{tag}@example.org", secrets.token_hex(16)) for n in range(residents)]
    db.session.execute(insert(User), [
        {"email": email, "name": f"Resident {n}", "password_hash": password_hash, "ward_id": ward.id,
         "date_of_birth": date(1980, 1, 1), "preferred_locale": "en", "email_verified_at": now,
         "session_token": token} for n, (email, token) in enumerate(people)])
    pot_id = pot.id
    db.session.commit()
    return pot_id, projects, people


def csrf_form_token(app, raw):
    """The form token Flask-WTF expects for the session's raw CSRF secret."""
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


def session_cookie(app, session_token):
    """The session cookie a sign-in would set (as after a while: not rewritten), and its CSRF form token."""
    raw = secrets.token_hex(20)
    with app.test_request_context():
        cookie = app.session_interface.get_signing_serializer(app).dumps(
            {"_user_id": session_token, "_fresh": False, "csrf_token": raw})
    return f"{app.config['SESSION_COOKIE_NAME']}={cookie}", csrf_form_token(app, raw)


def ballot_body(token, projects):
    """The ballot form as a browser posts it: cast these projects."""
    return urlencode([("csrf_token", token), ("action", "cast"), *(("project", str(p)) for p in projects)])
