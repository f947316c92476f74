"""Translating content written by people: what there is to translate, its state in one language, saving and review.

Content is round titles and descriptions, pot names and ballot instructions, each area's priority names
(ContentTranslation, one row per field; a priority's translation is also kept in its labels, where the board
may have written one itself) and proposal titles and summaries (ProposalTranslation, one row per proposal,
made from both fields together; the long description is left to fall back). Each row keeps source_hash, the
hash of the original it was made from: when the original changes the hashes differ and the translation is
stale. The original itself is kept once per hash (ContentSource) so the translator sees what changed.

What differs between the four kinds is one row of KINDS (where the originals are, who wrote in which
language, how its translations are stored); the rest reads the same for all. What readers see is
app.services.content; the UI's own strings are app.services.catalogues.
"""

import difflib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from app.domain.content import chosen_texts, field_state, item_state, may_review, translation_frozen
from app.domain.problems import Refused
from app.domain.proposals import PUBLIC_STATUSES
from app.models import ContentTranslation, Pot, Priority, Proposal, ProposalTranslation, Round
from app.models.content import ContentSource
from app.services.audit import record

FIELDS = {"round": ("title", "description"), "pot": ("name", "instructions"),
          "proposal": ("title", "summary"),  # the ballot and lists show these; descriptions fall back
          "priority": ("label",)}  # an area's neighbourhood-plan priority; its original is the English name
PRIORITY_LOCALE = "en"  # the board writes every priority's name in English first


