"""Translators' pages: only translators get in; content side by side, reviewed, flagged stale; catalogues
downloaded and uploaded (a bad upload changes nothing, a good one shows at once)."""

import io
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.models import AuditEntry, ContentTranslation, ProposalTranslation
from tests.factories import make_pot, make_proposal, make_round, make_user
from tests.support.page_text import table_rows

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def catalogues(app, tmp_path, monkeypatch):
    """A copy of translations/ that the app reads and writes, so uploads never touch the real catalogues."""
    copy = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", copy)
    babel = app.extensions["babel"]
    monkeypatch.setattr(babel, "translation_directories", [str(copy)])
    babel.instance.domain_instance.cache.clear()
    yield copy
    babel.instance.domain_instance.cache.clear()


def _po(copy, lang):
    return (copy / lang / "LC_MESSAGES" / "messages.po").read_bytes()


def _mo(copy, lang):
    return (copy / lang / "LC_MESSAGES" / "messages.mo").read_bytes()


def _upload(client, lang, data, filename="messages.po"):
    return client.post(f"/translate/{lang}/messages.po",
                       data={"catalogue": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def _edit_line(po, msgid, new_msgstr):
    """Replace the msgstr of a one-line msgid in .po bytes."""
    lines = po.decode().split("\n")
    at = lines.index(f'msgid "{msgid}"')
    assert lines[at + 1].startswith("msgstr ")
    lines[at + 1] = f'msgstr "{new_msgstr}"'
    return "\n".join(lines).encode()


PAGES = ["/translate/", "/translate/cy/", "/translate/ur/messages.po"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(("role", "status"), [(None, 302), ("resident", 403), ("officer", 403), ("board", 403),
                                              ("admin", 403), ("translator", 200)])
def test_translator_pages_are_for_translators_only(client, db, login_as, path, role, status):
    if role:
        login_as(make_user(role=role))
    assert client.get(path).status_code == status


@pytest.mark.parametrize("role", ["resident", "officer", "admin"])
def test_people_without_the_role_cannot_translate_or_upload(client, db, login_as, catalogues, role):
    round_ = make_round(title="Summer grants")
    login_as(make_user(role=role))
    before = _po(catalogues, "cy")
    assert client.post(f"/translate/cy/round/{round_.id}", data={"title": "Grantiau'r haf"}).status_code == 403
    assert _upload(client, "cy", before.replace(b"Neidio", b"Naid")).status_code == 403
    assert db.session.query(ContentTranslation).count() == 0 and _po(catalogues, "cy") == before


def test_overview_shows_page_text_and_content_coverage_per_language(client, db, login_as):
    make_pot(round_=make_round(title="Summer grants"), name="Small grants", instructions="Choose three.")
    login_as(make_user(role="translator"))
    html = client.get("/translate/").get_data(as_text=True)
    for lang, name in (("cy", "Cymraeg"), ("pl", "Polski"), ("ur", "اردو"), ("pa", "ਪੰਜਾਬੀ")):
        assert f'href="/translate/{lang}/" lang="{lang}">{name}</a>' in html
    # Four texts (round title and description, pot name and instructions), none translated yet.
    assert sum(row.count("4") for row in table_rows(html)) >= 4


def test_translator_translates_a_round_side_by_side_and_another_reviews_it(client, db, login_as):
    round_ = make_round(title="Summer grants", phase="proposals")  # translated before voting opens
    make_pot(round_=round_)
    translator = login_as(make_user(role="translator"))
    page = client.get(f"/translate/cy/round/{round_.id}").get_data(as_text=True)
    assert "Summer grants" in page and 'lang="cy"' in page and "Title in Welsh" in page
    response = client.post(f"/translate/cy/round/{round_.id}",
                           data={"title": "Grantiau’r haf", "description": "Trigolion sy’n penderfynu."})
    assert response.status_code == 302
    rows = {row.field: row for row in db.session.query(ContentTranslation).filter_by(entity="round")}
    assert rows["title"].text == "Grantiau’r haf" and not rows["title"].reviewed
    assert rows["title"].translator_id == translator.id
    assert "Needs review" in client.get("/translate/cy/").get_data(as_text=True)

    login_as(make_user(role="translator"))
    assert client.post(f"/translate/cy/round/{round_.id}/review").status_code == 302
    db.session.expire_all()
    assert all(row.reviewed for row in db.session.query(ContentTranslation))
    assert {e.action for e in db.session.query(AuditEntry)} == {"translation.save", "translation.review"}
    # Voting opens; residents reading Welsh see the Welsh title on the voting page.
    round_.phase, round_.voting_open_at = "voting", datetime.now(UTC) - timedelta(days=1)
    db.session.commit()
    login_as(make_user(locale="cy", ward=round_.wards[0] if round_.wards else None))
    assert "Grantiau’r haf" in client.get("/voting/").get_data(as_text=True)


def test_a_changed_original_flags_the_translation_stale_and_shows_what_changed(client, db, login_as):
    round_ = make_round(title="Summer grants for parks")
    translator, reviewer = make_user(role="translator"), make_user(role="translator")
    login_as(translator)
    client.post(f"/translate/pl/round/{round_.id}", data={"title": "Letnie granty na parki", "description": "Opis"})
    login_as(reviewer)
    client.post(f"/translate/pl/round/{round_.id}/review")
    round_.title = "Summer grants for parks and play areas"
    db.session.commit()

    listing = client.get("/translate/pl/?state=stale").get_data(as_text=True)
    assert "Summer grants for parks and play areas" in listing and "Original changed" in listing
    page = client.get(f"/translate/pl/round/{round_.id}").get_data(as_text=True)
    assert "The original has changed since it was translated" in page
    assert "Letnie granty na parki" in page  # shown with the original until updated
    assert re.search(r"<ins><span[^>]*>added: </span>and play areas</ins>", page)  # heard as "added"
    # A stale translation cannot be marked reviewed until it is updated.
    client.post(f"/translate/pl/round/{round_.id}/review")
    assert "Only a complete, up-to-date translation" in client.get(f"/translate/pl/round/{round_.id}").get_data(
        as_text=True)

    client.post(f"/translate/pl/round/{round_.id}",
                data={"title": "Letnie granty na parki i place zabaw", "description": "Opis"})
    page = client.get(f"/translate/pl/round/{round_.id}").get_data(as_text=True)
    assert "The original has changed" not in page and "Needs review" in page


def _state_of(client, lang, label):
    """The state the language's listing shows beside the item whose original is label."""
    rows = [row for row in table_rows(client.get(f"/translate/{lang}/").get_data(as_text=True)) if row[1] == label]
    assert len(rows) == 1, rows
    return rows[0][2]


@pytest.mark.parametrize("entity", ["round", "pot", "proposal"])
def test_a_box_left_blank_shows_the_original_and_the_translation_can_still_be_reviewed(client, db, login_as, entity):
    round_ = make_round(title="Summer grants", phase="proposals")
    pot = make_pot(round_=round_, name="Small grants", instructions="Choose three.")
    proposal = make_proposal(pot=pot, title="Benches for the park", summary="Four new benches.")
    target, filled, blank = {"round": (round_, "title", "description"), "pot": (pot, "name", "instructions"),
                             "proposal": (proposal, "title", "summary")}[entity]
    label = getattr(target, filled)
    login_as(make_user(role="translator"))
    assert _state_of(client, "ur", label) == "Not translated"
    response = client.post(f"/translate/ur/{entity}/{target.id}", data={filled: "اردو میں عنوان", blank: ""})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Translation saved" in page and "Left blank on purpose: readers in Urdu see the original." in page
    assert _state_of(client, "ur", label) == "Needs review"

    login_as(make_user(role="translator"))  # a second translator checks the words and the blank box
    page = client.get(f"/translate/ur/{entity}/{target.id}").get_data(as_text=True)
    assert "Mark as reviewed" in page
    client.post(f"/translate/ur/{entity}/{target.id}/review")
    assert _state_of(client, "ur", label) == "Reviewed"
    # A form left wholly blank removes the translation: the item is not translated again.
    client.post(f"/translate/ur/{entity}/{target.id}", data={filled: "", blank: ""})
    assert _state_of(client, "ur", label) == "Not translated"


def test_residents_see_the_translated_title_and_the_original_description_marked_english(client, db, login_as):
    round_ = make_round(title="Summer grants", phase="proposals")
    login_as(make_user(role="translator"))
    client.post(f"/translate/ur/round/{round_.id}", data={"title": "گرمیوں کی گرانٹس", "description": ""})
    login_as(make_user(locale="ur"))
    home = re.sub(r"\s+", " ", client.get("/").get_data(as_text=True))
    assert "گرمیوں کی گرانٹس" in home
    assert re.search(r'<p[^>]*lang="en"[^>]*>\s*Residents decide how the Neighbourhood Board', home)


def test_a_proposal_translation_shows_its_title_right_to_left(client, db, login_as):
    proposal = make_proposal(title="Benches for the park", summary="Four new benches.")
    login_as(make_user(role="translator"))
    client.post(f"/translate/ur/proposal/{proposal.id}", data={"title": "پارک کے لیے بینچ", "summary": "چار نئے بینچ۔"})
    db.session.refresh(proposal)
    assert [(t.locale, t.title) for t in proposal.translations] == [("ur", "پارک کے لیے بینچ")]
    page = client.get(f"/translate/ur/proposal/{proposal.id}").get_data(as_text=True)
    assert 'dir="rtl" id="title" lang="ur"' in page


def test_draft_proposals_and_unknown_languages_are_not_for_translating(client, db, login_as):
    draft = make_proposal(status="draft")
    login_as(make_user(role="translator"))
    assert client.get(f"/translate/cy/proposal/{draft.id}").status_code == 404
    assert client.get("/translate/xx/").status_code == 404
    assert client.get("/translate/cy/ballot/1").status_code == 404


def test_download_gives_the_language_catalogue(client, db, login_as):
    login_as(make_user(role="translator"))
    response = client.get("/translate/cy/messages.po")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert response.data == (ROOT / "translations/cy/LC_MESSAGES/messages.po").read_bytes()


BAD_UPLOADS = {
    "not a catalogue": (lambda po: b"this is not a po file\n", "not a valid .po catalogue"),
    "wrong language": (lambda po: po.replace(b'"Language: cy\\n"', b'"Language: pl\\n"'), "not for Welsh"),
    "lost placeholder": (lambda po: _edit_line(po, "Run by %(council)s with its Neighbourhood Boards.",
                                               "Rhedir gan y cyngor."), "must keep the original"),
    "renamed placeholder": (lambda po: _edit_line(po, "Run by %(council)s with its Neighbourhood Boards.",
                                                  "Rhedir gan %(cyngor)s."), "must keep the original"),
    "script injection": (lambda po: _edit_line(po, "Skip to main content",
                                               "Neidio<script>alert(1)</script>"), "adds or changes HTML tags"),
    "link injection": (lambda po: _edit_line(po, "Skip to main content",
                                             '<a href=\\"https://evil.example\\">Neidio</a>'), "adds or changes HTML"),
}


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_a_bad_upload_is_refused_with_a_reason_and_changes_nothing(client, db, login_as, catalogues, case):
    login_as(make_user(role="translator"))
    po, mo = _po(catalogues, "cy"), _mo(catalogues, "cy")
    change, reason = BAD_UPLOADS[case]
    response = _upload(client, "cy", change(po))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The catalogue was not changed" in html and reason in html
    assert _po(catalogues, "cy") == po and _mo(catalogues, "cy") == mo
    assert client.get("/translate/cy/messages.po").data == po
    assert db.session.query(AuditEntry).count() == 0
    client.post("/language", data={"locale": "cy", "next": "/"})
    assert "Neidio i’r prif gynnwys" in client.get("/").get_data(as_text=True)


def test_upload_without_a_file_is_refused(client, db, login_as, catalogues):
    login_as(make_user(role="translator"))
    response = client.post("/translate/cy/messages.po", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a .po file to upload" in response.get_data(as_text=True)


def test_a_good_upload_is_saved_compiled_and_shows_at_once(client, db, login_as, catalogues):
    translator = login_as(make_user(role="translator", locale="cy"))
    assert "Neidio i’r prif gynnwys" in client.get("/").get_data(as_text=True)  # caches the old catalogue
    po = _edit_line(_po(catalogues, "cy"), "Skip to main content", "Ewch i’r prif gynnwys")
    response = _upload(client, "cy", po)
    assert response.status_code == 302
    # The translator reads Welsh: the message uses the Welsh plural form for one.
    assert "Catalog Cymraeg wedi’i gadw: newidiwyd un llinyn." in client.get(response.headers["Location"]).get_data(
        as_text=True)
    html = client.get("/").get_data(as_text=True)
    assert "Ewch i’r prif gynnwys" in html and "Neidio i’r prif gynnwys" not in html
    assert "Ewch i’r prif gynnwys".encode() in client.get("/translate/cy/messages.po").data  # what is served now
    assert "Ewch i’r prif gynnwys".encode() not in _po(catalogues, "cy")  # kept in the database, not on one host
    entry = db.session.query(AuditEntry).filter_by(action="catalogue.upload").one()
    assert entry.actor_id == translator.id and entry.details == {"changed": 1, "ignored": 0}


def test_fuzzy_strings_in_an_upload_show_in_english(client, db, login_as, catalogues):
    login_as(make_user(role="translator", locale="cy"))
    po = _po(catalogues, "cy").replace(b'msgid "Skip to main content"', b'#, fuzzy\nmsgid "Skip to main content"')
    assert _upload(client, "cy", po).status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert "Skip to main content" in html and "Neidio i’r prif gynnwys" not in html
    assert "Cyllidebau Cymdogaeth" in html


def _ballot(db):
    """A round open for voting: its title, its pot and the project on its ballot are ballot texts."""
    round_ = make_round(title="Summer grants", phase="voting", voting_open_at=datetime.now(UTC) - timedelta(days=1))
    pot = make_pot(round_=round_, name="Small grants")
    on_ballot = make_proposal(pot=pot, title="Benches", summary="Four benches.", status="feasible", on_ballot=True)
    not_on_ballot = make_proposal(pot=pot, title="Late idea", summary="Too late.", status="not_feasible")
    return round_, pot, on_ballot, not_on_ballot


@pytest.mark.parametrize("entity", ["round", "pot", "proposal"])
def test_ballot_texts_and_their_translations_are_frozen_while_voting_is_open(client, db, login_as, entity):
    round_, pot, on_ballot, _late = _ballot(db)
    target = {"round": round_, "pot": pot, "proposal": on_ballot}[entity]
    fields = {"round": {"title": "Grantiau’r haf", "description": "Disgrifiad"},
              "pot": {"name": "Grantiau bach", "instructions": "Dewiswch"},
              "proposal": {"title": "Meinciau", "summary": "Pedair mainc."}}[entity]
    login_as(make_user(role="translator"))
    page = client.get(f"/translate/cy/{entity}/{target.id}").get_data(as_text=True)
    assert "Voting is open" in page and "Save translation" not in page and "disabled" in page
    response = client.post(f"/translate/cy/{entity}/{target.id}", data=fields)
    assert response.status_code == 302
    assert "Voting is open" in client.get(response.location).get_data(as_text=True)
    assert db.session.query(ContentTranslation).count() == 0 and db.session.query(ProposalTranslation).count() == 0
    assert db.session.query(AuditEntry).filter_by(action="translation.save").count() == 0


def test_a_project_not_on_the_ballot_is_still_translated_during_voting(client, db, login_as):
    _round, _pot, _on_ballot, late = _ballot(db)
    login_as(make_user(role="translator"))
    client.post(f"/translate/cy/proposal/{late.id}", data={"title": "Syniad hwyr", "summary": "Rhy hwyr."})
    assert db.session.query(ProposalTranslation).filter_by(proposal_id=late.id).one().title == "Syniad hwyr"


def test_a_translation_made_before_voting_cannot_be_reviewed_while_voting_is_open(client, db, login_as):
    round_ = make_round(title="Summer grants", phase="proposals")
    login_as(make_user(role="translator"))
    client.post(f"/translate/cy/round/{round_.id}", data={"title": "Grantiau’r haf", "description": "Disgrifiad"})
    round_.phase, round_.voting_open_at = "voting", datetime.now(UTC) - timedelta(days=1)
    db.session.commit()
    login_as(make_user(role="translator"))
    assert "Mark as reviewed" not in client.get(f"/translate/cy/round/{round_.id}").get_data(as_text=True)
    client.post(f"/translate/cy/round/{round_.id}/review")
    db.session.expire_all()
    assert not any(row.reviewed for row in db.session.query(ContentTranslation))


def test_a_translator_cannot_review_their_own_translation(client, db, login_as):
    round_ = make_round(title="Summer grants", phase="proposals")
    translator = login_as(make_user(role="translator"))
    client.post(f"/translate/cy/round/{round_.id}", data={"title": "Grantiau’r haf", "description": "Disgrifiad"})
    page = client.get(f"/translate/cy/round/{round_.id}").get_data(as_text=True)
    assert "Mark as reviewed" not in page and "another translator must review it" in page
    response = client.post(f"/translate/cy/round/{round_.id}/review")  # the form is not shown; post it anyway
    assert "another translator must review it" in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert not any(row.reviewed for row in db.session.query(ContentTranslation))
    assert db.session.query(AuditEntry).filter_by(action="translation.review").count() == 0

    login_as(make_user(role="translator"))  # a second person
    assert "Mark as reviewed" in client.get(f"/translate/cy/round/{round_.id}").get_data(as_text=True)
    client.post(f"/translate/cy/round/{round_.id}/review")
    db.session.expire_all()
    assert all(row.reviewed for row in db.session.query(ContentTranslation))
    assert translator.id not in {e.actor_id for e in db.session.query(AuditEntry).filter_by(action="translation.review")}
