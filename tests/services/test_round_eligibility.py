"""One home for eligibility: a pot's wards stay within its round's, and the ballot, the paper register and the
proposal form all refuse a resident of a ward the round no longer covers (issue 13)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.problems import Problem, codes
from app.models import AuditEntry
from app.services import voting
from app.services.proposals import ProposalRefused, eligible_pots, save_proposal
from app.services.rounds import ChangeRefused, save_pot, save_round
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward

NOW = datetime.now(UTC)


@pytest.fixture
def world(app, db):
    area = make_area()
    kept, removed = make_ward(area=area, name="Chells"), make_ward(area=area, name="Manor")
    round_ = make_round(area=area, phase="proposals", wards=[kept, removed])
    pot = make_pot(round_=round_, wards=[kept, removed])
    officer = make_user(role="officer", ward=kept)
    db.session.commit()
    with app.test_request_context():
        yield {"area": area, "kept": kept, "removed": removed, "round": round_, "pot": pot, "officer": officer,
               "neighbour": make_user(ward=removed)}


def remove_ward(db, world):
    save_round(db.session, world["officer"], world["round"], council_id=world["round"].council_id,
               ward_ids=[world["kept"].id])
    db.session.commit()


def test_removing_a_ward_from_the_round_removes_it_from_its_pots_and_says_so_in_the_audit_log(db, world):
    remove_ward(db, world)
    assert [w.name for w in world["pot"].wards] == ["Chells"]
    entry = db.session.query(AuditEntry).filter_by(action="pot.update").one()
    assert entry.details["removed_ward_ids"] == [world["removed"].id]


def test_a_resident_of_the_removed_ward_can_no_longer_propose(db, world):
    assert eligible_pots(world["round"], world["neighbour"]) == [world["pot"]]
    remove_ward(db, world)
    assert eligible_pots(world["round"], world["neighbour"]) == []
    with pytest.raises(ProposalRefused) as refused:
        save_proposal(db.session, world["neighbour"], world["pot"], title="Benches", summary="", description="",
                      cost_pence=None, cost_breakdown="", priority="")
    assert refused.value.codes == ["wrong_ward"]


def test_removing_a_pots_only_ward_is_refused_with_the_pots_name(db, world):
    second = make_pot(round_=world["round"], name="Youth fund", wards=[world["removed"]])
    db.session.commit()
    with pytest.raises(ChangeRefused) as refused:
        remove_ward(db, world)
    assert refused.value.problems == [Problem("pot_without_wards", "wards", {"pot": "Youth fund"})]
    db.session.rollback()
    assert {w.name for w in world["round"].wards} == {"Chells", "Manor"} and second.wards == [world["removed"]]


def test_a_pot_may_not_cover_a_ward_its_round_does_not(db, world):
    elsewhere = make_ward(area=make_area(), name="Old Town")
    with pytest.raises(ChangeRefused) as refused:
        save_pot(db.session, world["officer"], world["round"], world["pot"], ward_ids=[world["kept"].id, elsewhere.id],
                 name="Community grants")
    assert refused.value.codes == ["wards_outside_round"]
    with pytest.raises(ChangeRefused):
        save_pot(db.session, world["officer"], world["round"], ward_ids=[elsewhere.id], name="New", amount_pence=1_00)


def test_a_pot_left_listing_a_ward_the_round_dropped_does_not_let_its_residents_vote(db, world):
    """The bug as reproduced in the browser: rows written before the rule (or by hand) still list the ward."""
    round_ = make_round(area=world["area"], phase="voting", wards=[world["kept"]],
                        voting_open_at=NOW - timedelta(hours=1), voting_close_at=NOW + timedelta(days=1))
    pot = make_pot(round_=round_, wards=[world["kept"], world["removed"]])
    project = make_proposal(pot=pot, status="feasible", on_ballot=True, author=make_user(ward=world["kept"]))
    db.session.commit()
    assert codes(voting.eligibility_problems(world["neighbour"], round_, pot)) == ["wrong_ward"]
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_online(db.session, world["neighbour"].id, pot.id, [project.id])
    assert refused.value.codes == ["wrong_ward"]
    db.session.rollback()
    with pytest.raises(voting.VoteRefused) as refused:
        voting.cast_paper(db.session, world["officer"], world["neighbour"].id, pot.id, [project.id])
    assert refused.value.codes == ["wrong_ward"]
    db.session.rollback()
    resident = make_user(ward=world["kept"])
    db.session.commit()
    cast = voting.cast_online(db.session, resident.id, pot.id, [project.id])
    voting.refuse_after_close(db.session, cast)
    db.session.commit()
