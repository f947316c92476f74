"""Language packs on disk and translations of content, for the CLI and the translators' pages.

Two kinds of translation live here:
- UI strings: gettext catalogues shipped in translations/<lang>/LC_MESSAGES. An upload is checked in full
  (app.domain.catalogue) before anything is written, then stored in the database (UiCatalogue), not on one
  host's disk: every process serves the shipped catalogue with the newest upload on top, and notices a new
  upload by a cheap version check (app.translate.refresh_catalogues).
- Content written by officers, boards and residents: round titles and descriptions, pot names and ballot
  instructions, each area's priority names (ContentTranslation, one row per field; a priority's translation is
  also kept in its labels, where the board may have written one itself), proposal titles, summaries and descriptions
  (ProposalTranslation, one row per proposal; the long description is left to fall back). Each row keeps source_hash, the hash of the original it was
  made from; when the original changes the hashes differ and the translation is stale. The original text
  itself is kept once per hash (ContentSource) so the translator sees what changed.
"""

import difflib
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime

from babel import support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from sqlalchemy import func, select

from app.database import lock_name
from app.domain.catalogue import Checked, catalogue_coverage, check_upload, merge_upload
from app.domain.content import may_review, translation_frozen
from app.domain.problems import Refused
from app.domain.proposals import PUBLIC_STATUSES
from app.models import ContentTranslation, Pot, Priority, Proposal, ProposalTranslation, Round
from app.models.content import ContentSource, UiCatalogue
from app.services.audit import record

SOURCE_LANGUAGE = "en"  # msgids are English: an empty msgstr in the English catalogue means "as written"

# ---------------------------------------------------------------------------------------------------------
# UI strings: catalogues shipped on disk, uploads in the database


def catalogue_path(directory, lang, extension="po"):
    return os.path.join(directory, lang, "LC_MESSAGES", f"messages.{extension}")


def languages(directory):
    """Languages with a catalogue in directory, English first."""
    found = [d for d in os.listdir(directory) if os.path.exists(catalogue_path(directory, d))]
    return sorted(found, key=lambda lang: (lang != SOURCE_LANGUAGE, lang))


def stored_catalogue(session, lang):
    """The newest accepted upload for lang (UiCatalogue) or None."""
    return session.scalar(select(UiCatalogue).where(UiCatalogue.locale == lang).order_by(UiCatalogue.id.desc())
                          .limit(1))


def read_catalogue(directory, lang, session=None):
    """lang's catalogue: the one shipped in directory, with the newest upload's translations on top (given a
    session). Strings added to the code since the upload come from the shipped catalogue."""
    with open(catalogue_path(directory, lang), "rb") as handle:
        shipped = read_po(handle, locale=lang)
    stored = stored_catalogue(session, lang) if session is not None else None
    if stored is None:
        return shipped
    return merge_upload(shipped, read_po(io.BytesIO(stored.po), locale=lang)).catalogue


def catalogue_status(directory, session=None):
    """[(lang, Coverage)]: translated / fuzzy / missing UI strings per language (fuzzy counts as missing)."""
    return [(lang, catalogue_coverage(read_catalogue(directory, lang, session),
                                      source_language=lang == SOURCE_LANGUAGE))
            for lang in languages(directory)]


def _po_bytes(catalogue):
    po = io.BytesIO()
    write_po(po, catalogue, width=76)
    return po.getvalue()


def catalogue_bytes(directory, lang, session=None):
    """The .po a translator downloads: what the service shows now."""
    if session is None or stored_catalogue(session, lang) is None:
        with open(catalogue_path(directory, lang), "rb") as handle:
            return handle.read()
    return _po_bytes(read_catalogue(directory, lang, session))


@dataclass
class Upload:
    checked: Checked
    changed: int = 0
    ignored: int = 0

    @property
    def ok(self):
        return self.checked.ok


