"""Checks on gettext catalogues: coverage, placeholders that must match, no smuggled HTML.

Used three ways: the translators' upload (a bad .po is refused before it touches the disk), the catalogue
tests (the msgfmt --check equivalent for the shipped languages) and the coverage figures. Pure: bytes and
babel Catalog objects in, plain values out.
"""

import io
import re
from dataclasses import dataclass, field

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po

from app.domain.problems import Problem

# A complete Python %-format directive (what both gettext() in Python and Jinja's newstyle gettext apply).
DIRECTIVE = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])")
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdfr]|%[sdfr]|%%")
# A whole tag, attributes included: a translation may only repeat the msgid's tags exactly.
TAG = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>")
UPLOAD_LIMIT = 2 * 1024 * 1024


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
        """Whole percent, rounded down so 99.9 % never shows as 100 %."""
        return 100 if self.total == 0 else (100 * self.translated) // self.total


@dataclass
class Checked:
    catalogue: Catalog | None
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def is_translated(string):
    """A msgstr (or tuple of plural msgstrs) with every form filled in."""
    strings = string if isinstance(string, tuple) else (string,)
    return bool(strings) and all(strings)


def coverage(entries):
    """entries: iterable of (msgstr or tuple of msgstrs, fuzzy). Fuzzy counts as untranslated.

    A plural with some forms empty counts as missing: the .mo would hold an empty string for those numbers.
    """
    translated = fuzzy = missing = 0
    for string, is_fuzzy in entries:
        if is_fuzzy:
            fuzzy += 1
        elif is_translated(string):
            translated += 1
        else:
            missing += 1
    return Coverage(translated, fuzzy, missing)


def catalogue_coverage(catalogue, source_language=False):
    """Coverage of a babel Catalog. In the source language (English) an empty msgstr means "the msgid"."""
    entries = []
    for message in catalogue:
        if not message.id:
            continue
        entries.append((message.id if source_language and not _any(message.string) else message.string,
                        message.fuzzy))
    return coverage(entries)


def _any(string):
    return any(string) if isinstance(string, tuple) else bool(string)


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text or ""))


def _directives(text):
    """(named {(name, conversion)}, positional count, stray percent signs) of a %-format string."""
    named, positional, stray = set(), 0, 0
    position = 0
    for match in DIRECTIVE.finditer(text):
        stray += text.count("%", position, match.start())
        position = match.end()
        if match.group("conv") == "%":
            continue
        if match.group("name") is not None:
            named.add((match.group("name"), match.group("conv")))
        else:
            positional += 1
    stray += text.count("%", position)
    return named, positional, stray


def _tags(text):
    return sorted(" ".join(tag.split()) for tag in TAG.findall(text))


def message_problems(msgid, msgstr, plural_form=False):
    """Problems with one translation of msgid (the msgid_plural for plural forms).

    Placeholders: same named placeholders and conversions, same number of positional ones; a plural form
    may leave out a named placeholder ("one project" needs no number) but never add one (KeyError at run
    time). A lone % that is not a directive breaks formatting. HTML: the translation may only repeat the
    msgid's own tags, attribute for attribute, and no other "<" (Jinja renders translations as markup).
    """
    problems = []
    if not msgstr:
        return problems
    want_named, want_positional, _ = _directives(msgid)
    named, positional, stray = _directives(msgstr)
    if stray and ("%" in msgid):
        problems.append("percent")
    if positional != want_positional or not (named <= want_named if plural_form else named == want_named):
        problems.append("placeholders")
    remainder = TAG.sub("", msgstr)
    if _tags(msgstr) != _tags(msgid) or "<" in remainder:
        problems.append("html")
    return problems


def catalogue_problems(catalogue, nplurals):
    """Every Problem in a catalogue's translations (fuzzy ones included: a translator may un-fuzzy them)."""
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id[0], message.id[1]
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if len(strings) != nplurals:
                problems.append(Problem("plural_forms", values={"msgid": singular, "found": len(strings)}))
                continue
            if any(strings) and not all(strings):
                problems.append(Problem("plural_incomplete", values={"msgid": singular}))
            codes = set()
            for text in strings:  # each form is checked against msgid_plural, which names every placeholder
                codes.update(message_problems(plural, text, plural_form=True))
            problems += [Problem(code, values={"msgid": singular}) for code in sorted(codes)]
        else:
            problems += [Problem(code, values={"msgid": message.id})
                         for code in message_problems(message.id, message.string)]
    return problems


def _count_entries(data):
    """msgid lines outside obsolete (#~) entries: more than the parsed catalogue holds means duplicates."""
    return sum(1 for line in data.splitlines() if line.startswith(b"msgid "))


def check_upload(data, lang, nplurals):
    """Parse and check an uploaded .po for lang; Checked.catalogue is None when it cannot be read at all."""
    if len(data) > UPLOAD_LIMIT:
        return Checked(None, [Problem("catalogue_too_large")])
    try:
        catalogue = read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as error:
        return Checked(None, [Problem("syntax", values={"line": _line_of(error)})])
    except (UnicodeDecodeError, ValueError, LookupError, IndexError, TypeError) as error:
        return Checked(None, [Problem("syntax", values={"error": type(error).__name__})])
    problems = []
    if _count_entries(data) > len(catalogue) + 1:  # + the header entry
        problems.append(Problem("duplicate_msgid"))
    language = (catalogue.locale_identifier or "").replace("-", "_")
    if language.split("_")[0] != lang:
        problems.append(Problem("language", values={"found": language}))
    if catalogue.num_plurals != nplurals:
        problems.append(Problem("plural_header", values={"found": catalogue.num_plurals}))
        return Checked(catalogue, problems)
    problems += catalogue_problems(catalogue, nplurals)
    return Checked(catalogue, problems)


def _line_of(error):
    """The 1-based line of a parse error, or None when the parser does not say."""
    lineno = getattr(error, "lineno", None)
    return None if lineno is None else int(lineno) + 1


@dataclass(frozen=True)
class Merged:
    catalogue: Catalog
    changed: int  # translations that differ from the current catalogue
    ignored: int  # msgids the service no longer uses


def merge_upload(current, uploaded):
    """Take the uploaded translations of the msgids the current catalogue holds; keep its header and order.

    A translator may have downloaded before new strings landed: those stay as they are, and strings the
    code no longer uses are ignored rather than resurrected.
    """
    changed = 0
    known = set()
    for message in current:
        if not message.id:
            continue
        known.add(message.id)
        incoming = uploaded.get(message.id, context=message.context)
        if incoming is None:
            continue
        string = incoming.string
        if isinstance(message.id, tuple) and not isinstance(string, tuple):
            continue
        if string != message.string or incoming.fuzzy != message.fuzzy:
            changed += 1
            message.string = string
            if incoming.fuzzy:
                message.flags.add("fuzzy")
            else:
                message.flags.discard("fuzzy")
    ignored = sum(1 for message in uploaded if message.id and message.id not in known)
    return Merged(current, changed, ignored)
