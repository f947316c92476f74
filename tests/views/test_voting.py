"""The resident's ballot pages: who may see them, casting and changing in any language, the running total
without JavaScript, bad input that stores nothing, the receipt check, and secrecy across every staff page."""

import difflib
import os
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from app.models import Ballot, Participation, ProposalTranslation
from app.services import voting as voting_service
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support import page_text
from tests.support.ballots import ballot_choices

EXAMPLES = int(os.environ.get("NB_FUZZ_EXAMPLES", "40"))
# A summer close always in the future, so the fixture never expires (British Summer Time: 21:00 UTC is 22:00).
CLOSE_YEAR = datetime.now(UTC).year + 3


@pytest.fixture
def world(app, db):
    area = make_area(name="Chells")
    ward = make_ward(area=area, name="Chells Manor", postcodes=["FL1 1AA"])
    round_ = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(hours=1),
                        voting_close_at=datetime(CLOSE_YEAR, 7, 1, 21, 0, tzinfo=UTC))
    pot = make_pot(round_=round_, name="Community grants", amount_pence=10_000_00, ballot_type="knapsack",
                   max_choices=None)
    garden = make_proposal(pot=pot, title="Community garden", cost_pence=6_000_00, status="feasible",
                           on_ballot=True)
    lights = make_proposal(pot=pot, title="Park lights", cost_pence=5_000_00, status="feasible", on_ballot=True)
    bench = make_proposal(pot=pot, title="Memorial bench", cost_pence=3_000_00, status="feasible", on_ballot=True)
    not_on_ballot = make_proposal(pot=pot, title="Rejected skate park", cost_pence=1_000_00, status="not_feasible")
    resident = make_user(ward=ward, name="Ada Voter", postcode="FL1 1AA")
    db.session.commit()
    return {"round": round_, "pot": pot, "garden": garden, "lights": lights, "bench": bench,
            "not_on_ballot": not_on_ballot, "resident": resident, "ward": ward, "area": area,
            "url": f"/voting/pots/{pot.id}"}


def committed(db, cast):
    voting_service.refuse_after_close(db.session, cast)
    db.session.commit()
    return cast.code


def _counts(db):
    return db.session.query(Participation).count(), db.session.query(Ballot).count()


def _receipt(html):
    return re.search(r'id="receipt-code">([A-Z0-9-]+)<', html).group(1)


# Who may do what ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/voting/", "/voting/pots/{pot}"])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, path):
    response = client.get(path.format(pot=world["pot"].id))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_anonymous_visitors_cannot_cast(client, db, world):
    response = client.post(world["url"], data={"action": "cast", "project": str(world["garden"].id)})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert _counts(db) == (0, 0)


def test_anyone_may_check_a_receipt(client, world):
    assert client.get("/voting/receipt").status_code == 200


@pytest.mark.parametrize("phase", ["draft", "proposals", "review"])
def test_a_ballot_before_voting_opens_does_not_exist(client, db, login_as, world, phase):
    world["round"].phase = phase
    db.session.commit()
    login_as(world["resident"])
    assert client.get(world["url"]).status_code == 404
    assert client.post(world["url"], data={"action": "cast", "project": str(world["garden"].id)}).status_code == 404
    assert _counts(db) == (0, 0)


@pytest.mark.parametrize("phase", ["counting", "decision", "published"])
def test_after_voting_the_ballot_says_it_has_closed_and_stores_nothing(client, db, login_as, world, phase):
    world["round"].phase = phase
    db.session.commit()
    login_as(world["resident"])
    page = client.get(world["url"]).get_data(as_text=True)
    assert "Voting in this round has closed." in page and "Cast my vote" not in page
    response = client.post(world["url"], data={"action": "cast", "project": str(world["garden"].id)})
    assert response.status_code == 400 and "Your ballot was not stored." in response.get_data(as_text=True)
    assert _counts(db) == (0, 0)


@pytest.mark.parametrize("who, reason", [
    ("other_ward", "This pot is for residents of other wards."),
    ("unverified", "Confirm your e-mail address before you take part."),
])
def test_an_ineligible_resident_is_told_why_and_cannot_cast(client, db, login_as, world, who, reason):
    person = make_user() if who == "other_ward" else make_user(ward=world["ward"], verified=False)
    db.session.commit()
    login_as(person)
    page = client.get(world["url"]).get_data(as_text=True)
    assert reason in page and "Cast my vote" not in page
    response = client.post(world["url"], data={"action": "cast", "project": str(world["garden"].id)})
    assert response.status_code == 400 and reason in response.get_data(as_text=True)
    assert _counts(db) == (0, 0)


