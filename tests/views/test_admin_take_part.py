"""Staff see why a resident is refused: for each round taking proposals or votes, each pot and the rule that
says no (ward, age, e-mail, held for a merge, suspended), in the words the resident reads; admins on the person's
page, officers too."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.problems import Problem
from app.problem_messages import message
from tests.factories import make_area, make_pot, make_round, make_user, make_ward
from tests.support.page_text import summary_rows, text

WRONG_WARD = "This pot is for residents of other wards."
TOO_YOUNG = "This pot is for residents above a minimum age on the voting day, and you are younger."


def _voting_round(area, **fields):
    now = datetime.now(UTC)
    return make_round(area=area, phase="voting", title="Bedwell grants", proposals_open_at=now - timedelta(days=30),
                      proposals_close_at=now - timedelta(days=20), voting_open_at=now - timedelta(days=1),
                      voting_close_at=now + timedelta(days=10), **fields)


def _page(client, person):
    return client.get(f"/admin/users/{person.id}").get_data(as_text=True)


def test_the_admin_sees_which_rule_refuses_a_resident_in_each_pot(client, db, login_as):
    area = make_area()
    bedwell, chells = make_ward(name="Bedwell", area=area), make_ward(name="Chells", area=area)
    round_ = _voting_round(area, min_age=16)
    make_pot(round_, name="Bedwell pot", wards=[bedwell])
    make_pot(round_, name="Chells pot", wards=[chells])
    teenager = make_user(name="Tia Young", ward=chells, date_of_birth=date.today().replace(year=date.today().year - 14))
    login_as(make_user(role="admin"))
    db.session.commit()

    page = _page(client, teenager)

    assert "Can they take part?" in page
    assert WRONG_WARD in text(page) and TOO_YOUNG in text(page)


def test_a_resident_who_may_vote_is_shown_yes_and_their_vote_once_cast(client, db, login_as):
    from app.services import voting as voting_service
    from tests.factories import make_proposal

    area = make_area()
    ward = make_ward(name="Shephall", area=area)
    pot = make_pot(_voting_round(area), name="Shephall pot", wards=[ward])
    project = make_proposal(pot=pot, status="feasible", on_ballot=True)
    voter = make_user(ward=ward)
    login_as(make_user(role="admin"))
    db.session.commit()
    assert dict(summary_rows(_page(client, voter)))["Shephall pot"] == "Yes"

    cast = voting_service.cast_online(db.session, voter.id, pot.id, [project.id])
    voting_service.refuse_after_close(db.session, cast)
    db.session.commit()

    assert "They have voted online in this pot." in _page(client, voter)


def test_unconfirmed_email_is_named_and_paper_is_still_possible(client, db, login_as):
    area = make_area()
    ward = make_ward(area=area)
    make_pot(_voting_round(area), wards=[ward])
    person = make_user(ward=ward, verified=False)
    login_as(make_user(role="admin"))
    db.session.commit()

    page = _page(client, person)

    assert "Confirm your e-mail address before you take part." in text(page)
    assert "An officer can still enter a paper ballot for them." in page


def test_held_for_merge_and_suspended_accounts_say_so(client, db, login_as):
    area = make_area()
    ward = make_ward(area=area)
    make_pot(_voting_round(area), wards=[ward])
    first = make_user(ward=ward)
    held = make_user(ward=ward)
    suspended = make_user(ward=ward)
    db.session.flush()
    held.held_for_merge_with_id = first.id
    suspended.active = False
    login_as(make_user(role="admin"))
    db.session.commit()

    assert "This account matches another registration of the same person." in text(_page(client, held))
    assert "This account is suspended, so it cannot take part." in text(_page(client, suspended))


def test_a_round_taking_proposals_uses_the_same_rule(client, db, login_as):
    area = make_area()
    ward, other = make_ward(name="Roebuck", area=area), make_ward(name="Pin Green", area=area)
    make_pot(make_round(area=area, phase="proposals", wards=[ward]), wards=[ward])
    person = make_user(ward=other)
    login_as(make_user(role="admin"))
    db.session.commit()

    page = _page(client, person)

    assert "proposals" in page
    assert WRONG_WARD in text(page)


def test_an_officer_finds_a_resident_and_sees_the_rule(client, db, login_as):
    area = make_area()
    ward = make_ward(area=area)
    make_pot(_voting_round(area, min_age=18), wards=[ward])
    person = make_user(name="Olu Officer-Search", ward=ward, date_of_birth=None)
    login_as(make_user(role="officer"))
    db.session.commit()

    found = client.get("/admin/take-part", query_string={"q": "officer-search"}).get_data(as_text=True)
    assert f"/admin/take-part/{person.id}" in found
    page = client.get(f"/admin/take-part/{person.id}").get_data(as_text=True)

    assert "This pot has a minimum age and we do not know yours." in text(page)


@pytest.mark.parametrize("role, status", [("resident", 403), ("board", 403), ("translator", 403),
                                          ("officer", 200), ("admin", 200)])
def test_only_officers_and_admins_may_look(client, db, login_as, role, status):
    person = make_user()
    login_as(make_user(role=role))
    db.session.commit()

    assert client.get(f"/admin/take-part/{person.id}").status_code == status
    assert client.get("/admin/take-part", query_string={"q": "x"}).status_code == status


def test_a_search_with_percent_signs_matches_them_literally(client, db, login_as):
    make_user(name="Ann 100% Real")
    make_user(name="Bob Other")
    login_as(make_user(role="officer"))
    db.session.commit()

    page = client.get("/admin/take-part", query_string={"q": "%"}).get_data(as_text=True)

    assert "Ann 100% Real" in page and "Bob Other" not in page


def test_a_merged_account_says_so_above_the_reasons(client, db, login_as):
    area = make_area()
    ward = make_ward(area=area)
    make_pot(_voting_round(area), wards=[ward])
    kept, merged = make_user(ward=ward), make_user(ward=ward)
    db.session.flush()
    merged.merged_into_id, merged.active = kept.id, False
    login_as(make_user(role="admin"))
    db.session.commit()

    assert "Merged: this account was merged into another account" in text(_page(client, merged))


@pytest.mark.parametrize("case", ["wrong_ward", "too_young", "age_unknown", "email_not_verified"])
def test_staff_read_the_same_reason_as_the_resident_on_their_ballot(client, db, login_as, case):
    area = make_area()
    home, elsewhere = make_ward(name="Bedwell", area=area), make_ward(name="Chells", area=area)
    pot = make_pot(_voting_round(area, min_age=16), name="Bedwell pot", wards=[home])
    pot.round.require_verified_email = True
    resident = make_user(ward=elsewhere if case == "wrong_ward" else home, verified=case != "email_not_verified",
                         date_of_birth={"too_young": date.today() - timedelta(days=365 * 14),
                                        "age_unknown": None}.get(case, date(1980, 5, 17)))
    admin = make_user(role="admin")
    db.session.commit()

    login_as(resident)
    on_the_ballot = text(client.get(f"/voting/pots/{pot.id}").get_data(as_text=True))
    login_as(admin)
    for_staff = text(_page(client, resident))

    with client.application.test_request_context():
        words = message(Problem(case))
    assert words in on_the_ballot and words in for_staff
