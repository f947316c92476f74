from pathlib import Path

from sqlalchemy import func, select

from app.models import Area, Postcode, Proposal, Round, User, Ward
from app.services.demo import DEMO_PASSWORD, load_demo


def _counts(db):
    return [db.session.scalar(select(func.count()).select_from(model)) for model in
            (Area, Ward, Postcode, User, Round, Proposal)]


def test_demo_is_idempotent_and_has_an_account_per_role(db):
    assert load_demo(db.session) is True
    first = _counts(db)
    assert load_demo(db.session) is False
    assert _counts(db) == first
    assert first[0] == 6
    for email, role in [("resident@example.org", "resident"), ("officer@example.org", "officer"),
                        ("board@example.org", "board"), ("translator@example.org", "translator"),
                        ("admin@example.org", "admin")]:
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.has_role(role) and user.email_verified


def test_demo_accounts_can_sign_in(client, db):
    load_demo(db.session)
    db.session.commit()
    response = client.post("/auth/login", data={"email": "officer@example.org", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/officer/geography").status_code == 200


def test_demo_writes_audit_entries_for_what_it_creates_and_publishes_a_head(app, db):
    from app.models import AuditEntry
    from app.services.audit import published_heads, verify

    load_demo(db.session)
    db.session.commit()
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[0] == "demo.load" and actions[-1] == "audit.publish_head"
    assert actions.count("round.create") == 2 and actions.count("role.grant") == 6
    assert {"pot.create", "proposal.create"} <= set(actions)
    assert verify(db.session) is None and len(published_heads(db.session)) == 1
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0


ROLE_WORDS = {"resident": ("resident", None), "translator": ("translator", None), "administrator": ("admin", None),
              "council officer (contact officer for Chells & Manor)": ("officer", None),
              "ward councillor on the Chells & Manor board": ("board", "ward_councillor"),
              "chair of the Chells & Manor board": ("board", "chair"),
              "co-opted resident on the Chells & Manor board": ("board", "co_opted_resident")}


def _readme_demo_accounts():
    """The README's demo accounts table: [(email, role, ward, round title or None)]."""
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = text[text.index("Demo accounts"):text.index("In development, e-mail")]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            rows.append((cells[0].strip("`"), ROLE_WORDS[cells[1]], cells[2], None if cells[3] == "—" else cells[3]))
    return rows


def test_the_readme_lists_every_demo_account_with_where_they_live_and_what_they_can_vote_in(db):
    from app.services.voting import eligibility_problems, voting_is_open

    load_demo(db.session)
    db.session.commit()
    rows = _readme_demo_accounts()
    open_rounds = [r for r in db.session.scalars(select(Round)) if voting_is_open(r)]

    assert sorted(email for email, *_ in rows) == sorted(db.session.scalars(select(User.email)))
    assert open_rounds, "the demo has a round open for voting"
    for email, role, ward, round_title in rows:
        user = db.session.scalar(select(User).where(User.email == email))
        role, seat = role
        assert user.has_role(role) and user.ward.name == ward, email
        if seat:
            assert [g.board_role for g in user.roles] == [seat], email
        can_vote = [r.title for r in open_rounds if any(not eligibility_problems(user, r, pot) for pot in r.pots)]
        assert can_vote == ([round_title] if round_title else []), email
    assert ("resident@example.org", ("resident", None), "Bedwell", "Bedwell & Broadwater ward budgets 2026") in rows


def test_the_demo_resident_can_open_the_ballot_of_the_round_open_for_voting(client, db):
    load_demo(db.session)
    db.session.commit()
    pot = db.session.scalar(select(Round).where(Round.phase == "voting")).pots[0]

    db.session.commit()
    client.post("/auth/login", data={"email": "resident@example.org", "password": DEMO_PASSWORD})
    ballot = client.get(f"/voting/pots/{pot.id}")

    html = ballot.get_data(as_text=True)
    assert ballot.status_code == 200 and "Community fridge" in html and "residents of other wards" not in html