def test_a_missing_csrf_token_is_refused_and_stores_nothing(client, db, login_as, world):
    login_as(world["resident"])
    response = client.post(world["url"], data={"action": "cast", "project": str(world["garden"].id)}, csrf=False)
    assert response.status_code == 400
    assert _counts(db) == (0, 0)


# The ballot page -----------------------------------------------------------------------------------------------

def test_the_index_lists_only_pots_the_resident_can_vote_in_and_says_when_they_have_voted(client, db, login_as,
                                                                                          world):
    login_as(world["resident"])
    assert "Vote now" in client.get("/voting/").get_data(as_text=True)
    client.post(world["url"], data={"action": "cast", "project": str(world["garden"].id)})
    page = client.get("/voting/").get_data(as_text=True)
    assert "You have voted" in page and "Change your vote" in page


def test_the_ballot_shows_each_project_in_the_residents_language_with_cost_and_ward(client, db, login_as, world):
    db.session.add(ProposalTranslation(proposal_id=world["garden"].id, locale="cy", title="Gardd gymunedol",
                                       summary="Gardd i bawb yn y gymdogaeth.", source_hash="0" * 64))
    welsh = make_user(ward=world["ward"], locale="cy")
    db.session.commit()
    login_as(welsh)
    page = client.get(world["url"]).get_data(as_text=True)
    assert '<html lang="cy"' in page
    assert "Gardd gymunedol" in page and "Gardd i bawb yn y gymdogaeth." in page
    assert page_text.label(page, f'project-{world["lights"].id}') == ("Park lights", "en")  # not translated yet
    assert "£6,000" in page and "£5,000" in page and world["garden"].ward.name in page
    assert "Rejected skate park" not in page  # only feasible proposals on the ballot


