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
