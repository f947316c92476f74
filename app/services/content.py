"""Translated text of rounds, pots and proposals, through the one fallback rule (pick_translation).

Only current translations are shown: one made from an original that has changed since is stale
(app.domain.content.current_translations), and residents see the original until a translator updates it.
"""

from sqlalchemy import select

from app.domain.content import Picked, current_translations, pick_translation
from app.models import ContentTranslation
from app.models.content import ContentSource
from app.services.content_translations import FIELDS, source_hash


def _recorded(session, hashes):
    """The hashes among these that name an original kept on record (ContentSource)."""
    if not hashes:
        return set()
    return set(session.scalars(select(ContentSource.source_hash).where(ContentSource.source_hash.in_(hashes))))


def _shown(session, translations, original_hash):
    unknown = {made_from for _locale, _text, made_from in translations if made_from != original_hash}
    return current_translations(translations, original_hash, _recorded(session, unknown))


def _field_text(session, entity, entity_id, field, original_text, original_locale, locale):
    """A round's or pot's field: one translation row per field, made from {field: original}."""
    if not original_text:
        return Picked("", locale, False)  # nothing written, so nothing to translate
    rows = session.execute(select(ContentTranslation.locale, ContentTranslation.text, ContentTranslation.source_hash)
                           .where(ContentTranslation.entity == entity, ContentTranslation.entity_id == entity_id,
                                  ContentTranslation.field == field)).all()
    values = _shown(session, [tuple(row) for row in rows], source_hash({field: original_text}))
    values[original_locale] = original_text
    return pick_translation(values, locale, original_locale)


def round_text(session, round_, field, locale):
    """Picked text of a round's field ("title" or "description") in locale."""
    return _field_text(session, "round", round_.id, field, getattr(round_, field), round_.original_locale, locale)


def pot_text(session, pot, field, locale):
    """Picked text of a pot's field ("name" or "instructions") in locale."""
    return _field_text(session, "pot", pot.id, field, getattr(pot, field), pot.round.original_locale, locale)


def proposal_text(session, proposal, field, locale):
    """Picked text of a proposal's title/summary/description: requested -> the author's language -> English.

    A proposal's translation is one row made from its title and summary together; a change to either
    makes the whole row stale.
    """
    original = getattr(proposal, field)
    made_from = source_hash({name: getattr(proposal, name) for name in FIELDS["proposal"] if getattr(proposal, name)})
    values = _shown(session, [(t.locale, getattr(t, field), t.source_hash) for t in proposal.translations], made_from)
    values[proposal.original_locale] = original
    return pick_translation(values, locale, proposal.original_locale)

