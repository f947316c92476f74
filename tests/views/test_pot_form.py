"""The pot form asks only for the chosen ballot type's settings: the others are hidden under their own choice and
ignored when sent, and each problem is shown beside the field it is about."""

import re
from html.parser import HTMLParser

import pytest

from app.models import Pot
from tests.factories import make_area, make_pot, make_round, make_user, make_ward


@pytest.fixture
def draft_round(db):
    area = make_area(name="Chells & Manor")
    chells = make_ward(name="Chells", area=area)
    round_ = make_round(area=area, phase="draft", wards=[chells])
    officer = make_user(role="officer", ward=chells)
    db.session.commit()
    return round_, chells, officer


def _pot(ward, **changes):
    data = {"name": "Community grants", "instructions": "", "amount": "40000", "min_project_cost": "",
            "max_project_cost": "", "wards": [str(ward.id)], "ballot_type": "knapsack", "max_choices": "",
            "max_ranks": "", "total_points": "", "max_points_per_project": "", "counting_rule": "greedy",
            "completion": "add1u"}
    return dict(data, **changes)


def _error_beside(page, field_id):
    """The error message shown beside a field (its id-error element), in words."""
    found = re.search(rf'id="{field_id}-error"[^>]*>(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else None


class _InputsInside(HTMLParser):
    """The names of the inputs inside the element with the given id."""

    def __init__(self, element_id):
        super().__init__()
        self.element_id, self.depth, self.names = element_id, 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth and tag not in ("input", "br", "img"):
            self.depth += 1
        elif attrs.get("id") == self.element_id:
            self.depth = 1
        if self.depth and tag in ("input", "select", "textarea"):
            self.names.append(attrs["name"])

    def handle_endtag(self, tag):
        if self.depth and tag not in ("input", "br", "img"):
            self.depth -= 1


def _inputs_inside(page, element_id):
    parser = _InputsInside(element_id)
    parser.feed(page)
    return parser.names


def test_settings_of_other_ballot_types_are_ignored(client, db, login_as, draft_round):
    round_, chells, officer = draft_round
    login_as(officer)
    response = client.post(f"/officer/rounds/{round_.id}/pots/new", data=_pot(
        chells, ballot_type="knapsack", max_choices="not a number", max_ranks="0", total_points="-5",
        max_points_per_project="9999"))
    assert response.status_code == 302, response.get_data(as_text=True)
    pot = db.session.query(Pot).one()
    assert (pot.ballot_type, pot.max_choices, pot.total_points, pot.max_points_per_project) == (
        "knapsack", None, None, None)


def test_a_ranked_ballot_keeps_its_own_limit_and_shows_it_again(client, db, login_as, draft_round):
    round_, chells, officer = draft_round
    login_as(officer)
    response = client.post(f"/officer/rounds/{round_.id}/pots/new", data=_pot(
        chells, ballot_type="ranked", max_choices="7", max_ranks="3", total_points="100"))
    assert response.status_code == 302
    pot = db.session.query(Pot).one()
    assert (pot.max_choices, pot.total_points) == (3, None)
    page = client.get(f"/officer/rounds/{round_.id}/pots/{pot.id}/edit").get_data(as_text=True)
    assert re.search(r'id="max_ranks"[^>]*value="3"|value="3"[^>]*id="max_ranks"', page)


def test_each_ballot_type_reveals_only_its_own_settings(client, db, login_as, draft_round):
    round_, _chells, officer = draft_round
    login_as(officer)
    page = client.get(f"/officer/rounds/{round_.id}/pots/new").get_data(as_text=True)
    reveals = dict(re.findall(r'value="(\w+)"[^>]*data-aria-controls="(conditional-[\w-]+)"', page))
    assert sorted(reveals) == ["approval", "cumulative", "ranked"]  # a budget ballot needs no more settings
    for ballot_type, fields in (("approval", ["max_choices"]), ("ranked", ["max_ranks"]),
                                ("cumulative", ["total_points", "max_points_per_project"])):
        assert _inputs_inside(page, reveals[ballot_type]) == fields


def test_problems_are_shown_beside_their_fields(client, db, login_as, draft_round):
    round_, chells, officer = draft_round
    login_as(officer)
    response = client.post(f"/officer/rounds/{round_.id}/pots/new", data=_pot(
        chells, ballot_type="cumulative", total_points="10", max_points_per_project="20"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _error_beside(page, "max_points_per_project") == ("Error: The most points on one project is more "
                                                             "than the total.")
    assert 'href="#max_points_per_project"' in page
    missing = client.post(f"/officer/rounds/{round_.id}/pots/new", data=_pot(chells, counting_rule=""))
    assert "Choose the counting rule." in _error_beside(missing.get_data(as_text=True), "counting_rule")
    assert 'href="#counting_rule-0"' in missing.get_data(as_text=True)  # the first choice
    assert db.session.query(Pot).count() == 0


def test_a_missing_limit_is_shown_beside_the_limit_of_the_chosen_type(client, db, login_as, draft_round):
    round_, chells, officer = draft_round
    login_as(officer)
    response = client.post(f"/officer/rounds/{round_.id}/pots/new", data=_pot(chells, ballot_type="ranked"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter how many projects a resident may choose or rank." in _error_beside(page, "max_ranks")
    assert 'href="#max_ranks"' in page


def test_editing_a_pot_shows_its_saved_choices(client, db, login_as, draft_round):
    round_, chells, officer = draft_round
    pot = make_pot(round_=round_, wards=[chells], ballot_type="cumulative", total_points=10,
                   max_points_per_project=4, counting_rule="mes-cost", completion="add1")
    db.session.commit()
    login_as(officer)
    page = client.get(f"/officer/rounds/{round_.id}/pots/{pot.id}/edit").get_data(as_text=True)
    assert re.search(r'value="cumulative"\s+checked', page) and re.search(r'value="mes-cost"\s+checked', page)
    assert re.search(r'value="add1"\s+checked', page)
