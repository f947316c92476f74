"""Assisted digital: an officer or a polling helper registers a resident in person (proof of address seen,
audited), prints a slip with which the resident later takes the account over; two registrations of one person
are held for an officer to merge and cannot vote twice; paper ballots are found by name and date of birth too."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEntry, Participation, User
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support.page_text import summary_rows, visible_text

RESIDENT = {"name": "Edna Pavement", "address": "4 Mill Lane", "postcode": "fl1 1aa", "date_of_birth": "1941-03-09",
            "locale": "en", "proof_seen": "y"}
ONLINE = {"name": "edna  pavement", "email": "edna@example.org", "password": "plum orbit kettle seven",
          "postcode": "FL1 1AA", "date_of_birth": "1941-03-09", "locale": "en", "accept": "y"}


def born(day, month, year):
    """A date of birth as typed into its three boxes."""
    return {"date_of_birth-day": day, "date_of_birth-month": month, "date_of_birth-year": year}


@pytest.fixture
def world(app, db):
    area = make_area()
    ward = make_ward(area=area, postcodes=["FL1 1AA"])
    round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                        voting_close_at=datetime.now(UTC) + timedelta(days=3), require_verified_email=False)
    other_round = make_round(area=area, phase="voting", title="Another round")
    pot = make_pot(round_=round_, amount_pence=10_000_00, ballot_type="knapsack", max_choices=None)
    garden = make_proposal(pot=pot, title="Community garden", cost_pence=6_000_00, status="feasible", on_ballot=True)
    officer = make_user(role="officer", ward=ward, name="Olive Officer")
    helper = make_user(role="polling_helper", ward=ward, name="Harriet Helper", email="harriet@example.org")
    helper.roles[0].round_id = round_.id
    elsewhere = make_user(role="polling_helper", ward=ward, name="Elsewhere Helper")
    elsewhere.roles[0].round_id = other_round.id
    db.session.commit()
    return {"round": round_, "pot": pot, "garden": garden, "officer": officer, "helper": helper,
            "elsewhere": elsewhere, "ward": ward, "register": f"/officer/rounds/{round_.id}/in-person",
            "search": f"/officer/rounds/{round_.id}/paper"}


def _person(db, name="Edna Pavement"):
    return db.session.scalars(select(User).where(User.name == name).order_by(User.id)).all()


@pytest.mark.parametrize("who, status", [("officer", 200), ("helper", 200), ("elsewhere", 403), ("resident", 403)])
def test_officers_and_this_rounds_polling_helpers_register_residents(client, db, login_as, world, who, status):
    login_as(world[who] if who in world else make_user(ward=world["ward"]))
    db.session.commit()
    assert client.get(world["register"]).status_code == status
    assert client.get(world["search"]).status_code == status
    response = client.post(world["register"], data=dict(RESIDENT))
    assert response.status_code == (302 if status == 200 else status), response.get_data(as_text=True)[-3000:]
    assert len(_person(db)) == (1 if status == 200 else 0)


def test_proof_of_address_must_be_confirmed(client, db, login_as, world):
    login_as(world["officer"])
    response = client.post(world["register"], data={**RESIDENT, "proof_seen": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in page
    assert "Confirm you have seen proof of the address." in page and 'href="#proof_seen"' in page
    assert _person(db) == []


def test_a_child_is_refused_in_words_for_the_officer_not_the_resident(client, db, login_as, world):
    login_as(world["officer"])
    too_young = (date.today() - timedelta(days=365 * 5)).isoformat()
    response = client.post(world["register"], data={**RESIDENT, "date_of_birth": too_young})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Residents must be 11 or over to register." in page
    assert "You must be 11 or over" not in page and _person(db) == []


def test_a_postcode_outside_the_council_is_refused(client, db, login_as, world):
    login_as(world["officer"])
    response = client.post(world["register"], data={**RESIDENT, "postcode": "ZZ9 9ZZ"})
    assert response.status_code == 400 and "This postcode is not in the council" in response.get_data(as_text=True)


def test_registration_in_person_is_audited_with_who_did_it_and_the_resident_can_take_it_over(client, db, login_as,
                                                                                            world):
    login_as(world["helper"])
    response = client.post(world["register"], data=dict(RESIDENT), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Edna Pavement is registered." in page and "Registration slip for Edna Pavement" in page
    (edna,) = _person(db)
    assert (edna.email, edna.in_person, edna.address, edna.postcode, edna.ward_id, edna.registered_by_id) == (
        None, True, "4 Mill Lane", "FL1 1AA", world["ward"].id, world["helper"].id)
    assert edna.date_of_birth == date(1941, 3, 9)
    event = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "account.registered_in_person")).one()
    assert (event.actor_id, event.target, event.details["proof_of_address_seen"]) == (
        world["helper"].id, f"user:{edna.id}", True)

    link = re.search(r'id="claim-link">https?://[^/]+([^<]+)<', page).group(1)
    # Another helper of the round cannot print this resident's slip (it takes the account over); officers can.
    slip = f"{world['register']}/{edna.id}"
    other_helper = make_user(role="polling_helper", ward=world["ward"])
    other_helper.roles[0].round_id = world["round"].id
    db.session.commit()
    login_as(other_helper)
    assert client.get(slip).status_code == 404
    login_as(world["officer"])
    assert client.get(slip).status_code == 200
    client.get("/auth/logout")
    with client.session_transaction() as sess:
        sess.clear()
    taken = make_user(email="taken@example.org")
    db.session.commit()
    assert "Another account already uses this e-mail address" in client.post(
        link, data={"email": "Taken@example.org", "password": "plum orbit kettle seven"}).get_data(as_text=True)
    response = client.post(link, data={"email": "Edna@Example.org", "password": "plum orbit kettle seven"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/account")
    db.session.refresh(edna)
    assert edna.email == "edna@example.org" and not edna.email_verified and taken.email == "taken@example.org"
    # Spent: the link works once.
    again = client.get(link)
    assert again.status_code == 400 and "This link does not work" in again.get_data(as_text=True)
    client.get("/auth/logout")
    signed_in = client.post("/auth/login", data={"email": "edna@example.org", "password": "plum orbit kettle seven"})
    assert signed_in.status_code == 302


def test_taking_an_account_over_is_rate_limited_and_the_refused_attempt_changes_nothing(client, db, login_as, world):
    login_as(world["officer"])
    page = client.post(world["register"], data=dict(RESIDENT), follow_redirects=True).get_data(as_text=True)
    link = re.search(r'id="claim-link">https?://[^/]+([^<]+)<', page).group(1)
    client.get("/auth/logout")
    with client.session_transaction() as sess:
        sess.clear()
    statuses = [client.post(link, data={"email": "edna@example.org", "password": "short"}).status_code
                for _ in range(5)]
    assert statuses == [400] * 5
    refused = client.post(link, data={"email": "edna@example.org", "password": "plum orbit kettle seven"},
                          headers={"Accept-Language": "cy"})
    assert refused.status_code == 429 and "Gormod o ymdrechion" in refused.get_data(as_text=True)
    (edna,) = _person(db)
    db.session.refresh(edna)
    assert edna.email is None


def test_a_broken_claim_link_is_explained(client, db, world):
    response = client.get("/auth/claim/not-a-real-token")
    assert response.status_code == 400 and "This link does not work" in response.get_data(as_text=True)


def test_paper_ballot_search_finds_an_in_person_resident_by_name_and_date_of_birth(client, db, login_as, world):
    login_as(world["officer"])
    registered = client.post(world["register"], data=dict(RESIDENT))
    assert registered.status_code == 302, registered.get_data(as_text=True).split("<main")[1]
    page = client.get(world["search"], query_string={"name": "edna", **born("9", "3", "1941")}).get_data(
        as_text=True)
    assert "Edna Pavement" in page and "4 Mill Lane" in page and "Enter ballot" in page, page.split("<main")[1]
    nobody = client.get(world["search"], query_string={"name": "edna", **born("10", "3", "1941")})
    assert "Nobody with that name and date of birth is registered." in nobody.get_data(as_text=True)


@pytest.mark.parametrize(("typed", "message", "first_box"), [
    (born("31", "2", "1941"), "Date of birth must be a real date", "day"),
    (born("9", "March", "1941"), "Date of birth must be a real date", "month"),
    (born("9", "3", ""), "Date of birth must include a year", "year"),
    (born("9", "3", "41"), "Year must include 4 numbers", "year"),
])
def test_a_bad_date_of_birth_in_the_paper_ballot_search_is_explained_and_finds_no_one(client, db, login_as, world,
                                                                                     typed, message, first_box):
    login_as(world["officer"])
    assert client.post(world["register"], data=dict(RESIDENT)).status_code == 302
    response = client.get(world["search"], query_string={"name": "edna", **typed})
    page = response.get_data(as_text=True)
    summary, form = page.split('role="search"', 1)
    assert message in summary and f'href="#date_of_birth-{first_box}"' in summary
    assert "Enter a real postcode" not in page  # no postcode is fine: the date is what to fix
    assert message in form.split("Find resident")[0]  # beside the boxes too
    assert "Residents found" not in page and "Enter ballot" not in page
    for part, value in zip(("day", "month", "year"), typed.values(), strict=True):
        assert re.search(rf'name="date_of_birth-{part}"[^>]*value="{value}"', form) or not value
        assert f'name="date_of_birth-{part}"' in form and 'autocomplete="bday' not in form  # not the officer's own


def _seen(page):
    """The possible duplicates the check page showed (its hidden field), to confirm as the officer would."""
    return re.search(r'name="duplicates_seen" value="([^"]*)"', page).group(1)


def _register_anyway(client, url, data, same_as="new"):
    """Post a registration, see the possible duplicates, then say "a different person" (or which is the same)."""
    check = client.post(url, data=data)
    page = check.get_data(as_text=True)
    assert check.status_code == 200 and "Check: is this resident already registered?" in page
    return client.post(url, data={**data, "duplicates_seen": _seen(page), "same_as": same_as}, follow_redirects=True)


def test_in_person_after_online_is_held_cannot_vote_and_an_officer_merges_them(client, db, login_as, world):
    assert client.post("/auth/register", data=dict(ONLINE)).status_code == 302
    login_as(world["officer"])
    page = _register_anyway(client, world["register"], dict(RESIDENT)).get_data(as_text=True)
    assert "seems to be registered already" in page and "Enter their paper ballot" not in page
    online, in_person = _person(db, "edna  pavement") + _person(db)
    assert online.identity_key is not None and in_person.held_for_merge_with_id == online.id
    entry = f"/officer/rounds/{world['round'].id}/paper/{world['pot'].id}/{in_person.id}"
    refused = client.post(entry, data={"action": "cast", "project": str(world["garden"].id)})
    assert refused.status_code == 400 and "matches another registration" in refused.get_data(as_text=True)
    assert db.session.query(Participation).count() == 0

    merges = client.get("/officer/merges").get_data(as_text=True)
    assert "In person: 4 Mill Lane" in merges and "Online" in merges
    check = client.get(f"/officer/merges/{in_person.id}/check?action=merge").get_data(as_text=True)
    assert dict(summary_rows(check))["What will happen"].startswith("One account remains: the first.")
    assert client.post(f"/officer/merges/{in_person.id}", data={"action": "merge"}).status_code == 302
    db.session.refresh(in_person)
    db.session.refresh(online)
    assert (in_person.active, in_person.merged_into_id, in_person.held_for_merge_with_id) == (False, online.id, None)
    assert online.address == "4 Mill Lane" and online.in_person
    assert "No registrations are waiting to be merged." in client.get("/officer/merges").get_data(as_text=True)
    event = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "account.merged")).one()
    assert event.actor_id == world["officer"].id and event.details == {"merged": in_person.id}


def test_online_after_in_person_is_held_and_the_merge_gives_the_first_account_the_e_mail(client, db, login_as, world):
    login_as(world["officer"])
    client.post(world["register"], data=dict(RESIDENT))
    client.get("/auth/logout")
    with client.session_transaction() as sess:
        sess.clear()
    assert client.post("/auth/register", data=dict(ONLINE)).status_code == 302
    first, online = _person(db) + _person(db, "edna  pavement")
    assert online.held_for_merge_with_id == first.id
    login_as(online)
    cast = client.post(f"/voting/pots/{world['pot'].id}", data={"action": "cast", "project": str(world["garden"].id)})
    assert "matches another registration of the same person" in cast.get_data(as_text=True)
    assert db.session.query(Participation).count() == 0

    login_as(world["officer"])
    client.post(f"/officer/merges/{online.id}", data={"action": "merge"})
    db.session.refresh(first)
    assert first.email == "edna@example.org" and first.in_person
    login_as(first)
    voted = client.post(f"/voting/pots/{world['pot'].id}", data={"action": "cast", "project": str(world["garden"].id)},
                        follow_redirects=True)
    assert "Your vote is in the ballot box" in voted.get_data(as_text=True) and db.session.query(Participation).count() == 1


def test_different_people_with_the_same_details_can_be_kept_apart(client, db, login_as, world):
    login_as(world["officer"])
    client.post(world["register"], data=dict(RESIDENT))
    _register_anyway(client, world["register"], {**RESIDENT, "address": "9 Mill Lane"})
    first, second = _person(db)
    assert second.held_for_merge_with_id == first.id
    assert client.post(f"/officer/merges/{second.id}", data={"action": "release"}).status_code == 302
    db.session.refresh(second)
    assert second.held_for_merge_with_id is None and second.active
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "account.released")).one()


def test_the_officer_sees_possible_duplicates_by_address_and_age_group_before_anything_is_created(
        client, db, login_as, world):
    online = make_user(ward=world["ward"], name="Edna Pavement", postcode="FL1 1AA", date_of_birth=None,
                       email="edna@example.org")
    online.age_confirmed = 18
    make_user(ward=world["ward"], name="Edna Pavement", postcode="FL1 1AA", date_of_birth=date(2012, 1, 1))  # a child
    db.session.commit()
    login_as(world["officer"])
    age_group_only = {**RESIDENT, "date_of_birth": "", "age_confirmed": "18"}
    check = client.post(world["register"], data=age_group_only)
    page = check.get_data(as_text=True)
    assert check.status_code == 200 and "Check: is this resident already registered?" in page
    assert "Nothing has been stored yet." in page and "Age fits" in page and "Online" in page
    assert _seen(page) == str(online.id) and len(_person(db)) == 2  # the child is not offered; nobody was created

    # The officer says it is the same person: the new registration is held for merging with the online account.
    same = client.post(world["register"], data={**age_group_only, "duplicates_seen": str(online.id),
                                                "same_as": str(online.id)}, follow_redirects=True)
    assert "seems to be registered already" in same.get_data(as_text=True)
    held = _person(db)[-1]
    assert held.in_person and held.held_for_merge_with_id == online.id
    event = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "account.registered_in_person")).one()
    assert event.details["possible_duplicates"] == [online.id] and event.details["held_for_merge_with"] == online.id
    # The officers' merge list does not claim they share a date of birth: only the officer's judgement joined them.
    merges = visible_text(client.get("/officer/merges").get_data(as_text=True))
    assert "an officer said they were the same person" in merges and "Edna Pavement" in merges
    # A second in-person registration at the same address is a possible duplicate of the first by its address too.
    again = client.post(world["register"], data={**age_group_only, "locale": "en"}).get_data(as_text=True)
    assert "Same address" in again and "In person: 4 Mill Lane" in again
    assert len(_person(db)) == 3


def test_a_confirmation_that_did_not_see_a_newer_duplicate_shows_the_check_again(client, db, login_as, world):
    login_as(world["officer"])
    client.post(world["register"], data=dict(RESIDENT))
    page = client.post(world["register"], data={**RESIDENT, "duplicates_seen": "", "same_as": "new"})
    assert "Check: is this resident already registered?" in page.get_data(as_text=True) and len(_person(db)) == 1


def test_a_held_registration_cannot_propose_a_project_and_is_told_why(client, db, login_as, world):
    proposals_round = make_round(area=world["ward"].area, phase="proposals", title="Ideas round")
    make_pot(round_=proposals_round)
    first = make_user(ward=world["ward"], name="Edna Pavement", postcode="FL1 1AA")
    held = make_user(ward=world["ward"], name="Edna Pavement", postcode="FL1 1AA")
    db.session.commit()
    assert held.held_for_merge_with_id == first.id
    login_as(held)
    response = client.get(f"/proposals/new/{proposals_round.id}")
    assert response.status_code == 403
    assert "merge them before this account can vote or propose projects" in response.get_data(as_text=True)
    login_as(first)
    assert client.get(f"/proposals/new/{proposals_round.id}").status_code == 200


def test_merging_is_for_officers_only(client, db, login_as, world):
    login_as(world["officer"])
    client.post(world["register"], data=dict(RESIDENT))
    _register_anyway(client, world["register"], dict(RESIDENT))
    held = _person(db)[1]
    login_as(world["helper"])
    assert client.get("/officer/merges").status_code == 403
    assert client.post(f"/officer/merges/{held.id}", data={"action": "merge"}).status_code == 403
    db.session.refresh(held)
    assert held.held_for_merge_with_id is not None


def test_an_officer_names_a_polling_helper_for_one_round(client, db, login_as, world):
    volunteer = make_user(ward=world["ward"], name="Vera Volunteer", email="vera@example.org")
    db.session.commit()
    login_as(volunteer)
    assert client.get(world["register"]).status_code == 403
    login_as(world["officer"])
    helpers = f"/officer/rounds/{world['round'].id}/helpers"
    unknown = client.post(helpers, data={"email": "nobody@example.org"})
    assert unknown.status_code == 400 and "No account has this e-mail address" in unknown.get_data(as_text=True)
    page = client.post(helpers, data={"email": "VERA@example.org"}, follow_redirects=True).get_data(as_text=True)
    assert "Vera Volunteer is a polling helper for this round." in page
    event = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "role.granted")).one()
    assert event.details == {"role": "polling_helper", "round": world["round"].id}
    login_as(volunteer)
    assert client.get(world["register"]).status_code == 200
    other = db.session.scalars(select(User).where(User.id == world["elsewhere"].id)).one().roles[0].round_id
    assert client.get(f"/officer/rounds/{other}/in-person").status_code == 403
    assert client.get(helpers).status_code == 403  # helpers do not name helpers
    login_as(world["officer"])
    client.post(f"{helpers}/{volunteer.id}/remove")
    login_as(volunteer)
    assert client.get(world["register"]).status_code == 403


@pytest.mark.parametrize("phase, offered", [("voting", True), ("proposals", False), ("review", False)])
def test_paper_ballots_are_offered_only_while_the_round_is_voting(client, db, login_as, world, phase, offered):
    world["round"].phase = phase
    db.session.commit()
    login_as(world["officer"])

    register = client.get(world["register"]).get_data(as_text=True)
    slip = client.get(client.post(world["register"], data=dict(RESIDENT)).headers["Location"]).get_data(as_text=True)

    assert ("Enter a paper ballot" in visible_text(register)) is offered
    assert ("Enter their paper ballot" in visible_text(slip)) is offered


def _slip(page):
    """The printed part of the slip page: its opening tag (lang, dir) and its words."""
    found = re.search(r'(<section[^>]*claim-slip[^>]*>)(.*?)</section>', page, re.S)
    return found.group(1), visible_text(found.group(2))


def test_the_slip_is_in_the_residents_language_whatever_the_officers(client, db, login_as, world):
    login_as(world["officer"])
    page = client.post(world["register"], data={**RESIDENT, "locale": "ur"},
                       follow_redirects=True).get_data(as_text=True)

    assert '<html lang="en" dir="ltr"' in page and "Registration slip for Edna Pavement" in page  # the officer's
    assert "It is in the language they chose: اردو" in page
    opening, words = _slip(page)
    assert 'lang="ur"' in opening and 'dir="rtl"' in opening
    assert "بعد میں یہ اکاؤنٹ آن لائن استعمال کرنے کے لیے" in words and "یہ پرچی Edna Pavement کے لیے ہے۔" in words
    assert "e-mail" not in words and "/auth/claim/" in words


def test_an_officer_browsing_in_welsh_prints_an_english_slip_for_an_english_speaker(client, db, login_as, world):
    login_as(world["officer"])
    client.post("/language", data={"locale": "cy", "next": "/"})
    page = client.post(world["register"], data=dict(RESIDENT), follow_redirects=True).get_data(as_text=True)

    opening, words = _slip(page)
    assert '<html lang="cy" dir="ltr"' in page and 'lang="en"' in opening and 'dir="ltr"' in opening
    assert "To use this account online later" in words and "This slip is for Edna Pavement." in words
