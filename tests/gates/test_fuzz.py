"""Hypothesis fuzzing of the forms residents and officers fill in: no server error, no unescaped payload,
no stack trace, whatever is typed."""

import os
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import Ballot, Participation
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward

EXAMPLES = int(os.environ.get("NB_FUZZ_EXAMPLES", "40"))
PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "'; DROP TABLE ballot; --",
            "\x00\x07\x1b[31m", "٠١٢", "9" * 40, "-1", "1e309", "ǅ" * 3000, "{{7*7}}", "%(x)s"]
text = st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=300))


@pytest.fixture
def ballot_world(app, db, login_as):
    area = make_area()
    ward = make_ward(area=area)
    round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1))
    pot = make_pot(round_=round_, ballot_type="cumulative", total_points=10, max_points_per_project=5)
    projects = [make_proposal(pot=pot, cost_pence=1000_00, status="feasible", on_ballot=True) for _ in range(3)]
    resident = make_user(ward=ward)
    db.session.commit()
    return {"pot": pot, "projects": [p.id for p in projects], "resident": resident}


def _clean(response, payload_values):
    html = response.get_data(as_text=True)
    assert response.status_code < 500, html[-500:]
    assert "Traceback" not in html
    for value in payload_values:
        if isinstance(value, str) and "<script>" in value:
            assert "<script>alert(1)</script>" not in html


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.one_of(st.sampled_from(["points-1", "points-2", "points-3", "project", "rank-1",
                                                         "action"]), text), text, max_size=6),
       action=st.sampled_from(["cast", "update", ""]))
def test_ballot_form_survives_anything(client, db, login_as, ballot_world, fields, action):
    login_as(ballot_world["resident"])
    data = dict(fields, action=action)
    before = db.session.query(Ballot).count()
    response = client.post(f"/voting/pots/{ballot_world['pot'].id}", data=data)
    _clean(response, data.values())
    if response.status_code not in (302, 303):  # 303: a stored ballot's redirect to its confirmation
        assert db.session.query(Ballot).count() == before
        assert db.session.query(Participation).count() == before


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=text, email=text, password=text, postcode=text, dob=text, age=text, locale=text)
def test_registration_form_survives_anything(client, db, name, email, password, postcode, dob, age, locale):
    data = {"name": name, "email": email, "password": password, "postcode": postcode, "date_of_birth": dob,
            "age_confirmed": age, "locale": locale, "accept": "y"}
    response = client.post("/auth/register", data=data)
    _clean(response, data.values())


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=text, summary=text, cost=text, amount=text, outcome=text)
def test_officer_forms_survive_anything(client, db, login_as, ballot_world, title, summary, cost, amount, outcome):
    officer = make_user(role="officer")
    db.session.commit()
    login_as(officer)
    round_id = ballot_world["pot"].round_id
    for path, data in (
        ("/officer/rounds/new", {"title": title, "description": summary, "area": amount, "wards": [cost],
                                 "proposals_open_at": cost, "voting_close_at": amount, "min_age": amount}),
        (f"/officer/rounds/{round_id}/pots/new", {"name": title, "amount": amount, "max_choices": cost,
                                                   "ballot_type": outcome, "wards": [amount]}),
        (f"/officer/proposals/{ballot_world['projects'][0]}/review", {"outcome": outcome, "reason": summary,
                                                                       "adjusted_cost": cost}),
        (f"/officer/rounds/{round_id}/phase", {"target": outcome}),
    ):
        _clean(client.post(path, data=data), data.values())
