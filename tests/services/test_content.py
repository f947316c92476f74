"""Content shown to residents: the fallback rule over current translations; a stale one is not shown."""

from app.domain.content import Picked
from app.models import ContentTranslation, ProposalTranslation
from app.services import content, content_translations
from tests.factories import make_pot, make_proposal, make_round, make_user


def test_a_round_in_the_readers_language_then_the_original_when_it_changes_until_updated(db):
    round_ = make_round(title="Summer grants for parks")
    translator = make_user(role="translator")
    content_translations.save_content(db.session, "round", round_.id, "cy", {"title": "Grantiau haf i barciau"}, translator)
    assert content.round_text(db.session, round_, "title", "cy") == Picked("Grantiau haf i barciau", "cy", False)

    round_.title = "Summer grants for parks and play areas"
    db.session.flush()
    assert content.round_text(db.session, round_, "title", "cy") == Picked(
        "Summer grants for parks and play areas", "en", True)  # stale: the original, said to be a fallback

    content_translations.save_content(db.session, "round", round_.id, "cy",
                              {"title": "Grantiau haf i barciau a mannau chwarae"}, translator)
    assert content.round_text(db.session, round_, "title", "cy").text == "Grantiau haf i barciau a mannau chwarae"


def test_only_the_changed_field_of_a_pot_goes_stale(db):
    pot = make_pot(name="Small grants", instructions="Choose up to three projects.")
    translator = make_user(role="translator")
    content_translations.save_content(db.session, "pot", pot.id, "pl",
                              {"name": "Małe granty", "instructions": "Wybierz do trzech projektów."}, translator)
    pot.instructions = "Choose up to two projects."
    db.session.flush()
    assert content.pot_text(db.session, pot, "name", "pl") == Picked("Małe granty", "pl", False)
    assert content.pot_text(db.session, pot, "instructions", "pl") == Picked("Choose up to two projects.", "en", True)


def test_a_proposals_translation_goes_stale_as_a_whole_when_its_title_or_summary_changes(db):
    proposal = make_proposal(title="Benches", summary="Four benches.", status="feasible")
    translator = make_user(role="translator")
    content_translations.save_content(db.session, "proposal", proposal.id, "pa", {"title": "ਬੈਂਚ", "summary": "ਚਾਰ ਬੈਂਚ।"},
                              translator)
    assert content.proposal_text(db.session, proposal, "title", "pa") == Picked("ਬੈਂਚ", "pa", False)
    proposal.summary = "Six benches."
    db.session.flush()
    assert content.proposal_text(db.session, proposal, "title", "pa") == Picked("Benches", "en", True)
    assert content.proposal_text(db.session, proposal, "summary", "pa") == Picked("Six benches.", "en", True)


def test_a_translation_made_outside_the_translators_pages_is_shown(db):
    """Its source_hash names no original on record, so nothing says it is out of date."""
    pot = make_pot(name="Community grants")
    proposal = make_proposal(pot=pot, title="Garden", status="feasible")
    db.session.add(ContentTranslation(entity="pot", entity_id=pot.id, field="name", locale="ur", text="کمیونٹی گرانٹس",
                                      source_hash="0" * 64))
    db.session.add(ProposalTranslation(proposal_id=proposal.id, locale="cy", title="Gardd", summary="Gardd i bawb.",
                                       source_hash="0" * 64))
    db.session.flush()
    db.session.refresh(proposal)
    assert content.pot_text(db.session, pot, "name", "ur").text == "کمیونٹی گرانٹس"
    assert content.proposal_text(db.session, proposal, "title", "cy").text == "Gardd"


def test_an_empty_field_has_nothing_to_show_in_any_language(db):
    pot = make_pot(instructions="")
    assert content.pot_text(db.session, pot, "instructions", "cy") == Picked("", "cy", False)
