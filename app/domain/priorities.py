"""Each area's neighbourhood-plan priorities: the list a round offers, and money awarded per priority.

A priority is known by a code that never changes (proposals keep it); its label is officer/board-written
{locale: text} and may be renamed. A retired priority stays on the proposals that chose it but is not
offered for new ones. An area (or the council, for council-wide rounds) that has never set up its own list
uses the standard six below (the list every round used before areas could keep their own).
"""

import re
import unicodedata
from dataclasses import dataclass, field

from app.domain.problems import Problem

LABEL_MAX = 120

# The six priorities every area started with (migration 9c4e1a7b2d63 wrote them as rows for every area).
DEFAULT_PRIORITIES = {
    "green_spaces": {"en": "Parks and green spaces", "cy": "Parciau a mannau gwyrdd", "pl": "Parki i tereny zielone",
                     "ur": "پارک اور سبز مقامات", "pa": "ਪਾਰਕ ਅਤੇ ਹਰੀਆਂ ਥਾਵਾਂ"},
    "young_people": {"en": "Young people", "cy": "Pobl ifanc", "pl": "Młodzież", "ur": "نوجوان", "pa": "ਨੌਜਵਾਨ"},
    "older_people": {"en": "Older people", "cy": "Pobl hŷn", "pl": "Osoby starsze", "ur": "بزرگ افراد",
                     "pa": "ਬਜ਼ੁਰਗ"},
    "safer_streets": {"en": "Safer streets", "cy": "Strydoedd mwy diogel", "pl": "Bezpieczniejsze ulice",
                      "ur": "محفوظ گلیاں", "pa": "ਸੁਰੱਖਿਅਤ ਗਲੀਆਂ"},
    "health": {"en": "Health and wellbeing", "cy": "Iechyd a lles", "pl": "Zdrowie i dobre samopoczucie",
               "ur": "صحت اور تندرستی", "pa": "ਸਿਹਤ ਅਤੇ ਤੰਦਰੁਸਤੀ"},
    "community_cohesion": {"en": "Bringing people together", "cy": "Dod â phobl at ei gilydd",
                           "pl": "Integracja mieszkańców", "ur": "لوگوں کو ساتھ لانا", "pa": "ਲੋਕਾਂ ਨੂੰ ਇਕੱਠے ਕਰਨਾ"},
}


@dataclass(frozen=True)
class PriorityItem:
    code: str
    labels: dict = field(hash=False, compare=True)
    retired: bool = False


def default_list():
    return [PriorityItem(code, dict(labels)) for code, labels in DEFAULT_PRIORITIES.items()]


def effective_list(items):
    """The list a round uses: the area's own rows, or the standard six when it has none."""
    return list(items) if items else default_list()


def offered_codes(items, keep=None):
    """Codes a proposal may choose: the list's priorities that are not retired, plus keep (a proposal's
    current choice, so editing an old proposal does not lose its retired priority)."""
    codes = [item.code for item in effective_list(items) if not item.retired]
    if keep and keep not in codes and any(item.code == keep for item in effective_list(items)):
        codes.append(keep)
    return codes


def check_label(labels, other_labels):
    """Problems with a priority's labels {locale: text}: English is required, no label too long, and the
    English label not already used by another priority in the same list (case and spaces ignored)."""
    problems = []
    english = (labels.get("en") or "").strip()
    if not english:
        problems.append(Problem("label_required", "label_en"))
    for locale, text in labels.items():
        if len((text or "").strip()) > LABEL_MAX:
            problems.append(Problem("label_too_long", f"label_{locale}", values={"max": LABEL_MAX}))
    taken = {" ".join((other.get("en") or "").split()).casefold() for other in other_labels}
    if english and " ".join(english.split()).casefold() in taken:
        problems.append(Problem("label_duplicate", "label_en"))
    return problems


def new_code(english_label, taken):
    """A stable code for a new priority from its English label ("Dog-friendly parks" -> "dog_friendly_parks"),
    made unique among taken codes with a number (_2, _3, ...). Codes are at most 40 characters."""
    ascii_text = unicodedata.normalize("NFKD", english_label).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:34] or "priority"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}_{n}"
    return code


def money_by_priority(awards, items):
    """Money awarded per priority, in the list's order: [(code, pence)] for priorities with money, then
    ("", pence) for awards with no priority. awards: (code, pence) pairs."""
    totals = {}
    for code, pence in awards:
        totals[code or ""] = totals.get(code or "", 0) + pence
    order = [item.code for item in effective_list(items)]
    known = [(code, totals.pop(code)) for code in order if code in totals]
    none = totals.pop("", None)
    rest = sorted(totals.items())  # codes no longer in the list (should not happen): kept, not dropped
    return known + rest + ([("", none)] if none is not None else [])
