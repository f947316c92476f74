"""One account per person whatever the channel, and merging the second into the first."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.domain.problems import codes
from app.models import Participation, Proposal, User
from app.services import in_person, voting
from tests.factories import make_pot, make_proposal, make_round, make_user, make_ward


def _resident(db, name, born=date(1941, 3, 9), email=None, **fields):
    user = User(name=name, email=email, password_hash="!", postcode="FL1 1AA", date_of_birth=born, **fields)
    db.session.add(user)
    db.session.flush()
    return user


def test_the_second_account_of_a_person_is_held_whatever_the_spelling(app, db):
    first = _resident(db, "Zoë O'Brien")
    second = _resident(db, "ZOE OBRIEN", email="zoe@example.org")
    other_birthday = _resident(db, "Zoe OBrien", born=date(1941, 3, 10))
    assert first.identity_key and first.held_for_merge_with_id is None
    assert second.identity_key is None and second.held_for_merge_with_id == first.id
    assert other_birthday.identity_key and other_birthday.held_for_merge_with_id is None
    assert [(held.id, kept.id) for held, kept in in_person.held_pairs(db.session)] == [(second.id, first.id)]


def _voting_pot(db):
    ward = make_ward(postcodes=["FL1 1AA"])
    round_ = make_round(phase="voting", wards=[ward], require_verified_email=False,
                        voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                        voting_close_at=datetime.now(UTC) + timedelta(days=1))
    pot = make_pot(round_=round_, ballot_type="approval", max_choices=None)
    project = make_proposal(pot=pot, status="feasible", on_ballot=True)
    return ward, pot, project, make_user(role="officer", ward=ward)


def test_a_held_account_cannot_vote_on_paper_or_online_until_merged(app, db):
    ward, pot, project, officer = _voting_pot(db)
    first = _resident(db, "Edna Pavement", ward=ward, in_person=True, address="4 Mill Lane")
    online = _resident(db, "Edna Pavement", email="edna@example.org", ward=ward)
    idea = make_proposal(pot=pot, author=online, status="draft")
    db.session.commit()
    for cast in (lambda: voting.cast_online(db.session, online.id, pot.id, [project.id]),
                 lambda: voting.cast_paper(db.session, officer, online.id, pot.id, [project.id])):
        try:
            cast()
        except voting.VoteRefused as refused:
            assert refused.codes == ["held_for_merge"]
            db.session.rollback()
        else:
            raise AssertionError("a held account voted")
    try:
        voting.cast_paper_sheet(db.session, officer, pot.id, [(first.id, [project.id]), (online.id, [project.id])])
    except voting.SheetRefused as refused:
        assert {i: codes(ps) for i, ps in refused.problems.items()} == {1: ["held_for_merge"]}
    db.session.rollback()
    assert db.session.scalar(select(Participation.id)) is None  # all or nothing: the first row was not entered

    kept = in_person.merge(db.session, officer, db.session.get(User, online.id))
    db.session.commit()
    assert (kept.id, kept.email, kept.in_person) == (first.id, "edna@example.org", True)
    assert db.session.get(Proposal, idea.id).author_id == first.id
    cast = voting.cast_online(db.session, first.id, pot.id, [project.id])
    voting.refuse_after_close(db.session, cast)
    db.session.commit()
    assert db.session.scalars(select(Participation.user_id)).all() == [first.id]


def test_possible_duplicates_include_a_resident_who_gave_only_an_age_group_and_merging_keeps_the_fuller_details(
        app, db):
    from app.domain.in_person import Details

    officer = make_user(role="officer")
    ward = make_ward(postcodes=["FL1 1AA"])
    online = _resident(db, "Edna Pavement", born=None, email="edna@example.org", age_confirmed=18)
    make_user(name="Edna Pavement", postcode="FL1 1AB")  # another postcode: another person
    details = Details("edna pavement", "FL1 1AA", "4 Mill Lane", date(1941, 3, 9))
    assert [(person, evidence) for person, evidence in in_person.possible_duplicates(db.session, details)] == [
        (online, ["name_and_postcode", "age_group"])]
    walk_in = in_person.register(db.session, officer, name="Edna Pavement", address="4 Mill Lane", postcode="FL1 1AA",
                                 ward_id=ward.id, date_of_birth=date(1941, 3, 9), age_confirmed=None, locale="en",
                                 same_as=online, duplicates_seen=[online.id])
    assert walk_in.held_for_merge_with_id == online.id and walk_in.identity_key is None
    kept = in_person.merge(db.session, officer, walk_in)
    assert kept is online and (kept.email, kept.address, kept.date_of_birth) == (
        "edna@example.org", "4 Mill Lane", date(1941, 3, 9))
    # The merged account now holds the identity: a third registration of Edna is held against it at once.
    assert _resident(db, "EDNA PAVEMENT").held_for_merge_with_id == online.id


def test_a_sheet_is_checked_row_by_row_and_entered_all_or_nothing(app, db):
    ward, pot, project, officer = _voting_pot(db)
    _resident(db, "Ada Ash", ward=ward)
    db.session.commit()
    sheet = f"name,postcode,date_of_birth,choices\nAda Ash,FL1 1AA,1941-03-09,{project.id}\n"
    stranger = sheet + f"Zed Nobody,FL1 1AA,1950-01-09,{project.id}\n"
    refused = in_person.check_sheet(db.session, officer, pot, stranger, store=True)
    assert [codes(row.problems) for row in refused.rows] == [[], ["not_on_register"]] and refused.entered is None
    assert in_person.check_sheet(db.session, officer, pot, sheet).entered == 1
    assert db.session.query(Participation).count() == 0  # checking stores nothing
    assert in_person.check_sheet(db.session, officer, pot, sheet, store=True).entered == 1
    db.session.commit()
    assert db.session.query(Participation).count() == 1
    assert codes(in_person.check_sheet(db.session, officer, pot, "name,choices\n").problems) == ["no_header"]


def test_voters_are_found_by_name_and_show_only_whether_they_voted(app, db):
    ward, pot, project, officer = _voting_pot(db)
    ada = _resident(db, "Ada Ash", ward=ward)
    _resident(db, "Ada_Birch", ward=ward, born=date(1950, 1, 1))
    db.session.commit()
    voting.cast_paper(db.session, officer, ada.id, pot.id, [project.id])
    found = in_person.find_voters(db.session, [pot], "ADA", postcode="FL1 1AA")
    assert [(person.name, voted) for person, voted in found] == [("Ada Ash", {pot.id: True}),
                                                                 ("Ada_Birch", {pot.id: False})]
    assert in_person.find_voters(db.session, [pot], "a%h") == []  # "%" is a character, not a wildcard
    assert in_person.find_voters(db.session, [pot], "ada", date_of_birth=date(1960, 1, 1)) == []
    assert [p.name for p, _ in in_person.find_voters(db.session, [pot], "a_b")] == ["Ada_Birch"]
