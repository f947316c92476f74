"""The public list of project ideas: filtered by pot (and the other filters), with the count in words."""

from tests.factories import make_area, make_pot, make_proposal, make_round, make_ward
from tests.support import page_text


def test_the_list_filters_by_pot_and_counts_in_words(client, db):
    area = make_area(name="Chells & Manor")
    make_ward(area=area)
    round_ = make_round(area=area, phase="proposals", title="Chells grants")
    grants = make_pot(round_=round_, name="Community grants")
    youth = make_pot(round_=round_, name="Young people's fund")
    make_proposal(pot=grants, title="Community garden", status="feasible")
    make_proposal(pot=grants, title="Benches on the green", status="feasible")
    make_proposal(pot=youth, title="Skate park repairs", status="feasible")
    db.session.commit()

    everything = client.get("/proposals/").get_data(as_text=True)
    assert "3 ideas found" in everything
    assert f'<option value="{youth.id}">Chells grants: Young people&#39;s fund</option>' in everything
    only_youth = client.get(f"/proposals/?pot={youth.id}").get_data(as_text=True)
    assert "1 idea found" in only_youth and "Skate park repairs" in only_youth
    assert "Community garden" not in only_youth
    assert f'<option value="{youth.id}" selected>' in only_youth
    welsh = client.get(f"/proposals/?pot={grants.id}", headers={"Accept-Language": "cy"}).get_data(as_text=True)
    assert "Daethpwyd o hyd i 2 syniad" in welsh and "Skate park repairs" not in welsh


def test_a_long_list_is_paged_with_links_to_the_next_and_numbered_pages(client, db):
    area = make_area(name="Chells & Manor")
    make_ward(area=area)
    pot = make_pot(round_=make_round(area=area, phase="proposals", title="Chells grants"))
    for n in range(45):
        make_proposal(pot=pot, title=f"Idea number {n + 1}", status="feasible")
    db.session.commit()

    first = client.get("/proposals/").get_data(as_text=True)
    assert "45 ideas found" in first and "Idea number 45" in first and "Idea number 25" not in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'aria-current="page"' in first and 'href="/proposals/?page=3"' in first
    last = client.get("/proposals/?page=3").get_data(as_text=True)
    assert "Idea number 1<" in last and 'rel="prev"' in last and 'rel="next"' not in last
    assert "Previous page" in page_text.text(last)  # the hidden word says what the link is for
