"""Resident- and officer-written text (round titles, pot names, proposal titles and summaries) is shown
escaped on every page, whichever language rule picked it: a title that is markup stays text."""

from app.models import ContentTranslation, ProposalTranslation
from tests.factories import make_user
from tests.support.results_scenarios import Scenario

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
RAW = ("<script>alert(", "<img src=x onerror")


def test_markup_in_content_is_escaped_on_every_page_for_everyone(app, db, login_as):
    s = Scenario(phase="published")
    s.round.title = f"Round {PAYLOAD}"
    s.pot.name = f"Pot {PAYLOAD}"
    s.garden.title, s.garden.summary = f"Garden {PAYLOAD}", f"Summary {PAYLOAD}"
    db.session.add(ProposalTranslation(proposal_id=s.garden.id, locale="cy", title=f"Gardd {PAYLOAD}",
                                       summary=f"Crynodeb {PAYLOAD}", source_hash="0" * 64))
    db.session.add(ContentTranslation(entity="pot", entity_id=s.pot.id, field="name", locale="cy",
                                      text=f"Pot {PAYLOAD}", source_hash="0" * 64))
    resident = make_user(ward=s.ward)
    db.session.commit()
    values = {"round_id": s.round.id, "pot_id": s.pot.id, "proposal_id": s.garden.id, "record_id": 1,
              "user_id": resident.id, "lang": "cy", "entity": "proposal", "entity_id": s.garden.id,
              "filename": "css/app.css", "token": "x", "area_id": s.round.area_id, "photo_id": 1}
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]
    shown_somewhere = False
    for who, user in (("visitor", None), ("resident", resident), ("officer", s.officer), ("board", s.members[0])):
        for locale in ("en", "cy"):
            client = app.test_client()
            if user is not None:
                user.preferred_locale = locale
                db.session.commit()
                login_as(user, on=client)
            for rule in rules:
                url = rule.build({k: values[k] for k in rule.arguments})[1]
                response = client.get(url, headers={"Accept-Language": locale})
                body = response.get_data(as_text=True)
                response.close()
                assert response.status_code < 500, (who, locale, url)
                if not response.content_type.startswith("text/html"):
                    continue
                assert [raw for raw in RAW if raw in body] == [], (who, locale, url)
                shown_somewhere |= "&lt;script&gt;alert(" in body
    assert shown_somewhere  # the payloads were on the pages, escaped
