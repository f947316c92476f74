"""Residents' proposals (draft, submit, edit, withdraw, the deadline) and officers' review, merge and moderation."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.problems import Problem
from app.models import AuditEntry, Proposal
from app.services.proposals import ProposalRefused, merge, moderate, review, save_proposal, withdraw
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward

NOW = datetime.now(UTC)


@pytest.fixture
def world(db):
    area = make_area()
    ward = make_ward(area=area)
    round_ = make_round(area=area, phase="proposals")
    pot = make_pot(round_=round_, amount_pence=40_000_00, min_project_cost_pence=500_00,
                   max_project_cost_pence=10_000_00)
    resident = make_user(ward=ward)
    return {"round": round_, "pot": pot, "ward": ward, "resident": resident,
            "other": make_user(ward=ward), "officer": make_user(role="officer", ward=ward)}


def complete(ward, **overrides):
    """Every field the form sends for a complete proposal."""
    fields = {"title": "Community garden", "summary": "Raised beds for neighbours.",
              "description": "A shared garden on the green, run by the residents' association.",
              "cost_pence": 6_500_00, "cost_breakdown": "beds £4,000, tools £2,500", "ward_id": ward.id,
              "location": "Chells green", "priority": "green_spaces", "original_locale": "en", "group_name": ""}
    fields.update(overrides)
    return fields


def actions(db):
    return [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]


# Residents: draft, submit, edit

def test_a_draft_needs_only_a_title_and_stays_private(db, world):
    draft = save_proposal(db.session, world["resident"], world["pot"], title="Benches", summary="", description="",
                          cost_pence=None, cost_breakdown="", priority="")
    assert draft.status == "draft" and draft.submitted_at is None
    assert draft.author_id == world["resident"].id and draft.cost_pence == 0


def test_submitting_makes_a_complete_proposal_wait_for_review(db, world):
    proposal = save_proposal(db.session, world["resident"], world["pot"], submit=True, **complete(world["ward"]))
    assert proposal.status == "submitted" and proposal.submitted_at is not None
    assert (proposal.cost_pence, proposal.priority, proposal.round_id) == (6_500_00, "green_spaces",
                                                                          world["round"].id)


def test_an_incomplete_or_too_dear_proposal_is_refused_and_stores_nothing(db, world):
    with pytest.raises(ProposalRefused) as refused:
        save_proposal(db.session, world["resident"], world["pot"], submit=True,
                      **complete(world["ward"], summary="", cost_pence=12_000_00))
    assert refused.value.problems == [Problem("required", "summary"), Problem("above_maximum", "cost")]
    db.session.rollback()
    assert db.session.query(Proposal).count() == 0


def test_the_author_edits_a_submitted_proposal_and_it_stays_submitted(db, world):
    proposal = make_proposal(pot=world["pot"], author=world["resident"], status="submitted")
    save_proposal(db.session, world["resident"], world["pot"], proposal, **complete(world["ward"], title="Bigger"))
    assert proposal.title == "Bigger" and proposal.status == "submitted"


def test_a_needs_changes_proposal_goes_back_for_review_when_resubmitted(db, world):
    proposal = make_proposal(pot=world["pot"], author=world["resident"], status="needs_changes")
    save_proposal(db.session, world["resident"], world["pot"], proposal, submit=True, **complete(world["ward"]))
    assert proposal.status == "submitted"


def test_nobody_edits_another_residents_proposal(db, world):
    proposal = make_proposal(pot=world["pot"], author=world["resident"], title="Theirs")
    with pytest.raises(ProposalRefused) as refused:
        save_proposal(db.session, world["other"], world["pot"], proposal, **complete(world["ward"], title="Mine"))
    assert refused.value.codes == ["not_yours"] and proposal.title == "Theirs"


@pytest.mark.parametrize(("status", "phase"), [("feasible", "proposals"), ("not_feasible", "proposals"),
                                               ("withdrawn", "proposals"), ("merged", "proposals"),
                                               ("submitted", "review"), ("draft", "voting")])
def test_a_decided_proposal_or_a_closed_round_is_not_editable(db, world, status, phase):
    proposal = make_proposal(pot=world["pot"], author=world["resident"], status=status, title="As it was")
    world["round"].phase = phase
    with pytest.raises(ProposalRefused) as refused:
        save_proposal(db.session, world["resident"], world["pot"], proposal, **complete(world["ward"]))
    assert refused.value.codes == ["not_editable"] and proposal.title == "As it was"


def test_an_account_held_for_merging_cannot_propose_until_an_officer_merges_or_releases_it(db, world):
    world["resident"].held_for_merge_with_id = world["other"].id
    db.session.flush()
    with pytest.raises(ProposalRefused) as refused:
        save_proposal(db.session, world["resident"], world["pot"], submit=True, **complete(world["ward"]))
    assert refused.value.codes == ["held_for_merge"] and db.session.query(Proposal).count() == 0
    world["resident"].held_for_merge_with_id = None  # released: different people after all
    assert save_proposal(db.session, world["resident"], world["pot"], submit=True, **complete(world["ward"])).id


def test_no_new_proposal_once_the_round_left_the_proposals_phase(db, world):
    world["round"].phase = "review"
    with pytest.raises(ProposalRefused) as refused:
        save_proposal(db.session, world["resident"], world["pot"], **complete(world["ward"]))
    assert refused.value.codes == ["proposals_closed"]


# The deadline is the date, even before cron (or an officer) moves the round out of the proposals phase

@pytest.fixture
def closed(db, world):
    world["round"].proposals_close_at = NOW - timedelta(minutes=1)
    assert world["round"].phase == "proposals"
    return world


def test_no_new_proposal_after_the_close(db, closed):
    with pytest.raises(ProposalRefused) as refused:
        save_proposal(db.session, closed["resident"], closed["pot"], submit=True, **complete(closed["ward"]))
    assert refused.value.codes == ["proposals_closed"]


def test_no_edit_after_the_close(db, closed):
    proposal = make_proposal(pot=closed["pot"], author=closed["resident"], status="draft", title="As it was")
    with pytest.raises(ProposalRefused) as refused:
        save_proposal(db.session, closed["resident"], closed["pot"], proposal, submit=True,
                      **complete(closed["ward"]))
    assert refused.value.codes == ["not_editable"]
    assert (proposal.title, proposal.status) == ("As it was", "draft")


def test_no_withdrawal_after_the_close(db, closed):
    proposal = make_proposal(pot=closed["pot"], author=closed["resident"], status="submitted")
    with pytest.raises(ProposalRefused) as refused:
        withdraw(db.session, closed["resident"], proposal)
    assert refused.value.codes == ["not_editable"] and proposal.status == "submitted"


def test_up_to_the_last_moment_before_the_close_is_still_open(db, world):
    close = world["round"].proposals_close_at
    proposal = save_proposal(db.session, world["resident"], world["pot"], submit=True,
                             now=close - timedelta(seconds=1), **complete(world["ward"]))
    assert proposal.status == "submitted"
    with pytest.raises(ProposalRefused):
        save_proposal(db.session, world["resident"], world["pot"], proposal, now=close, **complete(world["ward"]))


# Withdraw

def test_the_author_withdraws_and_the_proposal_leaves_the_ballot_list(db, world):
    proposal = make_proposal(pot=world["pot"], author=world["resident"], status="submitted", on_ballot=True)
    withdraw(db.session, world["resident"], proposal)
    assert proposal.status == "withdrawn" and proposal.on_ballot is False


def test_nobody_withdraws_another_residents_proposal(db, world):
    proposal = make_proposal(pot=world["pot"], author=world["resident"], status="submitted")
    with pytest.raises(ProposalRefused) as refused:
        withdraw(db.session, world["other"], proposal)
    assert refused.value.codes == ["not_yours"] and proposal.status == "submitted"


def test_a_reviewed_proposal_cannot_be_withdrawn(db, world):
    proposal = make_proposal(pot=world["pot"], author=world["resident"], status="feasible")
    with pytest.raises(ProposalRefused) as refused:
        withdraw(db.session, world["resident"], proposal)
    assert refused.value.codes == ["not_editable"]


# Officers: review

def test_feasible_with_an_adjusted_cost_keeps_the_original_and_is_audited(db, world):
    proposal = make_proposal(pot=world["pot"], author=world["resident"], cost_pence=6_500_00)
    with pytest.raises(ProposalRefused) as refused:
        review(db.session, world["officer"], proposal, "feasible", adjusted_cost_pence=7_000_00)
    assert refused.value.codes == ["cost_reason_required"]  # a changed cost needs a reason for the proposer
    review(db.session, world["officer"], proposal, "feasible", adjusted_cost_pence=7_000_00,
           cost_reason="Surfacing costs more than quoted.")
    assert proposal.status == "feasible" and proposal.cost_change_reason == "Surfacing costs more than quoted."
    assert (proposal.cost_pence, proposal.adjusted_cost_pence, proposal.ballot_cost_pence) == (6_500_00, 7_000_00,
                                                                                              7_000_00)
    entry = db.session.query(AuditEntry).filter_by(action="proposal.review").one()
    assert entry.actor_label == world["officer"].email and entry.target == f"proposal:{proposal.id}"
    assert entry.details == {"outcome": "feasible", "adjusted_cost_pence": 7_000_00,
                             "cost_change_reason": "Surfacing costs more than quoted."} and entry.created_at


def test_an_adjusted_cost_equal_to_the_estimate_is_no_adjustment(db, world):
    proposal = make_proposal(pot=world["pot"], author=world["resident"], cost_pence=6_500_00)
    review(db.session, world["officer"], proposal, "feasible", adjusted_cost_pence=6_500_00)
    assert proposal.adjusted_cost_pence is None


@pytest.mark.parametrize("outcome", ["not_feasible", "needs_changes"])
def test_not_feasible_and_needs_changes_need_a_reason(db, world, outcome):
    proposal = make_proposal(pot=world["pot"], author=world["resident"])
    with pytest.raises(ProposalRefused) as refused:
        review(db.session, world["officer"], proposal, outcome, reason="   ")
    assert refused.value.codes == ["reason_required"] and proposal.status == "submitted"
    assert "proposal.review" not in actions(db)


def test_the_not_feasible_reason_is_shown_to_the_proposer_and_publicly(db, world):
    proposal = make_proposal(pot=world["pot"], author=world["resident"])
    review(db.session, world["officer"], proposal, "not_feasible", reason=" The land is not the council's. ")
    assert proposal.status == "not_feasible"
    assert proposal.status_reason == proposal.officer_message == "The land is not the council's."


def test_review_refuses_drafts_bad_costs_and_rounds_whose_voting_opened(db, world):
    draft = make_proposal(pot=world["pot"], author=world["resident"], status="draft")
    with pytest.raises(ProposalRefused) as refused:
        review(db.session, world["officer"], draft, "feasible")
    assert refused.value.codes == ["not_reviewable"]
    proposal = make_proposal(pot=world["pot"], author=world["resident"])
    with pytest.raises(ProposalRefused) as refused:
        review(db.session, world["officer"], proposal, "feasible", adjusted_cost_pence=0)
    assert refused.value.codes == ["bad_cost"]
    world["round"].phase = "voting"
    with pytest.raises(ProposalRefused) as refused:
        review(db.session, world["officer"], proposal, "feasible")
    assert refused.value.codes == ["review_closed"] and proposal.status == "submitted"


# Officers: merge

def test_merging_a_duplicate_takes_it_off_the_ballot_list_and_is_audited(db, world):
    into = make_proposal(pot=world["pot"], title="Community garden")
    duplicate = make_proposal(pot=world["pot"], title="Garden on the green", on_ballot=True)
    merge(db.session, world["officer"], duplicate, into)
    assert (duplicate.status, duplicate.merged_into_id, duplicate.on_ballot) == ("merged", into.id, False)
    entry = db.session.query(AuditEntry).filter_by(action="proposal.merge").one()
    assert entry.actor_label == world["officer"].email and entry.target == f"proposal:{duplicate.id}"
    assert entry.details == {"into": into.id}


def test_merge_refuses_itself_another_pot_and_rounds_whose_voting_opened(db, world):
    proposal = make_proposal(pot=world["pot"])
    elsewhere = make_proposal(pot=make_pot(round_=world["round"], name="Young people's fund"))
    for duplicate, into in ((proposal, proposal), (proposal, elsewhere)):
        with pytest.raises(ProposalRefused) as refused:
            merge(db.session, world["officer"], duplicate, into)
        assert refused.value.codes == ["cannot_merge"]
    world["round"].phase = "voting"
    with pytest.raises(ProposalRefused) as refused:
        merge(db.session, world["officer"], proposal, make_proposal(pot=world["pot"]))
    assert refused.value.codes == ["review_closed"]
    assert proposal.status == "submitted" and "proposal.merge" not in actions(db)


# Officers: moderate

def test_hiding_needs_a_reason_takes_it_off_the_ballot_list_and_is_audited(db, world):
    proposal = make_proposal(pot=world["pot"], status="feasible", on_ballot=True)
    with pytest.raises(ProposalRefused) as refused:
        moderate(db.session, world["officer"], proposal, hide=True, reason=" ")
    assert refused.value.codes == ["hide_reason_required"] and proposal.hidden is False
    moderate(db.session, world["officer"], proposal, hide=True, reason="Names a neighbour's address")
    assert proposal.hidden and proposal.hidden_reason == "Names a neighbour's address" and not proposal.on_ballot
    moderate(db.session, world["officer"], proposal, hide=False)
    assert proposal.hidden is False and proposal.hidden_reason == ""
    assert actions(db) == ["proposal.hide", "proposal.unhide"]


@pytest.mark.parametrize("phase", ["voting", "counting", "decision", "published"])
@pytest.mark.parametrize("hide", [True, False])
def test_once_voting_opened_moderation_is_refused_and_the_refusal_audited(db, world, phase, hide):
    """The ballot is frozen: hiding a project voters were shown (or showing one they were not) is refused."""
    proposal = make_proposal(pot=world["pot"], status="feasible", on_ballot=True, hidden=not hide,
                             hidden_reason="" if hide else "Personal data")
    world["round"].phase = phase
    with pytest.raises(ProposalRefused) as refused:
        moderate(db.session, world["officer"], proposal, hide=hide, reason="Personal data")
    assert refused.value.problems == [Problem("frozen", "ballot")]
    assert (proposal.hidden, proposal.on_ballot) == (not hide, True)
    entry = db.session.query(AuditEntry).one()
    assert entry.action == "round.change_refused" and entry.target == f"proposal:{proposal.id}"
    assert entry.details == {"fields": ["ballot"], "change": "hide" if hide else "unhide"}
    assert entry.actor_label == world["officer"].email
