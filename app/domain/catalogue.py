"""Checks on gettext catalogues: coverage, placeholders that must match, no smuggled HTML."""

import re
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdfr]|%[sdfr]|%%")
TAG = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9]*)")


@dataclass(frozen=True)
class Coverage:
    translated: int
    fuzzy: int
    missing: int

    @property
    def total(self):
        return self.translated + self.fuzzy + self.missing

    @property
    def percent(self):
        return 100 if self.total == 0 else (100 * self.translated) // self.total


def coverage(entries):
    """entries: iterable of (msgstr or tuple of msgstrs, fuzzy). Fuzzy counts as untranslated."""
    translated = fuzzy = missing = 0
    for string, is_fuzzy in entries:
        strings = string if isinstance(string, tuple) else (string,)
        if is_fuzzy:
            fuzzy += 1
        elif strings and all(strings):
            translated += 1
        else:
            missing += 1
    return Coverage(translated, fuzzy, missing)


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text or ""))


def message_problems(msgid, msgstr):
    """Problems with one translation: placeholders must match the msgid's; no HTML the msgid lacks."""
    problems = []
    if not msgstr:
        return problems
    if placeholders(msgstr) != placeholders(msgid):
        problems.append("placeholders_differ")
    if sorted(t.lower() for t in TAG.findall(msgstr)) != sorted(t.lower() for t in TAG.findall(msgid)):
        problems.append("html_not_in_original")
    return problems
