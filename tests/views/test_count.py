"""Officer count views: who may count, status without script, background runs, refusals, participation."""


import pytest

from app.models import CountResult, Job, Round
from app.services import count as count_service
from tests.factories import make_area, make_user
from tests.support.page_text import summary_rows
from tests.support.results_scenarios import Scenario, add_voters


@pytest.fixture
def s(db):
    scenario = Scenario(phase="counting")
    db.session.commit()
    return scenario


@pytest.mark.parametrize("who, expected", [
    ("anonymous", 302), ("resident", 403), ("board", 403), ("officer", 200)])
def test_only_officers_see_and_run_the_count(app, client, db, login_as, s, who, expected):
    app.config["JOBS_INLINE"] = True
    user = {"anonymous": None, "resident": make_user(), "board": s.members[0], "officer": s.officer}[who]
    db.session.commit()
    if user is not None:
        login_as(user)
    for url in (f"/officer/rounds/{s.round.id}/count", f"/officer/rounds/{s.round.id}/participation"):
        assert client.get(url).status_code == expected, url
    response = client.post(f"/officer/rounds/{s.round.id}/count")
    assert response.status_code == (302 if expected == 200 else expected)
    db.session.expire_all()
    assert db.session.query(CountResult).count() == (1 if who == "officer" else 0)


def test_count_page_is_not_found_before_counting(client, db, login_as, s):
    s.round.phase = "voting"
    db.session.commit()
    login_as(s.officer)
    assert client.get(f"/officer/rounds/{s.round.id}/count").status_code == 404


def test_running_the_count_shows_the_result_with_explanations(app, client, db, login_as, s):
    app.config["JOBS_INLINE"] = True
    login_as(s.officer)
    page = client.get(f"/officer/rounds/{s.round.id}/count").get_data(as_text=True)
    assert "Not counted yet." in page and "Run the count" in page
    response = client.post(f"/officer/rounds/{s.round.id}/count")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The count has finished" in page and "The round is now with the Neighbourhood Board." in page
    assert "Not funded: it did not fit the £4,000 left." in page
    result = db.session.query(CountResult).one()
    assert result.input_digest in page and "Run the count" not in page
    main = page[page.index("<main"):page.index("</main>")]  # the page's own part: no script of its own
    assert "<script" not in main and "style=" not in main and 'http-equiv="refresh"' not in page


def test_status_while_running_offers_a_refresh_link_and_refuses_a_second_count(app, client, db, login_as, s):
    count_service.begin_count(db.session, s.round, s.officer)  # a count another officer started
    db.session.commit()
    login_as(s.officer)
    page = client.get(f"/officer/rounds/{s.round.id}/count").get_data(as_text=True)
    assert "The count is running: 0 of 1 pots counted." in page
    assert f'href="/officer/rounds/{s.round.id}/count">Refresh the status</a>' in page.replace("http://localhost", "")
    assert "Run the count" not in page
    response = client.post(f"/officer/rounds/{s.round.id}/count")
    assert "A count is already running" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.query(CountResult).count() == 1


def test_the_count_is_a_job_that_a_runner_finishes_and_the_status_says_so(app, client, db, login_as, s):
    app.config["JOBS_INLINE"] = False
    round_id = s.round.id
    login_as(s.officer)
    response = client.post(f"/officer/rounds/{round_id}/count")
    assert "The count has started" in client.get(response.headers["Location"]).get_data(as_text=True)
    page = client.get(f"/officer/rounds/{round_id}/count").get_data(as_text=True)
    assert "The count is waiting for the job runner to start it." in page and "Run the count" not in page
    assert app.test_cli_runner().invoke(args=["jobs", "work", "--once"]).exit_code == 0
    page = client.get(f"/officer/rounds/{round_id}/count").get_data(as_text=True)
    assert "The count has finished: 1 of 1 pots counted." in page
    db.session.rollback()
    assert db.session.get(Round, round_id).phase == "decision"
    assert db.session.query(Job).one().state == "done"
    status = app.test_cli_runner().invoke(args=["jobs", "status"])
    assert status.exit_code == 0 and "count" in status.output and "done" in status.output and "1/1" in status.output


def test_the_cli_counts_a_round_and_refuses_the_wrong_phase(app, db, s):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["count", "run", str(s.round.id)])
    assert result.exit_code == 0, result.output
    assert "1 of 1 pots counted" in result.output
    assert f"selected [{s.garden.id}, {s.bench.id}]" in result.output and "decision" in result.output
    again = runner.invoke(args=["count", "run", str(s.round.id)])
    assert again.exit_code != 0 and "not in the counting phase" in again.output
    assert runner.invoke(args=["count", "run", "999999"]).exit_code != 0


def test_participation_report_for_officers_suppresses_small_counts(client, db, login_as, s):
    login_as(s.officer)
    page = client.get(f"/officer/rounds/{s.round.id}/participation").get_data(as_text=True)
    assert "Turnout by ward" in page and "Bedwell North" in page
    # six took part (as many ballots are published); the 4 online and 2 on paper are hidden
    rows = dict(summary_rows(page))
    assert rows["Residents who took part"] == "6" and rows["Online"] == rows["On paper"] == "fewer than 10"
    assert ">4<" not in page and ">2<" not in page


def test_board_member_of_another_area_cannot_reach_officer_pages(client, db, login_as, s):
    login_as(make_user(role="board", area=make_area()))
    assert client.get(f"/officer/rounds/{s.round.id}/count").status_code == 403


def test_a_tie_settled_only_by_reference_numbers_is_flagged_to_the_officer(app, client, db, login_as, s):
    """Lights made as dear and as popular as Garden: only one fits, and only their references part them."""
    s.lights.cost_pence = 6_000_00
    add_voters(s.pot, [[s.lights.id]])
    db.session.commit()
    app.config["JOBS_INLINE"] = True
    login_as(s.officer)
    client.post(f"/officer/rounds/{s.round.id}/count")
    page = client.get(f"/officer/rounds/{s.round.id}/count").get_data(as_text=True)
    assert "Tie decided by reference" in page
    assert "reference comes first when compared as text" in page


def test_no_tie_note_when_the_rule_settled_every_tie(app, client, db, login_as, s):
    app.config["JOBS_INLINE"] = True
    login_as(s.officer)
    client.post(f"/officer/rounds/{s.round.id}/count")
    page = client.get(f"/officer/rounds/{s.round.id}/count").get_data(as_text=True)
    assert "Recommended by the count:" in page and "Funded:" not in page  # the board has not decided yet
    assert "Tie decided by reference" not in page
