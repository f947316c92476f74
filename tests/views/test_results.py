"""Public results: nothing of a round shows before publication (HTML, CSV, JSON, .pb, API), then the
outcome with explanations, accessible charts, the board's reasons, turnout and open data."""

import csv
import io
import json
import re

import pytest

from app.services.audit import chain_head
from tests.support import page_text
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
              "filename": "css/app.css", "token": "x", "area_id": s.area.id, "photo_id": 1}
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
    # Six ballots were counted and are published: the six residents are never "fewer than 10" beside them.
    assert "6 residents took part" in page and page_text.summary_value(page, "Ballots counted") == "6"
    assert "Fewer than 10 residents" not in page
    assert chain_head(db.session) in page
    # When each fingerprint was published, to the minute: seconds mean nothing to a reader.
    assert re.search(r"\d{4}, \d\d:\d\d: <code", page) and not re.search(r"\d\d:\d\d:\d\d", page)



def test_a_selected_project_the_board_deferred_or_rejected_never_reads_as_funded(client, db):
    """The count's selection is a recommendation: the page and the open data say what the board decided."""
    s = Scenario(phase="decision")
    s.decide_and_confirm(garden=("defer", 0, "Waiting for the landowner's consent."),
                         bench=("reject", 0, "A bench is already planned there."))
    db.session.commit()
    page = client.get(f"/results/rounds/{s.round.id}").get_data(as_text=True)
    assert "Funded:" not in page
    assert "Recommended by the count: its turn came with £10,000 left, and it fitted." in page
    assert "Recommended by the count: its turn came with £4,000 left, and it fitted." in page
    assert "Deferred. Waiting for the landowner&#39;s consent." in page
    assert "Rejected. A bench is already planned there." in page
    detail = client.get(f"/proposals/{s.garden.id}").get_data(as_text=True)
    assert "Funded" not in detail and "Recommended by the count" in detail and "Deferred" in detail
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"/results/rounds/{s.round.id}/results.csv").get_data(as_text=True))))
    assert [(r["title"], r["selected_by_count"], r["board_decision"], r["board_reason"]) for r in rows] == [
        ("Garden", "1", "defer", "Waiting for the landowner's consent."),
        ("Bench", "1", "reject", "A bench is already planned there."),
        ("Lights", "0", "reject", "Highways will fund the lights.")]
    data = client.get(f"/results/rounds/{s.round.id}/results.json").get_json()
    assert data["pots"][0]["awarded_pence"] == 0
    assert [p["board_decision"] for p in data["pots"][0]["projects"]] == ["defer", "reject", "reject"]

def test_a_tie_settled_only_by_reference_numbers_is_said_in_the_published_explanation(client, db):
    s = Scenario(phase="counting")
    s.lights.cost_pence = 6_000_00  # as dear and (with one more vote) as popular as Garden: one fits
    add_voters(s.pot, [[s.lights.id]])
    s.count()
    s.decide_and_confirm()
    db.session.commit()
    page = client.get(f"/results/rounds/{s.round.id}").get_data(as_text=True)
    assert "Tie decided by reference" in page
    assert "The project whose reference comes first when compared as text, character by character" in page


def test_charts_are_accessible_svg_with_a_table_and_no_inline_styles(client, db, published):
    page = client.get(f"/results/rounds/{published.round.id}").get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    labelled = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    assert all(f'id="{ident}"' in svg for ident in labelled)
    assert "funded" in svg  # not colour alone
    assert "style=" not in page and all(" src=" in tag for tag in re.findall(r"<script[^>]*>", page))  # no inline
    assert "Votes" in page_text.table(page, "Projects in")["head"]


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
    # 20 residents: 18 online, 2 on paper -> the 2 is hidden, and so is the 18 that would give it away:
    # the 18 is not "fewer than 10", it is hidden to protect the small group.
    assert page_text.summary_list(page) == {"Residents who took part": "20", "Online": "hidden to protect a small group",
                                            "On paper": "fewer than 10"}
    assert _age_cell(page, "18-24") == "14"
    assert _age_cell(page, "65-74") == "fewer than 10" and _age_cell(page, "25-34") == "fewer than 10"
    data = client.get(f"/api/rounds/{s.round.id}").get_json()["participation"]
    assert data["total"] == 20 and data["online"] is None and data["paper"] is None
    assert data["hidden"] == {"online": "protects", "paper": "small"}


def _age_cell(page, band):
    return next(row[1] for row in page_text.table(page, "Turnout by age")["rows"] if row[0] == band)


def _ward_rows(page):
    return {row[0]: row[1:] for row in page_text.table(page, "Turnout by ward")["rows"]}


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
    s.decide_and_confirm(**overrides)
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


