"""Public results: nothing of a round shows before publication (HTML, CSV, JSON, .pb, API), then the
outcome with explanations, accessible charts, the board's reasons, turnout and open data."""

import csv
import io
import json
import re

import pytest

from app.services.audit import chain_head
from tests.support.results_scenarios import Scenario, add_voters

PUBLIC_BLUEPRINTS = ("results.", "api.")


def public_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith(PUBLIC_BLUEPRINTS) and "GET" in r.methods]


def url_for_rule(rule, s):
    values = {"round_id": s.round.id, "pot_id": s.pot.id}
    return rule.build({k: values[k] for k in rule.arguments})[1]


@pytest.mark.parametrize("phase", ["draft", "proposals", "review", "voting", "counting", "decision", "decision+draft"])
def test_nothing_of_a_round_is_visible_before_it_is_published(app, client, db, phase):
    s = Scenario(phase="decision" if phase.startswith("decision") else "counting")
    if phase == "decision+draft":
        s.draft()  # a draft decision record exists, still unconfirmed
    elif phase not in ("counting", "decision"):
        s.round.phase = phase
    db.session.commit()
    rules = public_rules(app)
    assert {"results.round_results", "results.results_csv", "results.results_json", "results.ballots_pb",
            "results.decision_record", "results.participation", "api.rounds", "api.round_detail"} <= \
        {r.endpoint for r in rules}
    for rule in rules:
        url = url_for_rule(rule, s)
        response = client.get(url)
        body = response.get_data(as_text=True)
        if rule.arguments:
            assert response.status_code == 404, url
        else:
            assert response.status_code == 200, url
        for secret in ("Bedwell grants", "Garden", "Lights", "did_not_fit", "selected_by_count", str(s.pot.id) + ";"):
            assert secret not in body, (url, secret)


COUNT_TELLTALES = ("did not fit", "did_not_fit", "selected_by_count", "Funded:", "Not funded", "its turn came",
                   "supporters_could_pay", "Award confirmed")


@pytest.mark.parametrize("phase", ["decision", "decision+draft"])
def test_no_route_shows_the_count_to_the_public_before_publication(app, db, login_as, phase):
    """Every GET route in the app, not only the results pages, as a visitor and as a resident who voted:
    while the count waits for the board, nothing of it shows anywhere."""
    from tests.factories import make_user

    s = Scenario(phase="decision")
    record_id = s.draft().id if phase == "decision+draft" else 1
    resident = make_user(ward=s.ward)
    db.session.commit()
    values = {"round_id": s.round.id, "pot_id": s.pot.id, "proposal_id": s.garden.id, "record_id": record_id,
              "user_id": resident.id, "lang": "cy", "entity": "proposal", "entity_id": s.garden.id,
              "filename": "css/app.css", "token": "x", "area_id": s.round.area_id}
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods]
    assert len(rules) > 40
    for who in ("visitor", "resident"):
        client = app.test_client()
        if who == "resident":
            login_as(resident, on=client)
        for rule in rules:
            url = rule.build({k: values[k] for k in rule.arguments})[1]
            response = client.get(url)
            body = response.get_data(as_text=True)
            response.close()
            assert response.status_code < 500, (who, url)
            shown = [telltale for telltale in COUNT_TELLTALES if telltale in body]
            assert shown == [], (who, url, shown)


def test_the_index_and_api_list_only_published_rounds(client, db):
    hidden = Scenario(phase="decision")
    hidden.round.title = "Hidden grants"
    shown = Scenario(phase="published")
    db.session.commit()
    page = client.get("/results/").get_data(as_text=True)
    assert "Bedwell grants" in page and "Hidden grants" not in page
    listing = client.get("/api/rounds").get_json()
    assert [r["id"] for r in listing["rounds"]] == [shown.round.id]
    assert listing["audit_chain_head"] == chain_head(db.session)


@pytest.fixture
def published(db):
    s = Scenario(phase="published")
    db.session.commit()
    return s


