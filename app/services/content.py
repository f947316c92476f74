"""Translated text of rounds, pots and proposals, through the one fallback rule (pick_translation)."""

from sqlalchemy import select

from app.domain.content import pick_translation
from app.models import ContentTranslation


def _content_values(session, entity, entity_id, field, original_text, original_locale):
    values = {original_locale: original_text}
    rows = session.scalars(select(ContentTranslation).where(
        ContentTranslation.entity == entity, ContentTranslation.entity_id == entity_id,
        ContentTranslation.field == field))
    for row in rows:
        values.setdefault(row.locale, row.text)
    return values


def round_text(session, round_, field, locale):
    """Picked text of a round's field ("title" or "description") in locale."""
    values = _content_values(session, "round", round_.id, field, getattr(round_, field), round_.original_locale)
    return pick_translation(values, locale, round_.original_locale)


def pot_text(session, pot, field, locale):
    values = _content_values(session, "pot", pot.id, field, getattr(pot, field), pot.round.original_locale)
    return pick_translation(values, locale, pot.round.original_locale)


def proposal_text(proposal, field, locale):
    """Picked text of a proposal's title/summary/description: requested -> the author's language -> English."""
    values = {proposal.original_locale: getattr(proposal, field)}
    for translation in proposal.translations:
        values.setdefault(translation.locale, getattr(translation, field))
    return pick_translation(values, locale, proposal.original_locale)
