"""Content translation states (missing, translated, reviewed, stale), saving and review."""

from app.models import ContentTranslation
from app.services import content_translations
from tests.factories import make_pot, make_proposal, make_round, make_user


def _item(db, entity, entity_id, lang):
    return content_translations.content_item(db.session, entity, entity_id, lang)


def test_content_moves_from_missing_to_translated_to_reviewed(db):
    pot = make_pot(name="Small grants", instructions="Choose up to three projects.")
    translator = make_user(role="translator")
    assert _item(db, "pot", pot.id, "pl").state == "missing"
    content_translations.save_content(db.session, "pot", pot.id, "pl",
                              {"name": "Małe granty", "instructions": "Wybierz do trzech projektów."}, translator)
    item = _item(db, "pot", pot.id, "pl")
    assert item.state == "translated" and item.field_states == ["translated", "translated"]
    assert content_translations.mark_reviewed(db.session, "pot", pot.id, "pl", make_user(role="translator"))
    assert _item(db, "pot", pot.id, "pl").state == "reviewed"


def test_changing_the_original_makes_the_translation_stale_and_says_what_changed(db):
    round_ = make_round(title="Summer grants for parks")
    translator = make_user(role="translator")
    content_translations.save_content(db.session, "round", round_.id, "cy",
                              {"title": "Grantiau haf i barciau", "description": "Disgrifiad"}, translator)
    reviewer = make_user(role="translator")
    content_translations.mark_reviewed(db.session, "round", round_.id, "cy", reviewer)
    round_.title = "Summer grants for parks and play areas"
    db.session.flush()
    item = _item(db, "round", round_.id, "cy")
    assert item.state == "stale" and item.field_states == ["stale", "reviewed"]
    title = item.fields[0]
    assert title.translation == "Grantiau haf i barciau" and title.previous_original == "Summer grants for parks"
    assert title.changes == [("same", "Summer grants for parks"), ("added", "and play areas")]
    assert not content_translations.mark_reviewed(db.session, "round", round_.id, "cy", reviewer)
    # Saving the same words again confirms them against today's original; review starts again.
    content_translations.save_content(db.session, "round", round_.id, "cy",
                              {"title": "Grantiau haf i barciau a mannau chwarae", "description": "Disgrifiad"},
                              translator)
    assert _item(db, "round", round_.id, "cy").field_states == ["translated", "reviewed"]


def test_a_blank_field_keeps_the_original_and_a_blank_form_removes_the_translation(db):
    round_ = make_round()
    translator = make_user(role="translator")
    content_translations.save_content(db.session, "round", round_.id, "ur", {"title": "بجٹ", "description": "تفصیل"},
                              translator)
    content_translations.save_content(db.session, "round", round_.id, "ur", {"title": "", "description": "تفصیل"}, translator)
    assert sorted((row.field, row.text) for row in db.session.query(ContentTranslation)) == [
        ("description", "تفصیل"), ("title", "")]
    item = _item(db, "round", round_.id, "ur")
    assert item.state == "translated" and [f.kept_original for f in item.fields] == [True, False]
    content_translations.save_content(db.session, "round", round_.id, "ur", {"title": "", "description": ""}, translator)
    assert db.session.query(ContentTranslation).count() == 0
    assert _item(db, "round", round_.id, "ur").state == "missing"


def test_a_field_the_original_gains_after_translation_is_not_translated(db):
    """Only a blank box a translator saw and left is a choice: a description added later still needs them."""
    round_ = make_round(title="Summer grants")
    round_.description = ""
    translator = make_user(role="translator")
    content_translations.save_content(db.session, "round", round_.id, "ur", {"title": "گرمیوں کی گرانٹس"}, translator)
    assert _item(db, "round", round_.id, "ur").state == "translated"
    round_.description = "Residents decide."
    db.session.flush()
    item = _item(db, "round", round_.id, "ur")
    assert item.state == "missing" and item.field_states == ["translated", "missing"]


def test_a_kept_original_goes_stale_when_the_original_changes(db):
    pot = make_pot(name="Small grants", instructions="Choose three.")
    translator = make_user(role="translator")
    content_translations.save_content(db.session, "pot", pot.id, "cy", {"name": "Grantiau bach", "instructions": ""},
                                      translator)
    assert content_translations.mark_reviewed(db.session, "pot", pot.id, "cy", make_user(role="translator"))
    assert _item(db, "pot", pot.id, "cy").state == "reviewed"
    pot.instructions = "Choose up to five."
    db.session.flush()
    assert _item(db, "pot", pot.id, "cy").field_states == ["reviewed", "stale"]  # the translator looks again


def test_proposals_are_translated_as_title_and_summary(db):
    proposal = make_proposal(title="Benches", summary="Four benches.", original_locale="en")
    translator = make_user(role="translator")
    content_translations.save_content(db.session, "proposal", proposal.id, "pa",
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
    cover = content_translations.content_coverage(content_translations.content_items(db.session, "cy"))
    assert (cover.missing, cover.total) == (2, 2)  # only the English round's title and description
    cover = content_translations.content_coverage(content_translations.content_items(db.session, "en"))
    assert (cover.missing, cover.total) == (2, 2)


def test_drafts_and_hidden_proposals_are_not_listed(db):
    shown = make_proposal(status="feasible")
    make_proposal(status="draft", pot=shown.pot)
    make_proposal(status="submitted", hidden=True, pot=shown.pot)
    ids = [i.entity_id for i in content_translations.content_items(db.session, "cy") if i.entity == "proposal"]
    assert ids == [shown.id]