def test_published_results_show_outcome_explanations_and_the_boards_reasons(client, db, published):
    s = published
    page = client.get(f"/results/rounds/{s.round.id}").get_data(as_text=True)
    assert page.index("Garden") < page.index("Bench") < page.index("Lights")  # funded first
    assert "Not funded: it did not fit the £4,000 left." in page
    assert "Funded: its turn came with £10,000 left, and it fitted." in page
    assert "Funded: its turn came with £4,000 left, and it fitted." in page
    assert "Projects were funded in order of votes" in page and "Ties went to the cheaper project" in page
    assert "Rejected. Highways will fund the lights." in page
    assert "Award confirmed" in page and "£7,500" in page and "£2,500 left" in page
    assert "Fewer than 10 residents took part." in page  # six voters: not shown
    assert chain_head(db.session) in page


def test_charts_are_accessible_svg_with_a_table_and_no_inline_styles(client, db, published):
    page = client.get(f"/results/rounds/{published.round.id}").get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    labelled = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    assert all(f'id="{ident}"' in svg for ident in labelled)
    assert "funded" in svg  # not colour alone
    assert "style=" not in page and "<script" not in page
    assert '<th scope="col">Votes</th>' in page.replace(' class="num"', "")


def test_the_decision_record_is_public_and_printable(client, db, published):
    s = published
    page = client.get(f"/results/rounds/{s.round.id}/decision").get_data(as_text=True)
    assert "Confirmed and locked" in page and "Highways will fund the lights." in page
    assert "Cllr Member 1" in page and "Cllr Member 2" in page
    assert 'href="/static/css/print.css" media="print"' in page.replace("http://localhost", "")


def test_a_draft_correction_stays_private_until_confirmed(client, db, published):
    s = published
    s.draft(lights=("fund", 2_500_00, "A new reason nobody has confirmed"))
    db.session.commit()
    for url in (f"/results/rounds/{s.round.id}", f"/results/rounds/{s.round.id}/decision",
                f"/api/rounds/{s.round.id}", f"/results/rounds/{s.round.id}/results.csv"):
        assert "A new reason nobody has confirmed" not in client.get(url).get_data(as_text=True)


def test_turnout_by_ward_and_age_suppresses_small_counts(client, db):
    s = Scenario(phase="counting")
    add_voters(s.pot, [[s.garden.id]] * 14, age_band="18-24")
    s.count()
    s.decide_and_confirm()
    db.session.commit()
    page = client.get(f"/results/rounds/{s.round.id}/participation").get_data(as_text=True)
    # 20 residents: 18 online, 2 on paper -> the 2 is hidden, and so is the 18 that would give it away.
    assert "<dt>Residents who took part</dt><dd>20</dd>" in page
    assert "<dt>Online</dt><dd>fewer than 10</dd>" in page and "<dt>On paper</dt><dd>fewer than 10</dd>" in page
    assert re.search(r"<th scope=\"row\">18-24</th><td class=\"num\">14</td>", page)
    assert re.search(r"<th scope=\"row\">65-74</th><td class=\"num\">fewer than 10</td>", page)
    assert re.search(r"<th scope=\"row\">25-34</th><td class=\"num\">fewer than 10</td>", page)
    data = client.get(f"/api/rounds/{s.round.id}").get_json()["participation"]
    assert data["total"] == 20 and data["online"] is None and data["paper"] is None


def test_open_data_downloads(client, db, published):
    s = published
    response = client.get(f"/results/rounds/{s.round.id}/results.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["title"], r["selected_by_count"], r["board_decision"]) for r in rows] == [
        ("Garden", "1", "confirm"), ("Bench", "1", "confirm"), ("Lights", "0", "reject")]
    assert rows[2]["reason"] == "did_not_fit" and rows[2]["board_reason"] == "Highways will fund the lights."
    data = json.loads(client.get(f"/results/rounds/{s.round.id}/results.json").get_data(as_text=True))
    pot = data["pots"][0]
    assert pot["rule"] == "greedy" and len(pot["input_digest"]) == 64 and pot["ballots"] == 6
    assert pot["used_pence"] == 7_500_00 and pot["awarded_pence"] == 7_500_00
    lights = pot["projects"][2]
    assert lights["money_left_when_considered_pence"] == 4_000_00 and lights["board_decision"] == "reject"
    assert data["decision"]["confirmed_by"] == ["Cllr Member 1", "Cllr Member 2"]
    api = client.get(f"/api/rounds/{s.round.id}").get_json()
    assert api["pots"] == data["pots"] and api["downloads"]["pabulib"][str(s.pot.id)].endswith("/ballots.pb")
    pb = client.get(f"/results/pots/{s.pot.id}/ballots.pb").get_data(as_text=True)
    assert pb.startswith("META\n") and "VOTES\n" in pb