def test_visitors_share_one_page_that_carries_nobodys_token_and_each_language_has_its_own(app, db, published):
    """The whole page is kept for visitors who are not signed in, and a proxy may keep it too
    (tests/views/test_results_caching.py): it holds no CSRF token, and a visitor's chosen language is theirs."""
    url = f"/results/rounds/{published.round.id}"
    first, second = app.test_client(), app.test_client()
    pages = [visitor.get(url).get_data(as_text=True) for visitor in (first, second)]
    assert pages[0] == pages[1] and "Not funded: it did not fit the £4,000 left." in pages[0]
    assert re.findall(r'name="csrf_token" value="([^"]+)"', pages[0]) == []
    with second.session_transaction() as session:
        session["locale"] = "cy"  # what the language switcher keeps
    assert '<html lang="cy"' in second.get(url).get_data(as_text=True)
    assert '<html lang="en"' in first.get(url).get_data(as_text=True)


def _chart(page):
    return re.search(r"<svg.*?</svg>", page, re.S).group(0)


def _chart_rows(svg):
    """[(project, what the count did · what the board decided)] as the chart draws them, top to bottom (a
    name, its score, then the two lines under its bar)."""
    texts = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]
    return [(texts[i], f"{texts[i + 2]} · {texts[i + 3]}") for i in range(0, len(texts), 4)]


def test_the_chart_says_what_the_count_selected_and_what_the_board_decided(client, db):
    """The count selected Garden and Bench; the board deferred Garden and funded Lights instead. The chart
    used to mark Garden "funded" and leave Lights unmarked."""
    s = Scenario(phase="decision")
    s.decide_and_confirm(garden=("defer", 0, "Waiting for the landowner's consent."),
                         lights=("fund", 5_000_00, "The board funds the lights from what is left."))
    db.session.commit()
    page = client.get(f"/results/rounds/{s.round.id}").get_data(as_text=True)
    svg = _chart(page)
    assert _chart_rows(svg) == [
        ("Garden", "Selected by the count · Board: deferred"),
        ("Bench", "Selected by the count · Board: award confirmed"),
        ("Lights", "Not selected by the count · Board: funded")]
    assert "funded</text>" not in svg.replace("Board: funded</text>", "")  # no bare "funded" mark
    # dark bars are what the board funded (Bench, Lights), in the chart's order
    assert re.findall(r'<rect[^>]*fill="([^"]+)"', svg) == ["#6f777b", "#1d4f7a", "#1d4f7a"]
    # its description matches its order, which is the table's
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)
    assert "in the order the count selected the projects, then the projects it did not select" in desc
    assert "most supported first. Funded" not in desc
    table = page[page.index("<table"):]
    assert table.index("Garden") < table.index("Bench") < table.index("Lights")
    assert "in the order the count selected them" in table


def test_in_urdu_the_chart_is_drawn_right_to_left_inside_its_own_box(client, db, published):
    """Inherited direction: rtl anchored every label the other way: project names fell outside the SVG and
    the scores on the dark bars. The chart sets its direction and mirrors its coordinates."""
    client.post("/language", data={"locale": "ur", "next": "/"})
    page = client.get(f"/results/rounds/{published.round.id}").get_data(as_text=True)
    svg = _chart(page)
    assert 'direction="rtl"' in svg.split(">", 1)[0]
    names = re.findall(r'<text x="([\d.]+)"[^>]*font-weight="bold"', svg)
    assert names and all(float(x) == 392 for x in names)  # anchored at the right edge, running left
    for rect in re.finditer(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg):
        assert abs(float(rect.group(1)) + float(rect.group(2)) - 392) < 0.2  # bars grow from the right
    english = client.post("/language", data={"locale": "en", "next": "/"})
    assert english.status_code == 302
    assert 'direction="ltr"' in _chart(client.get(f"/results/rounds/{published.round.id}").get_data(as_text=True))


def test_amounts_and_numbers_never_break_and_results_tables_reflow(client, db, published):
    page = client.get(f"/results/rounds/{published.round.id}").get_data(as_text=True)
    table = page_text.table(page, "Projects in")
    assert table["rows"][0][table["head"].index("Cost")] == "£6,000"
    assert '<span class="amount">£6,000</span>' in page and "table-reflow" in page
    response = client.get("/static/css/app.css")
    css = response.get_data(as_text=True)
    response.close()
    amount_rule = re.search(r"\n\.amount \{([^}]*)\}", css).group(1)
    assert "white-space: nowrap" in amount_rule and "overflow-wrap: normal" in amount_rule
    assert re.search(r"td\.num, th\.num \{[^}]*overflow-wrap: normal", css)
    assert ".table-reflow td[data-label]::before" in css