def replace_catalogue(session, directory, lang, data, actor):
    """Check an uploaded .po for lang and, only if it passes, store it for every app host to serve.

    The uploaded translations are merged into the current catalogue (see merge_upload): strings added to
    the code since the translator downloaded are kept, strings no longer used are ignored. Fuzzy entries
    are stored but not served, so they show in English. Call in a write transaction: two uploads of one
    language queue (lock_name), so neither loses the other's strings. Audited; flushes only.
    """
    lock_name(session, f"catalogue:{lang}")
    current = read_catalogue(directory, lang, session)
    checked = check_upload(data, lang, current.num_plurals)
    if not checked.ok:
        return Upload(checked)
    merged = merge_upload(current, checked.catalogue)
    catalogue = merged.catalogue
    catalogue.revision_date = datetime.now(UTC)
    catalogue.last_translator = f"{actor.name} <{actor.email}>" if actor is not None else catalogue.last_translator
    session.add(UiCatalogue(locale=lang, po=_po_bytes(catalogue), uploaded_by_id=actor.id if actor else None))
    session.flush()
    record(session, actor, "catalogue.upload", f"catalogue:{lang}", changed=merged.changed, ignored=merged.ignored)
    return Upload(checked, merged.changed, merged.ignored)


def catalogues_version(connection):
    """Changes whenever a catalogue is uploaded: each process compares it to decide when to reload. Takes a
    connection or a session."""
    return connection.scalar(select(func.max(UiCatalogue.id)))


def served_catalogues(session, directory):
    """{lang: compiled Translations} for every language with an upload: shipped + newest upload, no fuzzy."""
    served = {}
    for lang in session.scalars(select(UiCatalogue.locale).distinct()):
        if not os.path.exists(catalogue_path(directory, lang)):
            continue
        mo = io.BytesIO()
        write_mo(mo, read_catalogue(directory, lang, session), use_fuzzy=False)
        mo.seek(0)
        served[lang] = support.Translations(mo)
    return served


def catalogue_mtimes(directories):
    """Modification times of every compiled catalogue: a change means a worker must drop its cached ones."""
    times = []
    for directory in directories:
        if not os.path.isdir(directory):
            continue
        for lang in sorted(os.listdir(directory)):
            path = catalogue_path(directory, lang, "mo")
            if os.path.exists(path):
                times.append((path, os.stat(path).st_mtime_ns))
    return tuple(times)


# ---------------------------------------------------------------------------------------------------------
# Content: what there is to translate, and its state in one language

ENTITIES = ("round", "pot", "proposal", "priority")
FIELDS = {"round": ("title", "description"), "pot": ("name", "instructions"),
          "proposal": ("title", "summary"),  # the ballot and lists show these; descriptions fall back
          "priority": ("label",)}  # an area's neighbourhood-plan priority; its original is the English name


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


def _originals(entity, obj):
    if entity == "priority":
        english = (obj.labels or {}).get(SOURCE_LANGUAGE, "")
        return {"label": english} if english else {}
    return {name: getattr(obj, name) or "" for name in FIELDS[entity] if getattr(obj, name)}


def _original_locale(entity, obj):
    if entity == "priority":
        return SOURCE_LANGUAGE  # the board writes every priority's name in English first
    if entity == "round":
        return obj.original_locale
    if entity == "pot":
        return obj.round.original_locale
    return obj.original_locale


def _sources(session, hashes):
    if not hashes:
        return {}
    rows = session.scalars(select(ContentSource).where(ContentSource.source_hash.in_(hashes)))
    return {row.source_hash: json.loads(row.text) for row in rows}


def load_entity(session, entity, entity_id):
    """The round, pot or public proposal, or None (drafts, withdrawn and hidden proposals are not for translating)."""
    if entity == "round":
        return session.get(Round, entity_id)
    if entity == "pot":
        return session.get(Pot, entity_id)
    if entity == "priority":
        return session.get(Priority, entity_id)
    if entity == "proposal":
        proposal = session.get(Proposal, entity_id)
        if proposal is not None and proposal.status in PUBLIC_STATUSES and not proposal.hidden:
            return proposal
    return None


def _field_rows(session, entity, ids, lang):
    if not ids:
        return {}
    rows = session.scalars(select(ContentTranslation).where(
        ContentTranslation.entity == entity, ContentTranslation.entity_id.in_(ids),
        ContentTranslation.locale == lang))
    return {(row.entity_id, row.field): row for row in rows}


