"""Every audit chain head ever shown to the public is archived, with its time, and listed on the results
page, in /api and in the open data; the page shows archived heads only, never the live one."""

import csv
import io

from app.services.audit import chain_head, publish_head, published_heads, record
from tests.support.results_scenarios import Scenario


def test_results_page_api_and_open_data_list_every_published_head(client, db):
    s = Scenario(phase="published")  # the board's lock published the first head
    first = published_heads(db.session)[0]
    record(db.session, s.officer, "round.update", f"round:{s.round.id}", fields=["title"])
    second = publish_head(db.session, reason="scheduled")
    record(db.session, s.officer, "round.update", f"round:{s.round.id}", fields=["description"])  # not published
    db.session.commit()
    unpublished = chain_head(db.session)

    page = client.get(f"/results/rounds/{s.round.id}").get_data(as_text=True)
    assert first.entry_hash in page and second.entry_hash in page
    assert page.index(second.entry_hash) < page.index(first.entry_hash)  # newest first
    assert unpublished not in page  # only archived heads are ever shown

    api = client.get("/api/audit/heads").get_json()["published_heads"]
    assert [h["head"] for h in api] == [second.entry_hash, first.entry_hash]
    assert api[0]["entry_id"] == second.entry_id and api[0]["published_at"].startswith("20")
    assert client.get("/api/rounds").get_json()["audit_chain_head"] == second.entry_hash

    download = client.get("/results/audit-heads.csv")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert rows[0] == ["head", "entry_id", "published_at"]
    assert [r[0] for r in rows[1:]] == [second.entry_hash, first.entry_hash]


def test_with_nothing_published_yet_the_lists_are_empty(client, db):
    assert client.get("/api/audit/heads").get_json() == {"published_heads": []}
    assert client.get("/api/rounds").get_json()["audit_chain_head"] is None
    assert client.get("/results/audit-heads.csv").get_data(as_text=True).strip() == "head,entry_id,published_at"
