"""An area's own priorities: its board members and officers manage the list; residents see it on the proposal
form, and the results and "You said, we did" pages show the money awarded per priority."""

import re

import pytest

from app.models import AuditEntry, Priority
from app.services import priorities as priority_service
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support import page_text
from tests.support.results_scenarios import Scenario


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def area(db):
    area = make_area(name="Chells")
    make_ward(area=area)
    return area


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 302), ("resident", 403), ("other board", 403),
                                               ("translator", 403), ("own board", 200), ("officer", 200)])
def test_only_the_areas_board_and_officers_manage_its_priorities(client, db, login_as, area, who, expected):
    user = {"anonymous": None, "resident": make_user(), "translator": make_user(role="translator"),
            "other board": make_user(role="board", area=make_area(name="Bedwell")),
            "own board": make_user(role="board", area=area), "officer": make_user(role="officer")}[who]
    db.session.commit()
    if user is not None:
        login_as(user)
    url = f"/board/areas/{area.id}/priorities"
    assert client.get(url).status_code == expected
    assert client.post(url, data={"label_en": "Dog walking", "action": "save"}).status_code in (
        {302} if expected == 200 else {expected})
    assert db.session.query(Priority).count() == (7 if expected == 200 else 0)


def test_the_council_wide_list_is_for_officers_only(client, db, login_as, area):
    member = make_user(role="board", area=area)
    db.session.commit()
    login_as(member)
    assert client.get("/board/priorities/council").status_code == 403
    login_as(make_user(role="officer"))
    assert "Priorities for council-wide rounds" in text(client.get("/board/priorities/council"))


def test_a_board_member_adds_renames_and_retires_and_residents_see_the_list_on_the_form(client, db, login_as,
                                                                                         area):
    member = make_user(role="board", area=area)
    resident = make_user(ward=area.wards[0])
    welsh_resident = make_user(ward=area.wards[0], locale="cy")
    round_ = make_round(area=area, phase="proposals")
    make_pot(round_=round_)
    db.session.commit()
    login_as(member)
    url = f"/board/areas/{area.id}/priorities"
    assert "Parks and green spaces" in text(client.get(url))
    response = client.post(url, data={"label_en": "Walking and cycling", "label_cy": "Cerdded a beicio",
                                      "action": "save"})
    assert response.status_code == 302
    assert "Priority added." in text(client.get(url))
    edit = text(client.get(url + "?code=health"))
    assert 'value="Health and wellbeing"' in edit and "Rename a priority" in edit
    assert client.post(url, data={"code": "health", "label_en": "Health", "action": "save"}).status_code == 302
    assert client.post(url, data={"code": "older_people", "action": "retire"}).status_code == 302
    assert [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)] == [
        "priority.added", "priority.renamed", "priority.retired"]

    login_as(resident)
    form = text(client.get(f"/proposals/new/{round_.id}"))
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', form.split('id="priority"')[1]
                         .split("</select>")[0])
    assert ("walking_and_cycling", "Walking and cycling") in options and ("health", "Health") in options
    assert "older_people" not in [value for value, _ in options]
    login_as(welsh_resident)
    welsh = text(client.get(f"/proposals/new/{round_.id}"))
    assert "Cerdded a beicio" in welsh and "Parciau a mannau gwyrdd" in welsh
    # renamed in English only: said so (whatever the order of the option's attributes)
    assert re.search(r'<option(?=[^>]*lang="en")(?=[^>]*value="health")[^>]*>\s*Health\s*</option>', welsh)


def test_errors_are_summarised_and_nothing_is_saved(client, db, login_as, area):
    login_as(make_user(role="officer"))
    url = f"/board/areas/{area.id}/priorities"
    response = client.post(url, data={"label_en": "young people", "action": "save"})
    page = text(response)
    assert response.status_code == 400
    assert "There is a problem" in page and 'href="#label_en"' in page
    assert "This list already has a priority with that name." in page
    response = client.post(url, data={"label_en": "", "label_cy": "Rhywbeth", "action": "save"})
    assert response.status_code == 400 and "Enter the priority&#39;s name in English." in text(response)
    assert db.session.query(Priority).count() == 0


def test_a_post_without_the_csrf_token_is_refused(client, db, login_as, area):
    login_as(make_user(role="officer"))
    response = client.post(f"/board/areas/{area.id}/priorities", data={"label_en": "Dog walking",
                                                                       "action": "save"}, csrf=False)
    assert response.status_code == 400
    assert db.session.query(Priority).count() == 0


def test_results_and_you_said_we_did_show_money_awarded_per_priority(client, db):
    s = Scenario(phase="published")
    s.garden.priority, s.bench.priority = "green_spaces", "community_cohesion"
    db.session.commit()
    for url in (f"/results/rounds/{s.round.id}", f"/delivery/areas/{s.area.id}"):
        rows = page_text.table(text(client.get(url)), "Money awarded per priority")["rows"]
        assert ["Parks and green spaces", "£6,000"] in rows and ["Bringing people together", "£1,500"] in rows, url


def test_a_proposal_shows_its_priority_as_its_area_names_it(client, db, login_as, area):
    round_ = make_round(area=area, phase="proposals")
    proposal = make_proposal(pot=make_pot(round_=round_), priority="health")
    rows = priority_service.ensure_rows(db.session, area.council_id, area.id)
    priority_service.rename_priority(db.session, None, next(r for r in rows if r.code == "health"),
                                     {"en": "Health", "cy": "Iechyd"})
    db.session.commit()
    assert page_text.summary_list(text(client.get(f"/proposals/{proposal.id}")))["Priority"] == "Health"