def _proposal_rows(session, ids, lang):
    if not ids:
        return {}
    rows = session.scalars(select(ProposalTranslation).where(
        ProposalTranslation.proposal_id.in_(ids), ProposalTranslation.locale == lang))
    return {row.proposal_id: row for row in rows}


def _item(entity, obj, lang, rows_for, sources):
    """Build the ContentItem; rows_for(field) gives the translation row covering that field, or None."""
    originals = _originals(entity, obj)
    original_locale = _original_locale(entity, obj)
    if entity == "priority":  # whose list it is: an area's, or the council-wide one (context "")
        item = ContentItem(entity, obj.id, original_locale, obj.area.name if obj.area else "")
    else:
        item = ContentItem(entity, obj.id, original_locale, obj.title if entity == "round" else obj.round.title)
        round_ = obj if entity == "round" else obj.round
        item.frozen = translation_frozen(round_.phase, entity, getattr(obj, "on_ballot", True))
    if original_locale == lang:
        item.state = "original"
        item.fields = [FieldState(name, text, text) for name, text in originals.items()]
        return item
    states = []
    for name, text in originals.items():
        row = rows_for(name)
        translated = getattr(row, "text", None) if entity != "proposal" else getattr(row, name, None)
        board_wrote = (obj.labels or {}).get(lang) if entity == "priority" and row is None else None
        state = FieldState(name, text, translated or board_wrote or "")
        if row is not None and row.translator_id is not None:
            item.translator_ids.add(row.translator_id)
        if board_wrote:
            states.append("translated")  # the board wrote it: a translator reviews it like any other
        elif row is None or not translated:
            states.append("missing")
        else:
            covered = {name: text} if entity != "proposal" else originals
            if row.source_hash != source_hash(covered):
                before = sources.get(row.source_hash)  # None: made outside this service, no record kept
                if before is not None:
                    state.previous_original = before.get(name, "")
                states.append("stale")
            else:
                states.append("reviewed" if row.reviewed else "translated")
        item.fields.append(state)
    order = ("missing", "stale", "translated", "reviewed")
    item.state = min(states, key=order.index) if states else "reviewed"
    item.field_states = states
    return item


def content_items(session, lang):
    """Every round, pot and public proposal with its translation state in lang, rounds first, newest first."""
    rounds = session.scalars(select(Round).order_by(Round.id.desc())).all()
    pots = session.scalars(select(Pot).order_by(Pot.round_id.desc(), Pot.id)).all()
    proposals = session.scalars(select(Proposal).where(
        Proposal.status.in_(PUBLIC_STATUSES), Proposal.hidden.is_(False)).order_by(
        Proposal.round_id.desc(), Proposal.id)).all()
    round_rows = _field_rows(session, "round", [r.id for r in rounds], lang)
    pot_rows = _field_rows(session, "pot", [p.id for p in pots], lang)
    proposal_rows = _proposal_rows(session, [p.id for p in proposals], lang)
    priorities = session.scalars(select(Priority).where(Priority.retired_at.is_(None))
                                 .order_by(Priority.area_id, Priority.position, Priority.id)).all()
    priority_rows = _field_rows(session, "priority", [p.id for p in priorities], lang)
    hashes = {row.source_hash for row in (*round_rows.values(), *pot_rows.values(), *proposal_rows.values(),
                                          *priority_rows.values())}
    sources = _sources(session, hashes)
    items = [_item("round", r, lang, lambda name, r=r: round_rows.get((r.id, name)), sources) for r in rounds]
    items += [_item("pot", p, lang, lambda name, p=p: pot_rows.get((p.id, name)), sources) for p in pots]
    items += [_item("proposal", p, lang, lambda name, p=p: proposal_rows.get(p.id), sources) for p in proposals]
    items += [_item("priority", p, lang, lambda name, p=p: priority_rows.get((p.id, name)), sources)
              for p in priorities]
    return items


