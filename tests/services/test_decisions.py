"""Decision records: drafted by the board, confirmed by two distinct present members without an interest,
then locked; corrections are new records; awards stay within the pot; every step is audited."""

from datetime import date

import pytest

from app.models import AuditEntry, DecisionRecord
from app.services import decisions
from app.services.decisions import DecisionRefused
from tests.factories import make_user
from tests.support.results_scenarios import Scenario


@pytest.fixture
def s(db):
    return Scenario(phase="decision")


def codes(excinfo):
    return excinfo.value.codes


def test_a_draft_records_the_meeting_and_each_outcome(db, s):
    record_ = s.draft(declarations=[(s.members[2].id, s.garden.id, "Lives next door")])
    assert record_.status == "draft" and record_.meeting_date == date(2026, 11, 30)
    assert {a.user_id for a in record_.attendance} == {m.id for m in s.members}
    assert [(d.user_id, d.proposal_id) for d in record_.declarations] == [(s.members[2].id, s.garden.id)]
    assert {i.proposal_id: (i.outcome, i.amount_pence) for i in record_.items} == {
        s.garden.id: ("confirm", 6_000_00), s.bench.id: ("confirm", 1_500_00), s.lights.id: ("reject", 0)}
    entry = db.session.query(AuditEntry).filter_by(action="decision.create").one()
    assert entry.target == f"decision:{record_.id}" and entry.details["items"][str(s.lights.id)] == ["reject", 0]


def test_two_distinct_members_lock_the_record_and_publish_the_round(db, s):
    record_ = s.draft()
    decisions.confirm(db.session, s.members[0], record_)
    assert record_.status == "draft" and s.round.phase == "decision"
    with pytest.raises(DecisionRefused) as again:
        decisions.confirm(db.session, s.members[0], record_)
    assert codes(again) == ["already_confirmed"]
    decisions.confirm(db.session, s.members[1], record_)
    assert record_.status == "confirmed" and record_.confirmed_at is not None
    assert s.round.phase == "published"
    actions = [(e.action, e.actor_label) for e in db.session.query(AuditEntry).order_by(AuditEntry.id)][-5:]
    assert actions == [("decision.confirm", s.members[0].email), ("decision.confirm", s.members[1].email),
                       ("decision.lock", s.members[1].email), ("round.phase", s.members[1].email),
                       ("audit.publish_head", s.members[1].email)]  # the head the public sees from now on


def test_a_member_who_declared_an_interest_cannot_confirm(db, s):
    record_ = s.draft(declarations=[(s.members[2].id, s.garden.id, "Chairs the garden group")])
    with pytest.raises(DecisionRefused) as refused:
        decisions.confirm(db.session, s.members[2], record_)
    assert codes(refused) == ["declared_interest"]


def test_only_present_members_of_this_board_confirm(db, s):
    record_ = s.draft(present=s.members[:2])
    with pytest.raises(DecisionRefused) as absent:
        decisions.confirm(db.session, s.members[2], record_)
    assert codes(absent) == ["not_present"]
    outsider = make_user(role="board")  # sits on another area's board
    with pytest.raises(DecisionRefused) as other_board:
        decisions.confirm(db.session, outsider, record_)
    assert codes(other_board) == ["not_a_member", "not_present"]


def test_an_inquorate_meeting_cannot_be_confirmed(db, s):
    record_ = s.draft(present=s.members[:2], quorum=3)
    with pytest.raises(DecisionRefused) as refused:
        decisions.confirm(db.session, s.members[0], record_)
    assert codes(refused) == ["no_quorum"]
    assert record_.confirmations == []


def test_a_locked_record_cannot_be_edited_or_confirmed_again(db, s):
    record_ = s.decide_and_confirm()
    with pytest.raises(DecisionRefused) as edit:
        decisions.save_record(db.session, s.members[0], s.round, record_, meeting_date=date(2026, 12, 1), quorum=2,
                              present_ids=[m.id for m in s.members], declarations=[], items=s.items())
    assert codes(edit) == ["locked"]
    with pytest.raises(DecisionRefused) as confirm:
        decisions.confirm(db.session, s.members[2], record_)
    assert codes(confirm) == ["locked"]
    assert record_.meeting_date == date(2026, 11, 30)


def test_a_correction_is_a_new_record_that_supersedes_the_old_one_once_confirmed(db, s):
    original = s.decide_and_confirm()
    correction = s.draft(lights=("fund", 2_500_00, "Highways withdrew; the board funds part of the lights."))
    assert correction.id != original.id and correction.supersedes_id == original.id
    assert decisions.published_record(db.session, s.round) == original  # the public sees the confirmed one
    assert decisions.current_record(db.session, s.round) == correction
    decisions.confirm(db.session, s.members[1], correction)
    decisions.confirm(db.session, s.members[2], correction)
    assert decisions.published_record(db.session, s.round) == correction
    assert original.status == "confirmed" and s.round.phase == "published"
    assert db.session.query(DecisionRecord).count() == 2


def test_editing_a_draft_clears_confirmations(db, s):
    record_ = s.draft()
    decisions.confirm(db.session, s.members[0], record_)
    decisions.save_record(db.session, s.members[1], s.round, record_, meeting_date=date(2026, 12, 1), quorum=2,
                          present_ids=[m.id for m in s.members], declarations=[], items=s.items())
    assert record_.confirmations == [] and record_.status == "draft"


def test_awards_cannot_exceed_the_pot(db, s):
    with pytest.raises(DecisionRefused) as refused:
        s.draft(lights=("fund", 5_000_00, "Very popular"))
    assert "over_pot" in codes(refused)
    assert db.session.query(DecisionRecord).count() == 0


def test_the_board_may_fund_an_unselected_project_with_the_money_left(db, s):
    record_ = s.draft(lights=("fund", 2_500_00, "Part-funds the lights; the council pays the rest."))
    assert decisions.awarded(record_) == {s.pot.id: 10_000_00}


def test_every_selected_project_needs_an_outcome_and_reasons_are_required(db, s):
    with pytest.raises(DecisionRefused) as missing:
        s.draft(bench=(None, 0, ""))
    assert ("missing_outcome", s.bench.id) in [(p.code, p.values.get("proposal_id")) for p in missing.value.problems]
    with pytest.raises(DecisionRefused) as reason:
        s.draft(garden=("defer", 0, ""))
    assert ("reason_required", s.garden.id) in [(p.code, p.values.get("proposal_id")) for p in reason.value.problems]


def test_no_record_before_the_count_has_handed_over(db):
    s = Scenario(phase="counting")
    with pytest.raises(DecisionRefused) as refused:
        s.draft()
    assert codes(refused) == ["not_in_decision"]
