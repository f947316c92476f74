"""Money the board awarded per neighbourhood-plan priority: in the printable board report and in the open data
(results JSON and CSV, the per-priority CSV, and the delivery downloads), in the area's list order."""

import csv
import io
import json

import pytest

from tests.support import page_text
from tests.support.results_scenarios import Scenario


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def s(db):
    scenario = Scenario(phase="published")
    scenario.garden.priority, scenario.bench.priority = "green_spaces", "community_cohesion"
    scenario.lights.priority = "safer_streets"  # rejected: no money, so not listed
    db.session.commit()
    return scenario


def test_the_board_report_shows_money_awarded_per_priority(client, s):
    page = text(client.get(f"/delivery/areas/{s.area.id}/report"))
    rows = page_text.table(page, "Money awarded per priority")["rows"]
    assert rows == [["Parks and green spaces", "£6,000"], ["Bringing people together", "£1,500"]]  # not Safer streets


def test_the_results_json_and_csv_carry_each_projects_priority_and_the_money_per_priority(client, s):
    data = json.loads(text(client.get(f"/results/rounds/{s.round.id}/results.json")))
    assert data["money_per_priority"] == [
        {"priority": "green_spaces", "labels": data["money_per_priority"][0]["labels"], "awarded_pence": 6_000_00},
        {"priority": "community_cohesion", "labels": data["money_per_priority"][1]["labels"],
         "awarded_pence": 1_500_00}]
    assert data["money_per_priority"][0]["labels"]["en"] == "Parks and green spaces"
    assert data["money_per_priority"][0]["labels"]["cy"] == "Parciau a mannau gwyrdd"
    projects = {p["title"]: p["priority"] for pot in data["pots"] for p in pot["projects"]}
    assert projects == {"Garden": "green_spaces", "Bench": "community_cohesion", "Lights": "safer_streets"}
    rows = list(csv.DictReader(io.StringIO(text(client.get(f"/results/rounds/{s.round.id}/results.csv")))))
    assert {r["title"]: r["priority"] for r in rows} == projects


def test_the_per_priority_csv_is_linked_from_the_results_page_and_adds_up_to_the_awards(client, s):
    page = text(client.get(f"/results/rounds/{s.round.id}"))
    assert f'href="/results/rounds/{s.round.id}/priorities.csv">Money per priority as CSV' in page
    response = client.get(f"/results/rounds/{s.round.id}/priorities.csv")
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(text(response))))
    assert rows == [{"priority": "green_spaces", "label": "Parks and green spaces", "awarded_pence": "600000"},
                    {"priority": "community_cohesion", "label": "Bringing people together",
                     "awarded_pence": "150000"}]


def test_the_delivery_downloads_say_each_awards_priority_and_the_money_per_priority(client, s):
    rows = list(csv.DictReader(io.StringIO(text(client.get(f"/delivery/rounds/{s.round.id}/delivery.csv")))))
    assert {r["project"]: r["priority"] for r in rows} == {"Garden": "green_spaces", "Bench": "community_cohesion"}
    data = json.loads(text(client.get(f"/delivery/rounds/{s.round.id}/delivery.json")))
    assert [(p["priority"], p["awarded_pence"]) for p in data["money_per_priority"]] == [
        ("green_spaces", 6_000_00), ("community_cohesion", 1_500_00)]


def test_no_per_priority_download_before_publication(client, db):
    s = Scenario(phase="decision")
    db.session.commit()
    assert client.get(f"/results/rounds/{s.round.id}/priorities.csv").status_code == 404
