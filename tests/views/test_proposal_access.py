"""A resident's draft is theirs until they submit it: board members (of this or any other area, in area
and council-wide rounds) and officers get 404; the author reads it. Submitted proposals are public."""

import pytest

from tests.factories import make_area, make_pot, make_proposal, make_round, make_user


@pytest.fixture
def rounds(db):
    here = make_area(name="Here")
    area_round = make_round(area=here, phase="proposals", title="Here ideas")
    council_round = make_round(area=make_area(name="Council"), phase="proposals", title="Council-wide ideas")
    council_round.area_id = None  # a council-wide round has no area board
    db.session.flush()
    return {"area": area_round, "council": council_round, "here": here}


@pytest.mark.parametrize("which", ["area", "council"])
def test_a_draft_is_read_by_its_author_only(client, db, login_as, rounds, which):
    author = make_user()
    draft = make_proposal(pot=make_pot(round_=rounds[which]), author=author, status="draft", title="My idea")
    readers = {"board here": make_user(role="board", area=rounds["here"]),
               "board elsewhere": make_user(role="board", area=make_area()),
               "officer": make_user(role="officer"), "another resident": make_user()}
    db.session.commit()
    for name, user in readers.items():
        login_as(user)
        assert client.get(f"/proposals/{draft.id}").status_code == 404, name
    login_as(author)
    page = client.get(f"/proposals/{draft.id}")
    assert page.status_code == 200 and "My idea" in page.get_data(as_text=True)


def test_once_submitted_everyone_reads_it(client, db, login_as, rounds):
    submitted = make_proposal(pot=make_pot(round_=rounds["council"]), status="submitted", title="Sent idea")
    elsewhere = make_user(role="board", area=make_area())
    db.session.commit()
    assert client.get(f"/proposals/{submitted.id}").status_code == 200
    login_as(elsewhere)
    assert client.get(f"/proposals/{submitted.id}").status_code == 200


def test_a_hidden_proposal_of_a_council_wide_round_is_not_for_any_board(client, db, login_as, rounds):
    hidden = make_proposal(pot=make_pot(round_=rounds["council"]), status="feasible", hidden=True)
    board = make_user(role="board", area=rounds["here"])
    officer = make_user(role="officer")
    db.session.commit()
    login_as(board)
    assert client.get(f"/proposals/{hidden.id}").status_code == 404
    login_as(officer)
    assert client.get(f"/proposals/{hidden.id}").status_code == 200


def test_a_board_member_is_not_the_board_of_no_area(db, rounds):
    member = make_user(role="board", area=rounds["here"])
    assert member.has_role("board") and member.has_role("board", area_id=rounds["here"].id)
    assert not member.has_role("board", area_id=None)


def test_an_officer_cannot_open_a_draft_for_review(client, db, login_as, rounds):
    draft = make_proposal(pot=make_pot(round_=rounds["area"]), status="draft", title="Half-written idea")
    db.session.commit()
    login_as(make_user(role="officer"))
    assert client.get(f"/officer/proposals/{draft.id}/review").status_code == 404