def content_item(session, entity, entity_id, lang):
    obj = load_entity(session, entity, entity_id)
    if obj is None:
        return None
    if entity == "proposal":
        rows = _proposal_rows(session, [obj.id], lang)
        hashes = {row.source_hash for row in rows.values()}
        return _item(entity, obj, lang, lambda name: rows.get(obj.id), _sources(session, hashes))
    rows = _field_rows(session, entity, [obj.id], lang)
    return _item(entity, obj, lang, lambda name: rows.get((obj.id, name)),
                 _sources(session, {row.source_hash for row in rows.values()}))


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
    """Save a translator's text for each field of one round, pot or proposal in lang.

    Each saved row remembers the hash of today's original; anything saved is unreviewed again. A blank
    field removes that translation (the page falls back to the original). Returns the fields changed.
    Proposals: title and summary go together (checked by the form). Audited; flushes only.
    Raises TranslationRefused("ballot_text_frozen") for a ballot text while voting is open.
    """
    item = content_item(session, entity, entity_id, lang)
    if item is not None and item.frozen:
        raise TranslationRefused("ballot_text_frozen")
    obj = load_entity(session, entity, entity_id)
    originals = _originals(entity, obj)
    changed = []
    if entity == "proposal":
        row = session.scalar(select(ProposalTranslation).where(
            ProposalTranslation.proposal_id == obj.id, ProposalTranslation.locale == lang))
        wanted = {name: (texts.get(name) or "").strip() for name in FIELDS["proposal"]}
        wanted["description"] = row.description if row is not None else ""
        if not wanted["title"]:
            if row is not None:
                session.delete(row)
                changed = list(FIELDS["proposal"])
        else:
            digest = _remember_source(session, originals)
            if row is None:
                row = ProposalTranslation(proposal_id=obj.id, locale=lang, title="", summary="", description="")
                session.add(row)
            changed = [name for name in FIELDS["proposal"] if getattr(row, name) != wanted[name]]
            if changed or row.source_hash != digest:
                for name in wanted:
                    setattr(row, name, wanted[name])
                row.source_hash, row.reviewed, row.translator_id = digest, False, actor.id
                changed = changed or ["source"]
    else:
        for name, original in originals.items():
            text = (texts.get(name) or "").strip()
            row = session.scalar(select(ContentTranslation).where(
                ContentTranslation.entity == entity, ContentTranslation.entity_id == obj.id,
                ContentTranslation.field == name, ContentTranslation.locale == lang))
            if not text:
                if row is not None:
                    session.delete(row)
                    changed.append(name)
                continue
            digest = _remember_source(session, {name: original})
            if row is None:
                row = ContentTranslation(entity=entity, entity_id=obj.id, field=name, locale=lang, text="",
                                         source_hash="")
                session.add(row)
            if row.text != text or row.source_hash != digest:
                row.text, row.source_hash, row.reviewed, row.translator_id = text, digest, False, actor.id
                changed.append(name)
        if entity == "priority" and "label" in changed:
            labels = {k: v for k, v in (obj.labels or {}).items() if k != lang}
            obj.labels = labels | ({lang: (texts.get("label") or "").strip()} if (texts.get("label") or "").strip()
                                   else {})
    session.flush()
    if changed:
        record(session, actor, "translation.save", f"{entity}:{entity_id}", locale=lang, fields=changed)
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
    if entity == "proposal":
        rows = [session.scalar(select(ProposalTranslation).where(
            ProposalTranslation.proposal_id == entity_id, ProposalTranslation.locale == lang))]
    else:
        rows = session.scalars(select(ContentTranslation).where(
            ContentTranslation.entity == entity, ContentTranslation.entity_id == entity_id,
            ContentTranslation.locale == lang)).all()
        if entity == "priority" and not rows:  # the board's own name in lang: reviewed as it stands
            obj = load_entity(session, entity, entity_id)
            rows = [ContentTranslation(entity=entity, entity_id=entity_id, field="label", locale=lang,
                                       text=obj.labels[lang], source_hash=_remember_source(session, _originals(
                                           entity, obj)))]
            session.add(rows[0])
    for row in rows:
        row.reviewed = True
    session.flush()
    record(session, actor, "translation.review", f"{entity}:{entity_id}", locale=lang)
    return True

