"""Translated text of rounds, pots, proposals and their priorities as readers see it, through the one fallback rule
(pick_translation).

A page loads every text it shows in one query (page_texts; one more for the priority lists its proposals name) and
its template reads them from the lookup it returns. Only current translations are shown: one made from an original
that has changed since is stale (app.domain.content.current_translations), and residents see the original until a
translator updates it. Staff pages show what was written (original_text), marked with its language.
"""

from sqlalchemy import and_, literal, or_, select, union_all

from app.domain.content import Picked, current_translations, pick_translation
from app.domain.priorities import DEFAULT_PRIORITIES
from app.models import ContentTranslation, Priority, ProposalTranslation
from app.models.content import ContentSource
from app.services.content_translations import KINDS, source_hash
from app.services.priorities import shown_label

PROPOSAL_TEXTS = ("title", "summary", "description")  # a translation row may hold a description too


def _recorded(hash_column):
    """True when the translation's original is on record (ContentSource): only then can it be found stale."""
    return select(ContentSource.source_hash).where(ContentSource.source_hash == hash_column).exists()


def _translations_query(ids):
    """One statement for every translation of the given {entity: ids}: (entity, id, field, locale, text, made_from,
    recorded), a proposal's row giving one line per field."""
    parts = []
    field_ids = [(entity, ids[entity]) for entity in ("round", "pot", "priority") if ids.get(entity)]
    if field_ids:
        parts.append(select(ContentTranslation.entity, ContentTranslation.entity_id, ContentTranslation.field,
                            ContentTranslation.locale, ContentTranslation.text, ContentTranslation.source_hash,
                            _recorded(ContentTranslation.source_hash))
                     .where(or_(*[and_(ContentTranslation.entity == entity, ContentTranslation.entity_id.in_(found))
                                  for entity, found in field_ids])))
    if ids.get("proposal"):
        parts += [select(literal("proposal"), ProposalTranslation.proposal_id, literal(name), ProposalTranslation.locale,
                         getattr(ProposalTranslation, name), ProposalTranslation.source_hash,
                         _recorded(ProposalTranslation.source_hash))
                  .where(ProposalTranslation.proposal_id.in_(ids["proposal"])) for name in PROPOSAL_TEXTS]
    return union_all(*parts) if len(parts) > 1 else parts[0] if parts else None