def test_a_ward_of_25_is_never_called_fewer_than_10(client, db):
    """Two wards: North 25 online (21) and paper (4); South 30: 27 online and 3 on paper. The small paper
    counts are hidden, and the counts hidden only to protect them say so."""
    from tests.factories import make_ward

    s = Scenario(phase="counting")
    south = make_ward(name="Bedwell South", area=s.area)
    s.pot.wards.append(south)
    g = s.garden.id
    add_voters(s.pot, [[g]] * 17)  # North online: 4 + 17 = 21; paper 2 + 2 below = 4
    add_voters(s.pot, [[g]] * 2, channel="paper")
    add_voters(s.pot, [[g]] * 27, ward=south)
    add_voters(s.pot, [[g]] * 3, ward=south, channel="paper")
    s.count()
    s.decide_and_confirm()
    db.session.commit()
    page = client.get(f"/results/rounds/{s.round.id}/participation").get_data(as_text=True)
    assert page_text.summary_value(page, "Residents who took part") == "55"
    rows = _ward_rows(page)
    assert rows["Bedwell North"][:3] == ["hidden to protect a small group", "fewer than 10", "25"]
    assert rows["Bedwell South"][:3] == ["hidden to protect a small group", "fewer than 10", "30"]
    assert page_text.summary_value(page, "Online") == "hidden to protect a small group"
    data = json.loads(client.get(f"/results/rounds/{s.round.id}/results.json").get_data(as_text=True))
    wards = {w["ward"]: w for w in data["participation"]["by_ward"]}
    assert wards["Bedwell North"]["total"] == 25 and wards["Bedwell North"]["online"] is None
    assert wards["Bedwell North"]["hidden"] == {"online": "protects", "paper": "small"}
    # the lead says what the participation page says
    results = client.get(f"/results/rounds/{s.round.id}").get_data(as_text=True)
    assert "55 residents took part: online: hidden to protect a small group; on paper: fewer than 10." in results


def test_turnout_is_a_share_of_the_residents_who_could_take_part_with_its_source(client, db):
    from datetime import date

    from tests.support.results_scenarios import add_electorate

    s = Scenario(phase="counting")
    s.round.min_age = 16
    add_voters(s.pot, [[s.garden.id]] * 14, age_band="18-24")
    add_electorate(s.ward, {"11-15": 300, "16-17": 100, "18-24": 400, "25-34": 500}, as_of=date(2024, 6, 30))
    s.count()
    s.decide_and_confirm()
    db.session.commit()
    page = client.get(f"/results/rounds/{s.round.id}/participation").get_data(as_text=True)
    # 20 of the 1,000 aged 16 or over (the 11-15 band has nobody old enough)
    assert _ward_rows(page)["Bedwell North"][3:] == ["1000", "2.0%"]
    assert "ONS mid-2024 population estimates (figures for 30 June 2024)" in page
    assert "Only age bands with residents aged 16 or over are counted." in page
    results = client.get(f"/results/rounds/{s.round.id}").get_data(as_text=True)
    assert "Turnout: 2.0% of the residents who could take part." in results
    data = client.get(f"/api/rounds/{s.round.id}").get_json()["participation"]
    assert data["turnout_percent"] == 2.0 and data["eligible"] == 1000
    assert data["by_ward"][0]["electorate_sources"] == [{"source": "ONS mid-2024 population estimates",
                                                         "date": "2024-06-30"}]


def test_without_electorate_figures_no_percentage_is_made_up(client, db, published):
    page = client.get(f"/results/rounds/{published.round.id}/participation").get_data(as_text=True)
    assert "%" not in re.sub(r"<(style|script)[^>]*>.*?</\1>", "", page, flags=re.S).split("<main", 1)[1]
    assert "Turnout as a percentage is shown once the council has entered" in page


def test_a_projects_page_shows_its_round_the_count_and_the_boards_decision(client, db, published):
    s = published
    lights = client.get(f"/proposals/{s.lights.id}").get_data(as_text=True)
    assert "Feasible" not in lights  # rejected by the board: no longer just "feasible"
    assert page_text.tags(lights) == ["Not funded"]
    assert f'href="/results/rounds/{s.round.id}"' in lights and "Bedwell grants" in lights
    assert "Not selected by the count. Not funded: it did not fit the £4,000 left." in lights
    assert "Rejected. Highways will fund the lights." in lights
    garden = client.get(f"/proposals/{s.garden.id}").get_data(as_text=True)
    assert page_text.tags(garden)[0] == "Funded" and "Selected by the count." in garden
    assert "Award confirmed: £6,000" in page_text.text(garden)


def test_before_publication_a_projects_page_shows_no_result(client, db):
    s = Scenario(phase="decision")
    s.round.phase = "decision"
    db.session.commit()
    page = client.get(f"/proposals/{s.lights.id}").get_data(as_text=True)
    assert "Feasible" in page and "Result of the count" not in page and "Bedwell grants" in page


def test_a_receipt_is_in_the_ballot_box_until_the_count_and_counted_after(client, db):
    from app.models import Ballot
    from app.services.voting import receipt_hash

    s = Scenario(phase="counting")
    ballot = db.session.scalars(Ballot.__table__.select().where(Ballot.pot_id == s.pot.id)).first()
    db.session.execute(Ballot.__table__.update().where(Ballot.id == ballot).values(receipt_hash=receipt_hash("ABCD-EFGH-JKLM")))
    db.session.commit()
    before = client.post("/voting/receipt", data={"code": "abcd efgh jklm"}).get_data(as_text=True)
    assert "is in the ballot box" in before and "was counted" not in before
    s.count()
    db.session.commit()
    after = client.post("/voting/receipt", data={"code": "ABCD-EFGH-JKLM"}).get_data(as_text=True)
    assert "Yes. A vote with this receipt code was counted." in after and "ballot box" not in after
