"""Content translation states (missing, translated, reviewed, stale) and catalogue replacement on disk."""

import shutil
from pathlib import Path

import pytest

from app.models import ContentTranslation
from app.services import translations
from tests.factories import make_pot, make_proposal, make_round, make_user

ROOT = Path(__file__).resolve().parents[2]


def _item(db, entity, entity_id, lang):
    return translations.content_item(db.session, entity, entity_id, lang)


def test_content_moves_from_missing_to_translated_to_reviewed(db):
    pot = make_pot(name="Small grants", instructions="Choose up to three projects.")
    translator = make_user(role="translator")
    assert _item(db, "pot", pot.id, "pl").state == "missing"
    translations.save_content(db.session, "pot", pot.id, "pl", {"name": "Małe granty"}, translator)
    item = _item(db, "pot", pot.id, "pl")
    assert item.state == "missing" and item.field_states == ["translated", "missing"]
    translations.save_content(db.session, "pot", pot.id, "pl",
                              {"name": "Małe granty", "instructions": "Wybierz do trzech projektów."}, translator)
    assert _item(db, "pot", pot.id, "pl").state == "translated"
    assert translations.mark_reviewed(db.session, "pot", pot.id, "pl", make_user(role="translator"))
    assert _item(db, "pot", pot.id, "pl").state == "reviewed"


def test_changing_the_original_makes_the_translation_stale_and_says_what_changed(db):
    round_ = make_round(title="Summer grants for parks")
    translator = make_user(role="translator")
    translations.save_content(db.session, "round", round_.id, "cy",
                              {"title": "Grantiau haf i barciau", "description": "Disgrifiad"}, translator)
    reviewer = make_user(role="translator")
    translations.mark_reviewed(db.session, "round", round_.id, "cy", reviewer)
    round_.title = "Summer grants for parks and play areas"
    db.session.flush()
    item = _item(db, "round", round_.id, "cy")
    assert item.state == "stale" and item.field_states == ["stale", "reviewed"]
    title = item.fields[0]
    assert title.translation == "Grantiau haf i barciau" and title.previous_original == "Summer grants for parks"
    assert title.changes == [("same", "Summer grants for parks"), ("added", "and play areas")]
    assert not translations.mark_reviewed(db.session, "round", round_.id, "cy", reviewer)
    # Saving the same words again confirms them against today's original; review starts again.
    translations.save_content(db.session, "round", round_.id, "cy",
                              {"title": "Grantiau haf i barciau a mannau chwarae", "description": "Disgrifiad"},
                              translator)
    assert _item(db, "round", round_.id, "cy").field_states == ["translated", "reviewed"]


def test_a_blank_field_removes_the_translation(db):
    round_ = make_round()
    translator = make_user(role="translator")
    translations.save_content(db.session, "round", round_.id, "ur", {"title": "بجٹ", "description": "تفصیل"},
                              translator)
    translations.save_content(db.session, "round", round_.id, "ur", {"title": "", "description": "تفصیل"}, translator)
    assert [row.field for row in db.session.query(ContentTranslation)] == ["description"]


def test_proposals_are_translated_as_title_and_summary(db):
    proposal = make_proposal(title="Benches", summary="Four benches.", original_locale="en")
    translator = make_user(role="translator")
    translations.save_content(db.session, "proposal", proposal.id, "pa",
                              {"title": "ਬੈਂਚ", "summary": "ਚਾਰ ਬੈਂਚ।"}, translator)
    assert _item(db, "proposal", proposal.id, "pa").state == "translated"
    proposal.summary = "Six benches."
    db.session.flush()
    item = _item(db, "proposal", proposal.id, "pa")
    assert item.field_states == ["stale", "stale"]  # one row covers both fields
    assert item.fields[1].changes == [("removed", "Four"), ("added", "Six"), ("same", "benches.")]


def test_content_in_its_own_language_is_not_counted(db):
    welsh = make_round(title="Grantiau cymunedol")
    welsh.original_locale = "cy"
    make_round(title="Community grants")
    db.session.flush()
    cover = translations.content_coverage(translations.content_items(db.session, "cy"))
    assert (cover.missing, cover.total) == (2, 2)  # only the English round's title and description
    cover = translations.content_coverage(translations.content_items(db.session, "en"))
    assert (cover.missing, cover.total) == (2, 2)


def test_drafts_and_hidden_proposals_are_not_listed(db):
    shown = make_proposal(status="feasible")
    make_proposal(status="draft", pot=shown.pot)
    make_proposal(status="submitted", hidden=True, pot=shown.pot)
    ids = [i.entity_id for i in translations.content_items(db.session, "cy") if i.entity == "proposal"]
    assert ids == [shown.id]


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", target)
    return target


def test_a_refused_catalogue_changes_nothing(db, copy):
    po = (copy / "pl/LC_MESSAGES/messages.po").read_bytes()
    result = translations.replace_catalogue(db.session, str(copy), "pl", po.replace(b"Language: pl", b"Language: cy"),
                                            make_user(role="translator"))
    assert not result.ok and [p.code for p in result.checked.problems] == ["language"]
    assert translations.stored_catalogue(db.session, "pl") is None
    assert translations.catalogue_bytes(str(copy), "pl", db.session) == po
    assert translations.served_catalogues(db.session, str(copy)) == {}


def test_an_accepted_catalogue_is_stored_and_served_without_its_fuzzy_strings(db, copy):
    shipped = (copy / "cy/LC_MESSAGES/messages.po").read_bytes()
    po = shipped.replace(b'msgid "Results"\nmsgstr "Canlyniadau"', b'msgid "Results"\nmsgstr "Y canlyniadau"')
    po = po.replace(b'msgid "Vote"\n', b'#, fuzzy\nmsgid "Vote"\n')
    before = translations.catalogues_version(db.session)
    result = translations.replace_catalogue(db.session, str(copy), "cy", po, make_user(role="translator"))
    assert result.ok and result.changed == 2
    assert (copy / "cy/LC_MESSAGES/messages.po").read_bytes() == shipped  # nothing written to this host's disk
    assert translations.catalogues_version(db.session) != before  # what tells every other process to reload
    assert b'msgstr "Y canlyniadau"' in translations.catalogue_bytes(str(copy), "cy", db.session)
    served = translations.served_catalogues(db.session, str(copy))["cy"]
    assert served.gettext("Results") == "Y canlyniadau"
    assert served.gettext("Vote") == "Vote"  # fuzzy: the service shows it in English
    assert served.plural(2) == 2  # Welsh plural forms, from the catalogue's header