def source_hash(originals):
    """sha256 of {field: original text}, canonical JSON: equal originals give equal hashes, on any database."""
    return hashlib.sha256(json.dumps(originals, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _remember_source(session, originals):
    digest = source_hash(originals)
    if session.get(ContentSource, digest) is None:
        session.add(ContentSource(source_hash=digest, text=json.dumps(originals, sort_keys=True, ensure_ascii=False)))
    return digest


def word_changes(old, new):
    """[(op, text)] with op "same", "removed" or "added": a word-by-word account of an edit."""
    old_words, new_words = (old or "").split(), (new or "").split()
    result = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False).get_opcodes():
        if op == "equal":
            result.append(("same", " ".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            result.append(("removed", " ".join(old_words[i1:i2])))
        if j2 > j1:
            result.append(("added", " ".join(new_words[j1:j2])))
    return result


@dataclass
class FieldState:
    name: str
    original: str
    translation: str = ""
    previous_original: str | None = None  # the original when translated, if it has changed since
    kept_original: bool = False  # left blank on purpose: readers in this language see the original

    @property
    def changes(self):
        return word_changes(self.previous_original, self.original) if self.previous_original is not None else []


@dataclass
class ContentItem:
    """One round, pot or proposal as a translator into one language sees it."""

    entity: str
    entity_id: int
    original_locale: str
    context: str  # the round a pot or proposal belongs to (its original title)
    fields: list = field(default_factory=list)
    field_states: list = field(default_factory=list)  # per field: missing | stale | translated | reviewed
    state: str = "missing"  # the item's worst field state, or "original" when written in this language
    frozen: bool = False  # a ballot text while voting is open: no saving, no reviewing
    translator_ids: set = field(default_factory=set)  # who saved the current translations

    @property
    def label(self):
        return self.fields[0].original if self.fields else ""


@dataclass(frozen=True)
class ContentCoverage:
    reviewed: int
    translated: int  # current, not yet reviewed
    stale: int
    missing: int

    @property
    def total(self):
        return self.reviewed + self.translated + self.stale + self.missing

    @property
    def percent(self):
        return 100 if self.total == 0 else (100 * (self.reviewed + self.translated)) // self.total


def _field_originals(entity):
    return lambda obj: {name: getattr(obj, name) for name in FIELDS[entity] if getattr(obj, name)}


def _priority_originals(priority):
    english = (priority.labels or {}).get(PRIORITY_LOCALE, "")
    return {"label": english} if english else {}


def _field_rows(entity):
    """Loader of one ContentTranslation row per field: {(entity_id, field): (row, text)}."""
    def rows(session, ids, lang):
        found = session.scalars(select(ContentTranslation).where(
            ContentTranslation.entity == entity, ContentTranslation.entity_id.in_(ids),
            ContentTranslation.locale == lang)) if ids else ()
        return {(row.entity_id, row.field): (row, row.text) for row in found}
    return rows


def _proposal_rows(session, ids, lang):
    """One ProposalTranslation row covers every field: {(proposal_id, field): (row, text)}."""
    found = session.scalars(select(ProposalTranslation).where(
        ProposalTranslation.proposal_id.in_(ids), ProposalTranslation.locale == lang)) if ids else ()
    return {(row.proposal_id, name): (row, getattr(row, name)) for row in found for name in FIELDS["proposal"]}


def _is_public(proposal):
    return proposal.status in PUBLIC_STATUSES and not proposal.hidden


def _priority_saved(priority, lang, wanted):
    """The board's list shows the translator's name too: it is kept in the priority's labels."""
    labels = {k: v for k, v in (priority.labels or {}).items() if k != lang}
    priority.labels = labels | ({lang: wanted["label"]} if wanted["label"] else {})


@dataclass(frozen=True)
class Kind:
    """What differs between the kinds of content: one row of KINDS each."""

    model: type
    listed: Callable  # () -> the select of every item a translator sees, in the order shown
    originals: Callable  # obj -> {field: original text}, empty fields left out
    original_locale: Callable  # obj -> the language it was written in
    context: Callable  # obj -> what it belongs to (a round's title, an area's name), shown beside it
    round_of: Callable | None  # obj -> its round, whose phase freezes ballot texts; None: never a ballot text
    rows: Callable  # (session, ids, lang) -> {(id, field): (translation row, text)}
    one_row: bool = False  # one translation row made from all fields together (a proposal), not one per field
    for_translating: Callable = lambda obj: True  # drafts, withdrawn and hidden proposals are not
    board_wrote: Callable = lambda obj, lang: None  # a text in lang the owner wrote itself (a priority's labels)
    after_save: Callable = lambda obj, lang, wanted: None  # keeps the owner's copy in step (a priority's labels)


KINDS = {
    "round": Kind(Round, listed=lambda: select(Round).order_by(Round.id.desc()),
                  originals=_field_originals("round"), original_locale=lambda r: r.original_locale,
                  context=lambda r: r.title, round_of=lambda r: r, rows=_field_rows("round")),
    "pot": Kind(Pot, listed=lambda: select(Pot).order_by(Pot.round_id.desc(), Pot.id),
                originals=_field_originals("pot"), original_locale=lambda p: p.round.original_locale,
                context=lambda p: p.round.title, round_of=lambda p: p.round, rows=_field_rows("pot")),
    "proposal": Kind(Proposal, listed=lambda: select(Proposal).where(Proposal.status.in_(PUBLIC_STATUSES),
                                                                     Proposal.hidden.is_(False))
                     .order_by(Proposal.round_id.desc(), Proposal.id),
                     originals=_field_originals("proposal"), original_locale=lambda p: p.original_locale,
                     context=lambda p: p.round.title, round_of=lambda p: p.round, rows=_proposal_rows,
                     one_row=True, for_translating=_is_public),
    "priority": Kind(Priority, listed=lambda: select(Priority).where(Priority.retired_at.is_(None))
                     .order_by(Priority.area_id, Priority.position, Priority.id),
                     originals=_priority_originals, original_locale=lambda p: PRIORITY_LOCALE,
                     context=lambda p: p.area.name if p.area else "",  # "": the council-wide list
                     round_of=None, rows=_field_rows("priority"),
                     board_wrote=lambda p, lang: (p.labels or {}).get(lang), after_save=_priority_saved),
}
ENTITIES = tuple(KINDS)


def _sources(session, hashes):
    if not hashes:
        return {}
    rows = session.scalars(select(ContentSource).where(ContentSource.source_hash.in_(hashes)))
    return {row.source_hash: json.loads(row.text) for row in rows}


def load_entity(session, entity, entity_id):
    """The round, pot, priority or public proposal, or None (drafts, withdrawn and hidden proposals are not for
    translating)."""
    kind = KINDS[entity]
    obj = session.get(kind.model, entity_id)
    return obj if obj is not None and kind.for_translating(obj) else None


def _item(entity, obj, lang, rows, sources):
    """Build the ContentItem; rows: {(id, field): (translation row, text)} as Kind.rows gives them."""
    kind = KINDS[entity]
    originals = kind.originals(obj)
    item = ContentItem(entity, obj.id, kind.original_locale(obj), kind.context(obj))
    if kind.round_of is not None:
        item.frozen = translation_frozen(kind.round_of(obj).phase, entity, getattr(obj, "on_ballot", True))
    if item.original_locale == lang:
        item.state = "original"
        item.fields = [FieldState(name, text, text) for name, text in originals.items()]
        return item
    states = []
    for name, text in originals.items():
        row, translated = rows.get((obj.id, name), (None, None))
        board_wrote = kind.board_wrote(obj, lang) if row is None else None
        state = FieldState(name, text, translated or board_wrote or "", kept_original=row is not None and not translated)
        if row is not None and row.translator_id is not None:
            item.translator_ids.add(row.translator_id)
        if board_wrote:
            states.append("translated")  # the board wrote it: a translator reviews it like any other
        else:
            current = row is not None and row.source_hash == source_hash(originals if kind.one_row else {name: text})
            if row is not None and not current:
                before = sources.get(row.source_hash)  # None: made outside this service, no record kept
                if before is not None:
                    state.previous_original = before.get(name, "")
            states.append(field_state(row is not None, current, row is not None and row.reviewed))
        item.fields.append(state)
    item.state = item_state(states)
    item.field_states = states
    return item


def _items(session, entity, objs, lang):
    rows = KINDS[entity].rows(session, [obj.id for obj in objs], lang)
    sources = _sources(session, {row.source_hash for row, _text in rows.values()})
    return [_item(entity, obj, lang, rows, sources) for obj in objs]


def content_items(session, lang):
    """Every round, pot, public proposal and current priority with its translation state in lang, in the order of
    KINDS, each kind newest round first."""
    return [item for entity, kind in KINDS.items()
            for item in _items(session, entity, session.scalars(kind.listed()).all(), lang)]


def content_item(session, entity, entity_id, lang):
    obj = load_entity(session, entity, entity_id)
    return None if obj is None else _items(session, entity, [obj], lang)[0]


def content_coverage(items):
    """Counts of texts (fields) per state; originals in this language are not counted."""
    counts = {"reviewed": 0, "translated": 0, "stale": 0, "missing": 0}
    for item in items:
        if item.state == "original":
            continue
        for state in item.field_states:
            counts[state] += 1
    return ContentCoverage(**counts)


class TranslationRefused(Refused):
    """"ballot_text_frozen" (a ballot text while voting is open) or "own_translation" (a review needs a second
    person)."""

    def __init__(self, code):
        super().__init__([code])


def save_content(session, entity, entity_id, lang, texts, actor):
    """Save a translator's text for each field of one round, pot, priority or proposal in lang.

    Each saved row remembers the hash of today's original; anything saved is unreviewed again. A blank field
    beside a filled one keeps the original on purpose (saved as "", reviewed like a translation); when every
    field is blank the translation is removed (app.domain.content.chosen_texts). Either way readers see the
    original for a blank field. Returns the fields changed. Audited; flushes only.
    Raises TranslationRefused("ballot_text_frozen") for a ballot text while voting is open.
    """
    item = content_item(session, entity, entity_id, lang)
    if item is not None and item.frozen:
        raise TranslationRefused("ballot_text_frozen")
    obj = load_entity(session, entity, entity_id)
    wanted = {name: (texts.get(name) or "").strip() for name in FIELDS[entity]}
    changed = (_save_one_row if KINDS[entity].one_row else _save_per_field)(session, entity, obj, lang, wanted, actor)
    if changed:
        KINDS[entity].after_save(obj, lang, wanted)
    session.flush()
    if changed:
        record(session, actor, "translation.save", f"{entity}:{entity_id}", locale=lang, fields=changed)
    return changed


def _save_one_row(session, entity, proposal, lang, wanted, actor):
    """A proposal: one row made from title and summary together; the description it may hold is kept."""
    row = session.scalar(select(ProposalTranslation).where(
        ProposalTranslation.proposal_id == proposal.id, ProposalTranslation.locale == lang))
    if not chosen_texts(wanted):
        if row is None:
            return []
        session.delete(row)
        return list(FIELDS[entity])
    digest = _remember_source(session, KINDS[entity].originals(proposal))
    if row is None:
        row = ProposalTranslation(proposal_id=proposal.id, locale=lang, title="", summary="", description="")
        session.add(row)
    changed = [name for name in FIELDS[entity] if getattr(row, name) != wanted[name]]
    if not changed and row.source_hash == digest:
        return []
    for name in FIELDS[entity]:
        setattr(row, name, wanted[name])
    row.source_hash, row.reviewed, row.translator_id = digest, False, actor.id
    return changed or ["source"]  # the same words, now made from today's original


def _save_per_field(session, entity, obj, lang, wanted, actor):
    """A round, pot or priority: one row per field, each made from that field's original."""
    changed = []
    originals = KINDS[entity].originals(obj)
    chosen = chosen_texts({name: wanted[name] for name in originals})
    for name, original in originals.items():
        row = session.scalar(select(ContentTranslation).where(
            ContentTranslation.entity == entity, ContentTranslation.entity_id == obj.id,
            ContentTranslation.field == name, ContentTranslation.locale == lang))
        if name not in chosen:
            if row is not None:
                session.delete(row)
                changed.append(name)
            continue
        text = chosen[name]
        digest = _remember_source(session, {name: original})
        if row is None:
            row = ContentTranslation(entity=entity, entity_id=obj.id, field=name, locale=lang, text="", source_hash="")
            session.add(row)
        if row.text != text or row.source_hash != digest:
            row.text, row.source_hash, row.reviewed, row.translator_id = text, digest, False, actor.id
            changed.append(name)
    return changed


def mark_reviewed(session, entity, entity_id, lang, actor):
    """Mark the current (not stale) translations of one item reviewed. Returns False if there is nothing to review.

    Raises TranslationRefused: "frozen" while voting is open on a ballot text, "own_translation" when actor
    wrote any of it (a review needs a second person).
    """
    item = content_item(session, entity, entity_id, lang)
    if item is None or item.state in ("original", "missing", "stale"):
        return False
    if item.frozen:
        raise TranslationRefused("ballot_text_frozen")
    if not may_review(item.translator_ids, actor.id):
        raise TranslationRefused("own_translation")
    rows = {row for row, _text in KINDS[entity].rows(session, [entity_id], lang).values()}
    if not rows:  # a priority's name the board wrote in lang itself: reviewed as it stands
        obj = load_entity(session, entity, entity_id)
        row = ContentTranslation(entity=entity, entity_id=entity_id, field="label", locale=lang,
                                 text=KINDS[entity].board_wrote(obj, lang),
                                 source_hash=_remember_source(session, KINDS[entity].originals(obj)))
        session.add(row)
        rows = {row}
    for row in rows:
        row.reviewed = True
    session.flush()
    record(session, actor, "translation.review", f"{entity}:{entity_id}", locale=lang)
    return True
