"""Gates over every route, generated from app.url_map so that new routes are covered automatically:
access control per role (with ids of other people's and other areas' objects), CSRF on every POST,
no state change on GET, security headers on every response."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.models import DecisionRecord
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward

ROLES = ["anonymous", "resident", "other_resident", "officer", "board_here", "board_elsewhere", "translator",
         "admin"]
SKIP = {"static"}


@pytest.fixture
def world(app, db):
    here, elsewhere = make_area(name="Here"), make_area(name="Elsewhere")
    ward = make_ward(area=here, postcodes=["FL1 1AA"])
    round_ = make_round(area=here, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(days=1))
    pot = make_pot(round_=round_)
    people = {
        "resident": make_user(ward=ward, email="resident@example.org"),
        "other_resident": make_user(ward=ward, email="other@example.org"),
        "officer": make_user(role="officer", ward=ward),
        "board_here": make_user(role="board", area=here, ward=ward),
        "board_elsewhere": make_user(role="board", area=elsewhere),
        "translator": make_user(role="translator"),
        "admin": make_user(role="admin"),
    }
    proposal = make_proposal(pot=pot, author=people["resident"], status="draft")
    record = DecisionRecord(round_id=round_.id, meeting_date=date(2026, 11, 30), created_by_id=people["board_here"].id)
    db.session.add(record)
    db.session.commit()
    ids = {"round_id": round_.id, "pot_id": pot.id, "proposal_id": proposal.id, "record_id": record.id,
           "user_id": people["other_resident"].id, "grant_id": people["officer"].roles[0].id, "lang": "cy",
           "token": "not-a-token"}
    return {"people": people, "ids": ids}


def routes(app, method):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP or method not in rule.methods:
            continue
        yield rule


def build_path(rule, ids):
    values = {arg: ids.get(arg, 1) for arg in rule.arguments}
    path = rule.rule
    for arg, value in values.items():
        path = path.replace(f"<int:{arg}>", str(value)).replace(f"<{arg}>", str(value))
    return path


# The access policy, written down independently of the code: who may use each area of the product.
POLICY = {"officer": ("officer",), "admin": ("admin",), "board": ("board",), "translate": ("translator",),
          "voting": ("resident",)}
ENDPOINT_POLICY = {
    "voting.receipt": None,  # anyone can check a receipt code
    "auth.account": ("resident",), "auth.change_password": ("resident",), "auth.resend_verification": ("resident",),
    "proposals.mine": ("resident",), "proposals.edit": ("resident",), "proposals.withdraw": ("resident",),
}


def required_roles(app, rule):
    """Who the policy says may use the route (None: everyone), checked against what the view declares."""
    if rule.endpoint in ENDPOINT_POLICY:
        expected = ENDPOINT_POLICY[rule.endpoint]
    else:
        expected = POLICY.get(rule.endpoint.split(".")[0])
    declared = getattr(app.view_functions[rule.endpoint], "required_roles", None)
    assert declared == expected, f"{rule.endpoint} declares {declared}, the policy says {expected}"
    return expected


def login(client, person):
    with client.session_transaction() as sess:
        sess.clear()
        if person is not None:
            sess["_user_id"] = person.session_token
            sess["_fresh"] = True


def may_use(required, role):
    if required is None:
        return True
    if role == "anonymous":
        return False
    grants = {"resident": {"resident"}, "other_resident": {"resident"}, "officer": {"resident", "officer"},
              "board_here": {"resident", "board"}, "board_elsewhere": {"resident", "board"},
              "translator": {"resident", "translator"}, "admin": {"resident", "admin"}}[role]
    return bool(grants & set(required))


# Routes that narrow access further than their role decorator, with the reason.
SCOPED = {
    # Board members only see their own area's rounds and records.
    ("board.decision", "board_elsewhere"): {403},
    ("board.record", "board_elsewhere"): {403},
    ("board.confirm", "board_elsewhere"): {403},
    # A resident's own proposals: someone else's draft does not exist for other residents.
    ("proposals.edit", "other_resident"): {404},
    ("proposals.withdraw", "other_resident"): {404},
}


def snapshot(db):
    """Row counts of every table: any state change by a request shows up here."""
    counts = {}
    for table in db.metadata.sorted_tables:
        counts[table.name] = db.session.scalar(select(func.count()).select_from(table))
    db.session.rollback()
    return counts


def test_access_control_matrix_has_no_unexpected_success(app, client, db, world):
    unexpected = []
    for rule in routes(app, "GET"):
        path = build_path(rule, world["ids"])
        required = required_roles(app, rule)
        for role in ROLES:
            login(client, world["people"].get(role))
            status = client.get(path).status_code
            scoped = SCOPED.get((rule.endpoint, role))
            if status >= 500:
                unexpected.append((rule.endpoint, role, status))
            elif scoped is not None and status not in scoped:
                unexpected.append((rule.endpoint, role, status, "expected", scoped))
            elif not may_use(required, role):
                expected = 302 if role == "anonymous" else 403
                if status != expected:
                    unexpected.append((rule.endpoint, role, status, "expected", expected))
    assert unexpected == []


def test_post_routes_refuse_people_without_the_role(app, client, db, world):
    unexpected = []
    for rule in routes(app, "POST"):
        path = build_path(rule, world["ids"])
        required = required_roles(app, rule)
        for role in ROLES:
            if may_use(required, role) and (rule.endpoint, role) not in SCOPED:
                continue
            login(client, world["people"].get(role))
            before = snapshot(db)
            status = client.post(path, data={}).status_code
            expected = SCOPED.get((rule.endpoint, role)) or ({302} if role == "anonymous" else {403})
            if status not in expected or snapshot(db) != before:
                unexpected.append((rule.endpoint, role, status))
    assert unexpected == []


def test_every_post_route_rejects_missing_and_foreign_csrf_tokens(app, client, db, world):
    everyone = make_user(role=["officer", "board", "translator", "admin"], area=world["people"]["board_here"].roles[0].area)
    db.session.commit()
    accepted = []
    for rule in routes(app, "POST"):
        path = build_path(rule, world["ids"])
        login(client, everyone)
        for token in (None, "forged-token-from-another-site"):
            before = snapshot(db)
            data = {} if token is None else {"csrf_token": token}
            status = client.post(path, data=data, csrf=False).status_code
            if status != 400 or snapshot(db) != before:
                accepted.append((rule.endpoint, token, status))
    assert accepted == []


def test_no_get_changes_state(app, client, db, world):
    changed = []
    for rule in routes(app, "GET"):
        path = build_path(rule, world["ids"])
        for role in ROLES:
            login(client, world["people"].get(role))
            before = snapshot(db)
            client.get(path)
            if snapshot(db) != before:
                changed.append((rule.endpoint, role))
    assert changed == []


def test_the_gates_see_every_route(app):
    assert len(list(routes(app, "GET"))) >= 40 and len(list(routes(app, "POST"))) >= 20


def test_security_headers_on_every_response(app, client, db, world):
    missing = []
    for rule in routes(app, "GET"):
        path = build_path(rule, world["ids"])
        login(client, world["people"]["admin"])
        for base in ("http://localhost", "https://localhost"):
            response = client.get(path, base_url=base)
            headers = response.headers
            csp = headers.get("Content-Security-Policy", "")
            problems = [name for name, ok in (
                ("csp", "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp),
                ("nosniff", headers.get("X-Content-Type-Options") == "nosniff"),
                ("referrer", bool(headers.get("Referrer-Policy"))),
                ("hsts", base.startswith("http:") or "Strict-Transport-Security" in headers),
            ) if not ok]
            if problems:
                missing.append((rule.endpoint, base, problems))
    assert missing == []


def test_session_cookie_is_httponly_samesite_and_secure_in_production(tmp_path):
    from app import create_app

    production = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = production.test_client().get("/", base_url="https://localhost")
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