class PageTexts:
    """The translated texts of the rounds, pots, proposals and priorities one page shows, in the reader's language.

    Each method returns a Picked (text, locale, is_fallback) that prints as its text. Something the view did not
    name is loaded on first use (one query for it), so a forgotten one costs a query, not the page.
    """

    def __init__(self, session, locale):
        self.session, self.locale = session, locale
        self._loaded = set()  # (entity, id)
        self._found = {}  # (entity, id, field) -> [(locale, text, made_from)]
        self._recorded = set()  # made_from hashes of originals on record
        self._lists = {}  # (council id, area id) -> {code: Priority} of the area's own list ({}: the standard six)

    def load(self, priorities=(), **objects):
        """Load every translation of these rounds=, pots= and proposals= not loaded yet, with the names of the
        priorities these priorities= proposals chose: one query for the texts, one for the priority lists."""
        ids = {}
        named = [row.id for row in self._priority_rows(priorities) if ("priority", row.id) not in self._loaded]
        if named:
            ids["priority"] = named
            self._loaded.update(("priority", id_) for id_ in named)
        for plural, objs in objects.items():
            entity = plural.removesuffix("s")
            wanted = {obj.id for obj in objs or () if (entity, obj.id) not in self._loaded}
            if wanted:
                ids[entity] = sorted(wanted)
                self._loaded.update((entity, id_) for id_ in wanted)
        query = _translations_query(ids)
        if query is not None:
            for entity, entity_id, field, locale, text, made_from, recorded in self.session.execute(query):
                self._found.setdefault((entity, entity_id, field), []).append((locale, text, made_from))
                if recorded:
                    self._recorded.add(made_from)
        return self

    def _priority_rows(self, proposals):
        """The rows of the priority lists these proposals' rounds use, for lists not loaded yet: one query."""
        wanted = {(p.round.council_id, p.round.area_id) for p in proposals if p.priority} - set(self._lists)
        if not wanted:
            return []
        rows = self.session.scalars(select(Priority).where(or_(*[
            and_(Priority.council_id == council_id,
                 Priority.area_id.is_(None) if area_id is None else Priority.area_id == area_id)
            for council_id, area_id in wanted])).order_by(Priority.position, Priority.id)).all()
        for key in wanted:
            self._lists[key] = {}
        for row in rows:
            self._lists[row.council_id, row.area_id].setdefault(row.code, row)
        return rows

    def _pick(self, entity, obj, field):
        if (entity, obj.id) not in self._loaded:
            self.load(**{f"{entity}s": [obj]})
        kind, original = KINDS[entity], getattr(obj, field)
        # A round's or pot's blank field has nothing to translate; a proposal's one translation row holds every
        # text, its description too, which may be all there is in another language.
        if not original and not kind.one_row:
            return Picked("", self.locale, False)
        made_from = kind.originals(obj) if kind.one_row else {field: original}  # what a current translation is of
        values = current_translations(self._found.get((entity, obj.id, field), []), source_hash(made_from),
                                      self._recorded)
        values[kind.original_locale(obj)] = original
        return pick_translation(values, self.locale, kind.original_locale(obj))

    def round(self, round_, field):
        """A round's "title" or "description"."""
        return self._pick("round", round_, field)

    def pot(self, pot, field):
        """A pot's "name" or "instructions"."""
        return self._pick("pot", pot, field)

    def proposal(self, proposal, field):
        """A proposal's "title", "summary" or "description": requested -> the author's language -> English.

        A proposal's translation is one row made from its title and summary together; a change to either
        makes the whole row stale.
        """
        return self._pick("proposal", proposal, field)

    def priority(self, proposal):
        """The name of the proposal's neighbourhood-plan priority in its round's area's list (the standard six when
        the area has none of its own): requested -> English; its code when the list does not have it."""
        key = (proposal.round.council_id, proposal.round.area_id)
        if proposal.priority and key not in self._lists:
            self.load(priorities=[proposal])
        listed = self._lists.get(key, {})
        row = listed.get(proposal.priority)
        if row is not None:
            labels = shown_label(row, self._found.get(("priority", row.id, "label"), []), self._recorded)
        else:
            labels = None if listed else DEFAULT_PRIORITIES.get(proposal.priority)
        if not labels:
            return Picked(proposal.priority or "", self.locale, False)
        return pick_translation(labels, self.locale, "en")


def page_texts(session, locale, rounds=(), pots=(), proposals=(), priorities=()):
    """Every translated text of these rounds, pots and proposals in locale, and the priority names of the
    priorities= proposals, loaded in one query (none when there is nothing to load; one more for the priority
    lists named): a PageTexts for the template to read from."""
    return PageTexts(session, locale).load(rounds=rounds, pots=pots, proposals=proposals, priorities=priorities)


def original_text(obj, field, locale):
    """A round's, pot's or proposal's text as its author wrote it, for staff pages, which show what was written:
    a Picked whose is_fallback says it is in another language than the page (locale), so content_lang and
    content_inline mark its own lang and a screen reader reads it in that language."""
    entity = type(obj).__name__.lower()  # Round, Pot, Proposal: the KINDS keys
    written_in = KINDS[entity].original_locale(obj)
    return Picked(getattr(obj, field) or "", written_in, written_in != locale)


def round_text(session, round_, field, locale):
    """Picked text of a round's field ("title" or "description") in locale."""
    return page_texts(session, locale, rounds=[round_]).round(round_, field)


def pot_text(session, pot, field, locale):
    """Picked text of a pot's field ("name" or "instructions") in locale."""
    return page_texts(session, locale, pots=[pot]).pot(pot, field)


def proposal_text(session, proposal, field, locale):
    """Picked text of a proposal's title, summary or description in locale."""
    return page_texts(session, locale, proposals=[proposal]).proposal(proposal, field)
