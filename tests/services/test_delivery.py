"""Delivery records: opened for every confirmed award when the board's record locks, changed by officers
(and by the proposer's group only when allowed), every change audited, photos cleaned and kept in the
database, and a correction that withdraws an award takes the project off the delivery pages."""

import io
from datetime import date

import pytest
from PIL import Image

from app.models import AuditEntry, Delivery, DeliveryPhoto
from app.services import delivery
from app.services.delivery import DeliveryRefused
from tests.factories import make_user
from tests.support.photos import GPS_IFD, HTML_PRETENDING, jpeg_with_gps
from tests.support.results_scenarios import Scenario


@pytest.fixture
def s(db):
    return Scenario(phase="published")


def codes(excinfo):
    return [p.code for p in excinfo.value.problems]


def test_every_confirmed_award_gets_a_not_started_record_when_the_board_locks_its_decision(db, s):
    awards = delivery.round_awards(db.session, s.round)
    assert [(a.proposal.title, a.amount_pence, a.status) for a in awards] == [
        ("Bench", 1_500_00, "not_started"), ("Garden", 6_000_00, "not_started")]
    assert {d.proposal_id for d in db.session.query(Delivery)} == {s.garden.id, s.bench.id}
    assert delivery.award_for(db.session, s.lights.id) is None  # rejected: nothing to deliver


def test_an_officer_changes_status_date_and_money_and_it_is_audited(db, s):
    award = delivery.award_for(db.session, s.garden.id)
    delivery.change(db.session, s.officer, award, status="at_risk", target_date=date(2027, 3, 31),
                    spent_pence=2_500_00, proposer_may_update=True)
    award = delivery.award_for(db.session, s.garden.id)
    assert (award.status, award.target_date, award.spent_pence, award.proposer_may_update) == (
        "at_risk", date(2027, 3, 31), 2_500_00, True)
    entry = db.session.query(AuditEntry).filter_by(action="delivery.change").one()
    assert entry.target == f"proposal:{s.garden.id}" and entry.actor_label == s.officer.email
    assert entry.details["changed"]["status"] == ["not_started", "at_risk"]
    assert entry.details["changed"]["spent_pence"] == [0, 2_500_00]


def test_spending_more_than_the_award_is_refused_and_nothing_changes(db, s):
    award = delivery.award_for(db.session, s.bench.id)
    with pytest.raises(DeliveryRefused) as refused:
        delivery.change(db.session, s.officer, award, status="on_track", target_date=None,
                        spent_pence=1_500_01, proposer_may_update=False)
    assert codes(refused) == ["over_award"]
    assert award.spent_pence == 0 and db.session.query(AuditEntry).filter_by(action="delivery.change").count() == 0


def test_milestones_are_added_and_audited(db, s):
    award = delivery.award_for(db.session, s.garden.id)
    delivery.add_milestone(db.session, s.officer, award, title="Beds dug", due_date=date(2027, 2, 1))
    delivery.add_milestone(db.session, s.officer, award, title="Order plants", due_date=date(2027, 1, 10))
    assert [m.title for m in delivery.award_for(db.session, s.garden.id).milestones] == ["Order plants", "Beds dug"]
    assert db.session.query(AuditEntry).filter_by(action="delivery.milestone").count() == 2


def test_the_proposer_posts_only_once_the_officer_allows_it(db, s):
    proposer = s.garden.author
    award = delivery.award_for(db.session, s.garden.id)
    with pytest.raises(PermissionError):
        delivery.post_update(db.session, proposer, award, body="We started")
    with pytest.raises(PermissionError):
        delivery.post_update(db.session, make_user(), award, body="Not my project")
    delivery.change(db.session, s.officer, award, status="on_track", target_date=None, spent_pence=0,
                    proposer_may_update=True)
    update = delivery.post_update(db.session, proposer, award, body="We started")
    assert update.by_proposer and update.author_id == proposer.id
    entry = db.session.query(AuditEntry).filter_by(action="delivery.update").one()
    assert entry.details == {"update": update.id, "photo": None, "by_proposer": True}


def test_a_photo_is_stored_in_the_database_without_its_gps_position(db, s):
    award = delivery.award_for(db.session, s.garden.id)
    update = delivery.post_update(db.session, s.officer, award, body="Planted", photo_bytes=jpeg_with_gps(),
                                  photo_alt="Volunteers planting")
    stored = db.session.get(DeliveryPhoto, update.photo.id)
    with Image.open(io.BytesIO(stored.data)) as image:
        assert image.format == "JPEG" and not image.getexif().get_ifd(GPS_IFD) and not image.getexif()
    assert delivery.photo(db.session, stored.id) is stored


def test_a_web_page_renamed_as_a_photo_is_refused(db, s):
    award = delivery.award_for(db.session, s.garden.id)
    with pytest.raises(DeliveryRefused) as refused:
        delivery.post_update(db.session, s.officer, award, body="Planted", photo_bytes=HTML_PRETENDING,
                             photo_alt="A photo")
    assert codes(refused) == ["photo_not_an_image"]
    assert db.session.query(DeliveryPhoto).count() == 0


def test_at_risk_or_late_awards_and_area_lists(db, s):
    garden = delivery.award_for(db.session, s.garden.id)
    bench = delivery.award_for(db.session, s.bench.id)
    delivery.change(db.session, s.officer, garden, status="on_track", target_date=date(2026, 1, 1),
                    spent_pence=0, proposer_may_update=False)
    today = date(2026, 12, 3)
    awards = delivery.area_awards(db.session, s.area.id)
    assert [a.proposal.title for a in awards if a.at_risk_or_late(today)] == ["Garden"]
    assert bench.light(today) == "grey" and delivery.award_for(db.session, s.garden.id).light(today) == "red"
    assert delivery.area_awards(db.session, s.area.id + 999) == []


def test_a_correction_that_withdraws_an_award_takes_it_off_the_delivery_pages(db, s):
    from app.services import decisions

    correction = s.draft(bench=("reject", 0, "Found another funder."))
    decisions.confirm(db.session, s.members[0], correction)
    decisions.confirm(db.session, s.members[1], correction)
    assert [a.proposal.title for a in delivery.round_awards(db.session, s.round)] == ["Garden"]
