"""What the public is given of a published round, checked where the pages cannot: the money adds up, the CSV
and the JSON say the same, a project's own result appears only after publication, and the register's counts
agree with each other (the page and the download show these numbers as they are)."""

import csv
import io

from app.domain.open_data import Hidden
from app.services import results as results_service
from app.services.decisions import published_record
from tests.factories import make_round
from tests.support.results_scenarios import Scenario, add_voters


def test_only_published_rounds_are_listed_newest_first(db):
    older, newer = Scenario(phase="published"), Scenario(phase="published")
    make_round(phase="decision")
    assert results_service.published_rounds(db.session) == [newer.round, older.round]


def test_the_money_adds_up_for_the_count_and_for_the_board(db):
    s = Scenario(phase="published")
    entry = results_service.pot_outcome(db.session, s.pot, decision=published_record(db.session, s.round))
    assert entry["used"] + entry["left"] == s.pot.amount_pence == 10_000_00
    assert (entry["used"], entry["awarded"], entry["awarded_left"]) == (7_500_00, 7_500_00, 2_500_00)
    # Funded projects first, in the order the count chose them, then the rest.
    assert [(row["proposal"].title, row["selected"]) for row in entry["rows"]] == [
        ("Garden", True), ("Bench", True), ("Lights", False)]


def test_the_csv_says_what_the_json_says(db):
    s = Scenario(phase="published")
    data = results_service.results_json(db.session, s.round)
    rows = list(csv.DictReader(io.StringIO(results_service.results_csv(db.session, s.round))))
    projects = {p["id"]: p for pot in data["pots"] for p in pot["projects"]}
    assert sorted(int(r["project_id"]) for r in rows) == sorted(projects)
    for row in rows:
        project = projects[int(row["project_id"])]
        assert (int(row["votes"]), bool(int(row["selected_by_count"])), row["board_decision"]) == (
            project["votes"], project["selected_by_count"], project["board_decision"])
    assert data["decision"]["members_present"] == ["Cllr Member 1", "Cllr Member 2", "Cllr Member 3"]


def test_a_projects_own_result_appears_only_once_its_round_is_published(db):
    s = Scenario(phase="decision")
    assert results_service.proposal_outcome(db.session, s.lights) is None
    s.decide_and_confirm()
    outcome = results_service.proposal_outcome(db.session, s.lights)
    assert outcome["pot"] is s.pot and not outcome["row"]["selected"]
    assert outcome["row"]["decision"].reason == "Highways will fund the lights."


def test_a_receipt_nobody_was_given_was_never_counted(db):
    Scenario(phase="published")
    assert not results_service.receipt_was_counted(db.session, "NOT-A-REAL-RECEIPT")


def test_turnout_counts_agree_with_each_other_when_large_enough_to_show(db):
    s = Scenario(phase="counting")
    add_voters(s.pot, [[s.garden.id]] * 16)
    add_voters(s.pot, [[s.bench.id]] * 10, channel="paper", age_band="65-74")
    report = results_service.participation_report(db.session, s.round)
    assert report["total"] == 32 and (report["online"], report["paper"]) == (20, 12)
    (ward,) = report["by_ward"]
    assert (ward["online"], ward["paper"], ward["total"]) == (20, 12, 32)
    assert dict(report["by_age"]) == {"25-34": 20, "65-74": 12}


def test_a_small_count_is_hidden_but_the_total_is_always_shown(db):
    s = Scenario(phase="counting")  # 4 online and 2 on paper
    report = results_service.participation_report(db.session, s.round)
    assert report["total"] == 6
    assert isinstance(report["online"], Hidden) and isinstance(report["paper"], Hidden)