def test_update_total_recomputes_on_the_server_without_storing(client, db, login_as, world):
    login_as(world["resident"])
    response = client.post(world["url"], data={"action": "update",
                                               "project": [str(world["garden"].id), str(world["bench"].id)]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Total cost of your choices: £9,000 / £10,000" in page_text.text(page)
    assert page.count(" checked") == 2  # the choices are kept
    assert _counts(db) == (0, 0)


def test_an_over_budget_ballot_is_explained_and_stores_nothing(client, db, login_as, world):
    login_as(world["resident"])
    response = client.post(world["url"], data={"action": "cast",
                                               "project": [str(world["garden"].id), str(world["lights"].id)]})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    # The error summary links to the first project's tick box; the same sentence is beside the list.
    assert "There is a problem" in page and f'href="#project-{world["garden"].id}"' in page
    assert page_text.text(page).count("Your choices cost £11,000, which is more than the £10,000 in the pot.") == 2
    assert _counts(db) == (0, 0)


def test_the_error_summary_is_translated(client, db, login_as, world):
    welsh = make_user(ward=world["ward"], locale="cy")
    db.session.commit()
    login_as(welsh)
    response = client.post(world["url"], data={"action": "cast"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" not in page
    assert "Choose at least one project before you vote." not in page
    assert "Mae problem" in page_text.text(page) and "Dewiswch o leiaf un prosiect cyn i chi bleidleisio." in page


def test_cast_confirm_change_and_check_the_receipt(app, client, db, login_as, world):
    login_as(world["resident"])
    response = client.post(world["url"], data={"action": "cast", "project": str(world["garden"].id)})
    # Post/Redirect/Get: the cast answers with a redirect to its confirmation, so a reload never casts again.
    assert response.status_code == 303 and response.headers["Location"] == world["url"] + "/recorded"
    response = client.get(response.headers["Location"])
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Your vote is in the ballot box" in page
    assert response.headers["Cache-Control"] == "no-store"
    # The close, 21:00 UTC on 1 July, is shown in UK time (British Summer Time).
    assert re.search(rf"You can change your vote until 1 July {CLOSE_YEAR}, 22:00 \(UK time\)\. "
                     r"If you change it, only your latest vote will count\.", page)
    first = _receipt(page)
    assert _receipt(client.get(world["url"] + "/recorded").get_data(as_text=True)) == first  # a reload shows it
    # The session cookie (signed, but readable by whoever holds it) carries the code only sealed under the
    # round's key: the code itself is nowhere in it.
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is None or first not in str(app.session_interface.get_signing_serializer(app).loads(cookie.value))

    ballot_page = client.get(world["url"]).get_data(as_text=True)
    assert first not in ballot_page
    assert "Only your latest vote counts." in ballot_page and "Change my vote" in ballot_page
    response = client.post(world["url"], data={"action": "cast",
                                               "project": [str(world["lights"].id), str(world["bench"].id)]},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your new vote has replaced your earlier vote." in page
    second = _receipt(page)
    assert _counts(db) == (1, 1)
    assert ballot_choices(db.session) == [[world["lights"].id, world["bench"].id]]

    checked = client.post("/voting/receipt", data={"code": second.lower()}).get_data(as_text=True)
    assert "Yes. A vote with this receipt code is in the ballot box." in checked  # not counted yet
    assert "Park lights" not in checked and "Memorial bench" not in checked  # never what the ballot says
    replaced = client.post("/voting/receipt", data={"code": first}).get_data(as_text=True)
    assert "No vote with this receipt code is in the ballot box." in replaced


def test_the_confirmation_shows_the_receipt_only_to_the_voter_in_their_own_browser(app, client, db, login_as, world):
    neighbour = make_user(ward=world["ward"], name="Ben Neighbour", postcode="FL1 1AA")
    db.session.commit()
    login_as(world["resident"])
    voted = client.post(world["url"], data={"action": "cast", "project": str(world["garden"].id)},
                        follow_redirects=True)
    receipt = _receipt(voted.get_data(as_text=True))
    confirmation = world["url"] + "/recorded"
    # Another browser of the same resident has no receipt to show: it is sent to the ballot page.
    other_browser = app.test_client()
    login_as(world["resident"], on=other_browser)
    answer = other_browser.get(confirmation)
    assert answer.status_code == 302 and answer.headers["Location"] == world["url"]
    # Someone else signing in on the voter's computer does not see it either.
    login_as(neighbour)
    answer = client.get(confirmation)
    assert answer.status_code == 302 and receipt not in answer.get_data(as_text=True)
    # Signed out, the page asks for a sign-in.
    client.post("/auth/logout")
    assert "/auth/login" in client.get(confirmation).headers["Location"]


def test_after_the_vote_is_changed_elsewhere_or_voting_closes_the_old_receipt_is_not_shown(app, client, db, login_as,
                                                                                          world):
    login_as(world["resident"])
    first = _receipt(client.post(world["url"], data={"action": "cast", "project": str(world["garden"].id)},
                                 follow_redirects=True).get_data(as_text=True))
    committed(db, voting_service.cast_online(db.session, world["resident"].id, world["pot"].id,
                                             [world["bench"].id]))  # changed through another browser
    answer = client.get(world["url"] + "/recorded")
    assert answer.status_code == 302 and first not in answer.get_data(as_text=True)
    second = _receipt(client.post(world["url"], data={"action": "cast", "project": str(world["lights"].id)},
                                  follow_redirects=True).get_data(as_text=True))
    voting_service.close_voting(db.session, world["round"])
    db.session.commit()
    answer = client.get(world["url"] + "/recorded")
    assert answer.status_code == 302 and second not in answer.get_data(as_text=True)


def test_receipt_check_needs_a_code(client, world):
    response = client.post("/voting/receipt", data={"code": ""})
    assert response.status_code == 400 and "Enter your receipt code." in response.get_data(as_text=True)


def test_ranked_ballot_uses_plain_selects_and_refuses_a_repeated_rank(client, db, login_as, world):
    world["pot"].ballot_type, world["pot"].max_choices = "ranked", 2
    db.session.commit()
    login_as(world["resident"])
    page = client.get(world["url"]).get_data(as_text=True)
    assert page_text.label(page, f'rank-{world["garden"].id}')[0] == "Community garden"
    assert f'<select class="govuk-select" id="rank-{world["garden"].id}"' in page and "draggable" not in page
    assert "Rank 2" in page and "Rank 3" not in page
    bad = client.post(world["url"], data={"action": "cast", f"rank-{world['garden'].id}": "1",
                                          f"rank-{world['lights'].id}": "1"})
    assert bad.status_code == 400 and "Each rank can only be used once." in bad.get_data(as_text=True)
    too_many = client.post(world["url"], data={"action": "cast", f"rank-{world['garden'].id}": "1",
                                               f"rank-{world['lights'].id}": "2", f"rank-{world['bench'].id}": "3"})
    assert too_many.status_code == 400 and "You chose 3." in too_many.get_data(as_text=True)
    assert _counts(db) == (0, 0)
    good = client.post(world["url"], data={"action": "cast", f"rank-{world['lights'].id}": "1",
                                           f"rank-{world['garden'].id}": "2"}, follow_redirects=True)
    assert good.status_code == 200 and 'id="receipt-code"' in good.get_data(as_text=True)
    assert ballot_choices(db.session) == [[world["lights"].id, world["garden"].id]]


def test_cumulative_ballot_shows_points_used_and_enforces_both_limits(client, db, login_as, world):
    world["pot"].ballot_type, world["pot"].total_points, world["pot"].max_points_per_project = "cumulative", 10, 6
    db.session.commit()
    login_as(world["resident"])
    total = client.post(world["url"], data={"action": "update", f"points-{world['garden'].id}": "4",
                                            f"points-{world['bench'].id}": "3"}).get_data(as_text=True)
    assert "Points used: 7 / 10" in page_text.text(total)
    for points, message in ((("7", "1"), "You can give at most 6 points to one project."),
                            (("6", "5"), "You gave 11 points. You have 10 to spread."),
                            (("-1", "2"), "Points must be whole numbers of 0 or more.")):
        response = client.post(world["url"], data={"action": "cast", f"points-{world['garden'].id}": points[0],
                                                   f"points-{world['bench'].id}": points[1]})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _counts(db) == (0, 0)
    # A problem with one project's points is beside that project's box, and the summary links to it.
    page = client.post(world["url"], data={"action": "cast", f"points-{world['garden'].id}": "7"}).get_data(as_text=True)
    assert f'href="#points-{world["garden"].id}"' in page
    assert f'aria-describedby="points-{world["garden"].id}-hint points-{world["garden"].id}-error"' in page


def test_the_ballot_says_its_rule_once_and_the_officers_own_instructions_once(client, db, login_as, world):
    world["pot"].ballot_type, world["pot"].max_choices = "approval", 2
    world["pot"].instructions = "Read about each project before you choose."
    db.session.commit()
    login_as(world["resident"])
    page = page_text.text(client.get(world["url"]).get_data(as_text=True))
    assert page.count("Choose up to 2 projects.") == 1
    assert page.count("Read about each project before you choose.") == 1


def test_approval_ballot_limits_the_number_of_choices(client, db, login_as, world):
    world["pot"].ballot_type, world["pot"].max_choices = "approval", 2
    db.session.commit()
    login_as(world["resident"])
    response = client.post(world["url"], data={"action": "cast", "project": [
        str(world["garden"].id), str(world["lights"].id), str(world["bench"].id)]})
    assert response.status_code == 400
    assert "You can choose up to 2 projects. You chose 3." in response.get_data(as_text=True)
    assert _counts(db) == (0, 0)


def test_a_project_not_on_the_ballot_cannot_be_chosen(client, db, login_as, world):
    login_as(world["resident"])
    response = client.post(world["url"], data={"action": "cast", "project": str(world["not_on_ballot"].id)})
    assert response.status_code == 400
    assert "One of your choices is not on this ballot." in response.get_data(as_text=True)
    assert _counts(db) == (0, 0)


def test_after_the_closing_time_the_ballot_is_closed(client, db, login_as, world):
    world["round"].voting_close_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    login_as(world["resident"])
    assert "Voting in this round has closed." in client.get(world["url"]).get_data(as_text=True)
    response = client.post(world["url"], data={"action": "cast", "project": str(world["garden"].id)})
    assert response.status_code == 400 and "Your ballot was not stored." in response.get_data(as_text=True)
    assert _counts(db) == (0, 0)



@pytest.mark.parametrize("how", ["closing time", "counting"])
def test_a_voter_looking_at_a_closed_ballot_is_told_it_closed_and_their_ballot_is_in_the_count(
        client, db, login_as, world, how):
    committed(db, voting_service.cast_online(db.session, world["resident"].id, world["pot"].id, [world["garden"].id]))
    if how == "counting":
        world["round"].phase = "counting"
    else:
        world["round"].voting_close_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    login_as(world["resident"])
    response = client.get(world["url"])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Voting in this round has closed." in page and "Your ballot is in the count." in page
    for stale in ("Voting closes on", "If you vote again", "was not stored", "Change my vote", "Cast my vote",
                  "There is a problem"):
        assert stale not in page, stale


def test_before_its_opening_time_the_ballot_says_voting_has_not_opened_and_stores_nothing(client, db, login_as, world):
    """A round moved to voting ahead of its opening time: the ballot must not claim voting has closed."""
    world["round"].voting_open_at = datetime.now(UTC) + timedelta(hours=2)
    db.session.commit()
    login_as(world["resident"])
    page = client.get(world["url"]).get_data(as_text=True)
    assert "Voting in this round has not opened yet." in page and "has closed" not in page
    response = client.post(world["url"], data={"action": "cast", "project": str(world["garden"].id)})
    refused = response.get_data(as_text=True)
    assert response.status_code == 400 and "Voting in this round has not opened yet." in refused
    assert "has closed" not in refused and _counts(db) == (0, 0)


def test_a_paper_voter_is_told_and_cannot_vote_online(app, client, db, login_as, world):
    officer = make_user(role="officer", ward=world["ward"])
    db.session.commit()
    with app.test_request_context():
        committed(db, voting_service.cast_paper(db.session, officer, world["resident"].id, world["pot"].id, [world["bench"].id]))
    login_as(world["resident"])
    assert "You voted on paper. Your vote is counted." in client.get("/voting/").get_data(as_text=True)
    ballot_page = client.get(world["url"]).get_data(as_text=True)
    assert "You have already voted on paper in this pot" in ballot_page and "Cast my vote" not in ballot_page
    response = client.post(world["url"], data={"action": "cast", "project": str(world["garden"].id)})
    assert response.status_code == 400
    assert "You have already voted on paper in this pot" in response.get_data(as_text=True)
    assert _counts(db) == (1, 1)
    assert ballot_choices(db.session) == [[world["bench"].id]]


# Bad input: whatever arrives, no server error and nothing stored unless the ballot is valid ------------------------

ids = st.one_of(st.integers(min_value=-2**70, max_value=2**70).map(str), st.text(max_size=30),
                st.sampled_from(["1", "2", "3", "0", "-1", "١", "1.5", "1e9", " 2 ", "９", "", "\x00"]))
values = st.one_of(st.integers(min_value=-2**70, max_value=2**70).map(str), st.text(max_size=30),
                   st.sampled_from(["", "1", "2", "10", "-3", "99999999999999999999", "٣", "NaN", "½", "²", "𝟡"]))
field_names = st.one_of(st.sampled_from(["project", "action"]), ids.map(lambda i: f"points-{i}"),
                        ids.map(lambda i: f"rank-{i}"), st.text(max_size=20))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ballot_type=st.sampled_from(["approval", "knapsack", "cumulative", "ranked"]),
       fields=st.lists(st.tuples(field_names, values), max_size=8),
       real=st.lists(st.tuples(st.sampled_from(["project", "points-", "rank-"]), st.integers(0, 2),
                               st.one_of(st.sampled_from(["1", "2", "3", "5"]), values)), max_size=4),
       action=st.sampled_from(["cast", "cast", "cast", "update", "", "delete", None]), only_real=st.booleans())
def test_the_ballot_form_survives_anything_and_stores_only_valid_ballots(client, db, login_as, world, ballot_type,
                                                                          fields, real, action, only_real):
    pot = world["pot"]
    pot.ballot_type, pot.max_choices, pot.total_points, pot.max_points_per_project = ballot_type, 2, 10, 6
    db.session.commit()
    # The ballot type changes here while voting is open, which the services refuse: drop the terms this
    # process keeps once voting has opened, as a repair script doing this would have to.
    voting_service.forget_frozen_terms()
    login_as(world["resident"])
    projects = [world["garden"].id, world["lights"].id, world["bench"].id]
    data = list(fields)
    if only_real:  # some examples carry only fields naming real projects, so that valid ballots are cast too
        data = []
    for kind, index, value in real:  # fields naming real projects, so some examples reach the rules
        data.append(("project", str(projects[index])) if kind == "project" else (f"{kind}{projects[index]}", value))
    if action is not None:
        data.append(("action", action))
    data.append(("csrf_token", client.csrf_token()))
    data = MultiDict(data)
    before = ballot_choices(db.session)
    response = client.post(world["url"], data=data, follow_redirects=True)
    cast = 'id="receipt-code"' in response.get_data(as_text=True)
    event(f"{ballot_type} {response.status_code}{' cast' if cast else ''}")
    assert response.status_code in (200, 400), response.status_code
    assert cast == bool(response.history)  # only a stored ballot redirects, to its confirmation
    assert "Traceback" not in response.get_data(as_text=True)
    participations, ballots = _counts(db)
    assert participations == ballots <= 1
    after = ballot_choices(db.session)
    if not cast:
        assert after == before  # nothing stored, nothing replaced
    else:
        [after] = after
        costs = {p.id: p.ballot_cost_pence for p in (world["garden"], world["lights"], world["bench"])}
        choices = {int(k): v for k, v in after.items()} if isinstance(after, dict) else after
        assert _within_the_pot(ballot_type, choices, costs), choices


def _within_the_pot(ballot_type, choices, costs):
    """The pot's limits in the fuzz test above, written out independently of app.domain.ballots: at most two
    projects (approval, ranked), no more than the £10,000 pot (knapsack), up to 10 points with at most 6 on
    one project (cumulative); always known projects, each at most once, and never an empty ballot."""
    if ballot_type == "cumulative":
        points = list(choices.values()) if isinstance(choices, dict) else []
        return (set(choices) <= set(costs) and all(type(p) is int and 0 <= p <= 6 for p in points)
                and 1 <= sum(points) <= 10)
    if not isinstance(choices, list) or not choices or len(set(choices)) != len(choices):
        return False
    if not set(choices) <= set(costs):
        return False
    if ballot_type == "knapsack":
        return sum(costs[c] for c in choices) <= 10_000_00
    return len(choices) <= 2


# Secrecy: no staff page pairs a resident with their choices; no count anywhere before counting -------------------

def _staff_pages(app, ids):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if rule.endpoint.split(".")[0] not in ("officer", "board", "admin", "results", "api"):
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<int:{arg}>", str(ids.get(arg, 1))).replace(f"<{arg}>", str(ids.get(arg, "cy")))
        yield path


def _visible(html):
    """The page without per-request noise (CSRF tokens, CSP nonces) so two renderings can be compared."""
    html = re.sub(r'(value|content|nonce)="[^"]{30,}"', r'\1=""', html)
    return [line.strip() for line in html.splitlines() if line.strip()]


def test_no_staff_page_pairs_a_resident_with_their_choices_or_shows_counts_before_counting(app, client, db,
                                                                                           login_as, world):
    staff = make_user(role=["officer", "board", "admin", "translator"], area=world["area"], ward=world["ward"],
                      name="Staff Member")
    voters = [make_user(ward=world["ward"], name=f"Zed Voter{n}", postcode="FL1 1AA",
                        email=f"zed.voter{n}@example.org") for n in range(4)]
    db.session.commit()
    titles = ["Community garden", "Park lights", "Memorial bench"]
    login_as(staff)

    def crawl(voter):
        pages = {}
        ids = {"round_id": world["round"].id, "pot_id": world["pot"].id, "proposal_id": world["garden"].id,
               "user_id": voter.id, "lang": "cy"}
        for path in _staff_pages(app, ids):
            response = client.get(path)
            assert response.status_code < 500, path
            pages[path] = response.get_data(as_text=True)
        search = f"/officer/rounds/{world['round'].id}/paper?name=zed&postcode=FL1+1AA"
        pages[search] = client.get(search).get_data(as_text=True)
        return pages

    before = crawl(voters[0])
    with app.test_request_context():
        for voter, choice in zip(voters, [[world["garden"].id], [world["garden"].id, world["bench"].id],
                                          [world["lights"].id]], strict=False):
            committed(db, voting_service.cast_online(db.session, voter.id, world["pot"].id, choice))
        committed(db, voting_service.cast_paper(db.session, staff, voters[3].id, world["pot"].id, [world["lights"].id]))
    for voter in voters:
        after = crawl(voter)
        assert "Already voted" in after[f"/officer/rounds/{world['round'].id}/paper?name=zed&postcode=FL1+1AA"]
        for path, html in after.items():
            text = re.sub(r"\s+", " ", html)
            for marker in (voter.name, voter.email, f"/admin/users/{voter.id}"):
                for found in re.finditer(re.escape(marker), text):
                    nearby = text[max(0, found.start() - 600):found.end() + 600]
                    assert not [t for t in titles if t in nearby], f"{path} shows {marker} near a project"
            # Nothing that changed because of the votes names a project: no per-project count anywhere.
            old, new = _visible(before.get(path, "")), _visible(html)
            changed = [line for line in difflib.ndiff(old, new) if line.startswith("+ ")]
            assert not [line for line in changed if any(t in line for t in titles)], (path, changed[:5])
    for path in (f"/results/pots/{world['pot'].id}/ballots.pb", f"/results/rounds/{world['round'].id}/results.csv",
                 f"/results/rounds/{world['round'].id}/results.json"):
        assert client.get(path).status_code == 404, path