def test_resident_written_titles_cannot_inject_spreadsheet_formulas(client, db, published):
    published.garden.title = "=HYPERLINK(\"http://evil.example\")"
    db.session.commit()
    text = client.get(f"/results/rounds/{published.round.id}/results.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text


def test_results_read_in_welsh(client, db, published):
    client.post("/language", data={"locale": "cy", "next": f"/results/rounds/{published.round.id}"})
    page = client.get(f"/results/rounds/{published.round.id}").get_data(as_text=True)
    assert '<html lang="cy"' in page
    assert "Not funded: it did not fit" not in page  # the sentence is translated


def test_an_equal_shares_explanation_names_what_supporters_could_pay(client, db):
    from app.services import decisions

    s = Scenario(phase="counting", counting_rule="mes-cost", completion="none")
    s.count()
    selected = decisions.recommended_ids(db.session, s.round)
    assert selected and len(selected) < 3
    overrides = {name: (("confirm", getattr(s, name).ballot_cost_pence, "") if getattr(s, name).id in selected
                        else ("reject", 0, "The count did not select it")) for name in ("garden", "lights", "bench")}
    record_ = s.draft(**overrides)
    decisions.confirm(db.session, s.members[0], record_)
    decisions.confirm(db.session, s.members[1], record_)
    db.session.commit()
    page = client.get(f"/results/rounds/{s.round.id}").get_data(as_text=True)
    assert "The Method of Equal Shares" in page
    assert "Funded: its supporters&#39; equal shares covered its" in page
    assert re.search(r"Not funded: its supporters could pay £[\d,.]+ of its £[\d,]+ cost\.", page)


def test_a_confirmed_correction_shows_at_once_and_each_language_gets_its_own_page(client, db, published):
    """The rendered results are cached per round, language and audit-chain head: a newly confirmed
    correction appends to the audit log, so the very next visitor sees it; Welsh never gets the English page."""
    from app.services import decisions

    s = published
    url = f"/results/rounds/{s.round.id}"
    assert "Rejected. Highways will fund the lights." in client.get(url).get_data(as_text=True)
    correction = s.draft(lights=("reject", 0, "Moved to next year's highways budget."))
    decisions.confirm(db.session, s.members[0], correction)
    decisions.confirm(db.session, s.members[1], correction)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Moved to next year&#39;s highways budget." in page and "Highways will fund the lights." not in page
    client.post("/language", data={"locale": "cy", "next": url})
    welsh = client.get(url).get_data(as_text=True)
    assert '<html lang="cy"' in welsh and "Projects were funded in order of votes" not in welsh


def test_visitors_share_a_cached_page_but_each_gets_their_own_working_csrf_token(app, db, published):
    """The whole page is kept for visitors who are not signed in; the language switcher on it must still
    carry each visitor's own token (another's would be refused), and a signed-in resident's page is their own."""
    url = f"/results/rounds/{published.round.id}"
    first, second = app.test_client(), app.test_client()
    tokens = []
    for visitor in (first, second):
        page = visitor.get(url).get_data(as_text=True)
        assert "Not funded: it did not fit the £4,000 left." in page
        tokens.append(re.search(r'name="csrf_token" value="([^"]+)"', page).group(1))
    assert tokens[0] != tokens[1]
    refused = second.post("/language", data={"locale": "cy", "next": url, "csrf_token": tokens[0]})
    assert refused.status_code == 400
    switched = second.post("/language", data={"locale": "cy", "next": url, "csrf_token": tokens[1]})
    assert switched.status_code == 302
    assert '<html lang="cy"' in second.get(url).get_data(as_text=True)
    assert '<html lang="en"' in first.get(url).get_data(as_text=True)
