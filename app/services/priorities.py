"""Load and change each area's priorities list. Services flush; the caller commits."""

from sqlalchemy import delete, select

from app.domain.content import current_translations
from app.domain.priorities import (
    DEFAULT_PRIORITIES,
    PriorityItem,
    check_label,
    effective_list,
    money_by_priority,
    new_code,
    offered_codes,
)
from app.domain.problems import Refused
from app.models import ContentTranslation, Priority
from app.models._common import utcnow
from app.models.content import ContentSource
from app.services.audit import record
from app.services.content_translations import source_hash


class PriorityRefused(Refused):
    """The list was not changed; .problems say why (app.domain.priorities.check_label)."""


def rows(session, council_id, area_id):
    """The list's own rows, in order (empty when the list was never set up)."""
    area_clause = Priority.area_id.is_(None) if area_id is None else Priority.area_id == area_id
    return session.scalars(select(Priority).where(Priority.council_id == council_id, area_clause)
                           .order_by(Priority.position, Priority.id)).all()


def items(session, council_id, area_id):
    """The list a round in this area uses, as plain values (the standard six when none was set up)."""
    found = rows(session, council_id, area_id)
    shown = shown_labels(session, found)
    return effective_list([PriorityItem(r.code, shown[r.id], r.retired_at is not None) for r in found])


def shown_labels(session, priorities):
    """{priority id: {locale: name}} as readers see them: a translator's translation made from an English name
    that has changed since is left out (stale, as for round texts), so the reader gets the fallback."""
    ids = [p.id for p in priorities]
    made = {}
    if ids:
        for entity_id, locale, text, made_from in session.execute(
                select(ContentTranslation.entity_id, ContentTranslation.locale, ContentTranslation.text,
                       ContentTranslation.source_hash)
                .where(ContentTranslation.entity == "priority", ContentTranslation.entity_id.in_(ids))):
            made.setdefault(entity_id, []).append((locale, text, made_from))
    hashes = {made_from for rows_ in made.values() for _l, _t, made_from in rows_}
    recorded = set(session.scalars(select(ContentSource.source_hash).where(ContentSource.source_hash.in_(hashes)))
                   ) if hashes else set()
    return {priority.id: shown_label(priority, made.get(priority.id, []), recorded) for priority in priorities}


def shown_label(priority, translated, recorded):
    """{locale: name} of one priority as readers see it. translated: its translators' rows (locale, text,
    made_from); recorded: the hashes of originals on record (app.domain.content.current_translations)."""
    labels = dict(priority.labels or {})
    current = current_translations(translated, source_hash({"label": labels.get("en", "")}), recorded)
    return {locale: text for locale, text in labels.items()
            if locale == "en" or locale in current or all(t[0] != locale for t in translated)}


def items_for_round(session, round_):
    return items(session, round_.council_id, round_.area_id)


def offered_for_round(session, round_, keep=None):
    """Codes a proposal in round_ may choose (keep: the proposal's current one, even if since retired)."""
    return offered_codes(items_for_round(session, round_), keep=keep)


def ensure_rows(session, council_id, area_id):
    """Write the standard six as the list's own rows if it has none yet, so they can be renamed or retired."""
    existing = rows(session, council_id, area_id)
    if existing:
        return existing
    for position, (code, labels) in enumerate(DEFAULT_PRIORITIES.items()):
        session.add(Priority(council_id=council_id, area_id=area_id, code=code, labels=dict(labels),
                             position=position))
    session.flush()
    return rows(session, council_id, area_id)


def _clean(labels):
    return {locale: " ".join((text or "").split()) for locale, text in labels.items() if (text or "").strip()}


def add_priority(session, actor, council_id, area_id, labels):
    """Add a priority to the end of the list. Raises PriorityRefused (app.domain.priorities problems)."""
    existing = ensure_rows(session, council_id, area_id)
    labels = _clean(labels)
    problems = check_label(labels, [r.labels for r in existing])
    if problems:
        raise PriorityRefused(problems)
    priority = Priority(council_id=council_id, area_id=area_id, labels=labels,
                        code=new_code(labels["en"], {r.code for r in existing}),
                        position=max((r.position for r in existing), default=-1) + 1)
    session.add(priority)
    session.flush()
    record(session, actor, "priority.added", f"priority:{priority.id}", area_id=area_id, code=priority.code,
           labels=labels)
    return priority


def rename_priority(session, actor, priority, labels):
    """Change a priority's labels; its code (what proposals keep) does not change."""
    labels = _clean(labels)
    others = [r.labels for r in rows(session, priority.council_id, priority.area_id) if r.id != priority.id]
    problems = check_label(labels, others)
    if problems:
        raise PriorityRefused(problems)
    before = dict(priority.labels or {})
    priority.labels = labels
    # A name the board wrote itself in a language replaces the translators' one (which they then review).
    rewritten = [locale for locale in set(before) | set(labels)
                 if locale != "en" and before.get(locale) != labels.get(locale) and labels.get(locale)]
    if rewritten:
        session.execute(delete(ContentTranslation).where(
            ContentTranslation.entity == "priority", ContentTranslation.entity_id == priority.id,
            ContentTranslation.locale.in_(rewritten)))
    session.flush()
    record(session, actor, "priority.renamed", f"priority:{priority.id}", before=before, after=labels)
    return priority


def set_retired(session, actor, priority, retired):
    """Retire (not offered on new proposals; old proposals keep it) or bring back a priority."""
    if retired == (priority.retired_at is not None):
        return priority
    priority.retired_at = utcnow() if retired else None
    session.flush()
    record(session, actor, "priority.retired" if retired else "priority.restored", f"priority:{priority.id}",
           code=priority.code)
    return priority


def money_per_priority(session, awards):
    """[(code, labels {locale: text} or None, pence)] for awards of one area's rounds, in its list's order.

    awards: app.services.delivery.Award values (all from rounds of one area, which share one list).
    """
    if not awards:
        return []
    listed = items_for_round(session, awards[0].round)
    labels = {item.code: item.labels for item in listed}
    totals = money_by_priority([(a.proposal.priority, a.amount_pence) for a in awards], listed)
    return [(code, labels.get(code), pence) for code, pence in totals]


def all_labels(session):
    """{code: labels} over every list (the standard six first), for the public list's priority filter."""
    found = {code: dict(labels) for code, labels in DEFAULT_PRIORITIES.items()}
    for row in session.scalars(select(Priority).order_by(Priority.area_id, Priority.position, Priority.id)):
        found.setdefault(row.code, dict(row.labels or {}))
    return found
