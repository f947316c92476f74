"""After voting opens, the officer's round and pot forms refuse frozen changes, store nothing and audit the try."""

from datetime import UTC, datetime, timedelta

import pytest

from app.form_fields import LONDON
from app.models import AuditEntry, Pot, Round
from tests.factories import make_area, make_pot, make_round, make_user, make_ward

REFUSED = "Voting has opened, so this can no longer be changed"


@pytest.fixture
def voting_round(db):
    """A round in voting (opened yesterday) with one pot over two wards, and an officer signed in to run it."""
    area = make_area(name="Chells & Manor")
    chells, manor = make_ward(name="Chells", area=area), make_ward(name="Manor", area=area)
    now = datetime.now(UTC)
    round_ = make_round(area=area, phase="voting", wards=[chells, manor], proposals_open_at=now - timedelta(days=30),
                        proposals_close_at=now - timedelta(days=10), voting_open_at=now - timedelta(days=1),
                        voting_close_at=now + timedelta(days=7))
    pot = make_pot(round_=round_, wards=[chells, manor], max_choices=3, counting_rule="greedy", completion="add1u")
    officer = make_user(role="officer", ward=chells)
    db.session.commit()
    return round_, pot, officer, (chells, manor)


def _pot_form(pot, wards, **changes):
    data = {"name": pot.name, "instructions": "", "amount": "40000", "min_project_cost": "", "max_project_cost": "",
            "wards": [str(w.id) for w in wards], "ballot_type": "approval", "max_choices": "3", "total_points": "",
            "max_points_per_project": "", "counting_rule": "greedy", "completion": "add1u"}
    return dict(data, **changes)


def _london(value):
    return value.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def _round_form(round_, wards, **changes):
    data = {"title": round_.title, "description": round_.description, "area": str(round_.area_id),
            "wards": [str(w.id) for w in wards], "languages": list(round_.languages),
            "proposals_open_at": _london(round_.proposals_open_at),
            "proposals_close_at": _london(round_.proposals_close_at),
            "voting_open_at": _london(round_.voting_open_at), "voting_close_at": _london(round_.voting_close_at),
            "min_age": "", "require_verified_email": "y"}
    return dict(data, **changes)


def _refusals(db):
    return db.session.query(AuditEntry).filter_by(action="round.change_refused").all()


def _pot_settings(db, pot_id):
    db.session.expire_all()
    pot = db.session.get(Pot, pot_id)
    return (pot.amount_pence, pot.ballot_type, pot.max_choices, pot.counting_rule, pot.completion,
            sorted(w.id for w in pot.wards))


@pytest.mark.parametrize(("change", "refused_field", "label"), [
    ({"counting_rule": "mes-cost"}, "counting_rule", "Counting rule"),
    ({"max_choices": "5"}, "max_choices", "Most projects a resident may choose"),
    ({"amount": "50000"}, "amount_pence", "Amount (£)"),
    ("drop a ward", "ward_ids", "Wards whose residents may propose and vote"),
])
def test_pot_change_after_voting_opened_is_refused_and_audited(client, db, login_as, voting_round, change,
                                                               refused_field, label):
    round_, pot, officer, (chells, manor) = voting_round
    before = _pot_settings(db, pot.id)
    data = _pot_form(pot, [chells]) if change == "drop a ward" else _pot_form(pot, [chells, manor], **change)
    login_as(officer)

    response = client.post(f"/officer/rounds/{round_.id}/pots/{pot.id}/edit", data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"{REFUSED}: {label}" in page.replace("&amp;", "&")
    assert _pot_settings(db, pot.id) == before
    [entry] = _refusals(db)
    assert (entry.actor_id, entry.target, entry.details["fields"]) == (officer.id, f"pot:{pot.id}", [refused_field])


def test_resaving_the_pot_unchanged_after_voting_opened_is_not_refused(client, db, login_as, voting_round):
    round_, pot, officer, wards = voting_round
    login_as(officer)
    response = client.post(f"/officer/rounds/{round_.id}/pots/{pot.id}/edit",
                           data=_pot_form(pot, wards, name="Community grants 2026"))
    assert response.status_code == 302
    assert db.session.get(Pot, pot.id).name == "Community grants 2026"
    assert _refusals(db) == []


def test_round_area_cannot_change_after_voting_opened(client, db, login_as, voting_round):
    round_, pot, officer, wards = voting_round
    other_area = make_area(name="Bedwell")
    db.session.commit()
    original_area = round_.area_id
    login_as(officer)

    response = client.post(f"/officer/rounds/{round_.id}/edit", data=_round_form(round_, wards, area=str(other_area.id)))

    assert response.status_code == 400
    assert f"{REFUSED}: Area." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Round, round_.id).area_id == original_area
    [entry] = _refusals(db)
    assert (entry.actor_id, entry.target, entry.details["fields"]) == (officer.id, f"round:{round_.id}", ["area_id"])


def test_round_cannot_be_made_whole_council_after_voting_opened(client, db, login_as, voting_round):
    round_, pot, officer, wards = voting_round
    login_as(officer)
    response = client.post(f"/officer/rounds/{round_.id}/edit", data=_round_form(round_, wards, area=""))
    assert response.status_code == 400 and REFUSED in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Round, round_.id).area_id is not None
    assert [e.details["fields"] for e in _refusals(db)] == [["area_id"]]


@pytest.mark.parametrize(("change", "refused_field"), [
    ({"min_age": "16"}, "min_age"),
    ({"require_verified_email": ""}, "require_verified_email"),
    ("extend voting by a day", "voting_close_at"),
    ("drop a ward", "ward_ids"),
])
def test_who_may_vote_and_when_cannot_change_after_voting_opened(client, db, login_as, voting_round, change,
                                                                 refused_field):
    round_, pot, officer, (chells, manor) = voting_round
    stored_close = round_.voting_close_at
    if change == "extend voting by a day":
        data = _round_form(round_, [chells, manor], voting_close_at=_london(stored_close + timedelta(days=1)))
    elif change == "drop a ward":
        data = _round_form(round_, [chells])
    else:
        data = _round_form(round_, [chells, manor], **change)
    login_as(officer)

    response = client.post(f"/officer/rounds/{round_.id}/edit", data=data)

    assert response.status_code == 400 and REFUSED in response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(Round, round_.id)
    assert (saved.min_age, saved.require_verified_email, saved.voting_close_at, len(saved.wards)) == (
        None, True, stored_close, 2)
    assert [e.details["fields"] for e in _refusals(db)] == [[refused_field]]


def test_round_title_can_still_be_corrected_after_voting_opened(client, db, login_as, voting_round):
    """The stored times carry seconds; the form sends minutes. That is no change to the voting dates."""
    round_, pot, officer, wards = voting_round
    stored = (round_.voting_open_at, round_.voting_close_at)
    assert stored[0].second or stored[0].microsecond  # the factory's times are not on the minute
    login_as(officer)

    response = client.post(f"/officer/rounds/{round_.id}/edit",
                           data=_round_form(round_, wards, title="Chells & Manor community grants 2026/27"))

    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(Round, round_.id)
    assert saved.title == "Chells & Manor community grants 2026/27"
    assert (saved.voting_open_at, saved.voting_close_at) == stored
    assert _refusals(db) == []
